"""Log lines as JSON objects, one per line, for a log collector to read without parsing text.

Every line has time (UTC, ISO 8601), level, logger and message; inside a
request also request_id, method, path and user_id (when the request has
already loaded its user: a log line never queries the database), inside a
background job the request_id of the request that queued it. The access log
adds status, duration_ms, address and bytes (portal/observability/jsonlines.py).
Query strings are never logged: a member search names people.

LOG_FORMAT=json installs the handler on the root logger (gunicorn.conf.py
makes json the default under gunicorn); text leaves Python's and Flask's
own formatting alone, which reads better in the development server.
"""
import logging
import sys

from flask import g, has_request_context, request
from flask.logging import default_handler

from portal.observability.jsonlines import JsonLines
from portal.observability.request_ids import current_request_id


def request_context():
    """The fields a line written now inherits from its request or job."""
    fields = {}
    request_id = current_request_id()
    if request_id:
        fields["request_id"] = request_id
    if has_request_context():
        fields["method"] = request.method
        fields["path"] = request.path
        user = g.get("_login_user")  # loaded already, or not at all: no query from a log call
        if user is not None and getattr(user, "is_authenticated", False):
            fields["user_id"] = user.id
    return fields


class JsonFormatter(JsonLines):
    def context(self):
        return request_context()


def json_handler(stream=None):
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter())
    handler.portal_json = True  # ours: replaced, not stacked, when the app is built again
    return handler


def configure(app):
    """Apply LOG_FORMAT and LOG_LEVEL to the root logger."""
    if app.config.get("LOG_FORMAT") != "json":
        return None
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "portal_json", False):
            root.removeHandler(handler)
    handler = json_handler()
    root.addHandler(handler)
    root.setLevel(app.config.get("LOG_LEVEL", "INFO"))
    # Flask's own text handler would print every portal.* line a second time.
    app.logger.removeHandler(default_handler)
    return handler
