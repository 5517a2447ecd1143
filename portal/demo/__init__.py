"""Demo data: a believable Gia Lai province for trying the portal (see builder.py)."""
from portal.demo.builder import AlreadySeeded, NotMigrated, build, check_empty

__all__ = ["AlreadySeeded", "NotMigrated", "build", "check_empty"]
