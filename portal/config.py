"""Configuration, read from the environment when the app is built."""
import datetime
import os
import secrets


class ConfigError(RuntimeError):
    pass


def _dev_secret(instance_path):
    """A per-installation key for development, kept in the instance folder."""
    path = os.path.join(instance_path, "dev-secret-key")
    if not os.path.exists(path):
        os.makedirs(instance_path, exist_ok=True)
        with open(path, "w") as fh:
            fh.write(secrets.token_hex(32))
    with open(path) as fh:
        return fh.read().strip()


class Config:
    MAX_CONTENT_LENGTH = 25 * 1024 * 1024
    ATTACHMENT_MAX_BYTES = 20 * 1024 * 1024
    # Absolute lifetime of a login, and how long it survives without a request.
    PERMANENT_SESSION_LIFETIME = datetime.timedelta(hours=12)
    SESSION_IDLE_SECONDS = 30 * 60
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    WTF_CSRF_TIME_LIMIT = None
    BABEL_DEFAULT_LOCALE = "vi"
    BABEL_DEFAULT_TIMEZONE = "Asia/Ho_Chi_Minh"
    # Larger list exports run as background jobs (a request would outlast gunicorn's 30 s).
    EXPORT_MAX_SYNC_ROWS = 50000
    # Import files with more data rows are checked and written by background jobs.
    IMPORT_MAX_SYNC_ROWS = 5000
    # Background job result files are kept this long; a running job without a heartbeat (one a
    # second, portal/jobs/lease.py) this long died.
    JOB_KEEP_HOURS = 24
    JOB_STALE_SECONDS = 60
    # How long a SQLite write waits for another writer's lock before the user is told to retry.
    SQLITE_BUSY_TIMEOUT_MS = 10000
    # Requests per API token (portal/api/limits.py); writes have their own, tighter budget.
    API_RATE_LIMIT = "600 per minute"
    API_WRITE_RATE_LIMIT = "120 per minute"
    # Notification e-mail (portal/notifications/mail.py): off while SMTP_HOST is empty.
    # SMTP_TLS: "starttls" (port 587), "ssl" (port 465) or "none" (a relay on the local network).
    SMTP_HOST = ""
    SMTP_PORT = 587
    SMTP_USER = ""
    SMTP_PASSWORD = ""
    SMTP_FROM = ""
    SMTP_TLS = "starttls"
    SMTP_TIMEOUT = 10
    # Seconds before the 2nd, 3rd and 4th try of a notification e-mail; then it has failed.
    NOTIFY_EMAIL_RETRY_DELAYS = (60, 300, 1800)
    # Nightly backups (portal/backup/nightly.py): off while BACKUP_DIR is empty; the
    # BACKUP_KEEP newest nightly files are kept; due from BACKUP_HOUR (server time) each day.
    BACKUP_DIR = ""
    BACKUP_KEEP = 14
    BACKUP_HOUR = 2
    # Where pg_dump, pg_restore and psql of the server's version are, when not found by themselves.
    PG_BIN_DIR = ""
    # The portal's address as users open it, for the links in e-mails (https://giaoban.example.vn).
    PORTAL_URL = ""
    # Observability (portal/observability): log format and level; who may read /metrics.
    LOG_FORMAT = "text"
    LOG_LEVEL = "INFO"
    METRICS_ALLOWED = "127.0.0.1, ::1"

    @classmethod
    def from_env(cls, instance_path, environ=None):
        env = os.environ if environ is None else environ
        production = env.get("PORTAL_ENV", "development") == "production"
        settings = {k: v for k, v in vars(cls).items() if k.isupper()}
        settings["PORTAL_ENV"] = "production" if production else "development"
        settings["DATABASE_URL"] = env.get(
            "DATABASE_URL", "sqlite:///" + os.path.join(instance_path, "portal.db")
        )
        settings["UPLOAD_FOLDER"] = env.get(
            "UPLOAD_FOLDER", os.path.join(instance_path, "uploads")
        )
        # Background jobs: a SQLite file in the instance folder, or Redis in production.
        settings["JOB_BROKER_URL"] = env.get("JOB_BROKER_URL", "")
        for name in ("EXPORT_MAX_SYNC_ROWS", "IMPORT_MAX_SYNC_ROWS", "SQLITE_BUSY_TIMEOUT_MS",
                     "JOB_STALE_SECONDS"):
            if env.get(name):
                settings[name] = int(env[name])
        settings["JOB_QUEUE_FILE"] = env.get("JOB_QUEUE_FILE", os.path.join(instance_path, "jobs.sqlite3"))
        settings["JOBS_FOLDER"] = env.get("JOBS_FOLDER", os.path.join(instance_path, "jobs"))
        if env.get("JOB_WORKER_THREADS"):
            settings["JOB_WORKER_THREADS"] = int(env["JOB_WORKER_THREADS"])
        for name in ("API_RATE_LIMIT", "API_WRITE_RATE_LIMIT"):
            if env.get(name):
                settings[name] = env[name]
        if env.get("RATELIMIT_ENABLED"):
            # Unset: on, except in tests (portal/api/limits.py).
            settings["RATELIMIT_ENABLED"] = env["RATELIMIT_ENABLED"] not in ("0", "false", "no")
        for name in ("SMTP_HOST", "SMTP_USER", "SMTP_PASSWORD", "SMTP_FROM", "SMTP_TLS", "PORTAL_URL"):
            if env.get(name):
                settings[name] = env[name]
        if env.get("SMTP_PORT"):
            settings["SMTP_PORT"] = int(env["SMTP_PORT"])
        if settings["SMTP_TLS"] not in ("starttls", "ssl", "none"):
            raise ConfigError("SMTP_TLS must be starttls, ssl or none.")
        if settings["SMTP_HOST"] and not (settings["SMTP_FROM"] or settings["SMTP_USER"]):
            raise ConfigError("SMTP_HOST is set without SMTP_FROM: e-mails need a sender address.")
        for name in ("BACKUP_DIR", "PG_BIN_DIR"):
            if env.get(name):
                settings[name] = env[name]
        for name in ("BACKUP_KEEP", "BACKUP_HOUR"):
            if env.get(name):
                settings[name] = int(env[name])
        _observability_settings(settings, env)
        secret = env.get("SECRET_KEY")
        if not secret:
            if production:
                raise ConfigError(
                    "SECRET_KEY is not set: a production start needs its own secret key."
                )
            secret = _dev_secret(instance_path)
        settings["SECRET_KEY"] = secret
        # How many reverse proxies in front of us add X-Forwarded-For (0: none).
        settings["PROXY_HOPS"] = int(env.get("PROXY_HOPS", "0"))
        # Behind HTTPS the cookie must never travel in clear.
        settings["SESSION_COOKIE_SECURE"] = production or env.get("SESSION_COOKIE_SECURE") == "1"
        return settings


def _observability_settings(settings, env):
    """LOG_FORMAT (json|text), LOG_LEVEL, METRICS_ALLOWED (addresses or networks)."""
    from portal.observability.metrics import parse_allowed

    for name in ("LOG_FORMAT", "LOG_LEVEL", "METRICS_ALLOWED"):
        if env.get(name):
            settings[name] = env[name].strip()
    settings["LOG_FORMAT"] = settings["LOG_FORMAT"].lower()
    if settings["LOG_FORMAT"] not in ("json", "text"):
        raise ConfigError("LOG_FORMAT must be json or text.")
    settings["LOG_LEVEL"] = settings["LOG_LEVEL"].upper()
    if settings["LOG_LEVEL"] not in ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"):
        raise ConfigError("LOG_LEVEL must be DEBUG, INFO, WARNING, ERROR or CRITICAL.")
    try:
        settings["METRICS_ALLOWED"] = parse_allowed(settings["METRICS_ALLOWED"])
    except ValueError:
        raise ConfigError(f"METRICS_ALLOWED={settings['METRICS_ALLOWED']!r} is not a list of "
                          "addresses or networks such as '127.0.0.1, 10.0.0.0/24'.") from None
