"""Rate limits per API token (flask-limiter).

One budget per token across every /api/v1 route (`API_RATE_LIMIT`), and a
tighter one for writes (`API_WRITE_RATE_LIMIT`). The key is the token's id,
never the address: many offices sit behind one address, and one token is one
program. Requests without a token (the public document, any page outside
/api/) are never counted; the auth layer has already refused a missing token
on every other /api/v1 path.

Counters live in memory for the embedded single-process start and in Redis
when `JOB_BROKER_URL` names one, so that every gunicorn worker and machine
shares them. When Redis stops answering, counting falls back to memory rather
than failing the API.

Limiting is on by default and off under `TESTING`, so that tests making many
calls (schemathesis) are never throttled by accident; `RATELIMIT_ENABLED`
decides either way.
"""
import math
import time

from apispec import BasePlugin
from flask import g
from flask_limiter import ApplicationLimit, Limiter, RateLimitExceeded
from limits import parse_many

from portal.api.problems import problem
from portal.config import ConfigError

WRITE_METHODS = ("POST", "PUT", "PATCH", "DELETE")
WRITE_SCOPE = "api-write"

UNITS = {"second": "giây", "minute": "phút", "hour": "giờ", "day": "ngày", "month": "tháng",
         "year": "năm"}


def token_key():
    token = g.get("api_token")
    return f"token:{token.id}" if token is not None else ""


def storage_uri(config):
    explicit = config.get("RATELIMIT_STORAGE_URI")
    if explicit:
        return explicit
    broker = config.get("JOB_BROKER_URL") or ""
    return broker if broker.startswith("redis") else "memory://"  # as portal/jobs does


def init_app(app):
    """Call after the token is resolved (its before_request must run first)."""
    config = app.config
    for name in ("API_RATE_LIMIT", "API_WRITE_RATE_LIMIT"):
        # A typo fails the start, not every API call afterwards.
        try:
            parse_many(config[name])
        except ValueError:
            raise ConfigError(f"{name}={config[name]!r} is not a rate limit such as "
                              "'600 per minute'.") from None
    config.setdefault("RATELIMIT_ENABLED", not app.testing)
    config.setdefault("RATELIMIT_KEY_PREFIX", "giaoban")
    # Redis down: count in this process's memory instead of answering 500.
    config.setdefault("RATELIMIT_IN_MEMORY_FALLBACK_ENABLED", True)
    # One limiter per app, never shared: flask-limiter keeps its storage on
    # the instance, so a module-level one would mix two apps' counters.
    limiter = Limiter(
        token_key,
        application_limits=[
            ApplicationLimit(lambda: config["API_RATE_LIMIT"], scope="api"),
            ApplicationLimit(lambda: config["API_WRITE_RATE_LIMIT"], scope=WRITE_SCOPE,
                             methods=WRITE_METHODS),
        ],
        storage_uri=storage_uri(config),
        on_breach=too_many_requests,
    )
    limiter.request_filter(lambda: not token_key())
    limiter.init_app(app)
    app.register_error_handler(RateLimitExceeded, lambda error: error.get_response())
    return limiter


def too_many_requests(request_limit):
    """The 429 as problem+json, with Retry-After in seconds."""
    item = request_limit.limit
    wait = max(1, math.ceil(request_limit.window.reset_time - time.time()))
    period = f"{item.multiples} {UNITS.get(item.GRANULARITY.name, item.GRANULARITY.name)}"
    if item.multiples == 1:
        period = UNITS.get(item.GRANULARITY.name, item.GRANULARITY.name)
    kind = "yêu cầu ghi" if WRITE_SCOPE in request_limit.request_args else "yêu cầu"
    return problem(429, "rate_limited",
                   f"Khóa API này đã dùng hết {item.amount} {kind} cho phép trong mỗi {period}. "
                   f"Hãy thử lại sau {wait} giây.",
                   headers={"Retry-After": str(wait)})


PROBLEM = {
    "type": "object",
    "properties": {
        "type": {"type": "string"}, "title": {"type": "string"}, "status": {"type": "integer"},
        "code": {"type": "string", "description": "Mã lỗi cố định, ví dụ rate_limited"},
        "message": {"type": "string", "description": "Thông báo tiếng Việt"},
        "detail": {"type": "string"},
    },
}


class RateLimitDoc(BasePlugin):
    """Documents the 429 on every operation of the document (all need a token)."""

    def init_spec(self, spec):
        spec.components.response("RateLimited", {
            "description": "Quá nhiều yêu cầu: khóa API đã vượt giới hạn tần suất; "
                           "thử lại sau số giây trong Retry-After.",
            "headers": {"Retry-After": {"description": "Số giây cần chờ",
                                        "schema": {"type": "integer"}}},
            "content": {"application/problem+json": {"schema": PROBLEM}},
        })

    def operation_helper(self, path=None, operations=None, **kwargs):
        for operation in (operations or {}).values():
            if isinstance(operation, dict):
                operation.setdefault("responses", {}).setdefault("429", "RateLimited")
