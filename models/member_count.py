"""Member records per organisation, kept by the database (migration 0020).

Every write to `member` adjusts these counts in its own transaction, through
triggers, whoever writes: the application never writes this table.
"""
from peewee import IntegerField, fn

from models.base import BaseModel


class MemberCount(BaseModel):
    verbose_name = "số hội viên"

    # No foreign key: see migrations/0020_member_counts.py.
    organisation_id = IntegerField(primary_key=True)
    members = IntegerField(default=0)
    # Of those, the records holding a citizen ID (migration 0025).
    with_id = IntegerField(default=0)

    class Meta:
        table_name = "member_count"

    def __str__(self):
        return f"{self.organisation_id}: {self.members}"

    @classmethod
    def total(cls, organisation_ids=None):
        """Members of the organisations in `organisation_ids` (a subquery), or of all."""
        query = cls.select(fn.COALESCE(fn.SUM(cls.members), 0))
        if organisation_ids is not None:
            query = query.where(cls.organisation_id.in_(organisation_ids))
        return int(query.scalar())
