"""Production server settings: `gunicorn -c gunicorn.conf.py wsgi:app`."""
import multiprocessing
import os

# The app refuses to start in production without its own SECRET_KEY.
os.environ.setdefault("PORTAL_ENV", "production")

bind = os.environ.get("BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", min(2 * multiprocessing.cpu_count() + 1, 9)))
worker_class = "gthread"
# One request at a time per process: the pages are Python work, and threads in
# one process take turns on its interpreter lock. Under bench/load.py on SQLite
# (2 cores, 50 users) four threads a process put the totals page's p95 at
# 640 ms and the workbook's at 1,1 s; one thread, 230 ms and 310 ms. The
# gthread worker still keeps idle keep-alive connections without a thread.
threads = int(os.environ.get("WEB_THREADS", 1))
timeout = 60
# Longer than any client keeps an idle connection to us: nginx's upstream
# keepalive_timeout (60 s, deploy/nginx.conf) or a browser between clicks. At
# gunicorn's default of 2 s a request sent on a reused connection as the
# worker closed it was reset (bench/load.py saw five per minute), and nginx
# does not resend a POST that met a closed connection.
keepalive = 75
graceful_timeout = 30
accesslog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")

# --- Observability (issue 14): JSON logs, metrics summed over the workers. ---
import atexit  # noqa: E402
import importlib.util  # noqa: E402
import shutil  # noqa: E402
import tempfile  # noqa: E402

# Loaded by its path: the master must not import the portal package (see the file).
_spec = importlib.util.spec_from_file_location(
    "portal_jsonlines", os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                     "portal", "observability", "jsonlines.py"))
_jsonlines = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_jsonlines)

# Logs as JSON lines unless LOG_FORMAT=text (portal/observability/logs.py).
os.environ.setdefault("LOG_FORMAT", "json")
if os.environ["LOG_FORMAT"] == "json":
    logger_class = _jsonlines.JsonLogger

# Each worker writes its metric samples into this folder and /metrics adds them up
# (prometheus-client's multiprocess mode). It must be set before a worker imports
# the app, hence here, in the master. Without one of its own, every start gets a
# fresh folder, removed at exit: two portals on one machine must not share one.
if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    _metrics_folder = tempfile.mkdtemp(prefix="giaoban-metrics-")
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = _metrics_folder
    atexit.register(shutil.rmtree, _metrics_folder, ignore_errors=True)


def on_starting(server):
    _jsonlines.clear_stale_samples(os.environ["PROMETHEUS_MULTIPROC_DIR"])


def child_exit(server, worker):
    # A dead worker's counters stay in the sums; its live gauges must not.
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid, os.environ["PROMETHEUS_MULTIPROC_DIR"])
