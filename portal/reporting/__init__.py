"""Quarterly figures: the arithmetic of totals, loading it, and its pages."""
