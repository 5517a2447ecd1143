"""A fresh installation holds the default indicator catalogue of DOMAIN.md,
with exactly those codes: import files and the API use them."""
import re
import unicodedata

from peewee import CharField, DateField, ForeignKeyField, IntegerField, Model, TextField

MEMBER_ORGS = "doan,phunu,nongdan,ccb,ldld"

# code, label, unit, kind, group, reported_by, derived_from
CATALOGUE = [
    ("members_new", "Kết nạp mới đoàn viên, hội viên", "người", "flow", "Tổ chức, hội viên", MEMBER_ORGS, "members_new"),
    ("members_left", "Giảm (thôi sinh hoạt, chuyển đi, từ trần)", "người", "flow", "Tổ chức, hội viên", MEMBER_ORGS, "members_left"),
    ("members_total", "Tổng số đoàn viên, hội viên cuối kỳ", "người", "stock", "Tổ chức, hội viên", MEMBER_ORGS, "members_total"),
    ("eligible_population", "Số đối tượng tập hợp", "người", "stock", "Tổ chức, hội viên", MEMBER_ORGS, None),
    ("coverage_rate", "Tỷ lệ tập hợp (%)", "%", "ratio", "Tổ chức, hội viên", MEMBER_ORGS, None),
    ("party_introduced", "Giới thiệu quần chúng ưu tú cho Đảng xem xét", "người", "flow", "Công tác xây dựng Đảng", "", None),
    ("party_admitted", "Đoàn viên, hội viên được kết nạp Đảng", "người", "flow", "Công tác xây dựng Đảng", "", "party_admitted"),
    ("field_visits", "Lượt đi cơ sở", "lượt", "flow", "Đi cơ sở, tập huấn, tuyên truyền", "", None),
    ("training_courses", "Lớp tập huấn", "lớp", "flow", "Đi cơ sở, tập huấn, tuyên truyền", "", None),
    ("training_participants", "Lượt người tham gia tập huấn", "lượt người", "flow", "Đi cơ sở, tập huấn, tuyên truyền", "", None),
    ("branches", "Số chi hội / chi đoàn / công đoàn cơ sở", "đơn vị", "stock", "Tổ chức, hội viên", MEMBER_ORGS, None),
    ("groups", "Số tổ hội", "tổ", "stock", "Tổ chức, hội viên", MEMBER_ORGS, None),
    ("propaganda_sessions", "Buổi tuyên truyền", "buổi", "flow", "Đi cơ sở, tập huấn, tuyên truyền", "", None),
    ("propaganda_attendance", "Lượt người dự tuyên truyền", "lượt người", "flow", "Đi cơ sở, tập huấn, tuyên truyền", "", None),
    ("funds_mobilised", "Kinh phí vận động (đồng)", "đồng", "flow", "Vận động, an sinh xã hội", "", None),
    ("houses_built", "Nhà xây mới", "căn", "flow", "Vận động, an sinh xã hội", "", None),
    ("houses_repaired", "Nhà sửa chữa", "căn", "flow", "Vận động, an sinh xã hội", "", None),
    ("models_established", "Mô hình thành lập mới", "mô hình", "flow", "Mô hình, tình nguyện", "", None),
    ("volunteer_activities", "Hoạt động tình nguyện", "hoạt động", "flow", "Mô hình, tình nguyện", "", None),
]


def _document(*values):
    text = " ".join(v for v in values if v).replace("đ", "d").replace("Đ", "D")
    text = unicodedata.normalize("NFD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    words = re.findall(r"[a-z0-9]+", text)
    return " " + " ".join(words) + " "


def up(migrator, db):
    class Indicator(Model):
        version = IntegerField(default=1)
        search_text = TextField(default="")
        code = CharField(unique=True, max_length=40)
        label = CharField(max_length=200)
        unit = CharField(max_length=40, default="")
        kind = CharField(max_length=10)
        numerator = ForeignKeyField("self", null=True)
        denominator = ForeignKeyField("self", null=True)
        scale = IntegerField(default=1)
        group = CharField(max_length=100, default="")
        position = IntegerField(default=0)
        reported_by = CharField(max_length=200, default="")
        derived_from = CharField(max_length=20, null=True)
        retired_on = DateField(null=True)

        class Meta:
            database = db
            table_name = "indicator"

    ids = {}
    for position, (code, label, unit, kind, group, reported_by, derived) in enumerate(CATALOGUE, 1):
        existing = Indicator.get_or_none(Indicator.code == code)
        if existing is not None:
            ids[code] = existing.id
            continue
        ids[code] = Indicator.create(
            code=code, label=label, unit=unit, kind=kind, group=group, position=position * 10,
            reported_by=reported_by, derived_from=derived, scale=100 if kind == "ratio" else 1,
            search_text=_document(code, label, group),
        ).id
    (Indicator.update(numerator=ids["members_total"], denominator=ids["eligible_population"])
     .where(Indicator.code == "coverage_rate").execute())


def down(migrator, db):
    codes = ", ".join(f"'{row[0]}'" for row in CATALOGUE)
    db.execute_sql(f"DELETE FROM indicator WHERE code IN ({codes})")
