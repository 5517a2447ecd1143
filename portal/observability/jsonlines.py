"""JSON lines: the formatter, gunicorn's logger, and the metrics folder's upkeep.

Self-contained (the standard library and gunicorn only): gunicorn.conf.py
loads this file by its path in gunicorn's master process, which must not
import the portal package. A master that imported the app would hand its
code to every worker it forks, and a reload (kill -HUP) would no longer
pick up new code.

The access line is written by gunicorn after the response has gone out, so
its duration is the whole request. The app leaves its request id and the
signed-in user's id in the request's WSGI environ (portal/observability/probes.py),
which gunicorn hands to the logger.
"""
import datetime
import glob
import json
import logging
import os
import re

from gunicorn import glogging

FIELDS = ("request_id", "method", "path", "status", "duration_ms", "user_id", "address", "bytes")


class JsonLines(logging.Formatter):
    """time (UTC), level, logger, message; the context's fields; the caller's extra fields."""

    def context(self):
        return {}

    def format(self, record):
        entry = {
            "time": datetime.datetime.fromtimestamp(record.created, datetime.timezone.utc)
            .isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry.update(self.context())
        # Fields given by the caller (extra={...}) win over the context's.
        entry.update({name: record.__dict__[name] for name in FIELDS if name in record.__dict__})
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


class JsonLogger(glogging.Logger):
    """gunicorn's error and access logs as JSON lines (gunicorn.conf.py's logger_class)."""

    def setup(self, cfg):
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            for handler in log.handlers:
                if getattr(handler, "_gunicorn", False):
                    handler.setFormatter(JsonLines())

    def access(self, resp, req, environ, request_time):
        if not self.access_log_enabled:
            return
        status = str(resp.status).split(None, 1)[0]
        fields = {
            "request_id": environ.get("portal.request_id", ""),
            "method": environ.get("REQUEST_METHOD", ""),
            # The path only: query strings hold searches, which name people.
            "path": environ.get("PATH_INFO", ""),
            "status": int(status) if status.isdigit() else status,
            "duration_ms": round(request_time.total_seconds() * 1000, 1),
            "address": environ.get("REMOTE_ADDR", ""),
            "bytes": getattr(resp, "sent", None),
        }
        if environ.get("portal.user_id") is not None:
            fields["user_id"] = environ["portal.user_id"]
        self.access_log.info("%s %s %s", fields["method"], fields["path"], fields["status"], extra=fields)


SAMPLE_FILE = re.compile(r".*_(\d+)\.db$")


def _alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def clear_stale_samples(folder):
    """At gunicorn's start: remove the metric sample files of processes that are gone (a
    previous run), which would otherwise be added to this run's counters. A live process's
    files (a `jobs worker` sharing the folder) stay."""
    os.makedirs(folder, exist_ok=True)
    for path in glob.glob(os.path.join(folder, "*.db")):
        found = SAMPLE_FILE.match(os.path.basename(path))
        if found and not _alive(int(found.group(1))):
            os.remove(path)
