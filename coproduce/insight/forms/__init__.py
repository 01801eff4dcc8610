"""Forms of the insight pages, one module per area."""
