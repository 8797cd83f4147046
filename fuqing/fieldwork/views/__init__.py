"""Pages of field work (FLD-1 … FLD-6), one module per topic."""
