"""The notification centre: the bell, its page, reminders and e-mail copies.

centre.py writes notifications (events call its notify_* functions),
reminders.py is the periodic deadline scan, mail.py sends e-mail copies,
views.py is the page; the job queue's housekeeping runs the scan and the mail.
"""
import logging

from flask_login import current_user

from models import Notification, db
from portal.notifications.centre import notify, notify_job_finished, notify_report_returned
from portal.notifications.reminders import Reminder, register as register_reminders
from portal.notifications import task_reminders  # noqa: F401  (registers the tasks' reminders)

log = logging.getLogger(__name__)

__all__ = ["init_app", "housekeeping", "notify", "notify_job_finished", "notify_report_returned",
           "Reminder", "register_reminders"]


def init_app(app):
    @app.context_processor
    def bell():
        # Called by the navigation bar only when a user is signed in: one indexed COUNT.
        return {"unread_notifications": lambda: Notification.unread_count(current_user.id)}


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
