"""The arithmetic of the giao ban totals, checked on random trees and reports.

Each property compares portal.reporting.arithmetic with a computation written
here differently: instead of recursing up the tree like the module does, a
unit's figure is summed flat over its "reporters" for that indicator, the
descendants (itself included) that reported it with no reporting unit
between them and it. Flows choose their reporters quarter by quarter; stocks
over the whole span, each reporter giving its last value; ratios from the
reporters of both their parts. The last test writes random reports through
the models on the real database and compares what `build()` gives.
"""
import math

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from models import Indicator, Organisation, QuarterlyReport, ReportingPeriod, ReportValue, db
from portal.reporting import arithmetic as ar
from portal.reporting import dashboard
from portal.reporting.arithmetic import IndicatorSpec
from portal.reporting.totals import Selection, build, quarters_for

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
# The one ratio among the database's indicators: what a page's figures can depend on.
DATABASE_RATIOS = [s for s in RATIOS if s.code == "coverage_rate"]
KIND = {s.code: s.kind for s in SPECS}
ROOT = "KHOI"
STATUSES = ("draft", "submitted", "approved")
MODES = ("quarter", "ytd", "year", "range")
FAST = settings(max_examples=150, deadline=None, database=None)


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
def spans(draw):
    """(mode, quarters) as the totals page chooses them."""
    mode = draw(st.sampled_from(MODES))
    year, quarter = draw(st.integers(2018, 2025)), draw(st.integers(1, 4))
    first = (year, quarter)
    last = ar.from_index(ar.quarter_index(*first) + draw(st.integers(0, 5)))
    return mode, quarters_for(mode, *(last if mode == "range" else first), first, last)


@st.composite
def worlds(draw, max_depth=4, max_branching=4, max_reports=40, max_value=10 ** 7, min_units=0,
           root_reports=True):
    """(children, mode, quarters, reports): random own reports at any level (the root too),
    with blank indicators, gaps, random statuses and reports just outside the span."""
    children = draw(trees(max_depth, max_branching, min_units))
    mode, quarters = draw(spans())
    around = ar.shifted(quarters[:1], -1) + quarters + ar.shifted(quarters[-1:], 1)
    units = sorted(set(children) - (set() if root_reports else {ROOT}))
    reports = ar.Reports()
    if not units:
        return children, mode, quarters, reports
    values = st.dictionaries(st.sampled_from(BASE), st.none() | st.integers(0, max_value))
    keys = st.tuples(st.sampled_from(units), st.sampled_from(around))
    for key, figures in draw(st.dictionaries(keys, values, max_size=max_reports)).items():
        reports[key] = figures
        reports.status[key] = draw(st.sampled_from(STATUSES))
    return children, mode, quarters, reports


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


def between(node, unit, parents):
    """The units above `node` up to `unit` included."""
    chain = []
    while node != unit:
        node = parents[node]
        chain.append(node)
    return chain


def has(reports, unit, quarter, code):
    return reports.get((unit, quarter), {}).get(code) is not None


def frontier(unit, reported, children):
    """The descendants of `unit` (itself included) for which `reported` holds with no
    unit between them and `unit` for which it holds too."""
    parents = parents_of(children)
    return [n for n in below(unit, children)
            if reported(n) and not any(reported(b) for b in between(n, unit, parents))]


def flow_reporters(unit, quarter, code, children, reports):
    return frontier(unit, lambda n: has(reports, n, quarter, code), children)


def stock_reporters(unit, quarters, code, children, reports):
    return frontier(unit, lambda n: any(has(reports, n, q, code) for q in quarters), children)


def last_own(node, quarters, code, reports):
    """(value, quarter) of the node's last own report of a stock in the span."""
    quarter = [q for q in quarters if has(reports, node, q, code)][-1]
    return reports[(node, quarter)][code], quarter


def wholly_own(node, quarters, code, children, reports):
    """The node's figure for `code` is its own report's, in every quarter it has one."""
    if KIND[code] == "stock":
        return any(has(reports, node, q, code) for q in quarters)
    shown = [q for q in quarters if flow_reporters(node, q, code, children, reports)]
    return bool(shown) and all(has(reports, node, q, code) for q in shown)


def own_part(node, quarters, code, reports):
    """(value, [report keys]) of the node's own figure for `code`."""
    if KIND[code] == "stock":
        value, quarter = last_own(node, quarters, code, reports)
        return value, [(node, quarter)]
    keys = [(node, q) for q in quarters if has(reports, node, q, code)]
    return sum(reports[k][code] for k in keys), keys


def reports_both(node, spec, quarters, children, reports):
    return all(wholly_own(node, quarters, c, children, reports) for c in (spec.numerator, spec.denominator))


def units_counted(unit, spec, quarters, children, reports, reporters):
    if reports_both(unit, spec, quarters, children, reports) or not reporters:
        return 1
    return sum(units_counted(kid, spec, quarters, children, reports,
                             ratio_reporters(kid, spec, quarters, children, reports))
               for kid in children.get(unit, ()))


def ratio_reporters(unit, spec, quarters, children, reports):
    return frontier(unit, lambda n: reports_both(n, spec, quarters, children, reports), children)


def ratio_of(numerator, denominator, scale):
    return None if numerator is None or not denominator else numerator * scale / denominator


def source_of(own, children):
    return "mixed" if own and children else "own" if own else "children"


def expected(unit, quarters, children, reports, ratios=None):
    """Everything `Figures` says of `unit`, computed flat; `ratios` the ratios
    there are (RATIOS; the database's indicators have coverage_rate alone)."""
    values, sources, carried, coverage, behind = {}, {}, {}, {}, set()
    for code in FLOWS:
        by_quarter = {q: flow_reporters(unit, q, code, children, reports) for q in quarters}
        keys = [(n, q) for q, found in by_quarter.items() for n in found]
        values[code] = sum(reports[k][code] for k in keys) if keys else None
        if keys:
            behind |= set(keys)
            sources[code] = source_of(any(f == [unit] for f in by_quarter.values() if f),
                                      any(f and f != [unit] for f in by_quarter.values()))
    for code in STOCKS:
        found = [last_own(n, quarters, code, reports) + (n,)
                 for n in stock_reporters(unit, quarters, code, children, reports)]
        values[code] = sum(v for v, _, _ in found) if found else None
        if found:
            behind |= {(n, q) for _, q, n in found}
            sources[code] = "own" if [n for _, _, n in found] == [unit] else "children"
            early = [q for _, q, _ in found if q != quarters[-1]]
            if early:
                carried[code] = min(early)
    for spec in RATIOS if ratios is None else ratios:
        found = ratio_reporters(unit, spec, quarters, children, reports)
        coverage[spec.code] = (len(found), units_counted(unit, spec, quarters, children, reports, found))
        if not found:
            values[spec.code] = None
            continue
        parts = [[own_part(n, quarters, c, reports) for n in found] for c in (spec.numerator, spec.denominator)]
        values[spec.code] = ratio_of(*(sum(v for v, _ in part) for part in parts), spec.scale)
        behind |= {k for part in parts for _, keys in part for k in keys}
        sources[spec.code] = "own" if found == [unit] else "children"
    has_data = any((n, q) in reports for n in below(unit, children) for q in quarters)
    filed = any((unit, q) in reports for q in quarters)
    return ar.Figures(values, has_data and (not filed or any(s != "own" for s in sources.values())),
                      has_data, carried, sources, coverage, {reports.status[k] for k in behind})


def same(a, b):
    if a is None or b is None:
        return a is b
    return math.isclose(a, b, rel_tol=1e-12)


def assert_figures(found, wanted, where=""):
    assert set(found.values) == set(wanted.values), where
    for code, value in wanted.values.items():
        assert same(found.values[code], value), (where, code, found.values[code], value)
    for name in ("rolled_up", "has_data", "carried", "sources", "coverage", "statuses"):
        assert getattr(found, name) == getattr(wanted, name), (where, name)


def rows_of(unit, children):
    """The rows of a unit's own page: its children, or itself when it has none."""
    return children.get(unit) or [unit]


# --- properties -----------------------------------------------------------------

@FAST
@given(worlds())
def test_every_unit_matches_the_flat_computation_over_its_reporters(world):
    """Flows add their quarters' reporters, stocks each reporter's last value,
    ratios the parts of the units that report both; sources, carried quarters,
    coverage and statuses say so."""
    children, _, quarters, reports = world
    rollup = ar.Rollup(quarters, children, reports, SPECS)
    for unit in below(ROOT, children):
        assert_figures(rollup.figures(unit), expected(unit, quarters, children, reports), unit)


@FAST
@given(worlds())
def test_a_unit_shows_the_same_figures_on_its_own_page_its_parents_and_the_roots(world):
    children, _, quarters, reports = world
    parents = parents_of(children)

    def page(parent):
        return ar.table(rows_of(parent, children), quarters, children, reports, SPECS, parent=parent)

    root_rows, root_total = page(ROOT)
    for unit in below(ROOT, children):
        own_total = page(unit)[1]
        if unit == ROOT:
            assert own_total == root_total
            continue
        assert own_total == page(parents[unit])[0][unit], unit
        if parents[unit] == ROOT:
            assert own_total == root_rows[unit], unit
    # The root's figure: the same from the root page, and from every figure below.
    assert root_total == ar.unit_figures(ROOT, quarters, children, reports, SPECS)


@FAST
@given(worlds())
def test_no_total_rate_exceeds_what_its_reporting_units_parts_give(world):
    children, _, quarters, reports = world
    _, total = ar.table(rows_of(ROOT, children), quarters, children, reports, SPECS, parent=ROOT)
    for spec in RATIOS:
        found = ratio_reporters(ROOT, spec, quarters, children, reports)
        parts = [(own_part(n, quarters, spec.numerator, reports)[0],
                  own_part(n, quarters, spec.denominator, reports)[0]) for n in found]
        assert total.coverage[spec.code][0] == len(found)
        assert same(total.values[spec.code], ratio_of(sum(n for n, _ in parts) if parts else None,
                                                      sum(d for _, d in parts), spec.scale))
        if parts and all(d > 0 for _, d in parts):
            rates = [n * spec.scale / d for n, d in parts]
            assert min(rates) * (1 - 1e-12) <= total.values[spec.code] <= max(rates) * (1 + 1e-12)


@FAST
@given(worlds(root_reports=False))
def test_a_page_without_a_parent_adds_its_rows_like_a_parent_that_files_nothing(world):
    children, _, quarters, reports = world
    rows, total = ar.table(children[ROOT], quarters, children, reports, SPECS)
    figures = ar.unit_figures(ROOT, quarters, children, reports, SPECS)
    assert rows == {u: ar.unit_figures(u, quarters, children, reports, SPECS) for u in children[ROOT]}
    for spec in RATIOS:
        if not figures.coverage[spec.code][0]:  # a unit uncovered counts once, the rows each
            figures.coverage[spec.code] = (0, len(children[ROOT]))
    assert total == figures


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


# --- the cases and the seed's -------------------------------------------------

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
    assert total.coverage["coverage_rate"] == (2, 2)


def test_a_branch_that_missed_the_last_quarter_still_counts_marked_as_carried():
    """Issue 10, item 1: commune A is 1.020/1.450 for 2022 wherever it is shown."""
    children = {ROOT: ["PHUNU"], "PHUNU": ["A"], "A": ["A1", "A2", "A3"]}
    reports = ar.Reports({
        ("A1", (2022, 3)): {"members_total": 420, "eligible_population": 600},
        ("A2", (2022, 3)): {"members_total": 310, "eligible_population": 500},
        ("A3", (2022, 3)): {"members_total": 275, "eligible_population": 350},
        ("A1", (2022, 4)): {"members_total": 430, "eligible_population": 600},
        ("A2", (2022, 4)): {"members_total": 315, "eligible_population": 500},
    }, status={("A1", (2022, 3)): "approved", ("A2", (2022, 3)): "approved", ("A3", (2022, 3)): "approved",
               ("A1", (2022, 4)): "approved", ("A2", (2022, 4)): "submitted"})
    year = ar.span((2022, 1), (2022, 4))
    for parent in (ROOT, "PHUNU", "A"):
        rows, total = ar.table(children[parent], year, children, reports, SPECS, parent=parent)
        for figures in (total, rows.get("A", total)):
            assert (figures.values["members_total"], figures.values["eligible_population"]) == (1020, 1450)
            assert figures.carried == {"members_total": (2022, 3), "eligible_population": (2022, 3)}
            assert figures.sources["members_total"] == "children"
            assert figures.coverage["coverage_rate"] == (3, 3)
            assert figures.statuses == {"approved", "submitted"}
    assert ar.unit_figures("A1", year, children, reports, SPECS).carried == {}


def test_a_total_rate_counts_only_units_reporting_both_parts():
    """Issue 10, item 2: 2021 Q1 gives 75,0% (not 325,0%), over 2 of the 6 units."""
    units = ["MTTQ", "DOAN", "PHUNU", "NONGDAN", "CCB", "LDLD"]
    children = {ROOT: units}
    reports = {(u, (2021, 1)): v for u, v in {
        "DOAN": {"members_total": 1000},
        "CCB": {"members_total": 0, "eligible_population": 0},
        "LDLD": {"members_total": 300, "eligible_population": 400},
        "NONGDAN": {"members_total": 500},  # a draft, when drafts count
    }.items()}
    rows, total = ar.table(units, [(2021, 1)], children, reports, SPECS, parent=ROOT)
    assert total.values["coverage_rate"] == 75.0
    assert total.coverage["coverage_rate"] == (2, 6)
    assert total.values["members_total"] == 1800  # the members column still adds every unit
    assert rows["DOAN"].values["coverage_rate"] is None and rows["CCB"].values["coverage_rate"] is None


def test_a_blank_own_figure_falls_back_to_the_childrens_roll_up():
    """Issue 10, item 3: the commune's own figures count per indicator; a branch's
    2 new members do not vanish because the commune left the figure blank."""
    children = {ROOT: ["B"], "B": ["B1", "B2"]}
    reports = ar.Reports({
        ("B", (2023, 1)): {"members_total": 900, "eligible_population": 1000, "field_visits": 5},
        ("B1", (2023, 1)): {"members_new": 2, "members_total": 400, "field_visits": 3},
        ("B2", (2023, 1)): {"members_total": 450, "eligible_population": 600},
        ("B", (2023, 2)): {"field_visits": 1},
        ("B1", (2023, 2)): {"field_visits": 4, "members_new": 1},
    }, status={("B", (2023, 1)): "approved", ("B1", (2023, 1)): "submitted", ("B2", (2023, 1)): "approved",
               ("B", (2023, 2)): "approved", ("B1", (2023, 2)): "draft"})
    b = ar.unit_figures("B", [(2023, 1)], children, reports, SPECS)
    assert b.values["members_new"] == 2 and b.values["members_total"] == 900 and b.values["field_visits"] == 5
    assert b.values["coverage_rate"] == 90.0
    assert b.sources == {"members_new": "children", "field_visits": "own", "members_total": "own",
                         "eligible_population": "own", "coverage_rate": "own", "visits_per_member": "children"}
    assert b.rolled_up and b.statuses == {"approved", "submitted"}
    half = ar.unit_figures("B", [(2023, 1), (2023, 2)], children, reports, SPECS)
    assert half.values["field_visits"] == 6 and half.values["members_new"] == 3
    assert half.sources["field_visits"] == "own" and half.statuses == {"approved", "submitted", "draft"}


def test_a_unit_dissolved_before_the_span_is_not_counted_as_a_unit():
    children = {ROOT: ["X", "Y", "OLD"]}
    reports = {("X", (2024, 1)): {"members_total": 10, "eligible_population": 20}}
    _, total = ar.table(["X", "Y"], [(2024, 1)], children, reports, SPECS, parent=ROOT, gone={"OLD"})
    assert total.coverage["coverage_rate"] == (1, 2)
    _, total = ar.table(["X", "Y"], [(2024, 1)], children, reports, SPECS, parent=ROOT)
    assert total.coverage["coverage_rate"] == (1, 3)


# --- through the database ----------------------------------------------------------

@settings(max_examples=15, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(worlds(max_depth=3, max_branching=3, max_reports=15, max_value=10 ** 9, min_units=1),
       st.booleans(), st.data())
def test_build_gives_every_unit_the_flat_computations_figures_on_every_page(app, world, drafts, data):
    children, mode, quarters, reports = world
    counted = ar.Reports({k: v for k, v in reports.items() if drafts or reports.status[k] != "draft"},
                         status=reports.status)
    codes = set(BASE) | {"coverage_rate"}
    with db.atomic() as transaction:
        ids = store(children, reports)
        orgs = {name: Organisation.get_by_id(i) for name, i in ids.items()}
        parents = parents_of(children)
        for unit in data.draw(st.lists(st.sampled_from(sorted(ids)), min_size=1, max_size=3, unique=True)):
            own_page = build(Selection(orgs[unit], mode, quarters, include_drafts=drafts))
            # visits_per_member is not among the database's indicators: the statuses
            # and the roll-up mark may not come from it.
            wanted = expected(unit, quarters, children, counted, DATABASE_RATIOS)
            figures = [own_page.total]
            if unit != ROOT:
                parent_page = build(Selection(orgs[parents[unit]], mode, quarters, include_drafts=drafts))
                figures.append(parent_page.rows[ids[unit]])
            for found in figures:
                for code in codes:
                    assert same(found.values[code], wanted.values[code]), (unit, code)
                assert {c: s for c, s in found.sources.items() if c in codes} == \
                    {c: s for c, s in wanted.sources.items() if c in codes}
                assert found.carried == wanted.carried and found.statuses == wanted.statuses
                assert (found.has_data, found.rolled_up) == (wanted.has_data, wanted.rolled_up)
                assert found.coverage["coverage_rate"] == wanted.coverage["coverage_rate"]
        transaction.rollback()


def test_a_pages_statuses_come_from_the_database_indicators_only(app):
    """Found by the test above: the flat computation counted the statuses behind
    visits_per_member, a ratio the database does not have."""
    children = {ROOT: ["u0"], "u0": []}
    quarters = [(2018, 1), (2018, 2)]
    reports = ar.Reports({(ROOT, (2018, 1)): {"members_new": None, "field_visits": 0},
                          ("u0", (2018, 2)): {"members_new": 0}, ("u0", (2018, 1)): {"field_visits": 0}},
                         status={(ROOT, (2018, 1)): "draft", ("u0", (2018, 2)): "draft",
                                 ("u0", (2018, 1)): "submitted"})
    with db.atomic() as transaction:
        ids = store(children, reports)
        page = build(Selection(Organisation.get_by_id(ids[ROOT]), "ytd", quarters, include_drafts=True))
        assert page.total.statuses == expected(ROOT, quarters, children, reports, DATABASE_RATIOS).statuses
        assert page.total.statuses == {"draft"}
        transaction.rollback()
    assert expected(ROOT, quarters, children, reports).statuses == {"draft", "submitted"}


def store(children, reports):
    """Write the world through the models under a fresh unit below KHOI; {name: id}."""
    khoi = Organisation.get(Organisation.code == "KHOI")
    ids = {ROOT: Organisation.create(code="HT-ROOT", name="Đơn vị thử", kind="phunu", level="tinh",
                                     parent=khoi).id}
    for parent in below(ROOT, children):
        for kid in children[parent]:
            ids[kid] = Organisation.create(code=f"HT-{kid}", name=f"Chi hội thử {kid}", kind="phunu",
                                           level="chi_hoi", parent=ids[parent]).id
    indicators = {i.code: i.id for i in Indicator.select().where(Indicator.code.in_(BASE))}
    periods = {}
    for (unit, quarter), values in reports.items():
        if quarter not in periods:
            periods[quarter] = ReportingPeriod.create(year=quarter[0], quarter=quarter[1]).id
        report = QuarterlyReport.create(organisation=ids[unit], period=periods[quarter],
                                        status=reports.status[(unit, quarter)])
        rows = [{"report": report.id, "indicator": indicators[code], "value": value}
                for code, value in values.items() if value is not None]
        if rows:
            ReportValue.insert_many(rows).execute()
    return ids


@FAST
@given(worlds(), st.sets(st.sampled_from([s.code for s in SPECS]), min_size=1))
def test_leaving_indicators_out_changes_none_of_the_others_figures(world, kept):
    """The dashboard adds up only what it charts (and its ratios' parts), from
    reports read without the other figures: each unit's figures stay the totals page's."""
    children, _, quarters, reports = world
    some = dashboard.charted_specs(SPECS, kept)
    codes = {s.code for s in some}
    assert codes >= kept
    narrow = ar.Reports({key: {c: v for c, v in values.items() if c in codes} for key, values in reports.items()},
                        reports.status)
    whole, part = ar.Rollup(quarters, children, reports, SPECS), ar.Rollup(quarters, children, narrow, some)
    for unit in below(ROOT, children):
        everything, only = whole.figures(unit), part.figures(unit)
        for code in codes:
            assert same(only.values.get(code), everything.values.get(code)), (unit, code)
            assert only.coverage.get(code) == everything.coverage.get(code), (unit, code)
            assert only.carried.get(code) == everything.carried.get(code), (unit, code)
