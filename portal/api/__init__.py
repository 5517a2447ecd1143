"""The headless API under /api/v1: bearer tokens, JSON in and out, problem+json errors.

flask-smorest (marshmallow schemas, apispec) writes the OpenAPI 3.1 document
from the routes' own declarations: it works on our plain Flask app beside
Flask-Admin, and apispec writes 3.1's `type: [..., "null"]` for nullable
fields. Every API blueprint is a `flask_smorest.Blueprint` registered with
`rest.register_blueprint` in `init_app`, so it is both served and documented.
"""
from flask import g, request
from flask.sessions import SecureCookieSessionInterface
from flask_login import current_user
from flask_smorest import Api, Blueprint
from marshmallow import Schema, fields
from werkzeug.exceptions import HTTPException

from portal.api import auth, docs, limits, people, reports, resources, totals
from portal.api.problems import ApiError, from_error, from_http
from portal.api.schemas import Problem

PREFIX = "/api/"

# Readable without a token: they describe the API and hold no data.
PUBLIC_PATHS = {"/api/v1/openapi.json"}


class PortalApi(Api):
    # Every documented error is our problem+json, not smorest's `Error`.
    ERROR_SCHEMA = Problem

    def __init__(self, *args, **kwargs):
        self._pending_docs = []
        self._spec = None
        super().__init__(*args, **kwargs)

    # The OpenAPI document is written when first read. Documenting a resource
    # deep-copies each of its schemas: most of the time it takes to build an
    # app, which a test's or a command's app would otherwise pay for nothing.
    @property
    def spec(self):
        while self._pending_docs:
            blueprint, name, parameters = self._pending_docs.pop(0)
            blueprint.register_views_in_doc(self, self._app, self._spec, name=name, parameters=parameters)
            self._spec.tag({"name": name, "description": blueprint.description})
        return self._spec

    @spec.setter
    def spec(self, value):
        self._spec = value

    def init_app(self, app, *, spec_kwargs=None):
        # One Api serves each app built in this process in turn: a new app's
        # document starts from nothing.
        self._pending_docs = []
        super().init_app(app, spec_kwargs=spec_kwargs)

    def register_blueprint(self, blp, *, parameters=None, **options):
        """smorest's, with the blueprint's documentation left for `spec`."""
        name = options.get("name", blp.name)
        self._app.extensions["flask-smorest"]["blp_name_to_api"][name] = self
        self._app.register_blueprint(blp, **options)
        self._pending_docs.append((blp, name, parameters))

    def _register_error_handlers(self):
        """Errors stay ours: problem+json under /api/, HTML pages elsewhere
        (smorest's handler would answer every HTTP error in the app with JSON)."""

    def _register_responses(self):
        """smorest's shared error responses, documented as what we send."""
        from http import HTTPStatus

        from flask_smorest.utils import prepare_response
        for status in list(HTTPStatus) + ["DEFAULT_ERROR"]:
            name = getattr(status, "name", status)
            response = {"description": getattr(status, "phrase", "Lỗi (problem+json)")}
            if status == "DEFAULT_ERROR" or (status >= 400):
                response["schema"] = self.ERROR_SCHEMA
                prepare_response(response, self.spec, "application/problem+json")
            self.spec.components.response(name, response, lazy=True)


GUIDE = """API của Cổng giao ban Khối Mặt trận Tổ quốc và các đoàn thể. \
Xác thực bằng khóa API cá nhân: Authorization: Bearer <khóa>.

Mỗi loại bản ghi của cổng là một tài nguyên /api/v1/<tên>, với đúng phạm vi, quyền, \
kiểm tra dữ liệu và nhật ký như trên màn hình:

- Danh sách: `GET /api/v1/members?q=nguyen thi hoa&limit=50` trả về `data` và \
`next_cursor`; trang sau: thêm `cursor=<next_cursor>`. `count=true` thêm tổng số.
- Một bản ghi: `GET /api/v1/members/12` trả về tiêu đề `ETag`.
- Thêm: `POST /api/v1/members` (JSON; ngày theo dạng YYYY-MM-DD, khóa ngoại là mã số).
- Sửa: `PATCH /api/v1/members/12` với tiêu đề `If-Match: <ETag>`; thiếu If-Match: 428, \
bản ghi đã bị người khác sửa: 412. Xoá: `DELETE` cũng cần If-Match.
- Lỗi: `application/problem+json` với `code` (để máy đọc) và `message` tiếng Việt; \
lỗi theo từng trường trong `errors`.

Bản ghi ngoài phạm vi của tài khoản trả về 404 như bản ghi không tồn tại. \
Dữ liệu cá nhân của hội viên (dân tộc, tôn giáo, CCCD, điện thoại, ngày vào Đảng) \
chỉ có khi đọc từng bản ghi, và mỗi lần đọc được ghi vào nhật ký."""

rest = PortalApi(spec_kwargs={"info": {"description": GUIDE}})

bp = Blueprint("tai-khoan", __name__, url_prefix="/api/v1", description="Tài khoản của khóa API")


def is_api_request():
    return request.path.startswith(PREFIX)


def _authenticate():
    """Every path under /api/v1/ needs a live token unless listed as public."""
    if request.path.startswith("/api/v1/") and request.path not in PUBLIC_PATHS:
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


def init_app(app):
    """Call before other blueprints: the token decides `current_user` first."""
    app.before_request(_authenticate)
    # Rate limits per token: after _authenticate, which tells whose token it is.
    limits.init_app(app)
    app.session_interface = SessionInterface()
    # Vietnamese messages readable as sent (curl, logs), not as \u escapes.
    app.json.ensure_ascii = False
    app.config.setdefault("API_TITLE", "Cổng giao ban: API")
    app.config.setdefault("API_VERSION", "v1")
    app.config.setdefault("OPENAPI_VERSION", "3.1.0")
    app.config.setdefault("OPENAPI_URL_PREFIX", "/api/v1")
    app.config.setdefault("OPENAPI_JSON_PATH", "openapi.json")
    rest.init_app(app, spec_kwargs={"extra_plugins": [limits.RateLimitDoc()]})
    rest.spec.components.security_scheme(
        "khoa_api", {"type": "http", "scheme": "bearer",
                     "description": "Khóa API cá nhân (Tài khoản → Khóa API)."})
    rest.spec.options["security"] = [{"khoa_api": []}]
    rest.register_blueprint(bp)
    rest.register_blueprint(totals.bp)
    rest.register_blueprint(people.bp)
    rest.register_blueprint(reports.bp)
    app.register_blueprint(docs.bp)

    @app.errorhandler(ApiError)
    def _api_error(error):
        return from_error(error)


def register_resources(app, admin):
    """The record types' resources: call once the admin's views exist."""
    with app.app_context():
        resources.register(rest, admin)


def http_problem(exception):
    """A problem+json response for a Werkzeug error under /api/, else None."""
    if not is_api_request() or not isinstance(exception, HTTPException):
        return None
    return from_http(exception, request.method)


class OrganisationRef(Schema):
    id = fields.Integer()
    code = fields.String()
    name = fields.String()


class TokenInfo(Schema):
    label = fields.String(metadata={"description": "Tên khóa"})
    read_only = fields.Boolean(metadata={"description": "Khóa chỉ đọc"})
    expires_at = fields.DateTime(allow_none=True, metadata={"description": "Hết hạn lúc"})


class Me(Schema):
    username = fields.String(metadata={"description": "Tên đăng nhập"})
    full_name = fields.String(metadata={"description": "Họ và tên"})
    role = fields.String(metadata={"description": "Vai trò"})
    organisation = fields.Nested(OrganisationRef, allow_none=True,
                                 metadata={"description": "Tổ chức của tài khoản"})
    token = fields.Nested(TokenInfo)


@bp.get("/me")
@bp.response(200, Me)
def me():
    """Tài khoản và quyền của khóa API đang dùng"""
    return {"username": current_user.username, "full_name": current_user.full_name,
            "role": current_user.role, "organisation": current_user.organisation,
            "token": g.api_token}
