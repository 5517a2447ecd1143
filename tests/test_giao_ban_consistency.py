"""A unit's figures in the giao ban workbook are the arithmetic's (portal.reporting.totals.build),
in "Tổng hợp" and on the unit's own sheet, for any tree, period and gaps."""
import io

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from models import Indicator, Organisation, QuarterlyReport, ReportingPeriod, ReportValue, db
from portal.excel.giao_ban import write_giao_ban
from portal.reporting.totals import Selection, build, quarters_for

BASE = ["members_new", "members_total", "eligible_population", "field_visits", "branches"]
LAST = (2023, 3)
# Every quarter a selection ending in LAST (quarter or year to date) reads, comparisons included.
QUARTERS = [(2022, q) for q in (1, 2, 3, 4)] + [(2023, q) for q in (1, 2, 3)]


def read(totals):
    stream = io.BytesIO()
    write_giao_ban(stream, totals, "Gia Lai", "Văn phòng Khối")
    return openpyxl.load_workbook(io.BytesIO(stream.getvalue()), data_only=True)


def cell_value(ind, figures):
    value = figures.values.get(ind.code) if figures is not None else None
    if value is not None and ind.kind == "ratio" and ind.scale == 100:
        return value / 100
    return value


def check_same(shown, expected, where):
    if expected is None:
        assert shown in (None, ""), where
    else:
        assert shown == pytest.approx(expected), where


def assert_workbook_matches(totals):
    book = read(totals)
    summary = book["Tổng hợp"]
    for offset, unit in enumerate(totals.units):
        own = book[unit.code]
        periods = (totals.rows[unit.id], totals.previous.get(unit.id), totals.year_before.get(unit.id))
        for position, ind in enumerate(totals.indicators):
            now = cell_value(ind, periods[0])
            check_same(summary.cell(4 + offset, 2 + position).value, now, (unit.code, ind.code, "Tổng hợp"))
            if not any(p is not None and p.has_data for p in periods):
                continue  # the sheet says "Không có số liệu"
            assert own.cell(4 + position, 1).value == ind.label
            for column, figures in enumerate(periods, 3):
                check_same(own.cell(4 + position, column).value, cell_value(ind, figures),
                           (unit.code, ind.code, column))
    total_row = 4 + len(totals.units)
    assert summary.cell(total_row, 1).value == "Tổng cộng"
    for position, ind in enumerate(totals.indicators):
        check_same(summary.cell(total_row, 2 + position).value, cell_value(ind, totals.total), ("total", ind.code))


@st.composite
def worlds(draw):
    """(tree as [(name, parent name)], reports as {(name, quarter): (status, {code: value})})."""
    tree, names = [], iter(range(1000))

    def grow(parent, depth):
        for _ in range(draw(st.integers(1 if depth == 0 else 0, 3 if depth < 2 else 0))):
            name = f"u{next(names)}"
            tree.append((name, parent))
            grow(name, depth + 1)

    grow("CCB", 0)
    units = [name for name, _ in tree] + ["CCB"]
    values = st.dictionaries(st.sampled_from(BASE), st.integers(0, 10 ** 6), min_size=1)
    reports = draw(st.dictionaries(st.tuples(st.sampled_from(units), st.sampled_from(QUARTERS)),
                                   st.tuples(st.sampled_from(["submitted", "approved"]), values), max_size=14))
    return tree, reports


def store(tree, reports):
    ids = {"CCB": Organisation.get(Organisation.code == "CCB").id}
    for name, parent in tree:
        ids[name] = Organisation.create(code=f"CCB-{name}", name=f"Chi hội thử {name}", kind="ccb",
                                        level="chi_hoi", parent=ids[parent]).id
    indicators = {i.code: i.id for i in Indicator.select().where(Indicator.code.in_(BASE))}
    periods = {q: ReportingPeriod.create(year=q[0], quarter=q[1]).id for q in QUARTERS}
    for (name, quarter), (status, values) in reports.items():
        report = QuarterlyReport.create(organisation=ids[name], period=periods[quarter], status=status)
        ReportValue.insert_many([{"report": report.id, "indicator": indicators[code], "value": value}
                                 for code, value in values.items()]).execute()
    return ids


@settings(max_examples=12, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(worlds(), st.sampled_from(["quarter", "ytd"]), st.data())
def test_the_workbook_shows_the_arithmetics_figures_for_any_tree(app, world, mode, data):
    tree, reports = world
    with db.atomic() as transaction:
        ids = store(tree, reports)
        parents = ["KHOI", "CCB"] + sorted({parent for _, parent in tree if parent != "CCB"})
        parent = data.draw(st.sampled_from(parents))
        root = (Organisation.get_by_id(ids[parent]) if parent in ids
                else Organisation.get(Organisation.code == parent))
        totals = build(Selection(root, mode, quarters_for(mode, *LAST)))
        assert_workbook_matches(totals)
        transaction.rollback()
