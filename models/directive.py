"""Directives (văn bản chỉ đạo), who must implement them, and their reports."""
import datetime

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
        due = self.deadline.replace(year=today.year)
        return due if due >= today else due.replace(year=today.year + 1)


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
