"""The job that sends one webhook delivery, and schedules its retry.

One try per run: POST the delivery's fixed body, signed with the webhook's
secret of now, within WEBHOOK_TIMEOUT seconds (at most 5), never following
a redirect. A 2xx answer delivers it; anything else (no connection, time
out, another status) is logged as a try and, while tries remain, the job
queue runs it again after the next of WEBHOOK_RETRY_DELAYS seconds (1 min,
5 min, 30 min, 2 h, 6 h: six tries in all); then it has failed. Nothing
here sleeps: a retry is a task scheduled on the queue.

A try is claimed by bumping `attempts` from the value read, and holds the
delivery for LEASE_SECONDS: two tasks for one delivery never both send, and
a task early for its retry does nothing. A pending delivery overdue by
OVERDUE_SECONDS lost its task (a worker killed mid-try, a queue emptied):
the workers' housekeeping (`requeue_overdue`, every minute) queues it again.
The secret is never logged: errors name the receiver's answer only.
"""
import datetime
import http.client
import logging
import time
from urllib.parse import quote, urlsplit

from flask import current_app

from models import WebhookAttempt, WebhookDelivery, db
from portal import webhooks

log = logging.getLogger(__name__)

TASK_NAME = "portal.deliver_webhook"
DEFAULT_RETRY_DELAYS = (60, 300, 1800, 7200, 21600)
MAX_TIMEOUT = 5.0
USER_AGENT = "GiaoBan-Webhook/1"
ERROR_LENGTH = 500
LEASE_SECONDS = 60
OVERDUE_SECONDS = 600
URL_SAFE = "/?&=%:@!$'()*+,;~-._"

TEXT = {
    "paused": "Webhook đã tạm dừng (hoặc bỏ sự kiện này) trước khi gửi; không gửi.",
    "status": "Máy nhận trả mã HTTP {code}.",
    "redirect": ("Máy nhận trả mã HTTP {code} (chuyển hướng): webhook không đi theo chuyển hướng, "
                 "hãy sửa URL thành địa chỉ đích."),
    "timeout": "Quá {seconds} giây không có phản hồi.",
    "connect": "Không kết nối được tới máy nhận: {reason}.",
}


def init_app(app, queue):
    """Register the task on the portal's queue; emission comes with it."""
    app.extensions["webhook_task"] = queue.task(name=TASK_NAME)(
        lambda delivery_id: run(app, delivery_id))
    webhooks.init_app(app)


def requeue_overdue(app):
    """Queue again the pending deliveries whose task was lost; how many."""
    with app.app_context():
        cutoff = datetime.datetime.now() - datetime.timedelta(seconds=OVERDUE_SECONDS)
        lost = [pk for (pk,) in WebhookDelivery.select(WebhookDelivery.id)
                .where(WebhookDelivery.status == "pending", WebhookDelivery.next_attempt_at < cutoff)
                .order_by(WebhookDelivery.id).limit(500).tuples()]
        if not lost:
            return 0
        # Not overdue again until OVERDUE_SECONDS from now, whatever the queue's backlog.
        (WebhookDelivery.update(next_attempt_at=datetime.datetime.now())
         .where(WebhookDelivery.id.in_(lost)).execute())
        for pk in lost:
            enqueue(pk)
        return len(lost)


def enqueue(delivery_id, delay=0):
    task = current_app.extensions["webhook_task"]
    if delay:
        task.schedule(args=(delivery_id,), delay=delay)
    else:
        task(delivery_id)


def retry_delays(app=None):
    return tuple((app or current_app).config.get("WEBHOOK_RETRY_DELAYS", DEFAULT_RETRY_DELAYS))


def max_attempts(app=None):
    return len(retry_delays(app)) + 1


def run(app, delivery_id):
    """The task: one try of one delivery."""
    with app.app_context():
        db.connect(reuse_if_open=True)
        try:
            delay = attempt(delivery_id)
            if delay is not None:
                enqueue(delivery_id, delay)
        finally:
            if not db.is_closed():
                db.close()


def attempt(delivery_id):
    """Send once; seconds until the retry, or None when nothing more is due."""
    delivery = WebhookDelivery.get_or_none(WebhookDelivery.id == delivery_id)
    if delivery is None or delivery.status != "pending":
        return None  # sent, given up, or gone with its webhook
    hook = delivery.webhook
    now = datetime.datetime.now()
    if delivery.next_attempt_at and delivery.next_attempt_at > now + datetime.timedelta(seconds=1):
        return None  # a try is under way, or the retry is not due: another task has it
    if not hook.wants(delivery.event):
        (WebhookDelivery.update(status="failed", next_attempt_at=None, last_error=TEXT["paused"])
         .where(WebhookDelivery.id == delivery.id, WebhookDelivery.status == "pending").execute())
        return None
    number = delivery.attempts + 1
    lease = now + datetime.timedelta(seconds=LEASE_SECONDS)
    claimed = (WebhookDelivery.update(attempts=number, last_attempt_at=now, next_attempt_at=lease)
               .where(WebhookDelivery.id == delivery.id, WebhookDelivery.status == "pending",
                      WebhookDelivery.attempts == delivery.attempts).execute())
    if not claimed:
        return None
    status_code, error, duration_ms = post(hook.url, delivery, hook.secret)
    delays = retry_delays()
    with db.atomic():
        WebhookAttempt.create(delivery=delivery.id, number=number, started_at=now,
                              status_code=status_code, error=error, duration_ms=duration_ms)
        changes = {"last_status_code": status_code, "last_error": error}
        delay = None
        if not error:
            changes.update(status="delivered", delivered_at=datetime.datetime.now(), next_attempt_at=None)
        elif number <= len(delays):
            delay = delays[number - 1]
            changes.update(next_attempt_at=datetime.datetime.now() + datetime.timedelta(seconds=delay))
        else:
            changes.update(status="failed", next_attempt_at=None)
        WebhookDelivery.update(**changes).where(WebhookDelivery.id == delivery.id).execute()
    return delay


def post(url, delivery, secret):
    """(status code or None, error text or "", milliseconds): one POST of the body.

    http.client rather than urllib: it sends the header names as written
    and never follows a redirect (a 3xx is the receiver's answer).
    """
    body = delivery.payload.encode("utf-8")
    timeout = min(float(current_app.config.get("WEBHOOK_TIMEOUT", MAX_TIMEOUT)), MAX_TIMEOUT)
    parts = urlsplit(url)
    # Non-ASCII paths and host names as they travel: percent-encoded, IDNA.
    target = quote((parts.path or "/") + (f"?{parts.query}" if parts.query else ""), safe=URL_SAFE)
    connection_class = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        webhooks.EVENT_HEADER: delivery.event,
        webhooks.DELIVERY_HEADER: str(delivery.id),
        webhooks.SIGNATURE_HEADER: webhooks.sign(secret, body),
    }
    started = time.monotonic()
    status, error = None, ""
    connection = None
    try:
        host = parts.hostname.encode("idna").decode("ascii")
        connection = connection_class(host, parts.port, timeout=timeout)
        connection.request("POST", target, body=body, headers=headers)
        response = connection.getresponse()
        status = response.status
        response.read(64 * 1024)  # let the receiver finish; its body is not kept
        if not 200 <= status < 300:
            error = TEXT["redirect" if 300 <= status < 400 else "status"].format(code=status)
    except TimeoutError:
        error = TEXT["timeout"].format(seconds=f"{timeout:g}".replace(".", ","))
    except OSError as failure:  # refused, reset, unknown host, TLS
        error = TEXT["connect"].format(reason=failure.strerror or type(failure).__name__)
    except (http.client.HTTPException, ValueError) as failure:  # not an HTTP answer, bad URL
        error = TEXT["connect"].format(reason=type(failure).__name__)
    finally:
        if connection is not None:
            connection.close()
    duration_ms = int((time.monotonic() - started) * 1000)
    if error:
        log.info("webhook delivery %s: try failed (%s)", delivery.id, error)
    return status, error[:ERROR_LENGTH], duration_ms
