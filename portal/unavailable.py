"""One error path for a database that cannot answer (admin_views/db_trouble.py).

A page gets the Vietnamese 503 page, the API a problem+json 503, both with
Retry-After; the cause is logged with the request. A record form whose save
found the database busy is shown again with the user's input (admin_views/
base.py), and leaves here as a 503 as well.

The connection that failed is not given back to the pool: peewee's pool
checks a PostgreSQL connection with a round trip when it hands it out and
drops it when it does not answer, so connections cut by a server restart are
replaced by fresh ones on the next request, without a failed request each.
"""
import logging

from flask import current_app, g, request

from admin_views import db_trouble
from portal.database import discard_connection
from portal.api import is_api_request
from portal.api.problems import problem

log = logging.getLogger(__name__)

CODES = {db_trouble.BUSY: "database_busy", db_trouble.DOWN: "database_unavailable"}


def init_app(app):
    for error_class in db_trouble.ERRORS:
        app.register_error_handler(error_class, _database_error)

    @app.after_request
    def _busy_form(response):
        if g.get("database_busy") and response.status_code == 200:
            response.status_code = 503
            response.headers["Retry-After"] = str(db_trouble.RETRY_AFTER_SECONDS)
        return response


def _database_error(error):
    kind = db_trouble.classify(error)
    if kind is None:
        raise error  # a defect, not an outage: the usual 500
    log.warning("database %s on %s %s: %s", kind, request.method, request.path,
                db_trouble.cause_of(error))
    _drop_connection()
    title, message = db_trouble.TEXT[kind]
    headers = {"Retry-After": str(db_trouble.RETRY_AFTER_SECONDS)}
    if is_api_request():
        return problem(503, CODES[kind], message, headers=headers)
    # Straight from the template: the context processors would load the user
    # (Flask-Login) from the very database that is out of reach.
    page = current_app.jinja_env.get_template("error.html").render(title=title, message=message)
    return page, 503, headers


def _drop_connection():
    """Close this request's connection for good: it may be cut, or mid-transaction."""
    try:
        discard_connection()
    except Exception:  # the server is gone: nothing to close cleanly
        log.debug("closing a broken connection failed", exc_info=True)
