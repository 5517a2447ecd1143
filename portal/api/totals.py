"""GET /api/v1/totals: the totals page's figures as JSON.

The same query words as /admin/totals/ (year, quarter, parent, mode, from,
to, drafts), read by the page's own parser (`totals_view.selection_from`:
same defaults, same Vietnamese messages, same scoping: an editor's default
parent is their unit, a parent outside their section is a 404 like a
missing one), and the same arithmetic (`totals.build`). Only the
presentation differs: numbers are JSON numbers, and each figure carries the
marks the page writes beside it as fields.
"""
from flask import jsonify, request
from flask_login import current_user
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from models import Indicator, QuarterlyReport, ReportingPeriod
from portal.api.problems import ApiError
from portal.api.resources import problem_responses
from portal.reporting import formatting
from portal.reporting.arithmetic import comparison_spans
from portal.reporting.totals import MODES, BadSelection, build
from portal.reporting.totals_view import selection_from

bp = Blueprint("tong-hop", __name__, url_prefix="/api/v1",
               description="Tổng hợp số liệu giao ban, như trang Tổng hợp")

SOURCES = "own: số của chính đơn vị; children: cộng từ các đơn vị trực thuộc; mixed: một phần từ cấp dưới"


class Number(fields.Number):
    """A JSON number as the arithmetic gives it: 2407 stays 2407, not 2407.0."""

    def _format_num(self, value):
        return value


class Quarter(Schema):
    year = fields.Integer(metadata={"description": "Năm"})
    quarter = fields.Integer(metadata={"description": "Quý (1–4)"})


class Period(Schema):
    mode = fields.String(metadata={"description": "Cách chọn kỳ: " + ", ".join(
        f"{key} ({label})" for key, label in MODES.items())})
    label = fields.String(metadata={"description": "Tên kỳ như trang hiển thị, ví dụ «Quý II/2019»"})
    quarters = fields.List(fields.Nested(Quarter), metadata={"description": "Các quý của kỳ"})
    previous = fields.List(fields.Nested(Quarter), metadata={"description": "Kỳ trước (để so sánh)"})
    year_before = fields.List(fields.Nested(Quarter),
                              metadata={"description": "Cùng kỳ năm trước (để so sánh)"})
    drafts = fields.Boolean(metadata={"description": "Có tính cả bản nháp (drafts=1)"})


class IndicatorOut(Schema):
    code = fields.String(metadata={"description": "Mã chỉ tiêu (ổn định, dùng trong tệp nhập)"})
    name = fields.String(metadata={"description": "Tên chỉ tiêu"})
    unit = fields.String(metadata={"description": "Đơn vị tính"})
    kind = fields.String(metadata={"description": "flow: cộng dồn qua các quý; stock: số cuối kỳ; "
                                                  "ratio: tỷ lệ tính từ hai chỉ tiêu"})
    scale = fields.Integer(metadata={"description": "Tỷ lệ nhân với hệ số này (100: phần trăm)"})
    numerator = fields.String(allow_none=True, metadata={"description": "Mã chỉ tiêu tử số (tỷ lệ)"})
    denominator = fields.String(allow_none=True, metadata={"description": "Mã chỉ tiêu mẫu số (tỷ lệ)"})


class Coverage(Schema):
    covered = fields.Integer(metadata={"description": "Số đơn vị báo cáo đủ cả tử số và mẫu số"})
    units = fields.Integer(metadata={"description": "Tổng số đơn vị"})
    text = fields.String(metadata={"description": "Như trang ghi: «tính trên N/M đơn vị»"})


class FigureOut(Schema):
    value = Number(allow_none=True, metadata={
        "description": "Số liệu (null: không có). Tỷ lệ: đã nhân hệ số, nên là phần trăm khi "
                       "scale = 100 (77.93 nghĩa là 77,9%), không làm tròn"})
    fraction = Number(allow_none=True, metadata={
        "description": "Chỉ với tỷ lệ: tử số / mẫu số, chưa nhân hệ số (0.7793)"})
    source = fields.String(allow_none=True, metadata={"description": "Nguồn số liệu: " + SOURCES})
    carried_from = fields.Nested(Quarter, allow_none=True, metadata={
        "description": "Chỉ tiêu thời điểm lấy số của một quý trước quý cuối kỳ («số Quý …»)"})
    coverage = fields.Nested(Coverage, allow_none=True, metadata={
        "description": "Chỉ với tỷ lệ: tính trên bao nhiêu đơn vị"})
    previous = Number(allow_none=True, metadata={"description": "Số kỳ trước"})
    year_before = Number(allow_none=True, metadata={"description": "Số cùng kỳ năm trước"})


class Unit(Schema):
    id = fields.Integer()
    code = fields.String()
    name = fields.String()


class RowOut(Schema):
    row = fields.String(metadata={"description": "unit: một đơn vị; own: báo cáo của chính đơn vị "
                                                 "cha; total: dòng tổng"})
    unit = fields.Nested(Unit)
    label = fields.String(metadata={"description": "Tên dòng như trang hiển thị"})
    has_children = fields.Boolean(metadata={"description": "Có đơn vị trực thuộc (xem chi tiết "
                                                           "bằng parent=<mã>)"})
    has_data = fields.Boolean(metadata={"description": "Có số liệu trong kỳ"})
    from_children = fields.Boolean(metadata={
        "description": "Đơn vị chưa có báo cáo riêng: mọi số liệu cộng từ cấp dưới"})
    statuses = fields.List(fields.String(), metadata={
        "description": "Tình trạng các báo cáo làm nên số liệu: draft, submitted, approved"})
    report_status = fields.String(allow_none=True, metadata={
        "description": "Tình trạng báo cáo của chính đơn vị ở quý cuối kỳ (null: chưa có)"})
    figures = fields.Dict(keys=fields.String(), values=fields.Nested(FigureOut),
                          metadata={"description": "Mã chỉ tiêu → số liệu"})


class TotalsOut(Schema):
    period = fields.Nested(Period)
    parent = fields.Nested(Unit, metadata={"description": "Đơn vị cha: các dòng là đơn vị trực thuộc"})
    indicators = fields.List(fields.Nested(IndicatorOut))
    rows = fields.List(fields.Nested(RowOut), metadata={"description": "Mỗi đơn vị một dòng"})
    own = fields.Nested(RowOut, allow_none=True, metadata={
        "description": "Báo cáo của chính đơn vị cha, khi trang hiển thị dòng này"})
    total = fields.Nested(RowOut, metadata={
        "description": "Dòng tổng: số của đơn vị cha theo cùng quy tắc (số riêng của đơn vị "
                       "nếu có, để trống thì cộng từ cấp dưới)"})


class TotalsArgs(Schema):
    # Strings, read by the totals page's own parser: its messages, not webargs'.
    year = fields.String(metadata={"description": "Năm (mặc định: quý gần nhất có báo cáo)"})
    quarter = fields.String(metadata={"description": "Quý 1–4"})
    parent = fields.String(metadata={"description": "Mã đơn vị cha (mặc định: Khối, hoặc đơn vị "
                                                    "của tài khoản)"})
    mode = fields.String(metadata={"description": "quarter | ytd | year | range"})
    from_ = fields.String(data_key="from", metadata={"description": "Quý bắt đầu khi mode=range, "
                                                                    "dạng NĂM-QUÝ"})
    to = fields.String(metadata={"description": "Quý kết thúc khi mode=range, dạng NĂM-QUÝ"})
    drafts = fields.String(metadata={"description": "1: tính cả bản nháp"})


@bp.get("/totals")
@bp.arguments(TotalsArgs, location="query", as_kwargs=True)
@bp.response(200, TotalsOut)
@problem_responses(bp, 400, 401, 403, 404)
def totals(**_parsed):
    """Tổng hợp số liệu giao ban của một kỳ: mỗi đơn vị trực thuộc một dòng, dòng tổng

    Cùng tham số, cùng thông báo lỗi và cùng phạm vi với trang Tổng hợp
    (/admin/totals/): cán bộ đoàn thể chỉ xem được đơn vị mình và cấp dưới.
    """
    try:
        selection = selection_from(request.args)
    except BadSelection as problem:
        raise ApiError(400, "invalid_period", str(problem))
    # Written straight to JSON: the body is already plain data in TotalsOut's
    # shape (tests/test_api_totals.py checks it against the document), and
    # marshmallow's field-by-field dump of a province's 135 rows × 20 figures
    # cost as much as the arithmetic (70 ms).
    return jsonify(as_json(build(selection)))


def as_json(totals):
    """The page's table (reports/totals.html) as data."""
    selection = totals.selection
    previous, year_before = comparison_spans(selection.quarters)
    indicators = totals.indicators
    # A ratio names its parts by id; the catalogue is a few dozen rows.
    codes = dict(Indicator.select(Indicator.id, Indicator.code).tuples())
    last = selection.quarters[-1]
    statuses = _report_statuses([u.id for u in totals.units] + [selection.parent.id], last)
    rows = [_row("unit", unit, unit.name, totals.rows[unit.id], totals.previous.get(unit.id),
                 totals.year_before.get(unit.id), indicators, unit.id in totals.has_children,
                 statuses.get(unit.id))
            for unit in totals.units]
    parent = selection.parent
    own = totals.own
    own_row = None
    # The page shows the parent's own row when it filed, or to that unit's own editors.
    if own is not None and (own.has_data or current_user.organisation_id == parent.id):
        own_row = _row("own", parent, parent.name, own, totals.own_previous, totals.own_year_before,
                       indicators, True, statuses.get(parent.id))
    parent_filed = own is not None and own.has_data
    total = _row("total", parent, f"Số của {parent.name}" if parent_filed else "Tổng cộng",
                 totals.total, totals.previous_total, totals.year_before_total, indicators,
                 bool(totals.has_children) or totals.units != [parent], None)
    return {
        "period": {"mode": selection.mode, "label": selection.label, "drafts": selection.include_drafts,
                   "quarters": _quarters(selection.quarters), "previous": _quarters(previous),
                   "year_before": _quarters(year_before)},
        "parent": _unit(parent),
        "indicators": [_indicator(i, codes) for i in indicators],
        "rows": rows,
        "own": own_row,
        "total": total,
    }


def _report_statuses(unit_ids, quarter):
    """{unit id: its report's status} for one quarter, as plain tuples (a
    province page has 135 rows; data.report_statuses builds full reports)."""
    query = (QuarterlyReport.select(QuarterlyReport.organisation, QuarterlyReport.status)
             .join(ReportingPeriod)
             .where(QuarterlyReport.organisation.in_(unit_ids),
                    ReportingPeriod.year == quarter[0], ReportingPeriod.quarter == quarter[1]))
    return dict(query.tuples())


def _unit(organisation):
    return {"id": organisation.id, "code": organisation.code, "name": organisation.name}


def _quarters(quarters):
    return [{"year": year, "quarter": quarter} for year, quarter in quarters]


def _indicator(indicator, codes):
    return {"code": indicator.code, "name": indicator.label, "unit": indicator.unit, "kind": indicator.kind,
            "scale": indicator.scale, "numerator": codes.get(indicator.numerator_id),
            "denominator": codes.get(indicator.denominator_id)}


def _row(kind, unit, label, now, prev, ago, indicators, has_children, report):
    return {
        "row": kind, "unit": _unit(unit), "label": label, "has_children": has_children,
        "has_data": now.has_data, "from_children": formatting.from_children(now),
        "statuses": sorted(now.statuses, key=("draft", "submitted", "approved").index),
        "report_status": report,
        "figures": {i.code: _figure(i, now, prev, ago) for i in indicators},
    }


def _figure(indicator, now, prev, ago):
    code = indicator.code
    value = now.values.get(code)
    carried = now.carried.get(code)
    figure = {"value": value, "source": now.sources.get(code),
              "carried_from": {"year": carried[0], "quarter": carried[1]} if carried else None,
              # The page compares only a figure it has.
              "previous": prev.values.get(code) if prev is not None and value is not None else None,
              "year_before": ago.values.get(code) if ago is not None and value is not None else None,
              "fraction": None, "coverage": None}
    if indicator.kind == "ratio":
        figure["fraction"] = value / indicator.scale if value is not None else None
        covered = now.coverage.get(code)
        if covered is not None:
            figure["coverage"] = {"covered": covered[0], "units": covered[1],
                                  "text": formatting.coverage(covered)}
    return figure
