"""The headless API under /api/v1: bearer tokens, JSON in and out, problem+json errors.

`bp` carries every API route; `init_app` wires what the rest of the portal
must do differently under /api/ (no session cookie, no CSRF, JSON errors).
"""
from flask import Blueprint, request
from flask.sessions import SecureCookieSessionInterface
from werkzeug.exceptions import HTTPException

from portal.api import auth
from portal.api.problems import ApiError, from_error, from_http

PREFIX = "/api/"

bp = Blueprint("api", __name__, url_prefix="/api/v1")


def is_api_request():
    return request.path.startswith(PREFIX)


@bp.before_request
def _authenticate():
    auth.authenticate()
    auth.require_write()


class SessionInterface(SecureCookieSessionInterface):
    """Under /api/ a session cookie is neither read nor written."""

    def open_session(self, app, request):
        if request.path.startswith(PREFIX):
            return self.session_class()
        return super().open_session(app, request)

    def save_session(self, app, session, response):
        if request.path.startswith(PREFIX):
            return None
        return super().save_session(app, session, response)


def init_app(app, csrf):
    app.register_blueprint(bp)
    csrf.exempt(bp)
    app.session_interface = SessionInterface()

    @app.errorhandler(ApiError)
    def _api_error(error):
        return from_error(error)


def http_problem(exception):
    """A problem+json response for a Werkzeug error under /api/, else None."""
    if not is_api_request() or not isinstance(exception, HTTPException):
        return None
    return from_http(exception, request.method)


@bp.get("/me")
def me():
    """The token's user and what the token may do."""
    from flask import g, jsonify
    from flask_login import current_user

    organisation = current_user.organisation
    return jsonify({
        "username": current_user.username,
        "full_name": current_user.full_name,
        "role": current_user.role,
        "organisation": None if organisation is None else
        {"id": organisation.id, "code": organisation.code, "name": organisation.name},
        "token": {"label": g.api_token.label, "read_only": g.api_token.read_only,
                  "expires_at": g.api_token.expires_at.isoformat() if g.api_token.expires_at else None},
    })
