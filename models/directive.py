"""Directives (văn bản chỉ đạo), who must implement them, and their reports."""
import datetime
from dataclasses import dataclass

from peewee import CharField, DateField, ForeignKeyField, TextField

from models.base import BaseModel, SearchableModel
from models.organisation import Organisation

KIND_CHOICES = [
    (k, k) for k in (
        "Chỉ thị", "Nghị quyết", "Kết luận", "Quy định", "Quyết định", "Đề án",
        "Chương trình hành động", "Kế hoạch", "Hướng dẫn", "Công văn",
    )
]

ISSUERS = (
    "Bộ Chính trị", "Ban Bí thư", "Ban Chấp hành Trung ương", "Chính phủ",
    "Tỉnh ủy", "Ban Thường vụ Tỉnh ủy", "HĐND tỉnh", "UBND tỉnh",
    "Ban Dân vận Tỉnh ủy", "Ủy ban MTTQ Việt Nam tỉnh",
)

RECURRENCE_CHOICES = [("once", "Một lần"), ("yearly", "Hằng năm")]

REPORT_STATUS_CHOICES = [
    ("in_progress", "Đang thực hiện"),
    ("done", "Đã hoàn thành"),
    ("not_started", "Chưa triển khai"),
]


# Where a unit stands with one assignment (DirectiveAssignment.standing).
STANDING_LABELS = {
    "overdue": "Quá hạn, chưa báo cáo",
    "pending": "Chưa đến hạn",
    "reported_late": "Đã báo cáo (muộn)",
    "reported": "Đã báo cáo",
}
STANDING_ORDER = ("overdue", "pending", "reported_late", "reported")


def anniversary(day, year):
    """`day` in another year; 29/02 falls on 28/02 in a common year."""
    try:
        return day.replace(year=year)
    except ValueError:
        return day.replace(year=year, day=28)


@dataclass(frozen=True)
class Standing:
    """One unit's duty under one directive, as of `today`."""

    assignment: "DirectiveAssignment"
    due: datetime.date  # the deadline the state refers to
    state: str  # a key of STANDING_LABELS
    last_report: "ImplementationReport | None"  # the unit's latest report on the directive
    today: datetime.date

    @property
    def label(self):
        return STANDING_LABELS[self.state]

    @property
    def days(self):
        """Days left before `due` (negative: days past it)."""
        return (self.due - self.today).days

    @property
    def is_late(self):
        return self.state == "overdue"

    @property
    def overdue_days(self):
        """Days past `due`, written with Vietnamese thousands ("3.349")."""
        return f"{max(-self.days, 0):,}".replace(",", ".")

    @property
    def detail(self):
        """The state in words, with the days: "Quá hạn 12 ngày, chưa báo cáo"."""
        if self.state == "overdue":
            return f"Quá hạn {self.overdue_days} ngày, chưa báo cáo"
        if self.state == "pending":
            return "Đến hạn hôm nay" if self.days == 0 else f"Chưa đến hạn, còn {self.days} ngày"
        return f"{self.label} ngày {self.last_report.reported_on:%d/%m/%Y}"

    def sort_key(self):
        """Overdue first (longest overdue first), then the nearest deadline."""
        return (STANDING_ORDER.index(self.state), self.due if self.state != "reported" else -self.due.toordinal(),
                self.assignment.organisation_id)


class Directive(SearchableModel):
    verbose_name = "văn bản chỉ đạo"
    search_fields = ("number", "title", "issuer")

    # Kept exactly as written: "11-CT/TU", "137/NQ-HĐND".
    number = CharField(max_length=50)
    kind = CharField(max_length=40, choices=KIND_CHOICES)
    issuer = CharField(max_length=120)
    issued_on = DateField()
    title = TextField()
    attachment = CharField(max_length=255, null=True)
    implements = ForeignKeyField("self", null=True, backref="implemented_by", on_delete="RESTRICT")

    class Meta:
        table_name = "directive"

    def __str__(self):
        return f"{self.number} ({self.issued_on:%d/%m/%Y})" if self.issued_on else self.number


class DirectiveAssignment(BaseModel):
    verbose_name = "đơn vị được giao"

    directive = ForeignKeyField(Directive, backref="assignments", on_delete="RESTRICT")
    organisation = ForeignKeyField(Organisation, backref="directive_assignments", on_delete="RESTRICT")
    deadline = DateField()
    recurrence = CharField(max_length=10, choices=RECURRENCE_CHOICES, default="once")

    class Meta:
        table_name = "directive_assignment"
        indexes = ((("directive", "organisation"), True),)

    def __str__(self):
        return f"{self.organisation.code}: hạn {self.deadline:%d/%m/%Y}"

    def due_date(self, today=None):
        """The deadline now in force: a yearly duty falls due every year."""
        today = today or datetime.date.today()
        if self.recurrence != "yearly" or self.deadline >= today:
            return self.deadline
        due = anniversary(self.deadline, today.year)
        return due if due >= today else anniversary(self.deadline, today.year + 1)

    def standing(self, reports, today=None):
        """Where the unit stands, from its implementation reports on the directive.

        A one-off duty is answered by any report: on time when the first is
        dated by the deadline. A yearly duty is owed once per year: the
        report for the deadline just passed is the first one dated since the
        year before it; while there is none the unit is overdue for that
        deadline. Otherwise it stands by the next deadline, answered by a
        report dated after the one that answered the year before.
        """
        today = today or datetime.date.today()
        reports = sorted(reports, key=lambda r: (r.reported_on, r.id or 0))
        last = reports[-1] if reports else None
        if self.recurrence == "yearly" and today > self.deadline:
            due = self.due_date(today)
            previous = anniversary(self.deadline, due.year - 1)
            began = anniversary(self.deadline, previous.year - 1) if previous > self.deadline else None
            owed = [r for r in reports if began is None or r.reported_on > began]
            if not owed:
                return Standing(self, previous, "overdue", last, today)
            # A late report answers the year just passed, not this one.
            later = owed[1:] if owed[0].reported_on > previous else owed
            reports = [r for r in later if r.reported_on > previous]
        else:
            due = self.deadline
        if reports:
            state = "reported" if reports[0].reported_on <= due else "reported_late"
        else:
            state = "overdue" if today > due else "pending"
        return Standing(self, due, state, last, today)

    @classmethod
    def standings(cls, assignments, today=None):
        """[Standing] of each assignment (a query or list), most urgent first,
        reading the units' implementation reports in one query. The
        assignments' units and directives are not read: see `with_names`."""
        assignments = list(assignments)
        if not assignments:
            return []
        directive_ids = {a.directive_id for a in assignments}
        unit_ids = {a.organisation_id for a in assignments}
        reports = {}
        # Only what a standing needs: rows are many on a full-size province.
        for report in ImplementationReport.select(
                ImplementationReport.id, ImplementationReport.directive, ImplementationReport.organisation,
                ImplementationReport.reported_on, ImplementationReport.status).where(
                ImplementationReport.directive.in_(directive_ids),
                ImplementationReport.organisation.in_(unit_ids)):
            reports.setdefault((report.directive_id, report.organisation_id), []).append(report)
        found = [a.standing(reports.get((a.directive_id, a.organisation_id), []), today) for a in assignments]
        return sorted(found, key=Standing.sort_key)

    @classmethod
    def lean(cls):
        """Assignments with only the columns a standing reads."""
        return cls.select(cls.id, cls.directive, cls.organisation, cls.deadline, cls.recurrence)

    @staticmethod
    def with_names(standings):
        """Give the standings' assignments their unit and directive (names and
        numbers only), in two queries whatever their number; returns them."""
        assignments = [s.assignment for s in standings]
        if not assignments:
            return standings
        units = {o.id: o for o in Organisation.select(Organisation.id, Organisation.code, Organisation.name)
                 .where(Organisation.id.in_({a.organisation_id for a in assignments}))}
        directives = {d.id: d for d in Directive.select(Directive.id, Directive.number, Directive.title)
                      .where(Directive.id.in_({a.directive_id for a in assignments}))}
        for assignment in assignments:
            assignment.organisation = units[assignment.organisation_id]
            assignment.directive = directives[assignment.directive_id]
        return standings


class ImplementationReport(BaseModel):
    verbose_name = "báo cáo thực hiện"

    directive = ForeignKeyField(Directive, backref="reports", on_delete="RESTRICT")
    organisation = ForeignKeyField(Organisation, backref="implementation_reports", on_delete="RESTRICT")
    reported_on = DateField()
    content = TextField()
    status = CharField(max_length=20, choices=REPORT_STATUS_CHOICES, default="in_progress")
    attachment = CharField(max_length=255, null=True)

    class Meta:
        table_name = "implementation_report"
        indexes = ((("directive", "organisation"), False),)

    def __str__(self):
        return f"{self.organisation.code} {self.reported_on:%d/%m/%Y}"
