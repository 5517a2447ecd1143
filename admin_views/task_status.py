"""Where each unit stands with the meeting's tasks: the one query behind the
board, the home page, the meeting's task list and the reminders.

Every reader goes through `assignments`, which narrows to the user's section
(an editor sees its own unit's tasks, never another unit's), so the board's
counts and the lists beside them can never disagree about what is in scope.
"""
import datetime
from dataclasses import dataclass

from admin_views.access import organisations_in_scope
from models import Meeting, Organisation
from models.meeting import TASK_STATUS_CHOICES, UNFINISHED, Task, TaskAssignment
from models.reporting import quarter_label

# Badge colour of each status, in the order of TASK_STATUS_CHOICES.
STATUS_BADGES = {"not_started": "secondary", "in_progress": "info", "done": "success", "failed": "danger"}
STATUSES = [value for value, _label in TASK_STATUS_CHOICES]


def overdue_days(assignment, today):
    """Days past the task's deadline while the unit still owes it, else 0."""
    if assignment.status not in UNFINISHED or assignment.status == "failed":
        return 0
    return max((today - assignment.task.deadline).days, 0)


def deadline_text(assignment, today):
    """"Quá hạn 12 ngày", "Còn 3 ngày", "Hạn hôm nay" or "" (done or failed)."""
    if assignment.status in ("done", "failed"):
        return ""
    days = (assignment.task.deadline - today).days
    if days < 0:
        return f"Quá hạn {f'{-days:,}'.replace(',', '.')} ngày"
    if days == 0:
        return "Hạn hôm nay"
    return f"Còn {days} ngày"


def assignments(meeting_id=None, year=None, quarter=None, unit=None, statuses=None, scoped=True):
    """TaskAssignments with their task, meeting and unit loaded (one query),
    narrowed to the user's section; nearest deadline first.

    `year`/`quarter`: the task's deadline falls in that quarter. `unit`: an
    Organisation, its subtree.
    """
    query = (TaskAssignment.select(TaskAssignment, Task, Meeting, Organisation)
             .join(Task).join(Meeting)
             .switch(TaskAssignment).join(Organisation)
             .order_by(Task.deadline, Meeting.year, Meeting.quarter, Task.position, Task.id,
                       Organisation.code))
    if scoped:
        ids = organisations_in_scope()
        if ids is not None:
            query = query.where(TaskAssignment.organisation.in_(ids))
    if meeting_id is not None:
        query = query.where(Task.meeting == meeting_id)
    if year is not None and quarter is not None:
        first = datetime.date(year, 3 * quarter - 2, 1)
        after = datetime.date(year + (quarter == 4), 1 if quarter == 4 else 3 * quarter + 1, 1)
        query = query.where(Task.deadline >= first, Task.deadline < after)
    if unit is not None:
        query = query.where(TaskAssignment.organisation.in_(Organisation.subtree_ids(unit)))
    if statuses is not None:
        query = query.where(TaskAssignment.status.in_(list(statuses)))
    return query


@dataclass
class UnitLine:
    """One unit's row of the board: how many of its tasks stand in each status."""

    unit: Organisation
    counts: dict
    overdue: int

    @property
    def total(self):
        return sum(self.counts.values())


@dataclass
class Board:
    today: datetime.date
    columns: dict  # status → [TaskAssignment], nearest deadline first
    lines: list  # [UnitLine] by unit code
    overdue: int

    @property
    def totals(self):
        return {status: len(found) for status, found in self.columns.items()}

    @property
    def total(self):
        return sum(self.totals.values())


def board(found, today=None):
    """The board of `found` assignments: a column per status and a line per unit."""
    today = today or datetime.date.today()
    columns = {status: [] for status in STATUSES}
    lines = {}
    overdue = 0
    for assignment in found:
        columns[assignment.status].append(assignment)
        line = lines.get(assignment.organisation_id)
        if line is None:
            line = lines[assignment.organisation_id] = UnitLine(
                assignment.organisation, {status: 0 for status in STATUSES}, 0)
        line.counts[assignment.status] += 1
        if overdue_days(assignment, today):
            line.overdue += 1
            overdue += 1
    return Board(today, columns, sorted(lines.values(), key=lambda line: line.unit.code), overdue)


def meeting_choices():
    """(id, label) of every meeting, newest first."""
    return [(m.id, f"{quarter_label(m.year, m.quarter)}: {m.title}")
            for m in Meeting.select(Meeting.id, Meeting.year, Meeting.quarter, Meeting.title)
            .order_by(Meeting.year.desc(), Meeting.quarter.desc())]


@dataclass
class MeetingTasks:
    """What the meeting page shows of its tasks (templates/admin/meetings/_tasks.html)."""

    tasks: list  # [(Task, [TaskAssignment])] by position
    may_add: bool
    today: datetime.date
    badges: dict

    def late(self, assignment):
        days = overdue_days(assignment, self.today)
        return deadline_text(assignment, self.today) if days else ""


def meeting_tasks(meeting, today=None):
    """The meeting's tasks with their units' standing, in the user's section."""
    from admin_views.access import ACCESS, user_role

    grouped = {}
    for assignment in assignments(meeting_id=meeting.id).order_by(Task.position, Task.id, Organisation.code):
        grouped.setdefault(assignment.task_id, (assignment.task, []))[1].append(assignment)
    if organisations_in_scope() is None:
        # Tasks not assigned yet are shown to those who reach every unit.
        for task in Task.select().where(Task.meeting == meeting.id, Task.id.not_in(list(grouped) or [0])):
            grouped[task.id] = (task, [])
    tasks = sorted(grouped.values(), key=lambda pair: (pair[0].position, pair[0].id))
    return MeetingTasks(tasks, user_role() in ACCESS["catalogue"][1], today or datetime.date.today(),
                        STATUS_BADGES)
