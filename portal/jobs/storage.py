"""The jobs folder (JOBS_FOLDER): result files, written whole or not at all.

A result is written under a partial name that carries its job's id
(`.job<id>-<name>.part`) and renamed to its random final name only once
complete, so a worker killed mid-write leaves no file a download could serve;
housekeeping removes the partial files of jobs no longer running.

A folder that cannot be written (disk full, read-only, no permission) is
found before a job is queued (`folder_problem`: a probe file is written and
removed), so the user is told at once and no job row waits for ever; a job
that meets it later fails with the same message. Every byte goes through
`_open_for_writing`, the one place a test makes fail.
"""
import contextlib
import glob
import logging
import os
import re
import secrets

from flask import current_app

log = logging.getLogger(__name__)

FOLDER_MESSAGE = ("Không ghi được tệp vào thư mục tác vụ nền (ổ đĩa đầy, chỉ cho phép đọc hoặc "
                  "không có quyền ghi); chưa có gì được ghi hay thay đổi. Hãy liên hệ quản trị.")
PROBE_BYTES = 64 * 1024  # a result smaller than this cannot be the first to fail
PARTIAL = re.compile(r"\.job(\d+)-[A-Za-z0-9_-]+\.[a-z]+\.part")


class FolderUnwritable(Exception):
    """The jobs folder refused a write; str() is the Vietnamese message."""

    def __init__(self, cause):
        super().__init__(FOLDER_MESSAGE)
        self.cause = cause


def folder(app=None):
    app = app or current_app
    path = app.config.get("JOBS_FOLDER") or os.path.join(app.instance_path, "jobs")
    os.makedirs(path, exist_ok=True)
    return path


def _open_for_writing(path):
    return open(path, "xb")


def folder_problem(app=None):
    """None when the jobs folder takes a file; else the message for the user (logged)."""
    path = None
    try:
        path = os.path.join(folder(app), f".probe-{secrets.token_hex(8)}")
        with _open_for_writing(path) as probe:
            probe.write(b"\0" * PROBE_BYTES)
            probe.flush()
            os.fsync(probe.fileno())
    except OSError as error:
        log.error("the jobs folder cannot be written: %s", error)
        return FOLDER_MESSAGE
    finally:
        if path is not None:
            with contextlib.suppress(OSError):
                os.remove(path)
    return None


@contextlib.contextmanager
def result_file(job, suffix=".xlsx"):
    """Yield (stored_name, binary file) for `job`'s result; the file gets its
    name only when the block ends without error, else it is removed. A write
    the folder refuses raises FolderUnwritable."""
    stored = secrets.token_urlsafe(24) + suffix
    final = os.path.join(folder(), stored)
    partial = os.path.join(folder(), f".job{job.id}-{stored}.part")
    try:
        with _open_for_writing(partial) as output:
            yield stored, output
            output.flush()
            os.fsync(output.fileno())
        os.rename(partial, final)
    except BaseException as error:
        with contextlib.suppress(OSError):
            os.remove(partial)
        if isinstance(error, OSError):
            log.error("job %s: its result could not be written: %s", job.id, error)
            raise FolderUnwritable(error) from error
        raise


def remove_partials(is_running, app=None):
    """Remove the partial files of jobs that no longer run (their worker died)."""
    for path in glob.glob(os.path.join(folder(app), ".job*.part")):
        found = PARTIAL.fullmatch(os.path.basename(path))
        if found and not is_running(int(found.group(1))):
            with contextlib.suppress(OSError):
                os.remove(path)
                log.info("removed the partial result %s of an interrupted job", path)
