"""The giao ban totals for a selection: units × indicators, with comparisons.

Shared by the totals page, the dashboard and the giao ban workbook, so every
place that shows a total shows the same number.
"""
import datetime
from dataclasses import dataclass, field

from models import Organisation
from models.reporting import quarter_label, quarter_start
from portal.reporting import arithmetic, data

MODES = {
    "quarter": "Quý",
    "ytd": "Từ đầu năm",
    "year": "Cả năm",
    "range": "Khoảng quý",
}


class BadSelection(ValueError):
    """A malformed query: the message is Vietnamese and shown to the user."""


@dataclass
class Selection:
    parent: Organisation
    mode: str
    quarters: list
    include_drafts: bool = False

    @property
    def label(self):
        first, last = self.quarters[0], self.quarters[-1]
        if self.mode == "quarter":
            return quarter_label(*last)
        if self.mode == "year":
            return f"Năm {last[0]}"
        if self.mode == "ytd":
            return f"Từ đầu năm đến {quarter_label(*last)}"
        return f"{quarter_label(*first)} – {quarter_label(*last)}"


def parse_quarter(text, name):
    try:
        year, quarter = (int(part) for part in text.split("-"))
    except (AttributeError, ValueError):
        raise BadSelection(f"{name} phải có dạng NĂM-QUÝ, ví dụ 2024-2.")
    check_quarter(year, quarter)
    return year, quarter


def parse_period(args, default):
    """(mode, quarters, include_drafts) from the totals page's query, or the
    command line's options under the same names; `default` (year, quarter)
    stands for a missing year or quarter. Both say the same words when wrong."""
    mode = args.get("mode") or "quarter"
    if mode not in MODES:
        raise BadSelection("Cách chọn kỳ không hợp lệ.")
    try:
        year, quarter = int(args.get("year", default[0])), int(args.get("quarter", default[1]))
    except (TypeError, ValueError):
        raise BadSelection("Năm và quý phải là số.")
    check_quarter(year, quarter)
    first = last = None
    if mode == "range":
        for key, name in (("from", "bắt đầu"), ("to", "kết thúc")):
            if not args.get(key):
                raise BadSelection(f"Cần chọn quý {name} của khoảng quý, dạng NĂM-QUÝ, ví dụ 2024-1.")
        first = parse_quarter(args["from"], "Quý bắt đầu")
        last = parse_quarter(args["to"], "Quý kết thúc")
    return mode, quarters_for(mode, year, quarter, first, last), args.get("drafts") == "1"


def check_quarter(year, quarter):
    if not 2000 <= year <= 2100:
        raise BadSelection("Năm phải từ 2000 đến 2100.")
    if quarter not in (1, 2, 3, 4):
        raise BadSelection("Quý phải là 1, 2, 3 hoặc 4.")


def quarters_for(mode, year, quarter, first=None, last=None):
    if mode == "quarter":
        return [(year, quarter)]
    if mode == "ytd":
        return arithmetic.span((year, 1), (year, quarter))
    if mode == "year":
        return arithmetic.span((year, 1), (year, 4))
    if mode == "range":
        if arithmetic.quarter_index(*first) > arithmetic.quarter_index(*last):
            raise BadSelection("Quý bắt đầu phải trước quý kết thúc.")
        if arithmetic.quarter_index(*last) - arithmetic.quarter_index(*first) >= 40:
            raise BadSelection("Khoảng quý tối đa là 10 năm.")
        return arithmetic.span(first, last)
    raise BadSelection("Cách chọn kỳ không hợp lệ.")


@dataclass
class Totals:
    selection: Selection
    units: list
    indicators: list
    rows: dict
    total: arithmetic.Figures
    previous: dict = field(default_factory=dict)
    previous_total: arithmetic.Figures = None
    year_before: dict = field(default_factory=dict)
    year_before_total: arithmetic.Figures = None
    has_children: set = field(default_factory=set)
    # The parent's own reports alone, when its children are the rows: the
    # total row is the parent's figure, its own per indicator where it has one.
    own: arithmetic.Figures = None
    own_previous: arithmetic.Figures = None
    own_year_before: arithmetic.Figures = None


def units_under(parent, quarters):
    """The parent's children that existed at some point in the span; a unit
    with none is its own single row."""
    first = quarter_start(*quarters[0])
    children = list(Organisation.select()
                    .where(Organisation.parent == parent,
                           Organisation.active_to.is_null() | (Organisation.active_to > first))
                    .order_by(Organisation.id))
    return children or [parent]


def build(selection):
    indicators = data.indicators_in_force()
    specs = data.specs_of(indicators)
    units = units_under(selection.parent, selection.quarters)
    ids = [u.id for u in units]
    previous_span, year_before_span = arithmetic.comparison_spans(selection.quarters)
    everything = sorted(set(selection.quarters) | set(previous_span) | set(year_before_span))
    statuses = data.COUNTED + (("draft",) if selection.include_drafts else ())
    reports = data.load_reports(everything, statuses)
    children, ended = data.tree()
    parent = selection.parent.id

    def over(quarters):
        # The total row is the parent's own figure by the same rule as every row.
        return arithmetic.table(ids, quarters, children, reports, specs, parent=parent,
                                gone=data.gone_before(ended, quarters))

    rows, total = over(selection.quarters)
    previous, previous_total = over(previous_span)
    year_before, year_before_total = over(year_before_span)
    totals = Totals(selection, units, indicators, rows, total, previous, previous_total,
                    year_before, year_before_total, {u for u in ids if children.get(u)})
    if ids != [parent]:
        totals.own, totals.own_previous, totals.own_year_before = (
            arithmetic.unit_figures(parent, quarters, {}, reports, specs)
            for quarters in (selection.quarters, previous_span, year_before_span))
    return totals


def current_quarter(today=None):
    today = today or datetime.date.today()
    return today.year, (today.month - 1) // 3 + 1
