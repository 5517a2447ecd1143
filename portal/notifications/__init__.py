"""The notification centre: the bell, its page, reminders and e-mail copies.

centre.py writes notifications (events call its notify_* functions),
reminders.py is the periodic deadline scan, mail.py sends e-mail copies,
views.py is the page; the job queue's housekeeping runs the scan and the mail.
The bell's count is read with the rest of the navigation bar (portal/navbar.py).
"""
import logging

from models import db
from portal.notifications.centre import notify, notify_job_finished, notify_report_returned
from portal.notifications.reminders import Reminder, register as register_reminders
from portal.notifications import task_reminders  # noqa: F401  (registers the tasks' reminders)

log = logging.getLogger(__name__)

__all__ = ["housekeeping", "notify", "notify_job_finished", "notify_report_returned",
           "Reminder", "register_reminders"]


def housekeeping(app):
    """The periodic pass: give the reminders due, then send the e-mails due."""
    from portal.notifications import mail, reminders

    with app.app_context():
        db.connect(reuse_if_open=True)
        try:
            reminders.scan()
        except Exception:
            log.exception("reminder scan failed")
    try:
        mail.send_due(app)
    except Exception:
        log.exception("notification e-mail pass failed")
