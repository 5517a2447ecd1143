"""/api/docs: the OpenAPI document rendered by a vendored Swagger UI, offline.

Public: it holds no data, only the description any client reads from
/api/v1/openapi.json. Everything it loads comes from this site
(portal/static/vendor/swagger-ui-*), and its one inline script carries the
response's CSP nonce (portal/headers.py).
"""
from flask import Blueprint, render_template

SWAGGER_UI = "vendor/swagger-ui-5.35.0"

bp = Blueprint("api_docs", __name__)


@bp.get("/api/docs")
def page():
    return render_template("api/docs.html", swagger_ui=SWAGGER_UI)
