"""The arithmetic of the giao ban totals, checked on random trees and reports.

Each property compares portal.reporting.arithmetic with a computation written
here differently: a unit's figure in a quarter is summed flat over its
"reporting frontier" (the descendants, itself included, that filed a report
with no filing unit between them and it), instead of recursing like the
module does. The last test writes random reports through the models on the
real database, loads them back with plain queries and compares again.
"""
import math

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from peewee import JOIN

from models import Indicator, Organisation, QuarterlyReport, ReportingPeriod, ReportValue, db
from portal.reporting import arithmetic as ar
from portal.reporting.arithmetic import IndicatorSpec

FLOWS = ("members_new", "field_visits")
STOCKS = ("members_total", "eligible_population")
BASE = FLOWS + STOCKS
SPECS = [
    IndicatorSpec("members_new", "flow"),
    IndicatorSpec("field_visits", "flow"),
    IndicatorSpec("members_total", "stock"),
    IndicatorSpec("eligible_population", "stock"),
    IndicatorSpec("coverage_rate", "ratio", "members_total", "eligible_population", 100),
    # A ratio of two flows: lượt đi cơ sở per new member.
    IndicatorSpec("visits_per_member", "ratio", "field_visits", "members_new", 1),
]
RATIOS = [s for s in SPECS if s.kind == "ratio"]
ROOT = "KHOI"
FAST = settings(max_examples=120, deadline=None, database=None)


# --- random worlds ------------------------------------------------------------

@st.composite
def trees(draw, max_depth=4, max_branching=4, min_units=0):
    """{unit: [children]} below ROOT: 1..max_depth levels, 0..max_branching children each
    (at least `min_units` directly under ROOT)."""
    depth = draw(st.integers(1, max_depth))
    children, names = {}, iter(range(10 ** 6))

    def grow(unit, level):
        least = min_units if unit == ROOT else 0
        kids = [] if level == depth else [
            f"u{next(names)}" for _ in range(draw(st.integers(least, max_branching)))]
        children[unit] = kids
        for kid in kids:
            grow(kid, level + 1)

    grow(ROOT, 0)
    return children


@st.composite
def worlds(draw, max_depth=4, max_branching=4, max_reports=40, max_value=10 ** 7, min_units=0):
    """(children, quarters of the span, reports) with reports also just outside the span."""
    children = draw(trees(max_depth, max_branching, min_units))
    first = (draw(st.integers(2018, 2025)), draw(st.integers(1, 4)))
    quarters = ar.span(first, ar.from_index(ar.quarter_index(*first) + draw(st.integers(0, 5))))
    around = ar.shifted(quarters[:1], -1) + quarters + ar.shifted(quarters[-1:], 1)
    units = sorted(set(children) - {ROOT})
    if not units:
        return children, quarters, {}
    values = st.dictionaries(st.sampled_from(BASE), st.integers(0, max_value))
    keys = st.tuples(st.sampled_from(units), st.sampled_from(around))
    return children, quarters, draw(st.dictionaries(keys, values, max_size=max_reports))


# --- the computation written differently ----------------------------------------

def parents_of(children):
    return {kid: parent for parent, kids in children.items() for kid in kids}


def below(unit, children):
    """`unit` and every descendant, by walking the tree breadth first."""
    found, queue = [], [unit]
    while queue:
        found.append(queue.pop(0))
        queue.extend(children.get(found[-1], ()))
    return found


def frontier(unit, quarter, children, reports):
    """Units whose own report stands for `unit` in `quarter`."""
    parents = parents_of(children)
    chosen = []
    for node in below(unit, children):
        if (node, quarter) not in reports:
            continue
        chain, step = [], node
        while step != unit:
            step = parents[step]
            chain.append(step)
        if not any((between, quarter) in reports for between in chain):
            chosen.append(node)
    return chosen


def shown(unit, quarter, code, children, reports):
    """A unit's figure for one quarter: the flat sum over its frontier (None: no figure)."""
    found = [reports[(n, quarter)][code] for n in frontier(unit, quarter, children, reports)
             if code in reports[(n, quarter)]]
    return sum(found) if found else None


def expected_unit(unit, quarters, children, reports):
    values = {}
    for code in FLOWS:
        found = [v for q in quarters if (v := shown(unit, q, code, children, reports)) is not None]
        values[code] = sum(found) if found else None
    for code in STOCKS:
        found = [v for q in quarters if (v := shown(unit, q, code, children, reports)) is not None]
        values[code] = found[-1] if found else None
    for spec in RATIOS:
        values[spec.code] = ratio_of(values[spec.numerator], values[spec.denominator], spec.scale)
    return values


def ratio_of(numerator, denominator, scale):
    return None if numerator is None or not denominator else numerator * scale / denominator


def same(a, b):
    if a is None or b is None:
        return a is b
    return math.isclose(a, b, rel_tol=1e-12)


def summed(values):
    present = [v for v in values if v is not None]
    return sum(present) if present else None


# --- properties -----------------------------------------------------------------

@FAST
@given(worlds())
def test_every_unit_matches_the_flat_computation_over_its_frontier(world):
    """Flows add over quarters and units, stocks take the last quarter with a
    figure, ratios come from the unit's own totals."""
    children, quarters, reports = world
    rows, _ = ar.table(children[ROOT], quarters, children, reports, SPECS)
    for unit, figures in rows.items():
        expected = expected_unit(unit, quarters, children, reports)
        assert set(figures.values) == {s.code for s in SPECS}
        for code, value in expected.items():
            assert same(figures.values[code], value), (unit, code)
        has = [bool(frontier(unit, q, children, reports)) for q in quarters]
        assert figures.has_data == any(has)
        own = [(unit, q) in reports for q in quarters]
        assert figures.rolled_up == any(h and not o for h, o in zip(has, own))


@FAST
@given(worlds())
def test_flow_totals_are_the_sum_over_quarters_and_units(world):
    children, quarters, reports = world
    _, total = ar.table(children[ROOT], quarters, children, reports, SPECS)
    for code in FLOWS:
        parts = [shown(u, q, code, children, reports) for u in children[ROOT] for q in quarters]
        assert total.values[code] == summed(parts)


@FAST
@given(worlds())
def test_stocks_take_the_last_quarter_with_a_figure_never_a_sum_over_time(world):
    children, quarters, reports = world
    for unit in children[ROOT]:
        figures = ar.unit_figures(unit, quarters, children, reports, SPECS)
        for code in STOCKS:
            by_quarter = [shown(unit, q, code, children, reports) for q in quarters]
            last = next((v for v in reversed(by_quarter) if v is not None), None)
            assert figures.values[code] == last


@FAST
@given(worlds())
def test_ratio_totals_are_the_ratio_of_summed_parts(world):
    children, quarters, reports = world
    rows, total = ar.table(children[ROOT], quarters, children, reports, SPECS)
    for spec in RATIOS:
        numerator = summed(r.values[spec.numerator] for r in rows.values())
        denominator = summed(r.values[spec.denominator] for r in rows.values())
        assert same(total.values[spec.code], ratio_of(numerator, denominator, spec.scale))


@FAST
@given(worlds(), st.data())
def test_a_unit_without_its_own_report_shows_the_sum_of_its_children(world, data):
    children, quarters, reports = world
    quarter = data.draw(st.sampled_from(quarters))
    for unit in sorted(set(children) - {ROOT}):
        if (unit, quarter) in reports:
            continue
        figures = ar.unit_figures(unit, [quarter], children, reports, SPECS)
        parts = [ar.unit_figures(kid, [quarter], children, reports, SPECS) for kid in children[unit]]
        for code in BASE:
            assert figures.values[code] == summed(p.values[code] for p in parts), (unit, code)
        assert figures.has_data == any(p.has_data for p in parts)
        assert figures.rolled_up == figures.has_data


@FAST
@given(worlds())
def test_the_total_row_is_the_sum_of_the_rows(world):
    children, quarters, reports = world
    rows, total = ar.table(children[ROOT], quarters, children, reports, SPECS)
    for code in BASE:
        assert total.values[code] == summed(r.values[code] for r in rows.values())
    assert total.rolled_up == any(r.rolled_up for r in rows.values())
    assert total.has_data == any(r.has_data for r in rows.values())


@FAST
@given(st.integers(2000, 2030), st.integers(1, 4), st.integers(0, 12))
def test_spans_and_comparison_spans(year, quarter, extra):
    last = ar.from_index(ar.quarter_index(year, quarter) + extra)
    quarters = ar.span((year, quarter), last)
    assert len(quarters) == extra + 1 and quarters[0] == (year, quarter) and quarters[-1] == last
    assert all(1 <= q <= 4 for _, q in quarters)
    before, year_before = ar.comparison_spans(quarters)
    assert len(before) == len(quarters) and ar.quarter_index(*before[-1]) + 1 == ar.quarter_index(year, quarter)
    assert year_before == [(y - 1, q) for y, q in quarters]


def test_seed_000_coverage_and_the_traps_it_avoids():
    """Women's Union 223.470 of 286.750 (77,9%); a span takes the last stock."""
    children = {ROOT: ["PHUNU", "NONGDAN"], "PHUNU": [], "NONGDAN": []}
    reports = {
        ("PHUNU", (2019, 1)): {"members_total": 220000, "eligible_population": 286000, "members_new": 1000},
        ("PHUNU", (2019, 2)): {"members_total": 223470, "eligible_population": 286750, "members_new": 1548},
        ("NONGDAN", (2019, 2)): {"members_total": 90, "eligible_population": 100, "members_new": 111},
    }
    rows, total = ar.table(["PHUNU", "NONGDAN"], [(2019, 1), (2019, 2)], children, reports, SPECS)
    assert rows["PHUNU"].values["members_total"] == 223470  # not 443.470
    assert rows["PHUNU"].values["members_new"] == 2548
    assert round(rows["PHUNU"].values["coverage_rate"], 1) == 77.9
    assert total.values["members_new"] == 2659
    averaged = (rows["PHUNU"].values["coverage_rate"] + rows["NONGDAN"].values["coverage_rate"]) / 2
    assert same(total.values["coverage_rate"], 223560 * 100 / 286850)
    assert not same(total.values["coverage_rate"], averaged)


# --- through the database ----------------------------------------------------------

@settings(max_examples=15, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(worlds(max_depth=3, max_branching=3, max_reports=15, max_value=10 ** 9, min_units=1))
def test_reports_stored_in_the_database_add_up_like_the_flat_computation(app, world):
    children, quarters, reports = world
    with db.atomic() as transaction:
        ids = store(children, reports)
        stored_children, stored_reports, specs = load_back()
        khoi = ids[ROOT]
        rows, total = ar.table(stored_children[khoi], quarters, stored_children, stored_reports, specs)
        transaction.rollback()
    by_id = {ids[name]: name for name in children[ROOT]}
    for unit_id, figures in rows.items():
        if unit_id not in by_id:  # the six bloc units: no report in these quarters
            assert not figures.has_data
            continue
        expected = expected_unit(by_id[unit_id], quarters, children, reports)
        for code, value in expected.items():
            if code in {s.code for s in specs}:
                assert same(figures.values[code], value), (by_id[unit_id], code)
    expected_rows = [expected_unit(u, quarters, children, reports) for u in children[ROOT]]
    for code in BASE:
        assert total.values[code] == summed(row[code] for row in expected_rows), code
    assert same(total.values["coverage_rate"],
                ratio_of(total.values["members_total"], total.values["eligible_population"], 100))


def store(children, reports):
    """Write the world through the models; {name: organisation id}."""
    ids = {ROOT: Organisation.get(Organisation.code == ROOT).id}
    for parent in below(ROOT, children):
        for kid in children[parent]:
            ids[kid] = Organisation.create(code=f"HT-{kid}", name=f"Chi hội thử {kid}", kind="phunu",
                                           level="chi_hoi", parent=ids[parent]).id
    indicators = {i.code: i.id for i in Indicator.select().where(Indicator.code.in_(BASE))}
    periods = {}
    for (unit, quarter), values in reports.items():
        if quarter not in periods:
            periods[quarter] = ReportingPeriod.create(year=quarter[0], quarter=quarter[1]).id
        report = QuarterlyReport.create(organisation=ids[unit], period=periods[quarter], status="submitted")
        if values:
            ReportValue.insert_many([{"report": report.id, "indicator": indicators[code], "value": value}
                                     for code, value in values.items()]).execute()
    return ids


def load_back():
    """(children, reports, specs) read back with plain queries, by organisation id."""
    children = {}
    for org_id, parent_id in Organisation.select(Organisation.id, Organisation.parent).tuples():
        children.setdefault(parent_id, []).append(org_id)
    reports = {}
    counted = QuarterlyReport.status.in_(("submitted", "approved"))
    filed = (QuarterlyReport.select(QuarterlyReport.organisation, ReportingPeriod.year, ReportingPeriod.quarter)
             .join(ReportingPeriod).where(counted))
    for org_id, year, quarter in filed.tuples():
        reports[(org_id, (year, quarter))] = {}
    values = (ReportValue.select(QuarterlyReport.organisation, ReportingPeriod.year, ReportingPeriod.quarter,
                                 Indicator.code, ReportValue.value)
              .join(QuarterlyReport).join(ReportingPeriod)
              .switch(ReportValue).join(Indicator).where(counted))
    for org_id, year, quarter, code, value in values.tuples():
        reports[(org_id, (year, quarter))][code] = value
    Numerator, Denominator = Indicator.alias(), Indicator.alias()
    catalogue = (Indicator.select(Indicator.code, Indicator.kind, Numerator.code, Denominator.code, Indicator.scale)
                 .join_from(Indicator, Numerator, JOIN.LEFT_OUTER, on=(Indicator.numerator == Numerator.id))
                 .join_from(Indicator, Denominator, JOIN.LEFT_OUTER, on=(Indicator.denominator == Denominator.id))
                 .where(Indicator.code.in_(BASE + ("coverage_rate",))))
    specs = [IndicatorSpec(*row) for row in catalogue.tuples()]
    return children, reports, specs
