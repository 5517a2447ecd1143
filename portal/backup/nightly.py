"""The nightly backup: a task of the job queue, once a day, into BACKUP_DIR.

The job queue's housekeeping (once a minute, in the web processes' workers or
in `flask --app wsgi jobs worker`) asks `enqueue_if_due`; from BACKUP_HOUR
(server time) on, a day without a nightly file in BACKUP_DIR gets one, so a
portal that was down at that hour catches up when it comes back. Several
processes may ask at once: a lock file in BACKUP_DIR lets one run, and the
others find today's file when they look again.

Retention keeps the BACKUP_KEEP newest files that this job wrote: named
`giaoban-tudong-YYYYMMDD-HHMMSS.tar` and saying so in their manifest. Any
other file in the folder (a copy an operator put there, a backup made with
`db backup`) is never deleted. Each run, done or failed, is one line in the
audit trail (Hệ thống → Nhật ký hệ thống, action "Sao lưu dữ liệu") and the
log; a failure also tells every administrator under the bell, once a day.
"""
import datetime
import fcntl
import logging
import os
import re
import time

from portal.backup import archive, make
from portal.backup.errors import BackupError, RestoreRefused

log = logging.getLogger(__name__)

NAME = re.compile(r"^giaoban-tudong-(\d{8})-(\d{6})\.tar$")
LOCK = ".giaoban-backup.lock"
ORIGIN = "nightly"
TASK_NAME = "portal.nightly_backup"
STALE_STAGING = 6 * 3600  # seconds after which a staging folder is a dead run's
RETRY_AFTER = 3600  # seconds between two tries after a failed nightly backup
_failed_at = {}  # BACKUP_DIR → time of this process's last failure there


def init_app(app, queue):
    task = queue.task(name=TASK_NAME)(lambda: run_task(app))
    app.extensions["nightly_backup"] = task


def settings(app):
    config = app.config
    return (config.get("BACKUP_DIR") or "", int(config.get("BACKUP_KEEP") or 14),
            int(config.get("BACKUP_HOUR", 2)))


def file_name(now):
    return f"giaoban-tudong-{now:%Y%m%d-%H%M%S}.tar"


def made_here(folder):
    """This job's files in `folder`, oldest first."""
    try:
        names = os.listdir(folder)
    except OSError:
        return []
    return sorted(name for name in names if NAME.match(name))


def due(folder, hour, now):
    if now.hour < hour:
        return False
    today = f"giaoban-tudong-{now:%Y%m%d}-"
    return not any(name.startswith(today) for name in made_here(folder))


def enqueue_if_due(app, now=None):
    """From the housekeeping: queue the nightly task when today's backup is due."""
    folder, _, hour = settings(app)
    now = now or datetime.datetime.now()
    if not folder or not due(folder, hour, now):
        return False
    if time.time() - _failed_at.get(folder, 0) < RETRY_AFTER or _running(folder):
        return False
    app.extensions["nightly_backup"]()
    return True


def _running(folder):
    """Whether some process holds the lock (is writing today's file) right now."""
    try:
        with open(os.path.join(folder, LOCK), "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            fcntl.flock(lock, fcntl.LOCK_UN)
    except BlockingIOError:
        return True
    except OSError:
        return False  # no folder yet: the task makes it, or says why it cannot
    return False


def run_task(app):
    from models import db

    with app.app_context():
        db.connect(reuse_if_open=True)
        try:
            return run(app)
        finally:
            if not db.is_closed():
                db.close()


def run(app, now=None):
    """Make today's backup if still due and no other process is making it; its path or None."""
    folder, keep, hour = settings(app)
    if not folder:
        return None
    try:
        os.makedirs(folder, exist_ok=True)
        lock = open(os.path.join(folder, LOCK), "a")
    except OSError as error:
        return _failed(folder, f"không mở được thư mục {folder} ({error.strerror})")
    with lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return None  # another process is writing it
        now = now or datetime.datetime.now()
        if not due(folder, hour, now):
            return None
        _sweep_partials(folder)
        output = os.path.join(folder, file_name(now))
        try:
            manifest = make.create_backup(app.config, output, origin=ORIGIN)
        except BackupError as error:
            return _failed(folder, str(error))
        removed = prune(folder, keep)
        text = make.summary(manifest, os.path.basename(output), os.path.getsize(output))
        if removed:
            text += f" Đã xoá {len(removed)} bản sao lưu tự động cũ (giữ {keep} bản mới nhất): {', '.join(removed)}."
        _failed_at.pop(folder, None)
        log.info("nightly backup: %s", text)
        record("Sao lưu tự động: " + text)
        return output


def prune(folder, keep):
    """Delete all but the `keep` newest of this job's own files; the names deleted."""
    ours = [name for name in made_here(folder) if _is_ours(os.path.join(folder, name))]
    doomed = ours[:-keep] if keep > 0 else []
    for name in doomed:
        os.remove(os.path.join(folder, name))
    return doomed


def _is_ours(path):
    try:
        return archive.peek(path).get("origin") == ORIGIN
    except RestoreRefused:
        return False  # not a backup of ours, whatever its name: left alone


def _sweep_partials(folder):
    """What a nightly run killed mid-write left: its own partial file and staging folder."""
    import shutil

    for name in os.listdir(folder):
        path = os.path.join(folder, name)
        if name.endswith(".tar.partial") and NAME.match(name[:-len(".partial")]):
            os.remove(path)
        elif name.startswith(".giaoban-backup-") and os.path.isdir(path) \
                and time.time() - os.path.getmtime(path) > STALE_STAGING:
            # Old enough that no `db backup` writing beside it can still be running.
            shutil.rmtree(path, ignore_errors=True)


def _failed(folder, reason):
    _failed_at[folder] = time.time()
    log.error("nightly backup failed: %s", reason)
    record(f"Sao lưu tự động không thành công: {reason}")
    _tell_admins(reason)
    return None


def record(text):
    """One row of the audit trail (inside a command or the job: no user, no address)."""
    from admin_views import auditing

    try:
        auditing.record("backup", table="", note=text)
    except Exception:
        log.exception("backup: the audit trail could not be written")


def _tell_admins(reason):
    from models import User
    from portal.notifications.centre import link_to, notify

    try:
        admins = [pk for (pk,) in User.select(User.id).where(User.role == "admin", User.is_enabled).tuples()]
        today = datetime.date.today()
        notify(admins, "backup_failed", f"Sao lưu tự động ngày {today:%d/%m/%Y} không thành công",
               body=reason, link=link_to("auditlog.index_view"), key=f"backup-failed-{today:%Y%m%d}")
    except Exception:
        log.exception("backup: the administrators could not be notified")
