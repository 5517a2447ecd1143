"""/api/v1/<resource>: every registered record view, as a JSON resource.

One declaration, two faces: each `PortalModelView` of the admin (unless it
says `api = False`) yields list, read, create, replace, patch and delete,
answered by the view itself: its scoped `get_query`/`get_one`, its filters
and search, its forms and hooks, its `access` and `can_*` rights. Nothing
here knows a record type by name, so a record type added later gets its API
with its screens.
"""
import hashlib
import json
import re

from flask import current_app, request, url_for
from flask_smorest import Blueprint

from admin_views.access import covers
from portal.api import queries, writes
from portal.api.problems import ApiError
from portal.api.schemas import (
    Problem, child_lists, input_schema, list_schema, plain, record_schema, shown_columns,
)

PROBLEM = "application/problem+json"
# Ids past this are no row on either database (PostgreSQL's integer key).
MAX_ID = 2 ** 31 - 1
NOT_FOUND = "Không tìm thấy bản ghi này."


def api_name(view):
    """The view's `api_name`, or its model's name in kebab-case, pluralised."""
    if view.api_name:
        return view.api_name
    words = re.sub(r"(?<!^)(?=[A-Z])", "-", view.model.__name__).lower()
    if words.endswith("y"):
        return words[:-1] + "ies"
    return words + ("es" if words.endswith("s") else "s")


class Resource:
    """One view as an API resource: its name, schemas and query parameters."""

    def __init__(self, view):
        self.view, self.model = view, view.model
        self.name = api_name(view)
        self.columns = shown_columns(view)
        self.personal = [f.name for f in self.columns if f.name in (view.sensitive_columns or ())]
        self.filters = queries.filter_parameters(view)
        self.sortable = queries.sortable(view)
        self.versioned = "version" in self.model._meta.fields
        self.children = child_lists(view)
        self.record = record_schema(view, self.name)
        self.page = list_schema(self.record, self.name)
        # Class-level rights: a view that switches writes off for everyone
        # (history, the audit trail, reports kept by their workflow) has no
        # write operations at all, and its form is never built.
        self.writes = {right for right in ("create", "edit", "delete")
                       if getattr(type(view), f"can_{right}") is not False}
        if self.writes & {"create", "edit"}:
            template = view.api_form(None)
            self.input = input_schema(view, self.name, template, partial=False)
            self.patch = input_schema(view, self.name, template, partial=True)

    # --- reading --------------------------------------------------------

    def dump(self, model, personal):
        skip = () if personal else self.personal
        return {f.name: plain(model.__data__.get(f.name)) for f in self.columns if f.name not in skip}

    def etag(self, model):
        if self.versioned:
            return f'"{model.version}"'
        # A record without a version number: a digest of what it holds.
        digest = hashlib.sha256(json.dumps(self.dump(model, True), sort_keys=True, default=str).encode())
        return f'"h{digest.hexdigest()[:16]}"'

    def one(self, id):
        """The row, if the caller reaches it; 404 alike for missing and out of scope."""
        row = self.view.get_one(id) if 0 < id <= MAX_ID else None
        if row is None:
            raise ApiError(404, "not_found", NOT_FOUND)
        return row

    def personal_visible(self, model):
        if not self.personal:
            return False
        owner = self.view.owner_id(model)
        return owner is None or covers(owner)

    def read(self, model, status=200, audit=True):
        personal = self.personal_visible(model)
        if personal and audit:
            self.view.audit_personal_read(model)
        data = self.dump(model, personal)
        for child in self.children:
            data[child.name] = child.rows(model)
        response = _json(data, status)
        response.headers["ETag"] = self.etag(model)
        return response

    # --- rights -----------------------------------------------------------

    def require(self, right):
        view = self.view
        if not view.is_accessible():
            raise ApiError(403, "forbidden", "Tài khoản của khóa API không được xem loại bản ghi này.")
        if right != "read" and not getattr(view, f"can_{right}"):
            raise ApiError(403, "forbidden", FORBIDDEN[right])

    def matching(self, model):
        """The If-Match version for a write; 428 without one, 412 when stale."""
        sent = request.headers.get("If-Match")
        if not sent:
            raise ApiError(428, "precondition_required",
                           "Cần gửi tiêu đề If-Match với ETag của bản ghi (đọc bản ghi để lấy ETag).")
        tags = [tag.strip().removeprefix("W/") for tag in sent.split(",")]
        if self.etag(model) not in tags:
            raise writes.stale()
        return model.version if self.versioned else None


FORBIDDEN = {
    "create": "Tài khoản của khóa API không được thêm loại bản ghi này.",
    "edit": "Tài khoản của khóa API không được sửa loại bản ghi này.",
    "delete": "Tài khoản của khóa API không được xoá loại bản ghi này.",
}


def _json(data, status=200):
    return current_app.response_class(
        json.dumps(data, ensure_ascii=False, default=str), status=status, mimetype="application/json")


# One instance for every operation's error responses: given the class, smorest
# makes an instance per response, about 500 on each start of the app.
PROBLEM_SCHEMA = Problem()


def problem_responses(blp, *statuses):
    def decorate(function):
        for status in statuses:
            function = blp.alt_response(status, schema=PROBLEM_SCHEMA, content_type=PROBLEM,
                                        description=PROBLEM_TEXTS[status])(function)
        return function
    return decorate


PROBLEM_TEXTS = {
    400: "Tham số, con trỏ trang hoặc JSON không hợp lệ",
    401: "Thiếu khóa API, khóa sai hoặc đã hết hạn",
    403: "Vai trò của tài khoản hoặc khóa chỉ đọc không cho phép thao tác này",
    404: "Không có bản ghi này trong phạm vi của khóa",
    409: "Không xoá được: còn bản ghi khác liên quan",
    412: "ETag trong If-Match không còn là phiên bản hiện tại",
    415: "Nội dung không phải JSON",
    422: "Dữ liệu không hợp lệ: message và errors nói lý do bằng tiếng Việt",
    428: "Thiếu tiêu đề If-Match",
}

ETAG_HEADER = {"ETag": {"description": "Phiên bản của bản ghi, gửi lại trong If-Match khi sửa hoặc xoá",
                        "schema": {"type": "string"}}}
IF_MATCH = {"name": "If-Match", "in": "header", "required": True, "schema": {"type": "string"},
            "description": "ETag của bản ghi đã đọc; bản ghi đã bị sửa sau đó thì trả về 412"}


def blueprint(resource):
    """The smorest blueprint serving and documenting one resource."""
    view, name = resource.view, resource.name
    title = str(view.name)
    blp = Blueprint(f"api-{name}", __name__, url_prefix=f"/api/v1/{name}",
                    description=f"{title}. Tạo bởi khai báo của màn hình “{title}”; "
                                "bản ghi con (nhập kèm trên màn hình) không ghi được qua bản ghi cha.")

    @blp.route("", methods=["GET"], endpoint="list")
    @blp.doc(operationId=f"list-{name}", summary=f"Danh sách: {title}",
             parameters=queries.parameters(resource))
    @blp.response(200, resource.page)
    @problem_responses(blp, 400, 401, 403)
    def list_rows():
        resource.require("read")
        listing = queries.ListRequest(resource, request.args)
        rows, count = listing.query()
        data = {"data": [resource.dump(row, False) for row in rows[:listing.limit]],
                "next_cursor": listing.next_cursor(rows)}
        if count is not None:
            data["count"] = count
        return _json(data)

    @blp.route("/<int:id>", methods=["GET"], endpoint="read")
    @blp.doc(operationId=f"read-{name}", summary=f"Một bản ghi: {title}")
    @blp.response(200, resource.record, headers=ETAG_HEADER)
    @problem_responses(blp, 401, 403, 404)
    def read_row(id):
        resource.require("read")
        return resource.read(resource.one(id))

    if "create" in resource.writes:
        @blp.route("", methods=["POST"], endpoint="create")
        @blp.doc(operationId=f"create-{name}", summary=f"Thêm: {title}", requestBody=_body(resource.input))
        @blp.response(201, resource.record, headers=dict(ETAG_HEADER, Location={
            "description": "Địa chỉ của bản ghi mới", "schema": {"type": "string"}}))
        @problem_responses(blp, 400, 401, 403, 415, 422)
        def create_row():
            resource.require("create")
            model = writes.create(view, writes.body(request))
            response = resource.read(view.get_one(model.id), status=201, audit=False)
            response.headers["Location"] = url_for(f"api-{name}.read", id=model.id)
            return response

    if "edit" in resource.writes:
        for method, schema, partial in (("PUT", resource.input, False), ("PATCH", resource.patch, True)):
            _register_update(blp, resource, method, schema, partial)

    if "delete" in resource.writes:
        @blp.route("/<int:id>", methods=["DELETE"], endpoint="delete")
        @blp.doc(operationId=f"delete-{name}", summary=f"Xoá: {title}", parameters=[IF_MATCH])
        @blp.response(204)
        @problem_responses(blp, 401, 403, 404, 409, 412, 428)
        def delete_row(id):
            resource.require("delete")
            model = resource.one(id)
            resource.matching(model)
            writes.delete(view, model)
            return current_app.response_class(status=204)

    return blp


def _register_update(blp, resource, method, schema, partial):
    view, name = resource.view, resource.name
    verb = "Sửa một phần" if partial else "Sửa, gửi cả bản ghi (trường không gửi giữ nguyên)"

    @blp.route("/<int:id>", methods=[method], endpoint=method.lower())
    @blp.doc(operationId=f"{method.lower()}-{name}", summary=f"{verb}: {view.name}",
             parameters=[IF_MATCH], requestBody=_body(schema))
    @blp.response(200, resource.record, headers=ETAG_HEADER)
    @problem_responses(blp, 400, 401, 403, 404, 412, 415, 422, 428)
    def update_row(id):
        resource.require("edit")
        model = resource.one(id)
        version = resource.matching(model)
        payload = writes.body(request)
        writes.update(view, model, payload, version, partial)
        return resource.read(view.get_one(model.id), audit=False)

    update_row.__name__ = f"update_{method.lower()}"


def _body(schema):
    return {"required": True, "content": {"application/json": {"schema": schema}}}


def resources(admin):
    """Every registered view that yields a resource, in menu order."""
    found = [Resource(view) for view in admin._views
             if getattr(view, "api", False) and hasattr(view, "access")]
    names = [r.name for r in found]
    duplicated = {n for n in names if names.count(n) > 1}
    if duplicated:
        raise TypeError(f"two views declare the same api_name: {sorted(duplicated)}")
    return found


def register(rest, admin):
    """Serve and document every resource of `admin` on the smorest Api `rest`."""
    for resource in resources(admin):
        rest.register_blueprint(blueprint(resource))
