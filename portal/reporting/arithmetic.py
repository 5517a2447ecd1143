"""The arithmetic of the giao ban totals: plain functions over plain data.

One recursive rule gives a unit's figure for a span of quarters, so the same
number shows on the unit's own page (its total row), as a row on its parent's
page, inside the root's total, in the workbook and on the dashboard:

- Per indicator, a unit's own non-blank figure is used; a blank one (or no
  report at all) falls back to the sum of its children's figures, each by
  this same rule.
- A flow applies that choice quarter by quarter, then adds the quarters.
- A stock takes, DHIS2-style, each reporting unit's last value in the span,
  then adds them up the tree: a unit that reported the stock at any quarter
  of the span stands for its subtree with its last value; otherwise its
  children's figures are added. A value older than the span's last quarter
  is "carried", and the figure says from which quarter.
- A ratio comes from the units that report both of its parts: a unit that
  reports both itself gives its own parts; otherwise its children's parts
  are added. Its coverage says how many units that is, out of how many.
"""
from dataclasses import dataclass, field

# Report statuses as bits, so that the statuses behind a sum are one OR.
STATUS_BITS = {"draft": 1, "submitted": 2, "approved": 4}


@dataclass(frozen=True)
class IndicatorSpec:
    code: str
    kind: str  # "flow", "stock" or "ratio"
    numerator: str | None = None
    denominator: str | None = None
    scale: int = 1


@dataclass
class Figures:
    """One unit's (or a total's) figures over a span of quarters."""
    values: dict = field(default_factory=dict)
    # Some figure came (wholly or partly) from the children, or the unit
    # filed no report of its own while its subtree did.
    rolled_up: bool = False
    has_data: bool = False
    # {code: (year, quarter)}: a stock figure (or a part of it) carried from a
    # quarter before the span's last; the earliest such quarter.
    carried: dict = field(default_factory=dict)
    # {code: "own" | "children" | "mixed"}: where each figure came from.
    sources: dict = field(default_factory=dict)
    # {ratio code: (units reporting both parts, units in all)}: what a ratio covers.
    coverage: dict = field(default_factory=dict)
    # The statuses ("draft", "submitted", "approved") of the reports behind the figures.
    statuses: set = field(default_factory=set)


class Reports(dict):
    """{(unit, (year, quarter)): {code: value}}, with each report's status in
    `status` {(unit, (year, quarter)): "draft" | "submitted" | "approved"}.
    A plain dict works too: its figures then carry no statuses."""

    def __init__(self, values=(), status=None):
        super().__init__(values)
        self.status = dict(status or {})


def ratio(numerator, denominator, scale=1):
    if numerator is None or not denominator:
        return None
    return numerator * scale / denominator


def _source(own, children):
    if own and children:
        return "mixed"
    return "own" if own else "children"


def _statuses(mask):
    return {name for name, bit in STATUS_BITS.items() if mask & bit}


class _Node:
    """A unit's figures over the span, in the form its parent adds up."""
    __slots__ = ("flows", "stocks", "parts", "filed", "has_data")

    def __init__(self):
        self.flows = {}   # code: {quarter: (value, status bits, own?)}
        self.stocks = {}  # code: (value, carried quarter index or None, status bits, own?)
        self.parts = {}   # ratio code: (numerator, denominator, covered, units, status bits)
        self.filed = False  # the unit filed a report of its own in the span
        self.has_data = False  # it or a descendant filed a report in the span


class Rollup:
    """Every unit's figures over one span of quarters, each unit computed once.

    `children`: {unit: [child units]}; `reports`: {(unit, quarter): {code: value}}
    (a `Reports` to know the statuses).
    """

    def __init__(self, quarters, children, reports, specs, gone=()):
        self.quarters = list(quarters)
        # Units dissolved before the span: without figures, not counted as units.
        self.gone = gone
        self.last = quarter_index(*self.quarters[-1]) if self.quarters else None
        self.children = children
        self.reports = reports
        self.status = getattr(reports, "status", {})
        self.specs = list(specs)
        self.flow_codes = [s.code for s in self.specs if s.kind == "flow"]
        self.stock_codes = [s.code for s in self.specs if s.kind == "stock"]
        self.ratios = [s for s in self.specs if s.kind == "ratio"]
        self._nodes = {}
        self._empty = _Node()
        self._empty.parts = {s.code: (None, None, 0, 1, 0) for s in self.ratios}

    # --- public ---------------------------------------------------------------

    def figures(self, unit):
        """The unit's figures: its own per indicator, else its children's."""
        return self._figures(self._node(unit))

    def group(self, units):
        """Figures of a group of units that files nothing itself (a page's rows
        when the page's parent is not given): the units add up by the same rule."""
        return self._figures(self._combine(None, [self._node(u) for u in units]))

    # --- the rule -------------------------------------------------------------

    def _node(self, unit):
        node = self._nodes.get(unit)
        if node is None:
            kids = []
            for child in self.children.get(unit, ()):
                kid = self._node(child)
                if kid.has_data or child not in self.gone:
                    kids.append(kid)
            node = self._nodes[unit] = self._combine(unit, kids)
        return node

    def _own(self, unit):
        """[(quarter, quarter index, values, status bits)] of the unit's own reports."""
        found = []
        if unit is None:
            return found
        for quarter in self.quarters:
            values = self.reports.get((unit, quarter))
            if values is not None:
                found.append((quarter, quarter_index(*quarter), values,
                              STATUS_BITS.get(self.status.get((unit, quarter)), 0)))
        return found

    def _combine(self, unit, kids):
        own = self._own(unit)
        reporting = [kid for kid in kids if kid.has_data]
        if not own and not reporting and unit is not None:
            return self._empty
        node = _Node()
        node.filed, node.has_data = bool(own), bool(own or reporting)
        for code in self.flow_codes:
            per_quarter = {}
            for kid in reporting:
                for quarter, (value, bits, _) in kid.flows.get(code, {}).items():
                    before = per_quarter.get(quarter)
                    per_quarter[quarter] = (value, bits, False) if before is None else (
                        before[0] + value, before[1] | bits, False)
            for quarter, _, values, bits in own:
                value = values.get(code)
                if value is not None:
                    per_quarter[quarter] = (value, bits, True)
            if per_quarter:
                node.flows[code] = per_quarter
        for code in self.stock_codes:
            mine = next(((values[code], index, bits) for _, index, values, bits in reversed(own)
                         if values.get(code) is not None), None)
            if mine is not None:
                value, index, bits = mine
                node.stocks[code] = (value, index if index < self.last else None, bits, True)
                continue
            found = [kid.stocks[code] for kid in reporting if code in kid.stocks]
            if found:
                carried = [c for _, c, _, _ in found if c is not None]
                bits = 0
                for _, _, b, _ in found:
                    bits |= b
                node.stocks[code] = (sum(v for v, _, _, _ in found), min(carried) if carried else None,
                                     bits, False)
        for spec in self.ratios:
            node.parts[spec.code] = self._parts(node, spec, kids, unit is None)
        return node

    def _parts(self, node, spec, kids, group=False):
        """(numerator, denominator, covered, units, status bits) of one ratio."""
        mine = [self._own_value(node, code) for code in (spec.numerator, spec.denominator)]
        if all(m is not None for m in mine):
            (numerator, n_bits), (denominator, d_bits) = mine
            return numerator, denominator, 1, 1, n_bits | d_bits
        numerator = denominator = covered = units = bits = 0
        for kid in kids:
            n, d, c, u, b = kid.parts[spec.code]
            units += u
            if c:
                numerator, denominator, covered, bits = numerator + n, denominator + d, covered + c, bits | b
        if not covered:
            # Nothing below reports both parts: a unit counts once, uncovered.
            return None, None, 0, units if group else 1, 0
        return numerator, denominator, covered, units, bits

    def _own_value(self, node, code):
        """(value, status bits) when the unit's figure for `code` is wholly its own."""
        if code in node.stocks:
            value, _, bits, own = node.stocks[code]
            return (value, bits) if own else None
        per_quarter = node.flows.get(code)
        if per_quarter and all(own for _, _, own in per_quarter.values()):
            bits = 0
            for _, b, _ in per_quarter.values():
                bits |= b
            return sum(v for v, _, _ in per_quarter.values()), bits
        return None

    def _figures(self, node):
        figures = Figures(has_data=node.has_data)
        values, sources, bits = figures.values, figures.sources, 0
        for code in self.flow_codes:
            per_quarter = node.flows.get(code)
            if not per_quarter:
                values[code] = None
                continue
            values[code] = sum(v for v, _, _ in per_quarter.values())
            owned = [own for _, _, own in per_quarter.values()]
            sources[code] = _source(any(owned), not all(owned))
            for _, b, _ in per_quarter.values():
                bits |= b
        for code in self.stock_codes:
            if code not in node.stocks:
                values[code] = None
                continue
            value, carried, b, own = node.stocks[code]
            values[code], sources[code], bits = value, _source(own, not own), bits | b
            if carried is not None:
                figures.carried[code] = from_index(carried)
        for spec in self.ratios:
            numerator, denominator, covered, units, b = node.parts[spec.code]
            values[spec.code] = ratio(numerator, denominator, spec.scale)
            figures.coverage[spec.code] = (covered, units)
            if covered:
                own = self._own_value(node, spec.numerator) and self._own_value(node, spec.denominator)
                sources[spec.code] = "own" if own else "children"
                bits |= b
        figures.statuses = _statuses(bits)
        figures.rolled_up = node.has_data and (
            not node.filed or any(s != "own" for s in sources.values()))
        return figures


def unit_figures(unit, quarters, children, reports, specs):
    return Rollup(quarters, children, reports, specs).figures(unit)


def table(units, quarters, children, reports, specs, parent=None, gone=()):
    """({unit: Figures}, total Figures) for `units` over `quarters`.

    The total is `parent`'s own figure by the same rule (so a parent with a
    report of its own shows it, per indicator); without a parent, the units
    add up as the children of a parent that files nothing.
    """
    rollup = Rollup(quarters, children, reports, specs, gone)
    rows = {unit: rollup.figures(unit) for unit in units}
    total = rollup.figures(parent) if parent is not None else rollup.group(units)
    return rows, total


# --- quarters ---------------------------------------------------------------

def quarter_index(year, quarter):
    return year * 4 + quarter - 1


def from_index(index):
    return index // 4, index % 4 + 1


def span(first, last):
    """Every (year, quarter) from `first` to `last`, both included."""
    return [from_index(i) for i in range(quarter_index(*first), quarter_index(*last) + 1)]


def shifted(quarters, by):
    return [from_index(quarter_index(*q) + by) for q in quarters]


def comparison_spans(quarters):
    """(the span just before, the same span a year before)."""
    return shifted(quarters, -len(quarters)), shifted(quarters, -4)


def change(current, before):
    if current is None or before is None:
        return None
    return current - before
