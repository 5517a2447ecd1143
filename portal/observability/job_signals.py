"""Background jobs, observed through huey's signals (no change to how jobs run).

Durations: a task's run is timed from huey's "executing" signal to the
signal that ends it, and recorded by kind: a portal job (portal.run_job) by
its Job row's kind and how it ended (a job that fails in words still
completes as a task, so its row says which), other tasks by their name
(webhook, housekeeping). Request ids: when a task is queued inside a
request, the request's id is kept in the queue's own storage under the
task's id, and the thread that runs the task takes it back for its log
lines and audit entries: one small write per queued task.
"""
import logging
import threading
import time

from huey import signals

from models import Job, db
from portal.observability import metrics
from portal.observability.request_ids import current_request_id, job_request_id

log = logging.getLogger(__name__)

ENDED = {signals.SIGNAL_COMPLETE: "done", signals.SIGNAL_ERROR: "failed",
         signals.SIGNAL_TIMEOUT: "failed", signals.SIGNAL_CANCELED: "canceled",
         signals.SIGNAL_INTERRUPTED: "interrupted", signals.SIGNAL_LOCKED: "locked",
         signals.SIGNAL_RATE_LIMITED: "rate_limited"}
KINDS = {"portal.run_job": "job", "portal.deliver_webhook": "webhook", "portal.housekeeping": "housekeeping"}


def request_key(task_id):
    return f"request-id-{task_id}"


def _job_kind_and_status(job_id):
    """(kind, status) of a portal job, read after it ran; its connection goes back to the pool."""
    was_closed = db.is_closed()
    try:
        row = Job.select(Job.kind, Job.status).where(Job.id == job_id).tuples().first()
    finally:
        if was_closed and not db.is_closed():
            db.close()
    return row or ("job", "gone")


def connect(app, queue):
    started = {}
    lock = threading.Lock()
    tokens = threading.local()

    @queue.signal(signals.SIGNAL_ENQUEUED)
    def queued(signal, task, *args, **kwargs):
        request_id = current_request_id()
        if request_id:
            queue.put(request_key(task.id), request_id)

    @queue.signal(signals.SIGNAL_EXECUTING)
    def executing(signal, task, *args, **kwargs):
        with lock:
            started[task.id] = time.monotonic()
        tokens.request_id = job_request_id.set(queue.get(request_key(task.id)) or "")

    @queue.signal(*ENDED)
    def ended(signal, task, *args, **kwargs):
        with lock:
            began = started.pop(task.id, None)
        token = getattr(tokens, "request_id", None)
        if token is not None:
            tokens.request_id = None
            job_request_id.reset(token)
        if began is None:
            return
        seconds = time.monotonic() - began
        kind, outcome = KINDS.get(task.name, task.name.rsplit(".", 1)[-1]), ENDED[signal]
        if task.name == "portal.run_job" and task.args:
            with app.app_context():
                kind, status = _job_kind_and_status(task.args[0])
            outcome = status if outcome == "done" else outcome
        metrics.job_finished(kind, outcome, seconds)
