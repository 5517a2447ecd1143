"""A fresh installation starts with the bloc root and its six provincial units."""
from peewee import CharField, DateField, ForeignKeyField, IntegerField, Model, TextField

UNITS = [
    ("MTTQ", "Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh", "mttq"),
    ("DOAN", "Tỉnh đoàn", "doan"),
    ("PHUNU", "Hội Liên hiệp Phụ nữ tỉnh", "phunu"),
    ("NONGDAN", "Hội Nông dân tỉnh", "nongdan"),
    ("CCB", "Hội Cựu chiến binh tỉnh", "ccb"),
    ("LDLD", "Liên đoàn Lao động tỉnh", "ldld"),
]


def _fold(text):
    import unicodedata

    text = text.replace("đ", "d").replace("Đ", "D")
    text = unicodedata.normalize("NFD", text)
    return "".join(c for c in text if not unicodedata.combining(c)).lower()


def _document(*values):
    import re

    words = re.findall(r"[a-z0-9]+", _fold(" ".join(values)))
    return " " + " ".join(words) + " "


def up(migrator, db):
    class Organisation(Model):
        version = IntegerField(default=1)
        search_text = TextField(default="")
        code = CharField(unique=True, max_length=30)
        name = CharField(max_length=200)
        kind = CharField(max_length=20)
        level = CharField(max_length=20)
        parent = ForeignKeyField("self", null=True)
        path = CharField(max_length=400, default="")
        active_from = DateField(null=True)

        class Meta:
            database = db
            table_name = "organisation"

    class Setting(Model):
        key = CharField(unique=True, max_length=60)
        value = TextField(default="")

        class Meta:
            database = db
            table_name = "setting"

    if not Setting.select().where(Setting.key == "province_name").exists():
        Setting.create(key="province_name", value="Gia Lai")
    if Organisation.select().where(Organisation.code == "KHOI").exists():
        return
    name = "Khối Mặt trận Tổ quốc và các tổ chức chính trị - xã hội tỉnh"
    root = Organisation.create(code="KHOI", name=name, kind="khoi", level="khoi",
                               search_text=_document("KHOI", name))
    root.path = f"/{root.id}/"
    root.save()
    for code, unit_name, kind in UNITS:
        unit = Organisation.create(code=code, name=unit_name, kind=kind, level="tinh", parent=root,
                                   search_text=_document(code, unit_name))
        unit.path = f"{root.path}{unit.id}/"
        unit.save()


def down(migrator, db):
    db.execute_sql("DELETE FROM organisation WHERE code IN ('KHOI', 'MTTQ', 'DOAN', 'PHUNU', 'NONGDAN', 'CCB', 'LDLD')")
