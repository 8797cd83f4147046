"""Research pages, one module per topic."""
