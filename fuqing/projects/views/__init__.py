"""Pages of livelihood projects, one module per topic."""
