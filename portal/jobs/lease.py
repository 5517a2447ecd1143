"""Is a running job's worker still alive? A heartbeat in the queue's storage.

While a job runs, a thread of its worker writes the time into the queue's
storage (huey's SQLite file or Redis, never our database: an import holds
SQLite's write lock for its whole transaction) every HEARTBEAT_EVERY seconds,
whatever the job itself is doing. A worker killed (kill -9, a crash, the
machine's restart) stops beating: after JOB_STALE_SECONDS of silence the job
is "halted" (bị gián đoạn). Housekeeping looks for such jobs, and so does
the job's page when it is shown; either tells the owner, removes the partial
result file, and the owner may run it again ("Chạy lại") with the same input.

Nothing of a halted job is half-written: an import writes its rows in one
transaction that also records the job as done (portal/excel/import_jobs.py),
so a worker killed before the commit wrote nothing and one killed after it
left a finished job; an export's file gets its name only once complete
(portal/jobs/storage.py).
"""
import contextlib
import datetime
import logging
import threading
import time

from models import Job

log = logging.getLogger(__name__)

HEARTBEAT_EVERY = 1.0  # seconds between two heartbeats of a running job
HALTED_MESSAGE = ("Tác vụ bị gián đoạn: tiến trình chạy nó đã dừng giữa chừng (máy chủ khởi động "
                  "lại hoặc bị tắt). Chưa có gì được ghi; bấm “Chạy lại” để chạy lại với cùng dữ liệu.")


def heartbeat_key(job_id):
    return f"job-alive-{job_id}"


@contextlib.contextmanager
def heartbeat(huey, job_id):
    """Beat for `job_id` while the block runs, from a thread of its own."""
    stop = threading.Event()
    key = heartbeat_key(job_id)

    def beat():
        while True:
            try:
                huey.put(key, time.time())
            except Exception:  # a lost beat is retried; the job itself goes on
                log.warning("job %s: heartbeat not written", job_id, exc_info=True)
            if stop.wait(HEARTBEAT_EVERY):
                return

    thread = threading.Thread(target=beat, name=f"job-{job_id}-heartbeat", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()
        with contextlib.suppress(Exception):
            huey.delete(key)


def last_sign_of_life(huey, job):
    """When the running `job`'s worker was last heard of (its start at least)."""
    started = job.started_at.timestamp() if job.started_at else time.time()
    beat = huey.get(heartbeat_key(job.id), peek=True)
    return max(started, beat or 0)


def halt_if_dead(app, huey, job):
    """Mark the running `job` halted if its worker fell silent; True if it did."""
    if job.status != "running":
        return False
    silent = time.time() - last_sign_of_life(huey, job)
    if silent <= app.config.get("JOB_STALE_SECONDS", 60):
        return False
    halted = (Job.update(status="halted", message=HALTED_MESSAGE, finished_at=datetime.datetime.now())
              .where(Job.id == job.id, Job.status == "running", Job.started_at == job.started_at)
              .execute())
    if halted:
        log.warning("job %s (%s) halted: its worker was silent for %.0f s", job.id, job.kind, silent)
        job.status, job.message = "halted", HALTED_MESSAGE
    return bool(halted)


def halt_the_dead(app, huey):
    """Housekeeping: every running job whose worker died is halted; their
    partial files go. The halted jobs."""
    from portal.jobs import storage

    halted = [job for job in Job.select().where(Job.status == "running") if halt_if_dead(app, huey, job)]
    running = {job.id for job in Job.select(Job.id).where(Job.status == "running")}
    storage.remove_partials(lambda job_id: job_id in running, app)
    return halted


def rerun(job):
    """Queue the halted `job` again with its own input; False if it is not halted
    (already run again, or never interrupted). One click, one run."""
    from portal import jobs

    queued = (Job.update(status="queued", message="", done=0, started_at=None, finished_at=None)
              .where(Job.id == job.id, Job.status == "halted").execute())
    if queued:
        log.info("job %s run again by its owner", job.id)
        jobs.submit(job)
    return bool(queued)
