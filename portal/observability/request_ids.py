"""One id per request: taken from a sane incoming X-Request-ID or made here.

A reverse proxy (nginx's $request_id) or a caller may name the request; the
id then ties its log lines, the proxy's and ours, and the audit entries it
wrote. An incoming id is used only when it is short and made of safe
characters, since it goes into logs and headers verbatim; anything else is
replaced, never trimmed into something half-trusted.

Background jobs run outside any request: the id of the request that queued
them travels with them (portal/observability/job_signals.py) and is held
in a context variable of the thread running them.
"""
import contextvars
import re
import uuid

from flask import g, has_request_context

HEADER = "X-Request-ID"
MAX_LENGTH = 64
VALID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,%d}" % (MAX_LENGTH - 1))

job_request_id = contextvars.ContextVar("job_request_id", default="")


def request_id_from(incoming):
    """The incoming id when it is acceptable, else a fresh one (32 hex digits)."""
    if incoming and VALID.fullmatch(incoming):
        return incoming
    return uuid.uuid4().hex


def current_request_id():
    """The id of the request (or of the job's queuing request) being served; "" when none."""
    if has_request_context():
        found = g.get("request_id")
        if found:
            return found
    return job_request_id.get()
