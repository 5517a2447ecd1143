"""The home page: the open quarters' work, within the user's section.

Which units have not sent their report, the deadline and the days left,
reports sent back to the user's units for correction and, for those who
approve, reports waiting for approval. Every unit and report is read through
the quarterly report view's scoped queries, so an editor sees its own
section only. Then the directives: a user bound to a unit sees its section's
assignments, deadlines and standing, overdue first; the province-wide roles
see the units late in reporting. Last the meeting's tasks: a unit's open
tasks and their deadlines for those bound to it, the overdue ones for the
province-wide roles.
"""
import datetime
from dataclasses import dataclass, field

from admin_views import directives, task_status
from admin_views.access import scope_root, user_role
from admin_views.report_workflow import APPROVERS
from models import DirectiveAssignment, QuarterlyReport, ReportingPeriod

# A duty answered longer ago than this leaves the home page (the directive keeps it).
ANSWERED_SHOWN_DAYS = 90
# The province-wide home page lists this many late units, then links to all.
LATE_SHOWN = 10
# A unit's tasks still owed: what its home page lists.
OPEN_TASK_STATUSES = ("not_started", "in_progress")


@dataclass
class QuarterWork:
    period: ReportingPeriod
    days_left: int | None
    missing: list = field(default_factory=list)  # [(unit, draft report or None)]
    returned: list = field(default_factory=list)  # [(report, reason)]
    waiting: list = field(default_factory=list)  # [report]

    @property
    def deadline_text(self):
        if self.days_left is None:
            return "chưa đặt hạn nộp"
        deadline = self.period.deadline.strftime("%d/%m/%Y")
        if self.days_left > 0:
            return f"hạn nộp {deadline}, còn {self.days_left} ngày"
        if self.days_left == 0:
            return f"hạn nộp hôm nay, {deadline}"
        return f"hạn nộp {deadline}, đã quá hạn {-self.days_left} ngày"


@dataclass
class DirectiveWork:
    confined: bool  # bound to one unit's section: its own duties, else the late units
    standings: list  # [Standing] shown, most urgent first
    late: int  # how many are overdue in all


@dataclass
class TaskWork:
    confined: bool  # bound to one unit's section: its open tasks, else the overdue ones
    assignments: list  # [TaskAssignment] shown, overdue first, then nearest deadline
    overdue: int  # how many are overdue in all
    today: datetime.date

    def deadline_text(self, assignment):
        return task_status.deadline_text(assignment, self.today)

    def is_overdue(self, assignment):
        return task_status.overdue_days(assignment, self.today) > 0


def task_work(admin, today=None):
    """TaskWork for the user's section, or None when it holds no tasks at all."""
    view = _view(admin, "taskassignment")
    if view is None or not view.is_accessible():
        return None
    today = today or datetime.date.today()
    if not task_status.assignments().exists():
        return None
    found = list(task_status.assignments(statuses=OPEN_TASK_STATUSES))
    late = [a for a in found if task_status.overdue_days(a, today)]
    confined = scope_root() is not None
    shown = sorted(late, key=lambda a: a.task.deadline) + [a for a in found if a not in late]
    if not confined:
        shown = late[:LATE_SHOWN]
    return TaskWork(confined, shown, len(late), today)


def report_view(admin):
    return _view(admin, "quarterlyreport")


def _view(admin, endpoint):
    return next((v for v in admin._views if getattr(v, "endpoint", None) == endpoint), None)


def directive_work(admin, today=None):
    """DirectiveWork for the user's section, or None when it reads no directives."""
    view = _view(admin, "directive")
    if view is None or not view.is_accessible():
        return None
    today = today or datetime.date.today()
    found = directives.standings(today=today)
    late = sum(1 for s in found if s.is_late)
    confined = scope_root() is not None
    if confined:
        recent = today - datetime.timedelta(days=ANSWERED_SHOWN_DAYS)
        shown = [s for s in found if s.state in ("overdue", "pending") or s.due >= recent]
    else:
        shown = [s for s in found if s.is_late][:LATE_SHOWN]
    return DirectiveWork(confined, DirectiveAssignment.with_names(shown), late)


def quarter_work(admin, today=None):
    """[QuarterWork] for the newest open quarter and older open ones with work
    left, newest first; [] when the user cannot read reports."""
    view = report_view(admin)
    if view is None or not view.is_accessible():
        return []
    today = today or datetime.date.today()
    parent = view._default_parent()
    if parent is None:
        return []
    periods = (ReportingPeriod.select().where(ReportingPeriod.status == "open")
               .order_by(ReportingPeriod.year.desc(), ReportingPeriod.quarter.desc()))
    approver = user_role() in APPROVERS
    work = []
    for period in periods:
        days = (period.deadline - today).days if period.deadline else None
        item = QuarterWork(period, days)
        for unit, report, _ in view._submission_rows(parent, period):
            if report is not None and report.is_returned:
                item.returned.append((report, report.return_reason))
            elif report is None or not report.is_sent:
                if report is not None or _expected(unit, parent):
                    item.missing.append((unit, report))
            elif report.status == "submitted" and approver:
                item.waiting.append(report)
        # An older quarter still open shows only while something is left to do.
        if not work or item.missing or item.returned or item.waiting:
            work.append(item)
    return work


def _expected(unit, parent):
    """Units that owe a report: the user's own unit, the bloc's units, and
    units below that have reported before (not every commune files one)."""
    if unit.id == parent.id or parent.kind == "khoi":
        return True
    return QuarterlyReport.select().where(QuarterlyReport.organisation == unit.id).exists()
