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
        self._filed = None

    def filed(self):
        """filed_by_quarter(self), made on first use once the reports are read:
        a dashboard asks for each of its eight quarters, and looking through
        every report each time was 7 ms of it."""
        if self._filed is None:
            self._filed = filed_by_quarter(self)
        return self._filed

    def __setitem__(self, key, values):
        self._filed = None  # an index of the reports before is out of date
        super().__setitem__(key, values)


def filed_by_quarter(reports):
    """{quarter: {units with a report of their own for it}}."""
    found = {}
    for (unit, quarter), values in reports.items():
        if values is not None:
            found.setdefault(quarter, set()).add(unit)
    return found


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
    """A unit's figures over the span, in the form its parent adds up. Kept as
    dicts of the codes present, merged a dict at a time: a province's page
    visits thousands of units."""
    __slots__ = ("flows", "flow_bits", "flow_own", "stocks", "stock_bits", "stock_carried", "stock_own",
                 "parts", "filed", "has_data")

    def __init__(self):
        self.flows = {}          # quarter: {code: value}
        self.flow_bits = {}      # quarter: {code: status bits}
        self.flow_own = {}       # quarter: {codes from the unit's own report}
        self.stocks = {}         # code: value
        self.stock_bits = {}     # code: status bits
        self.stock_carried = {}  # code: earliest quarter index carried from (only when carried)
        self.stock_own = set()   # codes from the unit's own reports
        self.parts = {}          # ratio code: (numerator, denominator, covered, units, status bits)
        self.filed = False       # the unit filed a report of its own in the span
        self.has_data = False    # it or a descendant filed a report in the span


class Rollup:
    """Every unit's figures over one span of quarters, each unit computed once.

    `children`: {unit: [child units]}; `reports`: {(unit, quarter): {code: value}}
    (a `Reports` to know the statuses); `gone`: units dissolved before the span.
    """

    def __init__(self, quarters, children, reports, specs, gone=()):
        self.quarters = [(quarter, quarter_index(*quarter)) for quarter in quarters]
        self.last = self.quarters[-1][1] if self.quarters else None
        self.children = children
        self.reports = reports
        self.status = getattr(reports, "status", {})
        # Units dissolved before the span: without figures, not counted as units.
        self.gone = gone
        self.specs = list(specs)
        self.flow_codes = [s.code for s in self.specs if s.kind == "flow"]
        self.stock_codes = [s.code for s in self.specs if s.kind == "stock"]
        self.flow_set, self.stock_set = set(self.flow_codes), set(self.stock_codes)
        self.ratios = [s for s in self.specs if s.kind == "ratio"]
        base = self.flow_set | self.stock_set
        # A ratio whose parts are not both indicators in force is never a unit's own.
        self._ratios_own = all(s.numerator in base and s.denominator in base for s in self.ratios)
        self._nodes = {}
        # The units with a report of their own in the span: a unit outside it
        # with no children is empty, known without visiting it (most of a
        # province's branches; a visit each was most of the arithmetic).
        filed = reports.filed() if isinstance(reports, Reports) else filed_by_quarter(reports)
        self._filed = set().union(*(filed.get(quarter, ()) for quarter, _ in self.quarters))
        self._empty = _Node()
        self._empty.parts = {s.code: (None, None, 0, 1, 0) for s in self.ratios}

    # --- public ---------------------------------------------------------------

    def figures(self, unit):
        """The unit's figures: its own per indicator, else its children's."""
        return self._figures(self._node(unit))

    def group(self, units):
        """Figures of a group of units that files nothing itself (a page's rows
        when the page's parent is not given): the units add up by the same rule."""
        return self._figures(self._combine([], [self._node(u) for u in units], group=True))

    # --- the rule -------------------------------------------------------------

    def _node(self, unit):
        node = self._nodes.get(unit)
        if node is None:
            own = self._own(unit)
            if not own and not self.children.get(unit):
                node = self._empty  # files nothing and has no children: most branches
            else:
                node = self._combine(own, [] if self._complete(own) else self._kids(unit))
            self._nodes[unit] = node
        return node

    def _kids(self, unit):
        kids = []
        children, filed, empty = self.children, self._filed, self._empty
        for child in children.get(unit, ()):
            kid = empty if child not in filed and not children.get(child) else self._node(child)
            if kid.has_data or child not in self.gone:
                kids.append(kid)
        return kids

    def _own(self, unit):
        """[(quarter, quarter index, values, status bits)] of the unit's own reports."""
        found = []
        for quarter, index in self.quarters:
            values = self.reports.get((unit, quarter))
            if values is not None:
                found.append((quarter, index, values, STATUS_BITS.get(self.status.get((unit, quarter)), 0)))
        return found

    def _complete(self, own):
        """The unit's own reports give every figure, so its subtree need not be
        read (a province's units mostly file whole reports: this is the speed)."""
        if not own or (self.flow_set and len(own) < len(self.quarters)) or not self._ratios_own:
            return False
        stocks = set()
        for _, _, values, _ in own:
            present = values.keys()
            if None in values.values():
                present = {code for code, value in values.items() if value is not None}
            if not self.flow_set <= present:
                return False
            stocks |= present & self.stock_set
        return self.stock_set <= stocks

    def _combine(self, own, kids, group=False):
        reporting = [kid for kid in kids if kid.has_data]
        if not own and not reporting and not group:
            return self._empty
        node = _Node()
        node.filed, node.has_data = bool(own), bool(own or reporting)
        flows, flow_bits, stocks, stock_bits = node.flows, node.flow_bits, node.stocks, node.stock_bits
        for _, index, values, bits in own:  # in time order: a later stock replaces an earlier
            mine = {code: value for code, value in values.items() if value is not None and code in self.flow_set}
            if mine:
                flows[index], flow_bits[index], node.flow_own[index] = mine, dict.fromkeys(mine, bits), set(mine)
            mine = {code: value for code, value in values.items() if value is not None and code in self.stock_set}
            stocks.update(mine)
            stock_bits.update(dict.fromkeys(mine, bits))
            node.stock_own.update(mine)
            for code in mine:
                if index < self.last:
                    node.stock_carried[code] = index
                else:
                    node.stock_carried.pop(code, None)
        for kid in reporting:
            for index, values in kid.flows.items():
                if index not in flows:  # the first figures of this quarter: a copy
                    flows[index], flow_bits[index] = dict(values), dict(kid.flow_bits[index])
                    continue
                mine, sums, bits = node.flow_own.get(index, ()), flows[index], flow_bits[index]
                kid_bits = kid.flow_bits[index]
                for code, value in values.items():
                    if code in mine:
                        continue
                    if code in sums:
                        sums[code] += value
                        bits[code] |= kid_bits[code]
                    else:
                        sums[code], bits[code] = value, kid_bits[code]
            for code, value in kid.stocks.items():
                if code in node.stock_own:
                    continue
                if code in stocks:
                    stocks[code] += value
                    stock_bits[code] |= kid.stock_bits[code]
                else:
                    stocks[code], stock_bits[code] = value, kid.stock_bits[code]
                carried = kid.stock_carried.get(code)
                if carried is not None and carried < node.stock_carried.get(code, carried + 1):
                    node.stock_carried[code] = carried
        for spec in self.ratios:
            node.parts[spec.code] = self._parts(node, spec, kids, group)
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
        if code in node.stock_own:
            return node.stocks[code], node.stock_bits[code]
        if code not in self.flow_set:
            return None
        total = bits = 0
        found = False
        for index, values in node.flows.items():
            if code in values:
                if code not in node.flow_own.get(index, ()):
                    return None
                found = True
                total += values[code]
                bits |= node.flow_bits[index][code]
        return (total, bits) if found else None

    def _figures(self, node):
        figures = Figures(has_data=node.has_data)
        values, sources, bits = figures.values, figures.sources, 0
        for code in self.flow_codes:
            total, own, other = None, False, False
            for index, found in node.flows.items():
                value = found.get(code)
                if value is None:
                    continue
                total = value if total is None else total + value
                bits |= node.flow_bits[index][code]
                if code in node.flow_own.get(index, ()):
                    own = True
                else:
                    other = True
            values[code] = total
            if total is not None:
                sources[code] = _source(own, other)
        for code in self.stock_codes:
            values[code] = node.stocks.get(code)
            if code in node.stocks:
                own = code in node.stock_own
                sources[code] = _source(own, not own)
                bits |= node.stock_bits[code]
                if code in node.stock_carried:
                    figures.carried[code] = from_index(node.stock_carried[code])
        for spec in self.ratios:
            numerator, denominator, covered, units, b = node.parts[spec.code]
            values[spec.code] = ratio(numerator, denominator, spec.scale)
            figures.coverage[spec.code] = (covered, units)
            if covered:
                own = (self._own_value(node, spec.numerator) is not None
                       and self._own_value(node, spec.denominator) is not None)
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
