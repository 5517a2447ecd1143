"""The arithmetic of the giao ban totals: plain functions over plain data.

Flow indicators add up over quarters; stock indicators take the last quarter
that has a figure, never a sum over time; ratios are computed from the totals
of their numerator and denominator, never averaged. A unit that filed no
report of its own for a quarter shows, for that quarter, the sum of its
children (each in turn its own report or its children's), and is marked as
rolled up. Across units, every base indicator adds up.
"""
from dataclasses import dataclass, field


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
    # The unit filed no report of its own in at least one quarter that has data.
    rolled_up: bool = False
    has_data: bool = False
    # {code: (year, quarter)}: a stock figure (or a part of it) carried from a
    # quarter before the span's last; the earliest such quarter.
    carried: dict = field(default_factory=dict)
    # {code: "own" | "children" | "mixed"}: where each base figure came from.
    sources: dict = field(default_factory=dict)
    # {ratio code: (units reporting both parts, units in all)}: what a ratio covers.
    coverage: dict = field(default_factory=dict)
    # The statuses ("draft", "submitted", "approved") of the reports behind the figures.
    statuses: set = field(default_factory=set)


def _add(total, values):
    for code, value in values.items():
        if value is not None:
            total[code] = total.get(code, 0) + value


def quarter_values(unit, quarter, children, reports):
    """(values, rolled_up, has_data) of `unit` in one quarter.

    `children`: {unit: [child units]}; `reports`: {(unit, quarter): {code: value}}.
    """
    own = reports.get((unit, quarter))
    if own is not None:
        return dict(own), False, True
    total, found = {}, False
    for child in children.get(unit, ()):
        values, _, has = quarter_values(child, quarter, children, reports)
        if has:
            found = True
            _add(total, values)
    return total, found, found


def ratio(numerator, denominator, scale=1):
    if numerator is None or not denominator:
        return None
    return numerator * scale / denominator


def finish(values, specs):
    """Add the ratios, computed from the base figures already in `values`."""
    for spec in specs:
        if spec.kind == "ratio":
            values[spec.code] = ratio(values.get(spec.numerator), values.get(spec.denominator), spec.scale)
    return values


def over_quarters(per_quarter, specs):
    """Fold a unit's quarter figures (in time order) into one span's figures."""
    values = {}
    for spec in specs:
        if spec.kind == "flow":
            found = [q[spec.code] for q in per_quarter if q.get(spec.code) is not None]
            values[spec.code] = sum(found) if found else None
        elif spec.kind == "stock":
            found = [q[spec.code] for q in per_quarter if q.get(spec.code) is not None]
            values[spec.code] = found[-1] if found else None
    return finish(values, specs)


def unit_figures(unit, quarters, children, reports, specs):
    rolled_up = has_data = False
    per_quarter = []
    for quarter in quarters:
        values, rolled, has = quarter_values(unit, quarter, children, reports)
        per_quarter.append(values)
        rolled_up |= rolled
        has_data |= has
    return Figures(over_quarters(per_quarter, specs), rolled_up, has_data)


def total_figures(rows, specs):
    """The total row: base figures add up across units, ratios from the sums."""
    values = {}
    for row in rows:
        _add(values, {s.code: row.values.get(s.code) for s in specs if s.kind != "ratio"})
    for spec in specs:
        values.setdefault(spec.code, None)
    return Figures(finish(values, specs), any(r.rolled_up for r in rows), any(r.has_data for r in rows))


def table(units, quarters, children, reports, specs):
    """({unit: Figures}, total Figures) for the given units over `quarters`."""
    rows = {unit: unit_figures(unit, quarters, children, reports, specs) for unit in units}
    return rows, total_figures(list(rows.values()), specs)


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
