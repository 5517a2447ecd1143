"""Bearer tokens for /api/: the token's user becomes `current_user` for the request.

No cookie is read and none is set under /api/, so no CSRF token is needed:
a browser's session can never act through the API.
"""
import datetime

from flask import g, has_request_context, request

from models import db
from models.api_token import ApiToken
from portal.api.problems import ApiError

# last_used_at is written at most this often per token, not on every request.
LAST_USED_EVERY = datetime.timedelta(minutes=1)

WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


def bearer():
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        return None
    return value.strip()


def authenticate():
    """Resolve the request's token; raise 401 when there is no live one."""
    plaintext = bearer()
    if plaintext is None:
        raise ApiError(401, "token_missing",
                       "Thiếu khóa API: gửi tiêu đề Authorization: Bearer <khóa>.",
                       headers={"WWW-Authenticate": 'Bearer realm="api"'})
    token = ApiToken.find(plaintext)
    if token is None:
        raise ApiError(401, "token_invalid",
                       "Khóa API không đúng, đã hết hạn, đã bị thu hồi hoặc tài khoản đã bị khóa.",
                       headers={"WWW-Authenticate": 'Bearer realm="api", error="invalid_token"'})
    # flask-login reads the user of this request from g._login_user.
    g._login_user = token.user
    g.api_token = token
    _note_use(token)
    return token


def require_write():
    token = g.get("api_token")
    if token is not None and token.read_only and request.method in WRITE_METHODS:
        raise ApiError(403, "token_read_only", "Khóa API này chỉ được phép đọc dữ liệu.")


def _note_use(token):
    now = datetime.datetime.now()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_EVERY:
        with db.atomic():
            ApiToken.update(last_used_at=now).where(ApiToken.id == token.id).execute()
        token.last_used_at = now


def token_label():
    """What audit entries record as the channel: "api:<label>" under a token."""
    token = g.get("api_token") if has_request_context() else None
    return f"api:{token.label}"[:100] if token is not None else ""
