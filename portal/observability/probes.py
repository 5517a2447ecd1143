"""/healthz, /readyz and /metrics, and the hooks that time, name and log every request.

The probes answer from the first before_request hook: no other hook runs
before them, so no pooled connection is taken, no session or login is read,
no CSRF token or rate limit applies, and /healthz stays up while the
database is down. The other hooks (security headers, the request id) still
see their responses.

/metrics is for the monitoring server only: requests from addresses outside
METRICS_ALLOWED get the portal's ordinary 404 page, as for a page that does
not exist. The address is the one ProxyFix settles from PROXY_HOPS; a request
carrying X-Forwarded-For while PROXY_HOPS is 0 came through a proxy the
portal was not told about (every outsider would then look like the proxy's
own address), so it is refused too.
"""
import logging
import time

from flask import Blueprint, Response, abort, current_app, g, jsonify, request

from models import db
from portal.observability import job_signals, logs, metrics
from portal.observability.request_ids import HEADER, request_id_from

log = logging.getLogger(__name__)

bp = Blueprint("observability", __name__)

# Readiness failures, in words, for whoever reads the probe's answer.
FAILED = {
    "database": "Không truy vấn được cơ sở dữ liệu.",
    "jobs": "Không đọc được hàng đợi tác vụ nền.",
}


def _no_store(response, status=200):
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/healthz")
def healthz():
    """The process is up and answering; nothing else is touched."""
    return _no_store(jsonify(status="ok"))


def _check_database():
    was_closed = db.is_closed()
    try:
        db.connect(reuse_if_open=True)
        db.execute_sql("SELECT 1").fetchone()
    finally:
        if was_closed and not db.is_closed():
            db.close()


def _check_jobs():
    current_app.extensions["jobs"].queue.pending_count()


@bp.route("/readyz")
def readyz():
    """The database answers a trivial query and the job queue's storage can be read."""
    checks, failed = {}, []
    for name, check in (("database", _check_database), ("jobs", _check_jobs)):
        try:
            check()
            checks[name] = {"ok": True}
        except Exception as error:
            # The answer is public: the error's class only; details go to the log.
            log.warning("readiness check %s failed: %s", name, error)
            checks[name] = {"ok": False, "error": f"{FAILED[name]} ({type(error).__name__})"}
            failed.append(name)
    if failed:
        message = " ".join(FAILED[name] for name in failed)
        return _no_store(jsonify(status="unavailable", failed=failed, message=message, checks=checks), 503)
    return _no_store(jsonify(status="ok", checks=checks))


@bp.route("/metrics")
def prometheus_metrics():
    if not metrics_allowed():
        abort(404)
    body = metrics.exposition(current_app.extensions["jobs"].queue)
    return _no_store(Response(body, mimetype="text/plain; version=0.0.4; charset=utf-8"))


def metrics_allowed():
    if not current_app.config.get("PROXY_HOPS") and "X-Forwarded-For" in request.headers:
        return False
    allowed = current_app.config["METRICS_ALLOWED"]
    if isinstance(allowed, str):  # given as text to create_app, not read from the environment
        allowed = metrics.parse_allowed(allowed)
    return metrics.address_allowed(request.remote_addr, allowed)


def _begin():
    g.request_started = time.perf_counter()
    g.request_id = request_id_from(request.headers.get(HEADER))
    if request.blueprint == bp.name and request.endpoint in current_app.view_functions:
        return current_app.view_functions[request.endpoint](**(request.view_args or {}))
    return None


def _finish(response):
    request_id = g.get("request_id") or request_id_from(None)
    response.headers[HEADER] = request_id
    user = g.get("_login_user")
    user_id = user.id if user is not None and getattr(user, "is_authenticated", False) else None
    # gunicorn's access log reads these from the same environ (jsonlines.py).
    request.environ["portal.request_id"] = request_id
    request.environ["portal.user_id"] = user_id
    started = g.get("request_started")
    if started is not None:
        metrics.observe_request(request.endpoint, response.status_code, time.perf_counter() - started)
    reason = _login_failure(response.status_code)
    if reason:
        metrics.login_failed(reason)
    return response


def _login_failure(status):
    """Why this response refused a sign-in, or None (the statuses auth.login and the API answer)."""
    if request.endpoint == "auth.login" and request.method == "POST":
        return {401: "password", 429: "throttled"}.get(status)
    if status == 401 and request.path.startswith("/api/"):
        return "api_token"
    return None


def init_app(app):
    """Call last in the factory: the hooks go before every other one, jobs must exist."""
    logs.configure(app)
    app.register_blueprint(bp)
    # First to run before a request, last after it: the timer covers the other
    # hooks, the probes skip them, and every response gets its request id.
    app.before_request_funcs.setdefault(None, []).insert(0, _begin)
    app.after_request_funcs.setdefault(None, []).insert(0, _finish)
    job_signals.connect(app, app.extensions["jobs"].queue)
