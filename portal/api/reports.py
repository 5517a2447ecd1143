"""A quarterly report's figures over the API, through the entry grid's rules.

Reading: anyone whose section holds the report's unit. Writing: through the
grid itself (`report_entry.EntryGrid`: its fields, its ratio check, its
messages) and the workflow (`report_workflow.save`, `approve`, `send_back`, `reopen`: who
may, which quarters are open, the version claimed in one transaction with
the audit entry). The JSON body becomes the form the grid would have
posted, so a figure the grid refuses is refused here in the same words.

A report outside the user's section answers 404 exactly like a missing one.
Bodies are JSON objects (a form-encoded body would read as "every figure
blank"). Writes need `If-Match` with the ETag of the last read (the report's
version): 428 without it, 412 when someone saved in between.
"""
from flask import request, url_for
from flask_smorest import Blueprint
from marshmallow import Schema, fields
from werkzeug.datastructures import MultiDict

from admin_views import report_rules as rules
from admin_views import report_workflow as workflow
from admin_views.access import covers, user_role
from admin_views.base import StaleRecord
from admin_views.report_entry import EntryGrid, field_name
from models import Indicator, Organisation, QuarterlyReport, ReportingPeriod
from portal.api import writes
from portal.api.problems import ApiError
from portal.api.resources import ETAG_HEADER, IF_MATCH, MAX_ID, problem_responses
from portal.api.totals import Number, Unit
from portal.reporting.arithmetic import ratio
from portal.reporting.importer import indicator_problem

bp = Blueprint("so-lieu-bao-cao", __name__, url_prefix="/api/v1/quarterly-reports",
               description="Số liệu báo cáo quý: đọc, nhập, gửi (cùng quy tắc với bảng nhập số liệu)")

QUARTER = "Quý phải là 1, 2, 3 hoặc 4."
NOT_JSON_NUMBER = "Phải là số nguyên không âm (số JSON, không phải chuỗi), ví dụ 1548."


class PeriodOut(Schema):
    year = fields.Integer()
    quarter = fields.Integer()
    label = fields.String(metadata={"description": "Ví dụ «Quý II/2019»"})
    open = fields.Boolean(metadata={"description": "Kỳ còn mở nhận số liệu"})


class ReportIndicator(Schema):
    code = fields.String()
    name = fields.String()
    unit = fields.String()
    kind = fields.String(metadata={"description": "flow, stock hoặc ratio (tỷ lệ: tính tự động, không nhập)"})


class ReportFigures(Schema):
    id = fields.Integer()
    organisation = fields.Nested(Unit)
    period = fields.Nested(PeriodOut)
    status = fields.String(metadata={"description": "draft (bản nháp), submitted (đã gửi), "
                                                    "approved (đã duyệt, khoá)"})
    version = fields.Integer(metadata={"description": "Phiên bản; ETag là phiên bản trong ngoặc kép"})
    submitted_at = fields.DateTime(allow_none=True)
    approved_at = fields.DateTime(allow_none=True)
    returned_at = fields.DateTime(allow_none=True, metadata={
        "description": "Lúc văn phòng Khối trả lại (hoặc mở lại) báo cáo, khi báo cáo đang chờ đơn vị sửa"})
    return_reason = fields.String(allow_none=True, metadata={
        "description": "Lý do trả lại, khi báo cáo đang chờ đơn vị sửa và gửi lại"})
    note = fields.String(allow_none=True)
    indicators = fields.List(fields.Nested(ReportIndicator), metadata={
        "description": "Các chỉ tiêu đơn vị báo cáo trong quý này, theo thứ tự danh mục"})
    values = fields.Dict(keys=fields.String(), values=fields.Integer(allow_none=True), metadata={
        "description": "Mã chỉ tiêu → số liệu đã lưu (null: để trống)"})
    rates = fields.Dict(keys=fields.String(), values=Number(allow_none=True), metadata={
        "description": "Mã chỉ tiêu tỷ lệ → tỷ lệ tính từ tử số và mẫu số của báo cáo (đã nhân hệ số)"})
    editable = fields.Boolean(metadata={"description": "Tài khoản này sửa được số liệu lúc này"})
    refusal = fields.String(allow_none=True, metadata={"description": "Vì sao không sửa được (nếu vậy)"})
    warnings = fields.List(fields.String(), metadata={
        "description": "Lưu ý sau khi ghi (ví dụ tổng số cuối kỳ khác số tính từ quý trước); "
                       "báo cáo vẫn được lưu"})


class FiguresIn(Schema):
    values = fields.Dict(keys=fields.String(), values=fields.Raw(allow_none=True), load_default=dict,
                         metadata={"description": "Mã chỉ tiêu → số nguyên không âm hoặc null. Như bảng "
                                                  "nhập số liệu: chỉ tiêu không gửi sẽ để trống"})
    note = fields.String(allow_none=True, load_default=None, metadata={"description": "Ghi chú"})
    submit = fields.Boolean(load_default=False, metadata={
        "description": "true: lưu rồi gửi báo cáo (nút «Gửi báo cáo»); false: lưu nháp"})


class NewReportIn(FiguresIn):
    organisation_id = fields.Integer(required=True, metadata={"description": "Đơn vị báo cáo"})
    year = fields.Integer(required=True)
    quarter = fields.Integer(required=True)


class ReopenIn(Schema):
    reason = fields.String(load_default="", metadata={"description": "Lý do mở lại (bắt buộc)"})


class SendBackIn(Schema):
    reason = fields.String(load_default="", metadata={"description": "Lý do trả lại (bắt buộc)"})


def _on_a_version(view):
    """A step on an existing report: needs If-Match, answers the report's figures."""
    view = problem_responses(bp, 401, 403, 404, 412, 422, 428)(view)
    view = bp.doc(parameters=[IF_MATCH])(view)
    return bp.response(200, ReportFigures, headers=ETAG_HEADER)(view)


# --- reads ----------------------------------------------------------------------

@bp.get("/<int:report_id>/figures")
@bp.response(200, ReportFigures, headers=ETAG_HEADER)
@problem_responses(bp, 401, 404)
def read(report_id):
    """Số liệu của một báo cáo quý (ETag: phiên bản)"""
    return _answer(_report(report_id))


# --- writes ---------------------------------------------------------------------

@bp.put("/<int:report_id>/figures")
@bp.arguments(FiguresIn)
@_on_a_version
@problem_responses(bp, 400, 415)
def write(body, report_id):
    """Ghi số liệu của báo cáo (như «Lưu nháp» hoặc «Gửi báo cáo» trên bảng nhập số liệu)

    Thay toàn bộ số liệu bằng số gửi lên, như bảng nhập: chỉ tiêu không gửi
    sẽ để trống. Cần If-Match.
    """
    writes.body(request)
    report = _report(report_id)
    _writer(report)
    version = _if_match(report)
    return _save(report, report.organisation, report.period, body, version)


@bp.post("/<int:report_id>/submit")
@_on_a_version
def submit(report_id):
    """Gửi báo cáo với số liệu đã lưu (nút «Gửi báo cáo»). Cần If-Match."""
    report = _report(report_id)
    _writer(report)
    version = _if_match(report)
    _open(report, report.organisation, report.period)
    # No form: the grid checks the stored figures, as its "Gửi báo cáo" checks the shown ones.
    grid = EntryGrid(report.organisation, report.period, report)
    return _commit(grid, report, version, submit=True)


@bp.post("/figures")
@bp.arguments(NewReportIn)
@bp.response(201, ReportFigures, headers=dict(ETAG_HEADER, Location={
    "description": "Địa chỉ số liệu của báo cáo mới", "schema": {"type": "string"}}))
@problem_responses(bp, 400, 401, 403, 404, 409, 412, 415, 422)
def create(body):
    """Lập báo cáo của một đơn vị cho một quý đang mở, với số liệu đầu tiên

    Như lần «Lưu nháp» đầu tiên trên bảng nhập số liệu. Đơn vị đã có báo
    cáo quý này: 409, kèm Location của báo cáo đó.
    """
    writes.body(request)
    organisation = (Organisation.get_or_none(Organisation.id == body["organisation_id"])
                    if 0 < body["organisation_id"] <= MAX_ID else None)
    if organisation is None or not covers(organisation.id):
        raise ApiError(404, "not_found", "Không tìm thấy đơn vị này.")
    year, quarter = body["year"], body["quarter"]
    _writer(None)
    problem = rules.year_problem(year)
    if problem:
        raise ApiError(422, "invalid_period", problem, errors={"year": [problem]})
    if quarter not in (1, 2, 3, 4):
        raise ApiError(422, "invalid_period", QUARTER, errors={"quarter": [QUARTER]})
    existing = QuarterlyReport.find(organisation.id, year, quarter)
    if existing is not None:
        raise ApiError(409, "report_exists",
                       f"Đơn vị đã có báo cáo {existing.period}: hãy sửa báo cáo đó (If-Match).",
                       headers={"Location": url_for("so-lieu-bao-cao.read", report_id=existing.id)})
    answer, headers = _save(None, organisation, ReportingPeriod.find(year, quarter), body, 0)
    return answer, 201, dict(headers, Location=url_for("so-lieu-bao-cao.read", report_id=answer["id"]))


@bp.post("/<int:report_id>/approve")
@_on_a_version
def approve(report_id):
    """Duyệt báo cáo đã gửi (văn phòng Khối). Cần If-Match."""
    report = _report(report_id)
    version = _if_match(report)
    return _answer(_act(lambda: workflow.approve(report, version), workflow.APPROVERS))


@bp.post("/<int:report_id>/reopen")
@bp.arguments(ReopenIn)
@_on_a_version
@problem_responses(bp, 400, 415)
def reopen(body, report_id):
    """Mở lại báo cáo đã duyệt, với lý do (văn phòng Khối); báo cáo trở về bản nháp. Cần If-Match."""
    writes.body(request)
    report = _report(report_id)
    version = _if_match(report)
    return _answer(_act(lambda: workflow.reopen(report, version, body["reason"]), workflow.APPROVERS))


@bp.post("/<int:report_id>/send-back")
@bp.arguments(SendBackIn)
@_on_a_version
@problem_responses(bp, 400, 415)
def send_back(body, report_id):
    """Trả lại báo cáo đã gửi cho đơn vị sửa, với lý do (văn phòng Khối); báo cáo trở về
    bản nháp, không còn tính là đã gửi. Cần If-Match."""
    writes.body(request)
    report = _report(report_id)
    version = _if_match(report)
    return _answer(_act(lambda: workflow.send_back(report, version, body["reason"]), workflow.APPROVERS))


# --- the rules --------------------------------------------------------------------

def _report(report_id):
    """The report, or 404 when it is missing or outside the user's section."""
    report = QuarterlyReport.get_or_none(QuarterlyReport.id == report_id) if 0 < report_id <= MAX_ID else None
    if report is None or not covers(report.organisation_id):
        raise ApiError(404, "not_found", "Không tìm thấy báo cáo này.")
    return report


def _if_match(report):
    """The version the client last read, from If-Match; 428 without, 412 when stale."""
    header = request.headers.get("If-Match")
    if not header:
        raise ApiError(428, "precondition_required",
                       "Cần tiêu đề If-Match với ETag của lần đọc báo cáo gần nhất, ví dụ If-Match: \"3\".")
    tags = [tag.strip().removeprefix("W/").strip('"') for tag in header.split(",")]
    if str(report.version) not in tags:
        raise _stale(report)
    return report.version


def _writer(report):
    """A role that only reads gets the grid's words, as 403."""
    if user_role() not in workflow.FIGURE_WRITERS:
        raise ApiError(403, "not_figure_writer", workflow.why_not_edit(report, None))


def _open(report, organisation, period):
    """The grid's refusals for the report's state and quarter, as 422."""
    reason = workflow.why_not_edit(report, period)
    if reason:
        code = ("report_approved" if report is not None and report.status == "approved"
                else "period_not_open" if period is None else "period_closed")
        raise ApiError(422, code, reason)
    reason = rules.unit_problem(organisation)
    if reason:
        raise ApiError(422, "bloc_files_no_report", reason)


def _save(report, organisation, period, body, version):
    _open(report, organisation, period)
    grid = EntryGrid(organisation, period, report, _formdata(organisation, period, body))
    return _commit(grid, report, version, submit=body["submit"])


def _formdata(organisation, period, body):
    """The form the grid would post for `body`, or 422 for codes and values it has no input for."""
    indicators = {i.code: i for i in Indicator.for_quarter(organisation.kind, period.year, period.quarter)
                  if i.kind != "ratio"}
    posted = MultiDict({field_name(indicator): "" for indicator in indicators.values()})
    errors = {}
    for code, value in body["values"].items():
        indicator = indicators.get(code)
        if indicator is None:
            item = {"indicator_code": code, "year": period.year, "quarter": period.quarter}
            found = Indicator.get_or_none(Indicator.code == code)
            errors[code] = [indicator_problem(item, found, organisation)
                            or f"«{code}» không có trong bảng nhập số liệu của đơn vị quý này"]
        elif value is None:
            continue
        elif isinstance(value, bool) or not isinstance(value, int):
            errors[code] = [NOT_JSON_NUMBER]
        elif rules.figure_problem(value):
            errors[code] = [rules.figure_problem(value)]
        else:
            posted[field_name(indicator)] = str(value)
    if errors:
        raise _invalid(errors)
    posted["note"] = body["note"] or ""
    return posted


def _commit(grid, report, version, submit):
    if not grid.validate():
        raise _invalid({line.indicator.code: list(line.field.errors)
                        for line in grid.lines if line.field is not None and line.field.errors})
    warning = grid.continuity_warning()
    saved = _act(lambda: workflow.save(report, grid.organisation, grid.period, grid.values(), grid.note(),
                                       version, submit=submit), workflow.FIGURE_WRITERS)
    return _answer(saved, warnings=[warning] if warning else [])


def _act(step, rights):
    """Run a workflow step; its refusal is 403 for a role without `rights`, else 422."""
    try:
        return step()
    except workflow.Refused as refusal:
        status = 403 if user_role() not in rights else 422
        raise ApiError(status, "refused", str(refusal))
    except StaleRecord:
        raise writes.stale()


def _invalid(errors):
    return ApiError(422, "invalid_figures", "Chưa lưu: có số liệu chưa hợp lệ, xem thông báo của từng chỉ tiêu.",
                    errors=errors)


# --- the answer -----------------------------------------------------------------

def _answer(report, warnings=()):
    report = QuarterlyReport.get_by_id(report.id)  # the stored state, after any write
    period, organisation = report.period, report.organisation
    indicators = Indicator.for_quarter(organisation.kind, period.year, period.quarter)
    stored = report.figures()
    values = {i.code: stored.get(i.id) for i in indicators if i.kind != "ratio"}
    rates = {i.code: ratio(stored.get(i.numerator_id), stored.get(i.denominator_id), i.scale)
             for i in indicators if i.kind == "ratio"}
    refusal = workflow.why_not_edit(report, period) or rules.unit_problem(organisation)
    body = {
        "id": report.id, "organisation": organisation, "status": report.status, "version": report.version,
        "period": {"year": period.year, "quarter": period.quarter, "label": str(period), "open": period.is_open},
        "submitted_at": report.submitted_at, "approved_at": report.approved_at,
        "returned_at": report.returned_at if report.is_returned else None,
        "return_reason": report.return_reason if report.is_returned else None, "note": report.note,
        "indicators": [{"code": i.code, "name": i.label, "unit": i.unit, "kind": i.kind} for i in indicators],
        "values": values, "rates": rates, "editable": refusal is None, "refusal": refusal,
        "warnings": list(warnings),
    }
    return body, {"ETag": _etag(report)}


def _stale(report):
    """412 with the current ETag, so the client knows what to read again."""
    error = writes.stale()
    error.headers["ETag"] = _etag(report)
    return error


def _etag(report):
    return f'"{report.version}"'
