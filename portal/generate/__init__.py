"""A synthetic province at full scale (see builder.py): `flask --app wsgi generate`."""
from portal.generate.builder import Summary, generate
from portal.generate.shape import COMMUNES_FULL, COMMUNES_MIN

__all__ = ["COMMUNES_FULL", "COMMUNES_MIN", "Summary", "generate"]
