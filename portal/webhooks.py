"""Events out: what the portal tells registered webhooks, and when.

`emit(event, data)` writes one delivery row per active webhook that wants
the event, inside the caller's transaction: a change rolled back takes its
deliveries with it. The rows' ids wait in this app context's outbox; once
the request (or job, or command) has ended, `flush()` hands the ones that
were committed to the job queue. So a web request only writes rows: no
receiver, slow or failing, is ever waited on (portal/jobs/webhook_delivery.py
sends them).

The body is fixed when the event happens and signed when sent:
`X-GiaoBan-Signature: sha256=<hex HMAC-SHA256 of the raw body>`.
"""
import datetime
import hashlib
import hmac
import json
import logging
import uuid

from flask import current_app, g, has_app_context, has_request_context
from flask_login import current_user

from models import QuarterlyReport, Webhook, WebhookDelivery, db
from models.reporting import quarter_label

log = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-GiaoBan-Signature"
EVENT_HEADER = "X-GiaoBan-Event"
DELIVERY_HEADER = "X-GiaoBan-Delivery"


def sign(secret, body):
    """The signature header's value for `body` (bytes)."""
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def emit(event, data):
    """Queue `event` for every active webhook that subscribed to it; the new
    deliveries. `data` is the event's data, or a function that makes it
    (called only when someone listens)."""
    hooks = [hook for hook in Webhook.select().where(Webhook.is_active == True)  # noqa: E712
             if hook.wants(event)]
    if not hooks:
        return []
    event_id = uuid.uuid4().hex
    body = json.dumps({
        "id": event_id,
        "event": event,
        "occurred_at": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
        "data": data() if callable(data) else data,
    }, ensure_ascii=False, separators=(",", ":"))
    with db.atomic():
        deliveries = [WebhookDelivery.create(webhook=hook, event=event, event_id=event_id, payload=body,
                                             next_attempt_at=datetime.datetime.now())
                      for hook in hooks]
    _hold([d.id for d in deliveries])
    return deliveries


def redeliver(delivery):
    """A new delivery of the same body to the same webhook, or None when the
    webhook is paused (then nothing is queued)."""
    if not delivery.webhook.is_active:
        return None
    with db.atomic():
        again = WebhookDelivery.create(webhook=delivery.webhook_id, event=delivery.event,
                                       event_id=delivery.event_id, payload=delivery.payload,
                                       next_attempt_at=datetime.datetime.now())
    _hold([again.id])
    return again


def _hold(ids):
    if has_app_context():
        g.setdefault("webhook_outbox", []).extend(ids)
    else:
        # Nothing will flush these: the workers' housekeeping queues them once overdue.
        log.warning("webhook deliveries %s written outside an app context: not queued now", ids)


def flush(exc=None):
    """Queue the held deliveries that were committed (the rest were rolled back)."""
    held = g.pop("webhook_outbox", None)
    if not held:
        return
    try:
        _queue_committed(held)
    except Exception:
        # A teardown must not fail the response; the housekeeping queues them later.
        log.exception("webhook deliveries %s could not be queued", held)


def _queue_committed(held):
    db.connect(reuse_if_open=True)
    committed = [pk for (pk,) in WebhookDelivery.select(WebhookDelivery.id)
                 .where(WebhookDelivery.id.in_(sorted(set(held))), WebhookDelivery.status == "pending")
                 .order_by(WebhookDelivery.id).tuples()]
    if not committed:
        return
    from portal.jobs import webhook_delivery

    for pk in committed:
        webhook_delivery.enqueue(pk)
    if has_request_context():
        current_app.extensions["jobs"].start_workers(current_app._get_current_object())


def init_app(app):
    # After the request's transactions ended; teardown_appcontext covers
    # commands and jobs (and runs before the database's own teardown, which
    # was registered earlier).
    app.teardown_request(flush)
    app.teardown_appcontext(flush)


# --- what each event says -------------------------------------------------------------

def _actor():
    if has_request_context() and current_user.is_authenticated:
        return current_user.username
    return None


def report_event(event, report, reason=None):
    """report.submitted / approved / reopened, with the report as it now stands."""
    return emit(event, lambda: _report_data(report, reason))


def _report_data(report, reason):
    period, unit = report.period, report.organisation
    data = {
        "report": {
            "id": report.id,
            "status": report.status,
            "version": report.version,
            "submitted_at": _iso(report.submitted_at),
            "approved_at": _iso(report.approved_at),
        },
        "organisation": {"id": unit.id, "code": unit.code, "name": unit.name},
        "period": _period(period),
        "user": _actor(),
    }
    if reason:
        data["reason"] = reason
    return data


def period_locked(period):
    """period.locked, with how many of the quarter's reports stand at each status."""
    def data():
        counts = {status: 0 for status in ("draft", "submitted", "approved")}
        for (status,) in QuarterlyReport.select(QuarterlyReport.status).where(
                QuarterlyReport.period == period.id).tuples():
            counts[status] = counts.get(status, 0) + 1
        return {"period": _period(period), "reports": counts, "user": _actor()}
    return emit("period.locked", data)


def import_finished(kind, counts, source, user=None):
    """An import wrote its file: `kind` (members, villages, organisations,
    reports), `counts` ({name: number}), the file's name."""
    return emit("import.finished", lambda: {
        "kind": kind, "file": source, "counts": counts,
        "user": getattr(user, "username", None) or _actor()})


def _period(period):
    return {"id": period.id, "year": period.year, "quarter": period.quarter,
            "label": quarter_label(period.year, period.quarter), "status": period.status}


def _iso(value):
    return value.isoformat(timespec="seconds") if value else None
