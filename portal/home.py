"""The home page: the open quarters' work, within the user's section.

Which units have not sent their report, the deadline and the days left,
reports sent back to the user's units for correction and, for those who
approve, reports waiting for approval. Every unit and report is read through
the quarterly report view's scoped queries, so an editor sees its own
section only.
"""
import datetime
from dataclasses import dataclass, field

from admin_views.report_pages import _reopen_reason
from admin_views.report_workflow import APPROVERS
from admin_views.access import user_role
from models import QuarterlyReport, ReportingPeriod


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


def report_view(admin):
    return next((v for v in admin._views if getattr(v, "endpoint", None) == "quarterlyreport"), None)


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
            if report is None or report.submitted_at is None:
                if report is not None or _expected(unit, parent):
                    item.missing.append((unit, report))
            elif report.status == "draft":
                item.returned.append((report, _reopen_reason(report)))
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
