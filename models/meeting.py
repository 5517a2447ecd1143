"""The giao ban meeting, the figures read at it, and the tasks it assigns.

A meeting reviews one quarter. Freezing it keeps the totals as read aloud
(`snapshot`, JSON written once by the freeze and never rewritten), so a
report changed afterwards is shown beside the snapshot, not folded into it.
Each conclusion item is a `Task` with a deadline, assigned to one or more
units (`TaskAssignment`, which each unit's editor keeps up to date);
`TaskUpdate` is the history of those updates, with notes and attachments.
"""
import datetime

from peewee import CharField, DateField, DateTimeField, ForeignKeyField, IntegerField, TextField

from models.base import BaseModel, SearchableModel, VersionedModel
from models.organisation import Organisation
from models.reporting import QUARTER_NAMES
from models.user import User

TASK_STATUS_CHOICES = [
    ("not_started", "Chưa thực hiện"),
    ("in_progress", "Đang thực hiện"),
    ("done", "Hoàn thành"),
    ("failed", "Không hoàn thành"),
]
TASK_STATUS_LABELS = dict(TASK_STATUS_CHOICES)
# A task still owed: it goes onto the next meeting's agenda once its deadline passes.
UNFINISHED = ("not_started", "in_progress", "failed")


class Meeting(SearchableModel):
    verbose_name = "hội nghị giao ban"
    search_fields = ("title", "place", "chair")

    year = IntegerField()
    quarter = IntegerField(choices=[(q, f"Quý {n}") for q, n in QUARTER_NAMES.items()])
    title = CharField(max_length=255)
    held_on = DateField()
    place = CharField(max_length=255, default="")
    chair = CharField(max_length=255, default="")
    # People present, one per line ("Đ/c Nguyễn Thị Hoa, Chủ tịch Hội LHPN tỉnh").
    attendees = TextField(default="")
    agenda = TextField(default="")
    assessment = TextField(default="")
    conclusions = TextField(default="")
    # The document numbers ("số/ký hiệu") of the report and the conclusion notice.
    report_number = CharField(max_length=50, default="")
    notice_number = CharField(max_length=50, default="")
    frozen_at = DateTimeField(null=True)
    frozen_by = ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    snapshot = TextField(null=True)

    class Meta:
        table_name = "meeting"
        # One giao ban per quarter: "the meeting of 2025 Q2" names one record.
        indexes = ((("year", "quarter"), True),)

    def __str__(self):
        return self.title or f"Giao ban quý {self.quarter}/{self.year}"


class MeetingUnit(BaseModel):
    """A unit that attended the meeting."""

    verbose_name = "đơn vị dự họp"

    meeting = ForeignKeyField(Meeting, backref="units", on_delete="CASCADE")
    organisation = ForeignKeyField(Organisation, backref="+", on_delete="RESTRICT")

    class Meta:
        table_name = "meeting_unit"
        indexes = ((("meeting", "organisation"), True),)

    def __str__(self):
        return self.organisation.name


class Task(SearchableModel):
    verbose_name = "nhiệm vụ"
    search_fields = ("title",)

    meeting = ForeignKeyField(Meeting, backref="tasks", on_delete="RESTRICT")
    position = IntegerField(default=0)
    title = TextField()
    deadline = DateField()

    class Meta:
        table_name = "task"
        indexes = ((("meeting", "position"), False), (("deadline",), False))

    def __str__(self):
        return self.title if len(self.title) <= 80 else self.title[:79] + "…"


class TaskAssignment(VersionedModel):
    """One unit's part in a task: its status as the unit last reported it."""

    verbose_name = "nhiệm vụ của đơn vị"

    task = ForeignKeyField(Task, backref="assignments", on_delete="RESTRICT")
    organisation = ForeignKeyField(Organisation, backref="task_assignments", on_delete="RESTRICT")
    status = CharField(max_length=12, choices=TASK_STATUS_CHOICES, default="not_started")
    note = TextField(default="")
    attachment = CharField(max_length=255, null=True)
    updated_at = DateTimeField(null=True)

    class Meta:
        table_name = "task_assignment"
        indexes = ((("task", "organisation"), True), (("organisation", "status"), False))

    def __str__(self):
        return f"{self.organisation.code}: {self.task}"

    @property
    def status_label(self):
        return TASK_STATUS_LABELS[self.status]

    def is_overdue(self, today=None):
        return self.status in UNFINISHED and self.task.deadline < (today or datetime.date.today())


class TaskUpdate(BaseModel):
    """One progress update by a unit: the status it set, its note and file."""

    verbose_name = "cập nhật tiến độ"

    assignment = ForeignKeyField(TaskAssignment, backref="updates", on_delete="RESTRICT")
    # The assignment's unit, kept here so updates are scoped like every owned row.
    organisation = ForeignKeyField(Organisation, backref="+", on_delete="RESTRICT")
    status = CharField(max_length=12, choices=TASK_STATUS_CHOICES)
    note = TextField(default="")
    attachment = CharField(max_length=255, null=True)
    author = ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    created_at = DateTimeField(default=datetime.datetime.now)

    class Meta:
        table_name = "task_update"
        indexes = ((("assignment", "created_at"), False),)

    def __str__(self):
        return f"{TASK_STATUS_LABELS[self.status]} ({self.created_at:%d/%m/%Y})"
