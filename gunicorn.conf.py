"""Production server settings: `gunicorn -c gunicorn.conf.py wsgi:app`."""
import multiprocessing
import os

# The app refuses to start in production without its own SECRET_KEY.
os.environ.setdefault("PORTAL_ENV", "production")

bind = os.environ.get("BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", min(2 * multiprocessing.cpu_count() + 1, 9)))
worker_class = "gthread"
threads = 4
timeout = 60
graceful_timeout = 30
accesslog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
