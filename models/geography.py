"""Administrative geography: province → (district) → commune → village."""
from peewee import BooleanField, CharField, DateField, ForeignKeyField

from models.base import NameOrdered, SearchableModel, SortKeyField

UNIT_KIND_CHOICES = [
    ("tinh", "Tỉnh"),
    ("huyen", "Huyện / thị xã / thành phố (trước 7/2025)"),
    ("xa", "Xã"),
    ("phuong", "Phường"),
    ("thi_tran", "Thị trấn"),
    ("dac_khu", "Đặc khu"),
]

VILLAGE_KIND_CHOICES = [
    ("thon", "Thôn"),
    ("lang", "Làng"),
    ("buon", "Buôn"),
    ("plei", "Plei"),
    ("to_dan_pho", "Tổ dân phố"),
    ("ap", "Ấp"),
    ("khom", "Khóm"),
]


class AdministrativeUnit(NameOrdered, SearchableModel):
    verbose_name = "đơn vị hành chính"
    search_fields = ("code", "name")
    sort_keys = {"name_key": "name"}

    code = CharField(max_length=20, unique=True)
    name = CharField(max_length=150)
    name_key = SortKeyField(index=True)
    kind = CharField(max_length=20, choices=UNIT_KIND_CHOICES)
    parent = ForeignKeyField("self", null=True, backref="children", on_delete="RESTRICT")
    active_from = DateField(null=True)
    active_to = DateField(null=True)
    merged_into = ForeignKeyField(
        "self", null=True, backref="merged_units", on_delete="RESTRICT"
    )

    class Meta:
        table_name = "administrative_unit"

    def __str__(self):
        return self.name


class Village(NameOrdered, SearchableModel):
    verbose_name = "thôn, làng"
    search_fields = ("code", "name", "ethnic_groups")
    sort_keys = {"name_key": "name"}

    code = CharField(max_length=20, unique=True)
    name = CharField(max_length=150)
    name_key = SortKeyField(index=True)
    kind = CharField(max_length=20, choices=VILLAGE_KIND_CHOICES, default="thon")
    commune = ForeignKeyField(AdministrativeUnit, backref="villages", on_delete="RESTRICT")
    ethnic_minority = BooleanField(default=False)
    # Main ethnic groups as written by the commune, e.g. "Jrai, Bahnar".
    ethnic_groups = CharField(max_length=200, null=True)
    active_from = DateField(null=True)
    active_to = DateField(null=True)
    merged_into = ForeignKeyField("self", null=True, backref="merged_villages", on_delete="RESTRICT")

    class Meta:
        table_name = "village"

    def __str__(self):
        return self.name
