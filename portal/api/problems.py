"""Errors as RFC 9457 problem details: a Vietnamese `message`, a stable `code`.

Clients branch on `code`; people read `message`. `errors` maps a field name
to its messages, exactly those the entry form shows.
"""
from flask import jsonify
from werkzeug.exceptions import HTTPException

TITLES = {
    400: "Yêu cầu không hợp lệ",
    401: "Chưa xác thực",
    403: "Không có quyền",
    404: "Không tìm thấy",
    405: "Phương thức không được hỗ trợ",
    409: "Xung đột dữ liệu",
    412: "Bản ghi đã thay đổi",
    413: "Dữ liệu quá lớn",
    415: "Kiểu dữ liệu không được hỗ trợ",
    422: "Dữ liệu không hợp lệ",
    428: "Thiếu điều kiện If-Match",
    429: "Quá nhiều yêu cầu",
    500: "Lỗi máy chủ",
    503: "Dịch vụ tạm thời không sẵn sàng",
}


class ApiError(Exception):
    """Raised anywhere under /api/v1; becomes one problem+json response."""

    def __init__(self, status, code, message, errors=None, headers=None):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
        self.errors = errors or {}
        self.headers = headers or {}


def problem(status, code, message, errors=None, headers=None):
    body = {"type": f"about:blank#{code}", "title": TITLES.get(status, "Lỗi"),
            "status": status, "code": code, "message": message, "detail": message}
    if errors:
        body["errors"] = errors
    response = jsonify(body)
    response.status_code = status
    response.mimetype = "application/problem+json"
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def from_error(error):
    return problem(error.status, error.code, error.message, error.errors, error.headers)


# Werkzeug's own errors (unknown URL, wrong method, body too large) under /api/.
HTTP_CODES = {
    400: ("bad_request", "Yêu cầu không hợp lệ."),
    422: ("invalid_parameters", "Tham số không hợp lệ."),
    404: ("not_found", "Không tìm thấy tài nguyên này."),
    405: ("method_not_allowed", "Tài nguyên này không hỗ trợ phương thức {method}."),
    413: ("payload_too_large", "Dữ liệu gửi lên quá lớn."),
    415: ("unsupported_media_type", "Dữ liệu phải là JSON (Content-Type: application/json)."),
}


def from_http(exception, method):
    status = exception.code or 500
    code, message = HTTP_CODES.get(status, ("http_error", exception.description or "Lỗi."))
    headers = {}
    if status == 405 and isinstance(exception, HTTPException):
        allow = exception.get_headers()
        headers = {name: value for name, value in allow if name == "Allow"}
    # webargs (through flask-smorest) leaves its field messages in `data`.
    errors = (getattr(exception, "data", None) or {}).get("messages")
    return problem(status, code, message.format(method=method), errors=errors, headers=headers)
