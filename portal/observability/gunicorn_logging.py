"""gunicorn's side: its error and access logs as JSON lines, and the metrics folder.

Loaded by gunicorn.conf.py in the master process, before any worker imports
the app; it imports nothing of the portal's but the log formatter.

The access line is written by gunicorn after the response has gone out, so
its duration is the whole request. The app leaves its request id and the
signed-in user's id in the request's WSGI environ (portal/observability/probes.py),
which gunicorn hands to this logger.
"""
import glob
import os
import re

from gunicorn import glogging

from portal.observability.logs import JsonFormatter


class JsonLogger(glogging.Logger):
    def setup(self, cfg):
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            for handler in log.handlers:
                if getattr(handler, "_gunicorn", False):
                    handler.setFormatter(JsonFormatter())

    def access(self, resp, req, environ, request_time):
        if not self.access_log_enabled:
            return
        status = resp.status.split(None, 1)[0] if isinstance(resp.status, str) else resp.status
        fields = {
            "request_id": environ.get("portal.request_id", ""),
            "method": environ.get("REQUEST_METHOD", ""),
            "path": environ.get("PATH_INFO", ""),
            "status": int(status) if str(status).isdigit() else status,
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
    """At gunicorn's start: remove sample files of processes that are gone (a previous run),
    which would otherwise be added to this run's counters. A live process's files (a
    `jobs worker` sharing the folder) stay."""
    os.makedirs(folder, exist_ok=True)
    for path in glob.glob(os.path.join(folder, "*.db")):
        found = SAMPLE_FILE.match(os.path.basename(path))
        if found and not _alive(int(found.group(1))):
            os.remove(path)
