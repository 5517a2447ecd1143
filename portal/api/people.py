"""GET /api/v1/people-reached: the totals page's people panel as JSON.

The same query words, parser, scope and messages as /api/v1/totals (an
editor's token counts its own section only); the same arithmetic as the page
(`people.reached`). Only counts leave: the list of people in several
organisations is personal data and stays on its audited page.
"""
from flask import jsonify, request
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from portal.api.problems import ApiError
from portal.api.resources import problem_responses
from portal.api.totals import TotalsArgs
from portal.reporting import people
from portal.reporting.totals import BadSelection
from portal.reporting.totals_view import selection_from

bp = Blueprint("nguoi-duoc-tap-hop", __name__, url_prefix="/api/v1",
               description="Số người được tập hợp, mỗi người tính một lần theo số CCCD")


class UnitOut(Schema):
    id = fields.Integer()
    code = fields.String(metadata={"description": "Mã đơn vị"})
    name = fields.String(metadata={"description": "Tên đơn vị"})


class ReachOut(Schema):
    unit = fields.Nested(UnitOut)
    memberships = fields.Integer(metadata={"description": "Hồ sơ đoàn viên, hội viên đang sinh hoạt"})
    people = fields.Integer(metadata={"description": "Số người, mỗi số CCCD tính một lần; hồ sơ chưa có "
                                                     "số CCCD mỗi hồ sơ tính một người"})
    without_id = fields.Integer(metadata={"description": "Trong đó: hồ sơ chưa có số CCCD"})


class PeopleReachedOut(Schema):
    as_of = fields.Date(metadata={"description": "Ngày tính: cuối quý cuối kỳ, hoặc hôm nay nếu quý chưa hết"})
    rows = fields.List(fields.Nested(ReachOut), metadata={"description": "Mỗi đơn vị trực thuộc một dòng"})
    total = fields.Nested(ReachOut, metadata={
        "description": "Cả đơn vị cha: người ở nhiều đơn vị trực thuộc chỉ tính một lần, nên có thể "
                       "nhỏ hơn tổng các dòng"})


@bp.get("/people-reached")
@bp.arguments(TotalsArgs, location="query", as_kwargs=True)
@bp.response(200, PeopleReachedOut)
@problem_responses(bp, 400, 401, 403, 404)
def people_reached(**_parsed):
    """Số người được tập hợp của đơn vị cha và từng đơn vị trực thuộc

    Cùng tham số, cùng thông báo lỗi và cùng phạm vi với /api/v1/totals.
    """
    try:
        selection = selection_from(request.args)
    except BadSelection as problem:
        raise ApiError(400, "invalid_period", str(problem))
    day, units, reach = people.reached(selection)
    parent = selection.parent
    return jsonify({
        "as_of": day.isoformat(),
        "rows": [_reach(unit, reach[unit.id]) for unit in units if unit.id != parent.id],
        "total": _reach(parent, reach[parent.id]),
    })


def _reach(unit, counted):
    return {"unit": {"id": unit.id, "code": unit.code, "name": unit.name},
            "memberships": counted.memberships, "people": counted.people, "without_id": counted.without_id}
