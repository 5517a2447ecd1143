"""The periodic reminder scan: deadlines coming and deadlines missed.

The job queue's housekeeping (once a minute) calls `scan`. Each source
yields the reminders due today; `notify` writes each one once per user per
key, so running the scan again (or in two processes at once) changes
nothing. A source is a function `today -> iterable of Reminder`; the quarterly
report deadlines are the first, and other record types with deadlines (the
meeting's tasks) add theirs with `register`.
"""
import datetime
import logging
from typing import NamedTuple

from models import Organisation, QuarterlyReport, ReportingPeriod, User, db
from models.reporting import quarter_label
from portal.notifications import centre

log = logging.getLogger(__name__)

# How many days before a deadline the unit's editors are reminded.
DUE_SOON_DAYS = 7

TEXT = {
    "due_title": "Sắp đến hạn nộp báo cáo {quarter} của {unit}",
    "due_body": ("Hạn nộp báo cáo {quarter} của {name} là {deadline} ({left}). "
                 "Báo cáo chưa được gửi."),
    "left": "còn {days} ngày",
    "today": "hôm nay là hạn cuối",
    "overdue_title": "Quá hạn nộp báo cáo {quarter} của {unit}",
    "overdue_body": ("Hạn nộp báo cáo {quarter} của {name} là {deadline}, đã quá {days} ngày. "
                     "Báo cáo chưa được gửi: hãy nhập và gửi báo cáo."),
}


class Reminder(NamedTuple):
    user_ids: list
    kind: str
    key: str
    title: str
    body: str
    link: str


SOURCES = []


def register(source):
    """Add a source of reminders (a function today -> iterable of Reminder)."""
    if source not in SOURCES:
        SOURCES.append(source)
    return source


def scan(today=None):
    """Give every reminder due `today`; how many notifications were written."""
    today = today or datetime.date.today()
    written = 0
    for source in SOURCES:
        # Read whole before the first write: a source's query left open holds
        # an old snapshot, and SQLite refuses at once to write from one when
        # another process has committed since ("database is locked").
        for reminder in list(source(today)):
            # Most reminders were given at an earlier pass: found by a read, they
            # take no write lock (SQLite has one, shared with every user's save).
            users = centre.not_yet_told(reminder.user_ids, reminder.key)
            if not users:
                continue
            with db.atomic():
                written += centre.notify(users, reminder.kind, reminder.title, reminder.body,
                                         reminder.link, key=reminder.key)
    return written


@register
def report_deadlines(today):
    """For each open quarter whose deadline is at most DUE_SOON_DAYS away or
    past: the units with editors whose report is not submitted (none yet, or
    a draft, reopened ones included)."""
    periods = list(ReportingPeriod.select().where(
        ReportingPeriod.status == "open", ReportingPeriod.deadline.is_null(False),
        ReportingPeriod.deadline <= today + datetime.timedelta(days=DUE_SOON_DAYS)))
    if not periods:
        return
    editors = {}
    for user_id, unit_id in (User.select(User.id, User.organisation)
                             .join(Organisation, on=(User.organisation == Organisation.id))
                             .where(User.role == "editor", User.is_enabled == True,  # noqa: E712
                                    Organisation.kind != "khoi").tuples()):
        editors.setdefault(unit_id, []).append(user_id)
    if not editors:
        return
    for period in periods:
        units = (Organisation.select().where(
            Organisation.id.in_(list(editors)),
            Organisation.active_from.is_null() | (Organisation.active_from <= period.ends_on),
            Organisation.active_to.is_null() | (Organisation.active_to > period.starts_on)))
        reports = {r.organisation_id: r for r in QuarterlyReport.select().where(
            QuarterlyReport.period == period.id, QuarterlyReport.organisation.in_(list(editors)))}
        for unit in units:
            report = reports.get(unit.id)
            if report is not None and report.status != "draft":
                continue
            yield _deadline_reminder(editors[unit.id], unit, period, report, today)


def _deadline_reminder(user_ids, unit, period, report, today):
    quarter = quarter_label(period.year, period.quarter)
    days = (period.deadline - today).days
    words = {"quarter": quarter, "unit": unit.code, "name": unit.name,
             "deadline": f"{period.deadline:%d/%m/%Y}"}
    if days < 0:
        kind = "report_overdue"
        title = TEXT["overdue_title"].format(**words)
        body = TEXT["overdue_body"].format(days=-days, **words)
    else:
        kind = "report_due"
        left = TEXT["left"].format(days=days) if days else TEXT["today"]
        title = TEXT["due_title"].format(**words)
        body = TEXT["due_body"].format(left=left, **words)
    link = centre.report_link(report, unit.id, period.id)
    return Reminder(user_ids, kind, f"{kind}:{unit.id}:{period.id}", title, body, link)
