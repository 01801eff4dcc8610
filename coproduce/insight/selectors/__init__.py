"""Reads that cross relations, one module per area."""
