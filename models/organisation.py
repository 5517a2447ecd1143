"""The organisation tree: bloc → provincial units → … of any depth.

Each node stores its materialised path ("/1/7/23/") so that a subtree is one
indexed prefix range, whatever the depth. Nodes are never deleted once used:
they are dissolved or merged with an effective date, and each move, merge or
dissolution is kept in OrganisationChange.
"""
import datetime

from peewee import (
    CharField, DateField, DateTimeField, Expression, ForeignKeyField, PostgresqlDatabase, TextField,
    Value, fn,
)

from models.base import BaseModel, NameOrdered, SearchableModel, SortKeyField, db
from models.geography import AdministrativeUnit

KIND_CHOICES = [
    ("khoi", "Khối Mặt trận và các đoàn thể"),
    ("mttq", "Mặt trận Tổ quốc"),
    ("doan", "Đoàn Thanh niên"),
    ("phunu", "Hội Liên hiệp Phụ nữ"),
    ("nongdan", "Hội Nông dân"),
    ("ccb", "Hội Cựu chiến binh"),
    ("ldld", "Công đoàn"),
    ("hoi_khac", "Hội quần chúng khác"),
]

LEVEL_CHOICES = [
    ("khoi", "Khối"),
    ("tinh", "Cấp tỉnh"),
    ("huyen", "Cấp huyện (trước 7/2025)"),
    ("xa", "Cấp xã (cơ sở)"),
    ("chi_hoi", "Chi hội / chi đoàn / công đoàn cơ sở"),
    ("to_hoi", "Tổ hội / tổ công đoàn"),
]

CHANGE_CHOICES = [
    ("created", "Thành lập"),
    ("moved", "Chuyển trực thuộc"),
    ("renamed", "Đổi tên"),
    ("merged", "Sáp nhập"),
    ("dissolved", "Giải thể"),
    ("restored", "Hoạt động trở lại"),
]


class Organisation(NameOrdered, SearchableModel):
    verbose_name = "tổ chức"
    search_fields = ("code", "name")
    sort_keys = {"name_key": "name"}

    code = CharField(max_length=30, unique=True)
    name = CharField(max_length=200)
    name_key = SortKeyField(index=True)
    kind = CharField(max_length=20, choices=KIND_CHOICES)
    level = CharField(max_length=20, choices=LEVEL_CHOICES)
    parent = ForeignKeyField("self", null=True, backref="children", on_delete="RESTRICT")
    path = CharField(max_length=400, index=True, default="")
    commune = ForeignKeyField(AdministrativeUnit, null=True, backref="organisations", on_delete="RESTRICT")
    active_from = DateField(null=True)
    active_to = DateField(null=True)
    merged_into = ForeignKeyField("self", null=True, backref="absorbed", on_delete="RESTRICT")

    class Meta:
        table_name = "organisation"
        # The tree as the totals read it, from the index alone (migration 0021).
        indexes = ((("parent", "id", "active_to"), False),)

    def __str__(self):
        return f"{self.name} ({self.code})"

    @property
    def is_active(self):
        return self.active_to is None or self.active_to > datetime.date.today()

    def save(self, *args, **kwargs):
        """Save, then keep this node's path and its whole subtree's in step."""
        result = super().save(*args, **kwargs)
        new_path = self.compute_path()
        if new_path != self.path:
            old_path, self.path = self.path, new_path
            Organisation.update(path=new_path).where(Organisation.id == self.id).execute()
            if old_path:
                tail = fn.SUBSTR(Organisation.path, len(old_path) + 1)
                (Organisation
                 .update(path=Value(new_path).concat(tail))
                 .where(Organisation.under(old_path), Organisation.id != self.id)
                 .execute())
        return result

    def compute_path(self):
        prefix = self.parent.path if self.parent_id else "/"
        return f"{prefix}{self.id}/"

    def is_descendant_of(self, other):
        return bool(other.path) and self.path.startswith(other.path)

    @classmethod
    def under(cls, path):
        """Nodes whose path starts with `path`, as one range of the path index.

        Peewee's startswith() is LIKE on SQLite (which skips a case-sensitive
        index) and ILIKE on PostgreSQL (never indexed). Paths hold only digits
        and "/", so GLOB (SQLite) and a plain LIKE over a text_pattern_ops
        index (PostgreSQL, migration 0008) say the same thing, indexed.
        """
        if isinstance(db.obj, PostgresqlDatabase):
            return Expression(cls.path, "LIKE", path + "%")
        return Expression(cls.path, "GLOB", path + "*")

    @classmethod
    def subtree_ids(cls, root):
        """Ids of `root` and every node below it, as a subquery."""
        return cls.select(cls.id).where(cls.under(root.path))

    def ancestors(self):
        ids = [int(part) for part in self.path.strip("/").split("/") if part]
        by_id = {o.id: o for o in Organisation.select().where(Organisation.id.in_(ids))}
        return [by_id[i] for i in ids if i in by_id]


class OrganisationChange(BaseModel):
    verbose_name = "thay đổi tổ chức"

    organisation = ForeignKeyField(Organisation, backref="changes", on_delete="RESTRICT")
    change = CharField(max_length=20, choices=CHANGE_CHOICES)
    effective_on = DateField()
    old_parent = ForeignKeyField(Organisation, null=True, backref="+", on_delete="RESTRICT")
    new_parent = ForeignKeyField(Organisation, null=True, backref="+", on_delete="RESTRICT")
    note = TextField(null=True)
    recorded_at = DateTimeField(default=datetime.datetime.now)

    class Meta:
        table_name = "organisation_change"

    def __str__(self):
        return f"{dict(CHANGE_CHOICES).get(self.change)} {self.effective_on:%d/%m/%Y}"
