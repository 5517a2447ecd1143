"""Members (đoàn viên / hội viên): one record per person per organisation."""
import datetime
import re

from peewee import CharField, DateField, ForeignKeyField, TextField

from models.base import NameOrdered, SearchableModel, SortKeyField
from models.choices import ETHNICITY_CHOICES, GENDER_CHOICES, RELIGION_CHOICES
from models.geography import Village
from models.organisation import Organisation

STATUS_CHOICES = [
    ("active", "Đang sinh hoạt"),
    ("left", "Thôi sinh hoạt"),
    ("moved", "Chuyển đi"),
    ("deceased", "Từ trần"),
]

# Shown and exported only to users whose scope covers the member.
SENSITIVE_FIELDS = (
    "ethnicity", "religion", "citizen_id", "phone",
    "party_introduced_on", "party_admitted_on",
)

CITIZEN_ID = re.compile(r"^\d{12}$")
PHONE = re.compile(r"^(\+84|0)\d{9,10}$")
EARLIEST_BIRTH = datetime.date(1900, 1, 1)


class Member(NameOrdered, SearchableModel):
    verbose_name = "hội viên"
    search_fields = ("full_name", "card_number", "citizen_id")
    sort_keys = {"full_name_key": "full_name"}

    full_name = CharField(max_length=120)
    full_name_key = SortKeyField()
    gender = CharField(max_length=3, choices=GENDER_CHOICES)
    date_of_birth = DateField(null=True)
    ethnicity = CharField(max_length=30, choices=ETHNICITY_CHOICES, null=True)
    religion = CharField(max_length=20, choices=RELIGION_CHOICES, null=True)
    citizen_id = CharField(max_length=12, null=True)
    phone = CharField(max_length=15, null=True)
    village = ForeignKeyField(Village, null=True, backref="members", on_delete="RESTRICT")
    branch = ForeignKeyField(Organisation, backref="members", on_delete="RESTRICT")
    card_number = CharField(max_length=30, null=True)
    joined_on = DateField(null=True)
    status = CharField(max_length=10, choices=STATUS_CHOICES, default="active", index=True)
    left_on = DateField(null=True)
    leave_reason = TextField(null=True)
    party_introduced_on = DateField(null=True)
    party_admitted_on = DateField(null=True)

    class Meta:
        table_name = "member"
        # (full_name_key, id): the list's default order, walked instead of sorted.
        # (id, full_name_key): a search's matches are sorted by name from this
        # narrow index instead of from their whole rows (models/search.py).
        indexes = ((("branch", "full_name_key"), False), (("full_name_key", "id"), False),
                   (("id", "full_name_key"), False),
                   # People counted once (portal/reporting/people.py), read from
                   # these alone: the records of each citizen ID held more than
                   # once, and the records that were not members on a date: joined
                   # after it, or (member_left_on_people, below) left by it. The
                   # first also serves every lookup by citizen ID.
                   (("citizen_id", "branch", "joined_on", "left_on"), False),
                   (("joined_on", "branch", "citizen_id"), False),
                   # The list filtered by status and gender counts from this alone (0022).
                   (("status", "gender"), False))

    def __str__(self):
        return self.full_name

    def problems(self, today=None):
        """Field name → Vietnamese message, for every rule this record breaks."""
        today = today or datetime.date.today()
        found = {}
        if not (self.full_name or "").strip():
            found["full_name"] = "Họ và tên không được để trống."
        if self.citizen_id and not CITIZEN_ID.match(self.citizen_id):
            found["citizen_id"] = "Số CCCD phải gồm đúng 12 chữ số."
        if self.phone and not PHONE.match(self.phone.replace(" ", "")):
            found["phone"] = "Số điện thoại không hợp lệ (10–11 chữ số, bắt đầu bằng 0 hoặc +84)."
        born = self.date_of_birth
        if born and not (EARLIEST_BIRTH <= born <= today):
            found["date_of_birth"] = "Ngày sinh phải sau 01/01/1900 và không sau hôm nay."
        for name, label in (
            ("joined_on", "Ngày vào tổ chức"),
            ("left_on", "Ngày thôi sinh hoạt"),
            ("party_introduced_on", "Ngày giới thiệu cho Đảng"),
            ("party_admitted_on", "Ngày kết nạp Đảng"),
        ):
            value = getattr(self, name)
            if value and value > today:
                found[name] = f"{label} không được sau hôm nay."
            elif value and born and value < born:
                found[name] = f"{label} không được trước ngày sinh."
        if self.joined_on and self.left_on and self.left_on < self.joined_on:
            found["left_on"] = "Ngày thôi sinh hoạt không được trước ngày vào tổ chức."
        if self.status == "active" and self.left_on:
            found["left_on"] = "Hội viên đang sinh hoạt thì không có ngày thôi sinh hoạt."
        if self.status != "active" and not self.left_on:
            found["left_on"] = "Cần ghi ngày thôi sinh hoạt, chuyển đi hoặc từ trần."
        if (self.party_introduced_on and self.party_admitted_on
                and self.party_admitted_on < self.party_introduced_on):
            found["party_admitted_on"] = "Ngày kết nạp Đảng không được trước ngày giới thiệu."
        if self.citizen_id and "citizen_id" not in found and self.branch_id:
            twin = self.same_person_in_unit()
            if twin is not None:
                found["citizen_id"] = (
                    f"Số CCCD đã có ở hội viên {twin.full_name} của cùng tổ chức."
                )
        return found

    @classmethod
    def in_membership_on(cls, day):
        """Records of people who were members on `day`: joined by then, not yet
        left. The quarterly member figures and the people counts share it."""
        return ((cls.joined_on.is_null() | (cls.joined_on <= day))
                & (cls.left_on.is_null() | (cls.left_on > day)))

    def same_person_in_unit(self):
        """Another record of this citizen ID under the same provincial unit."""
        top_two = [part for part in self.branch.path.split("/") if part][:2]
        unit_path = "/" + "/".join(top_two) + "/"
        query = (Member.select(Member.id, Member.full_name)
                 .join(Organisation)
                 .where(Member.citizen_id == self.citizen_id,
                        Organisation.under(unit_path)))
        if self.id:
            query = query.where(Member.id != self.id)
        return query.first()


# Only the records that left (one in twenty): the people counts subtract
# those that had left by a date (migration 0025).
Member.add_index(Member.index(Member.left_on, Member.branch, Member.joined_on, Member.citizen_id,
                              name="member_left_on_people").where(Member.left_on.is_null(False)))
