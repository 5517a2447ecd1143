"""Background jobs on huey: work that would outlast a request.

huey (by peewee's author, maintained since 2011) keeps its queue in a SQLite
file by default, so the embedded installation needs no extra server, and in
Redis when JOB_BROKER_URL names one, for production with several machines.
The queue carries only a Job id (models/job.py); who asked, what for and how
it ended stay in our database, and the running count lives in huey's storage:
a worker streaming a large result never writes to our database mid-read
(SQLite could not upgrade that read to a write once someone else committed).

Workers: with the SQLite queue each web process runs JOB_WORKER_THREADS
threads of its own (default 1), so `make run` and a single gunicorn need
nothing else; with Redis, run `flask --app wsgi jobs worker` beside the web
servers. A job whose worker died (kill -9 mid-export) shows as interrupted
("halted") after JOB_STALE_SECONDS without a heartbeat, and its owner may run
it again (portal/jobs/lease.py); result files are written whole or not at all
(portal/jobs/storage.py).

Each kind of job registers its runner here: large list exports
(admin_views/exporting.py) and large imports (portal/excel/import_jobs.py),
which also name the page a finished job leads to. Webhook deliveries are a
task of their own (portal/jobs/webhook_delivery.py): they belong to no user,
and their retries are scheduled tasks, which the in-process workers move to
the queue when due (huey's consumer, used with Redis, has a scheduler).
"""
import contextlib
import datetime
import logging
import os
import threading
import time

from flask import current_app
from flask_login import login_user
from huey import RedisHuey, SqliteHuey, crontab
from huey.consumer import Worker

from models import Job, db
from portal.jobs import lease, storage
from portal.jobs.storage import folder, folder_problem, result_file  # noqa: F401  (the package's API)

log = logging.getLogger(__name__)

TASK_NAME = "portal.run_job"
PROGRESS_EVERY = 0.5  # seconds between two progress writes
SCHEDULE_EVERY = 1.0  # seconds between two looks at the scheduled (retry) tasks
HOUSEKEEPING_EVERY = 60.0  # seconds between two looks for work whose task was lost
RUNNERS = {}
LINKS = {}


class JobRefused(Exception):
    """The job cannot be done; the message (Vietnamese) says why, and a file
    in the jobs folder (`stored_name`) may hold the details."""

    def __init__(self, message, stored_name=""):
        super().__init__(message)
        self.stored_name = stored_name


def register(kind, runner, link=None):
    """runner(job, progress) → (message, stored_name, file_name) runs jobs of `kind`;
    link(job) → {"url", "label"} or None: where the job page leads once it ended."""
    RUNNERS[kind] = runner
    if link is not None:
        LINKS[kind] = link


def result_link(job):
    """{"url", "label"} of a finished job's result page, for kinds that have one."""
    link = LINKS.get(job.kind)
    return link(job) if link is not None and job.finished else None


def init_app(app):
    url = app.config.get("JOB_BROKER_URL") or ""
    if url.startswith("redis"):
        queue = RedisHuey("portal", url=url, results=False)
        threads = 0
    else:
        path = app.config.get("JOB_QUEUE_FILE") or os.path.join(app.instance_path, "jobs.sqlite3")
        os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
        queue = SqliteHuey("portal", filename=path, results=False)
        threads = 1
    threads = int(app.config.get("JOB_WORKER_THREADS", threads))
    task = queue.task(name=TASK_NAME)(lambda job_id: run(app, job_id))
    state = app.extensions["jobs"] = _State(queue, task, threads)

    from admin_views.exporting import run_export_job
    from portal.excel.import_jobs import result_link as import_result, run_import_job
    from portal.backup import nightly as backup_nightly
    from portal.jobs import webhook_delivery
    from portal.jobs.cli import jobs_cli

    webhook_delivery.init_app(app, queue)
    backup_nightly.init_app(app, queue)
    # huey's own consumer (`jobs worker`) runs periodic tasks; the in-process workers call it.
    queue.periodic_task(crontab(), name="portal.housekeeping")(lambda: housekeeping(app))
    register("export", run_export_job)
    register("import", run_import_job, import_result)
    app.cli.add_command(jobs_cli)

    @app.before_request
    def _start_workers():
        state.start_workers(app)


class _State:
    def __init__(self, queue, task, threads):
        self.queue = queue
        self.task = task
        self.threads = threads
        self.pid = None
        self.lock = threading.Lock()
        self.stop = threading.Event()

    def start_workers(self, app):
        # Per process: threads do not survive gunicorn's fork.
        if not self.threads or self.pid == os.getpid():
            return
        with self.lock:
            if self.pid == os.getpid():
                return
            self.pid = os.getpid()
            for number in range(self.threads):
                threading.Thread(target=self._work, args=(app, number == 0), name=f"portal-jobs-{number}",
                                 daemon=True).start()

    def _work(self, app, keeps_house):
        worker = Worker(self.queue, self.stop, default_delay=0.2, max_delay=2.0, backoff=1.3)
        worker.initialize()
        looked, kept = 0.0, time.monotonic()
        while not self.stop.is_set():
            try:
                # huey's consumer has a scheduler thread; these workers look themselves.
                if time.monotonic() - looked >= SCHEDULE_EVERY:
                    looked = time.monotonic()
                    promote_due(self.queue)
                if keeps_house and time.monotonic() - kept >= HOUSEKEEPING_EVERY:
                    kept = time.monotonic()
                    if claim_housekeeping(self.queue):
                        housekeeping(app)
                worker.loop()
            except Exception:  # the loop logs task errors itself; keep the thread alive
                log.exception("job worker loop failed")
                self.stop.wait(1)


def queue(app=None):
    return (app or current_app).extensions["jobs"].queue


def submit(job):
    """Put a saved Job on the queue (after the caller's transaction commits)."""
    state = current_app.extensions["jobs"]
    state.task(job.id)
    state.start_workers(current_app._get_current_object())


def view_for(endpoint):
    """The admin view registered under `endpoint`, or None."""
    return next((view for view in current_app.extensions["admin"][0]._views
                 if getattr(view, "endpoint", None) == endpoint), None)


@contextlib.contextmanager
def as_its_user(job, path, locked, address=""):
    """A request to `path` by the job's user, who must still be allowed in
    (else JobRefused(locked)); `address` is where the user asked from, for the audit."""
    if not job.user.is_enabled:
        raise JobRefused(locked)
    environ = {"REMOTE_ADDR": address} if address else None
    with current_app.test_request_context(path, environ_base=environ):
        login_user(job.user)
        yield


def claim_housekeeping(huey, now=None):
    """Whether this process keeps house this minute: the first of the web
    processes sharing the queue to claim the minute in its storage. Each
    used to do it, five passes a minute under one gunicorn, each pass's
    writes queueing behind the users' for SQLite's lock. A claim is one key
    written if absent (atomic in huey's SQLite and Redis storages), so a
    process killed mid-pass holds nothing: the next minute is claimed anew."""
    minute = int((now if now is not None else time.time()) // HOUSEKEEPING_EVERY)
    if not huey.storage.put_if_empty(f"portal.housekeeping.{minute}", b"1"):
        return False
    for earlier in (minute - 1, minute - 2):
        huey.storage.pop_data(f"portal.housekeeping.{earlier}")
    return True


def promote_due(huey):
    """Put the scheduled tasks whose time has come on the queue."""
    for task in huey.read_schedule():
        huey.enqueue(task)


def housekeeping(app):
    """Halt the jobs whose worker died; queue again the work whose task was
    lost (webhook deliveries); give the reminders due and send the
    notification e-mails due."""
    from portal import notifications
    from portal.backup import nightly as backup_nightly
    from portal.jobs import webhook_delivery

    try:
        halt_the_dead(app)
    except Exception:
        log.exception("looking for interrupted jobs failed")
    try:
        webhook_delivery.requeue_overdue(app)
    except Exception:
        log.exception("job housekeeping failed")
    notifications.housekeeping(app)
    try:
        backup_nightly.enqueue_if_due(app)
    except Exception:
        log.exception("nightly backup could not be queued")


def halt_the_dead(app):
    """Every running job whose worker died is halted, and its owner told."""
    with app.app_context():
        db.connect(reuse_if_open=True)
        try:
            for job in lease.halt_the_dead(app, queue(app)):
                _tell_owner(job.id)
        finally:
            if not db.is_closed():
                db.close()


def run_pending(app):
    """Run every queued task now, and every scheduled one that is due, in
    this thread: the CLI's `jobs run-pending` and the tests."""
    huey = queue(app)
    ran = 0
    housekeeping(app)
    while True:
        promote_due(huey)
        task = huey.dequeue()
        if task is None:
            return ran
        huey.execute(task)
        ran += 1


def run(app, job_id):
    """The task: run one job from start to end, recording how it ended."""
    with app.app_context():
        db.connect(reuse_if_open=True)
        try:
            # This run's start marks its claim: a run halted for silence and run
            # again is no longer this worker's to finish.
            started = datetime.datetime.now()
            claimed = (Job.update(status="running", started_at=started)
                       .where(Job.id == job_id, Job.status == "queued").execute())
            if not claimed:
                return  # already run, or gone with its user
            job = Job.get_by_id(job_id)
            progress = Progress(app, job)
            status, stored, file_name = "done", "", ""
            try:
                with lease.heartbeat(queue(app), job_id):
                    message, stored, file_name = RUNNERS[job.kind](job, progress)
            except (JobRefused, storage.FolderUnwritable) as refusal:
                status, message = "failed", str(refusal)
                stored = getattr(refusal, "stored_name", "")
            except Exception:
                log.exception("job %s failed", job_id)
                status, message = "failed", (
                    "Lỗi hệ thống khi thực hiện; chưa có gì được ghi. Hãy thử lại hoặc báo quản trị.")
            Job.update(status=status, message=message, stored_name=stored, file_name=file_name,
                       done=progress.done if status == "done" else Job.done,
                       total=progress.total if status == "done" else Job.total,
                       finished_at=datetime.datetime.now()).where(
                Job.id == job_id, Job.status == "running", Job.started_at == started).execute()
            queue(app).delete(progress.key)
            _tell_owner(job_id)
        finally:
            if not db.is_closed():
                db.close()


def _tell_owner(job_id):
    """The job's owner finds it ended under the bell; a failure here never
    undoes the job's own record."""
    from portal.notifications import notify_job_finished

    try:
        notify_job_finished(Job.get_by_id(job_id))
    except Exception:
        log.exception("job %s: its owner could not be notified", job_id)


class Progress:
    """How far a running job is; written to the queue's storage, at most twice a second."""

    def __init__(self, app, job):
        self.queue = queue(app)
        self.key = progress_key(job.id)
        self.done, self.total, self.stage = 0, job.total, ""
        self._written = 0.0
        self.update(0, job.total)

    def update(self, done, total=None, stage=None):
        self.done = done
        self.total = self.total if total is None else total
        self.stage = self.stage if stage is None else stage
        now = time.time()
        if now - self._written >= PROGRESS_EVERY or done == self.total:
            self._written = now
            self.queue.put(self.key, (self.done, self.total, self.stage, now))


def progress_key(job_id):
    return f"job-progress-{job_id}"


def state_of(job, app=None):
    """{status, done, total, stage, message} for the status page and its polling."""
    app = app or current_app
    done, total, stage = job.done, job.total, ""
    status, message = job.status, job.message
    if job.status == "running":
        seen = queue(app).get(progress_key(job.id), peek=True)
        if seen:
            done, total, stage, _written = seen
        if lease.halt_if_dead(app, queue(app), job):
            status, message = job.status, job.message
            _tell_owner(job.id)
    return {"status": status, "done": done, "total": total, "stage": stage, "message": message}


def forget_old_files(app=None):
    """Result files are kept JOB_KEEP_HOURS; then the file goes and the row says so."""
    app = app or current_app
    hours = app.config.get("JOB_KEEP_HOURS", 24)
    cutoff = datetime.datetime.now() - datetime.timedelta(hours=hours)
    old = Job.select().where(Job.stored_name != "", Job.finished_at < cutoff)
    for job in old:
        try:
            os.remove(os.path.join(folder(app), job.stored_name))
        except OSError:
            pass
        Job.update(stored_name="", message=job.message + f" Tệp đã được xoá sau {hours} giờ.").where(
            Job.id == job.id).execute()
