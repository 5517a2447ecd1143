"""The meeting's Word documents: the quarter's report and the conclusion notice."""
from portal.documents.render import document, for_quarter

__all__ = ["document", "for_quarter"]
