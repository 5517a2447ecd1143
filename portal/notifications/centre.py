"""Creating notifications: who is told what, with a link to the thing.

Every event goes through `notify`, inside the caller's transaction: a
change rolled back takes its notifications with it. Nothing here sends
mail: a row that should also go by e-mail is marked pending, and the job
queue's housekeeping sends it (portal/notifications/mail.py), never the
request that caused it.
"""
import datetime

from flask import current_app, has_app_context

from models import Notification, Organisation, User
from models.reporting import quarter_label

TITLE_LENGTH = Notification.title.max_length
KEY_LENGTH = Notification.key.max_length

TEXT = {
    "returned_title": "Báo cáo {quarter} của {unit} được trả lại để sửa",
    "returned_body": "Văn phòng Khối đã trả báo cáo {quarter} của {name} về bản nháp. Lý do: {reason}",
    "job_done": "{title}: đã xong",
    "job_failed": "{title}: không thành công",
    "job_done_body": "Tác vụ «{title}» đã hoàn thành. {message}",
    "job_failed_body": "Tác vụ «{title}» không thành công. {message}",
}


def link_to(endpoint, **values):
    """The portal path of `endpoint` (no request needed: jobs and the scan have none)."""
    return current_app.url_map.bind("localhost").build(endpoint, values)


def notify(user_ids, kind, title, body="", link="", key=None):
    """Tell each of `user_ids`; with a `key`, at most once per user whatever
    the number of calls. How many rows were written."""
    user_ids = sorted(set(user_ids))
    if not user_ids:
        return 0
    mail = mail_configured()
    now = datetime.datetime.now()
    addresses = dict(User.select(User.id, User.email).where(User.id.in_(user_ids)).tuples()) if mail else {}
    rows = [{
        "user": pk, "kind": kind, "title": title[:TITLE_LENGTH], "body": body, "link": link,
        "key": key[:KEY_LENGTH] if key else None, "created_at": now,
        "email_status": "pending" if addresses.get(pk) else "",
        "next_email_at": now if addresses.get(pk) else None,
    } for pk in user_ids]
    # (user, key) is unique: a reminder already given is skipped, on both databases.
    return Notification.insert_many(rows).on_conflict_ignore().as_rowcount().execute()


def not_yet_told(user_ids, key):
    """Those of `user_ids` without the notification `key` yet."""
    user_ids = set(user_ids)
    if not user_ids or key is None:
        return sorted(user_ids)
    told = {pk for (pk,) in Notification.select(Notification.user).where(
        Notification.key == key[:KEY_LENGTH], Notification.user.in_(list(user_ids))).tuples()}
    return sorted(user_ids - told)


def mail_configured(app=None):
    if app is None and not has_app_context():
        return False
    return bool((app or current_app).config.get("SMTP_HOST"))


def unit_editors(organisation_id):
    """The enabled editors who work for this very unit: whom its report concerns."""
    return [pk for (pk,) in User.select(User.id).where(
        User.organisation == organisation_id, User.role == "editor", User.is_enabled == True  # noqa: E712
    ).tuples()]


def report_link(report=None, organisation_id=None, period_id=None):
    if report is not None:
        return link_to("quarterlyreport.entry", id=report.id)
    return link_to("quarterlyreport.entry", org=organisation_id, period=period_id)


def notify_report_returned(report, reason):
    """A report went back to its unit (reopened, or sent back before approval):
    its editors are told why. Call it inside the transaction that changed it."""
    unit, period = Organisation.get_by_id(report.organisation_id), report.period
    quarter = quarter_label(period.year, period.quarter)
    return notify(
        unit_editors(unit.id), "report_returned",
        TEXT["returned_title"].format(quarter=quarter, unit=unit.code),
        TEXT["returned_body"].format(quarter=quarter, name=unit.name, reason=(reason or "").strip()),
        report_link(report))


def notify_job_finished(job):
    """An import or export ended (done or failed): its owner is told, with the job's page."""
    done = job.status == "done"
    title = TEXT["job_done" if done else "job_failed"].format(title=job.title)
    body = TEXT["job_done_body" if done else "job_failed_body"].format(title=job.title, message=job.message)
    return notify([job.user_id], "job_finished", title, body.strip(), link_to("jobs.job", job_id=job.id),
                  key=f"job:{job.id}")
