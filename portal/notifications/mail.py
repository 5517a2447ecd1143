"""E-mail copies of notifications, sent by the job queue through SMTP.

Only when SMTP_HOST is configured and the user has an address (a pending
row, see centre.notify). The queue's housekeeping calls `send_due` once a
minute: each due row is claimed (its try counter bumped from the value read,
and held LEASE_SECONDS) so two processes never send it twice, then sent on
its own. A failure is logged and tried again after the next of
NOTIFY_EMAIL_RETRY_DELAYS seconds; after the last, the row is "failed" and
stays in the portal. The password is never logged.
"""
import datetime
import logging
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formataddr, make_msgid

from models import Notification, User, db
from portal.notifications.centre import mail_configured

log = logging.getLogger(__name__)

DEFAULT_RETRY_DELAYS = (60, 300, 1800)
LEASE_SECONDS = 120
BATCH = 50
ERROR_LENGTH = 500

TEXT = {
    "subject": "[Giao ban Khối] {title}",
    "greeting": "Kính gửi {name},",
    "open": "Xem trên cổng thông tin: {url}",
    "footer": ("Thư này được gửi tự động từ cổng Giao ban Khối; bạn nhận được vì tài khoản "
               "«{username}» có địa chỉ thư này. Xin đừng trả lời thư."),
    "sender": "Giao ban Khối",
}


def retry_delays(app):
    return tuple(app.config.get("NOTIFY_EMAIL_RETRY_DELAYS", DEFAULT_RETRY_DELAYS))


def send_due(app, now=None):
    """Send the e-mails whose time has come; (sent, failed tries)."""
    if not mail_configured(app):
        return 0, 0
    with app.app_context():
        db.connect(reuse_if_open=True)
        now = now or datetime.datetime.now()
        due = list(Notification.select(Notification.id, Notification.email_attempts)
                   .where(Notification.email_status == "pending", Notification.next_email_at <= now)
                   .order_by(Notification.next_email_at, Notification.id).limit(BATCH).tuples())
        sent = failed = 0
        for pk, attempts in due:
            outcome = _try(app, pk, attempts)
            sent += outcome is True
            failed += outcome is False
        return sent, failed


def _try(app, pk, attempts):
    """One try of one row: True sent, False failed, None not ours to send."""
    now = datetime.datetime.now()
    claimed = (Notification.update(email_attempts=attempts + 1,
                                   next_email_at=now + datetime.timedelta(seconds=LEASE_SECONDS))
               .where(Notification.id == pk, Notification.email_status == "pending",
                      Notification.email_attempts == attempts).execute())
    if not claimed:
        return None
    row = Notification.get_by_id(pk)
    user = User.get_by_id(row.user_id)
    if not user.email or not user.is_enabled:
        # The address was removed (or the account closed) since: nothing to send.
        Notification.update(email_status="", next_email_at=None).where(Notification.id == pk).execute()
        return None
    error = send(app, message_for(app, row, user))
    delays = retry_delays(app)
    if error:
        log.warning("notification %s: e-mail (try %s) not sent: %s", pk, attempts + 1, error)
    if not error:
        changes = {"email_status": "sent", "next_email_at": None, "email_error": ""}
    elif attempts < len(delays):
        changes = {"email_error": error,
                   "next_email_at": datetime.datetime.now() + datetime.timedelta(seconds=delays[attempts])}
    else:
        changes = {"email_status": "failed", "next_email_at": None, "email_error": error}
    Notification.update(**changes).where(Notification.id == pk).execute()
    return not error


def message_for(app, row, user):
    config = app.config
    message = EmailMessage()
    message["Subject"] = TEXT["subject"].format(title=row.title)
    message["From"] = formataddr((TEXT["sender"], config.get("SMTP_FROM") or config.get("SMTP_USER") or ""))
    message["To"] = formataddr((user.full_name or user.username, user.email))
    message["Message-ID"] = make_msgid(domain="giaoban.local")
    lines = [TEXT["greeting"].format(name=user.full_name or user.username), "", row.title]
    if row.body:
        lines += ["", row.body]
    base = (config.get("PORTAL_URL") or "").rstrip("/")
    if row.link and base:
        lines += ["", TEXT["open"].format(url=base + row.link)]
    lines += ["", "--", TEXT["footer"].format(username=user.username)]
    message.set_content("\n".join(lines), charset="utf-8")
    return message


def send(app, message):
    """Send one message; "" when the server took it, else why not."""
    config = app.config
    host, port = config["SMTP_HOST"], int(config.get("SMTP_PORT") or 587)
    security = (config.get("SMTP_TLS") or "starttls").lower()
    timeout = float(config.get("SMTP_TIMEOUT", 10))
    try:
        if security == "ssl":
            server = smtplib.SMTP_SSL(host, port, timeout=timeout, context=ssl.create_default_context())
        else:
            server = smtplib.SMTP(host, port, timeout=timeout)
        with server:
            if security == "starttls":
                server.starttls(context=ssl.create_default_context())
            if config.get("SMTP_USER"):
                server.login(config["SMTP_USER"], config.get("SMTP_PASSWORD") or "")
            server.send_message(message)
    except (OSError, smtplib.SMTPException) as failure:
        return f"{type(failure).__name__}: {failure}"[:ERROR_LENGTH]
    return ""
