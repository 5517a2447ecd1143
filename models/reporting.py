"""Quarterly reporting: the indicator catalogue, reporting quarters, reports and figures."""
import datetime
import re

from peewee import (
    BigIntegerField, Case, CharField, DateField, DateTimeField, ForeignKeyField, IntegerField, TextField, fn,
)

from models.base import BaseModel, SearchableModel, VersionedModel
from models.member import Member
from models.organisation import Organisation

KIND_CHOICES = [
    ("flow", "Cộng dồn theo quý (lưu lượng)"),
    ("stock", "Số cuối kỳ (lấy quý cuối)"),
    ("ratio", "Tỷ lệ (tính từ hai chỉ tiêu)"),
]

# Figures a report can take from the member records instead of typing them.
DERIVED_CHOICES = [
    ("members_new", "Kết nạp mới trong quý"),
    ("members_left", "Thôi sinh hoạt, chuyển đi, từ trần trong quý"),
    ("members_total", "Đang sinh hoạt cuối quý"),
    ("party_admitted", "Được kết nạp Đảng trong quý"),
]

PERIOD_STATUS_CHOICES = [("open", "Đang mở"), ("closed", "Đã khoá")]

REPORT_STATUS_CHOICES = [
    ("draft", "Bản nháp"),
    ("submitted", "Đã gửi"),
    ("approved", "Đã duyệt (khoá)"),
]

QUARTER_NAMES = {1: "I", 2: "II", 3: "III", 4: "IV"}


def quarter_label(year, quarter):
    return f"Quý {QUARTER_NAMES[quarter]}/{year}"


def quarter_end(year, quarter):
    month = quarter * 3
    next_first = datetime.date(year + (month == 12), month % 12 + 1, 1)
    return next_first - datetime.timedelta(days=1)


def quarter_start(year, quarter):
    return datetime.date(year, quarter * 3 - 2, 1)


def previous_quarter(year, quarter):
    return (year, quarter - 1) if quarter > 1 else (year - 1, 4)


class Indicator(SearchableModel):
    verbose_name = "chỉ tiêu"
    search_fields = ("code", "label", "group")

    # Stable codes used by import files and the API: never renamed.
    code = CharField(max_length=40, unique=True)
    label = CharField(max_length=200)
    unit = CharField(max_length=40, default="")
    kind = CharField(max_length=10, choices=KIND_CHOICES)
    numerator = ForeignKeyField("self", null=True, backref="+", on_delete="RESTRICT")
    denominator = ForeignKeyField("self", null=True, backref="+", on_delete="RESTRICT")
    # A ratio is shown multiplied by this (100 for a percentage).
    scale = IntegerField(default=1)
    group = CharField(max_length=100, default="")
    position = IntegerField(default=0)
    # Organisation kinds that report it ("phunu,nongdan"); empty: every kind.
    reported_by = CharField(max_length=200, default="")
    derived_from = CharField(max_length=20, choices=DERIVED_CHOICES, null=True)
    retired_on = DateField(null=True)

    class Meta:
        table_name = "indicator"

    def __str__(self):
        return f"{self.label} ({self.code})"

    def problems(self):
        """Field name → Vietnamese message for every catalogue rule this entry breaks."""
        from models.organisation import KIND_CHOICES as ORG_KINDS

        found = {}
        if not re.fullmatch(r"[a-z][a-z0-9_]{1,39}", self.code or ""):
            found["code"] = "Mã chỉ gồm chữ thường không dấu, chữ số và dấu gạch dưới, ví dụ members_new."
        elif self.id:
            stored = Indicator.get_by_id(self.id)
            if stored.code != self.code and stored.values.exists():
                found["code"] = "Chỉ tiêu đã có số liệu: không đổi mã (các tệp nhập dùng mã này)."
        if self.kind == "ratio":
            if not (self.numerator_id and self.denominator_id):
                found["numerator"] = "Chỉ tiêu tỷ lệ cần chọn tử số và mẫu số."
            elif self.numerator_id == self.denominator_id or self.id in (self.numerator_id, self.denominator_id):
                found["numerator"] = "Tử số và mẫu số phải là hai chỉ tiêu khác nhau, khác chính chỉ tiêu này."
            elif {self.numerator.kind, self.denominator.kind} & {"ratio"}:
                found["numerator"] = "Tử số và mẫu số phải là chỉ tiêu số lượng, không phải tỷ lệ."
        elif self.numerator_id or self.denominator_id:
            found["numerator"] = "Chỉ chỉ tiêu tỷ lệ mới có tử số và mẫu số."
        if not self.scale or self.scale < 1:
            found["scale"] = "Hệ số nhân phải là số nguyên dương (100 cho tỷ lệ phần trăm)."
        known = {code for code, _ in ORG_KINDS}
        unknown = [k.strip() for k in (self.reported_by or "").split(",") if k.strip() and k.strip() not in known]
        if unknown:
            found["reported_by"] = f"Không có loại tổ chức: {', '.join(unknown)} (dùng: {', '.join(sorted(known))})."
        return found

    def applies_to(self, organisation_kind):
        kinds = {k.strip() for k in self.reported_by.split(",") if k.strip()}
        return not kinds or organisation_kind in kinds

    @classmethod
    def in_force(cls, on=None):
        on = on or datetime.date.today()
        return (cls.select()
                .where(cls.retired_on.is_null() | (cls.retired_on > on))
                .order_by(cls.position, cls.id))

    @classmethod
    def for_quarter(cls, organisation_kind, year, quarter):
        """What a unit of this kind reports for a quarter, in catalogue order.

        In force at the quarter's first day, like the importer: an indicator
        retired mid-quarter still takes that quarter's figure.
        """
        return [indicator for indicator in cls.in_force(quarter_start(year, quarter))
                if indicator.applies_to(organisation_kind)]


class ReportingPeriod(VersionedModel):
    verbose_name = "kỳ báo cáo"

    year = IntegerField()
    quarter = IntegerField(choices=[(q, f"Quý {n}") for q, n in QUARTER_NAMES.items()])
    deadline = DateField(null=True)
    status = CharField(max_length=10, choices=PERIOD_STATUS_CHOICES, default="open")
    opened_at = DateTimeField(default=datetime.datetime.now)
    note = TextField(null=True)

    class Meta:
        table_name = "reporting_period"
        indexes = ((("year", "quarter"), True),)

    def __str__(self):
        return quarter_label(self.year, self.quarter)

    @property
    def ends_on(self):
        return quarter_end(self.year, self.quarter)

    @property
    def starts_on(self):
        return quarter_start(self.year, self.quarter)

    @property
    def is_open(self):
        return self.status == "open"

    @classmethod
    def find(cls, year, quarter):
        return cls.get_or_none(cls.year == year, cls.quarter == quarter)

    def previous(self):
        """The quarter before this one, if it was ever opened."""
        return ReportingPeriod.find(*previous_quarter(self.year, self.quarter))

    def is_late(self, submitted_at, today=None):
        """Submitted after the deadline, or not submitted and the deadline passed."""
        if self.deadline is None:
            return False
        if submitted_at is not None:
            return submitted_at.date() > self.deadline
        return (today or datetime.date.today()) > self.deadline

    def member_figures(self, organisation):
        """{derived_from: count} over the member records of `organisation`'s
        subtree for this quarter, or None when the subtree keeps no member
        records in the portal (then there is nothing to compare with)."""
        start, end = self.starts_on, self.ends_on

        def counted(condition):
            return fn.COALESCE(fn.SUM(Case(None, [(condition, 1)], 0)), 0)

        still_member = Member.in_membership_on(end)
        row = (Member
               .select(fn.COUNT(Member.id),
                       counted(Member.joined_on.between(start, end)),
                       counted(Member.left_on.between(start, end) & (Member.status != "active")),
                       counted(still_member),
                       counted(Member.party_admitted_on.between(start, end)))
               .where(Member.branch.in_(Organisation.subtree_ids(organisation)))
               .tuples().get())
        if not row[0]:
            return None
        names = ("members_new", "members_left", "members_total", "party_admitted")
        return {name: int(count) for name, count in zip(names, row[1:])}


class QuarterlyReport(VersionedModel):
    verbose_name = "báo cáo quý"

    organisation = ForeignKeyField(Organisation, backref="quarterly_reports", on_delete="RESTRICT")
    period = ForeignKeyField(ReportingPeriod, backref="reports", on_delete="RESTRICT")
    status = CharField(max_length=10, choices=REPORT_STATUS_CHOICES, default="draft", index=True)
    # The submission now standing: empty while the report is a draft, so a
    # report sent back or reopened is neither "sent" nor late from the time
    # it was first sent; sending it again decides.
    submitted_at = DateTimeField(null=True)
    approved_at = DateTimeField(null=True)
    # When and why the secretariat last sent it back (or reopened it), kept
    # until the unit sends it again: what the unit has to correct.
    returned_at = DateTimeField(null=True)
    return_reason = TextField(null=True)
    note = TextField(null=True)

    class Meta:
        table_name = "quarterly_report"
        indexes = ((("organisation", "period"), True),)

    def __str__(self):
        return f"{self.organisation.code} – {self.period}"

    @property
    def locked(self):
        return self.status == "approved"

    @property
    def is_late(self):
        return self.period.is_late(self.submitted_at)

    @property
    def is_sent(self):
        """Counts as "Đã gửi": submitted or approved, never a draft."""
        return self.status in ("submitted", "approved")

    @property
    def is_returned(self):
        """A draft the secretariat sent back (or reopened), awaiting the unit."""
        return self.status == "draft" and self.return_reason is not None

    def figures(self):
        """{indicator id: value} as stored."""
        return dict(ReportValue.select(ReportValue.indicator, ReportValue.value)
                    .where(ReportValue.report == self.id).tuples())

    def previous(self):
        """The same unit's report for the quarter before, if any."""
        year, quarter = previous_quarter(self.period.year, self.period.quarter)
        return QuarterlyReport.find(self.organisation_id, year, quarter)

    @classmethod
    def find(cls, organisation_id, year, quarter):
        return (cls.select().join(ReportingPeriod)
                .where(cls.organisation == organisation_id,
                       ReportingPeriod.year == year, ReportingPeriod.quarter == quarter)
                .first())


class ReportValue(BaseModel):
    verbose_name = "số liệu"

    report = ForeignKeyField(QuarterlyReport, backref="values", on_delete="RESTRICT")
    indicator = ForeignKeyField(Indicator, backref="values", on_delete="RESTRICT")
    value = BigIntegerField()

    class Meta:
        table_name = "report_value"
        indexes = ((("report", "indicator"), True),)

    def __str__(self):
        return f"{self.indicator.code} = {self.value}"
