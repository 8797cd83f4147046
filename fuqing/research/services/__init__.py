"""Research rules (RES-1 … RES-5), one module per topic: topics, reports, cup, books."""
