"""The application factory."""
import os

from flask import Flask, render_template
from flask_wtf.csrf import CSRFError, CSRFProtect
from werkzeug.exceptions import HTTPException
from werkzeug.middleware.proxy_fix import ProxyFix

from models.choices import label
from models.user import ROLE_CHOICES
from portal import (
    api, auth, cli, database, files, headers, i18n, jobs, navbar, observability, static_cache,
    unavailable,
)
from portal.admin import build_admin
from portal.config import Config

csrf = CSRFProtect()


def create_app(config=None):
    app = Flask(__name__, instance_relative_config=True)
    os.makedirs(app.instance_path, exist_ok=True)
    app.config.update(Config.from_env(app.instance_path))
    if config:
        app.config.update(config)

    if app.config.get("PROXY_HOPS"):
        hops = app.config["PROXY_HOPS"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)
    database.init_app(app)
    # First after the database: under /api/ the bearer token decides current_user.
    api.init_app(app)
    jobs.init_app(app)
    i18n.init_app(app)
    # One CSRF mechanism for every POST: Flask-Admin's templates add the token.
    # The API takes bearer tokens and never reads the session cookie, so it is
    # the one place without it; every other path is checked (deny by default).
    app.config["WTF_CSRF_CHECK_DEFAULT"] = False
    csrf.init_app(app)

    @app.before_request
    def _csrf_protect():
        if app.config["WTF_CSRF_ENABLED"] and not api.is_api_request():
            csrf.protect()
    auth.login_manager.init_app(app)
    app.register_blueprint(auth.bp)
    app.register_blueprint(files.bp)
    admin = build_admin(app)
    # Every record view also answers under /api/v1 (portal/api/resources.py).
    api.register_resources(app, admin)
    headers.init_app(app)
    static_cache.init_app(app)
    cli.init_app(app)
    _register_template_helpers(app)
    navbar.init_app(app)
    _register_errors(app)
    # Last: its hooks put themselves before all others (probes, request ids, metrics, logs).
    observability.init_app(app)
    return app


def _register_template_helpers(app):
    @app.context_processor
    def helpers():
        return {
            "role_label": lambda role: label(ROLE_CHOICES, role),
        }


def _register_errors(app):
    def page(title, message, status, error=None):
        # Under /api/ every error is problem+json, never an HTML page.
        json_error = api.http_problem(error)
        if json_error is not None:
            return json_error
        return render_template("error.html", title=title, message=message), status

    @app.errorhandler(CSRFError)
    def csrf_failed(error):
        return page("Yêu cầu không hợp lệ",
                    "Phiên làm việc đã hết hạn hoặc biểu mẫu không hợp lệ. "
                    "Hãy tải lại trang rồi thử lại; dữ liệu chưa được thay đổi.", 400, error)

    @app.errorhandler(413)
    def too_large(error):
        limit = app.config["MAX_CONTENT_LENGTH"] // (1024 * 1024)
        return page("Tệp quá lớn", f"Dung lượng gửi lên vượt quá {limit} MB; chưa có gì được lưu.", 413, error)

    @app.errorhandler(403)
    def forbidden(error):
        return page("Không có quyền truy cập",
                    "Tài khoản của bạn không được phép xem hoặc thay đổi mục này.", 403, error)

    @app.errorhandler(404)
    def not_found(error):
        return page("Không tìm thấy", "Trang hoặc bản ghi này không tồn tại.", 404, error)

    @app.errorhandler(HTTPException)
    def other_http_error(error):
        json_error = api.http_problem(error)
        return error if json_error is None else json_error

    # The database busy or out of reach: 503 with Retry-After, never a 500.
    unavailable.init_app(app)
