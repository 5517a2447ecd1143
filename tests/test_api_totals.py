"""GET /api/v1/totals: the totals page's figures, as numbers, within the same scope."""
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from peewee import fn

from models import Organisation, db
from models.reporting import previous_quarter
from portal.api.totals import FigureOut, RowOut, TotalsOut
from portal.reporting import formatting
from portal.reporting.totals import current_quarter
from tests.test_api_auth import bearer, issue
from tests.test_arithmetic import DATABASE_RATIOS, ROOT, below, expected, parents_of, same, store, worlds
from tests.test_totals_rules import row_of, td

SEED_000 = "year=2019&quarter=2"


def api(client, token, query=""):
    return client.get(f"/api/v1/totals?{query}", headers=bearer(token))


def shown(indicator, value):
    """The text the page writes for a figure."""
    return (formatting.percent if indicator["kind"] == "ratio" else formatting.number)(value)


def assert_row_matches_page(page, page_unit, row, indicators, total=False):
    for indicator in indicators:
        code = indicator["code"]
        figure = row["figures"][code]
        cell = td(page, page_unit, code)
        text = re.search(r'<span class="figure">([^<]*)</span>', cell).group(1).strip()
        where = (page_unit, code)
        assert text == shown(indicator, figure["value"]), where
        carried = figure["carried_from"]
        if carried:
            assert formatting.carried((carried["year"], carried["quarter"])) in cell, where
        else:
            assert "số Quý" not in cell, where
        for key, words in (("previous", "kỳ trước"), ("year_before", "cùng kỳ")):
            if figure[key] is None:
                assert f">{words} " not in cell, where
            else:
                assert f">{words} {shown(indicator, figure[key])} (" in cell, where
        note = re.search(r'data-source="(\w+)"', cell)
        if note:  # the page marks a figure from the children; the API says where every one came from
            assert figure["source"] == note.group(1), where
        if indicator["kind"] == "ratio" and 'class="note coverage"' in cell:
            assert figure["coverage"]["text"] in cell, where


def assert_api_is_the_page(client, token, query):
    page = client.get(f"/admin/totals/?{query}").get_data(as_text=True)
    # The totals table alone: the side panels have rows per unit too.
    page = re.search(r'<table[^>]* id="totals">.*?</table>', page, re.S).group(0)
    body = api(client, token, query).json
    indicators = body["indicators"]
    assert [i["code"] for i in indicators] == re.findall(r'<th title="[^"]*" data-code="([^"]+)"', page)
    units = re.findall(r'<tr data-unit="([^"]+)">', page.split("<tfoot>")[0])
    assert [row["unit"]["code"] for row in body["rows"]] == units
    for row in body["rows"]:
        assert_row_matches_page(page, row["unit"]["code"], row, indicators)
        assert row["from_children"] == ("tổng hợp từ cấp dưới" in row_of(page, row["unit"]["code"]))
    assert_row_matches_page(page, "TOTAL", body["total"], indicators, total=True)
    assert body["total"]["label"] in row_of(page, "TOTAL")
    assert (body["own"] is not None) == ('data-row="own"' in page)
    if body["own"] is not None:
        assert_row_matches_page(page, body["parent"]["code"], body["own"], indicators)
    return body


def assert_shape(body):
    """The body has exactly the documented fields (it is written without marshmallow)."""
    TotalsOut().load(body)  # unknown fields or wrong types raise
    assert set(body) == set(TotalsOut().fields)
    for row in body["rows"] + [body["total"]] + ([body["own"]] if body["own"] else []):
        assert set(row) == set(RowOut().fields)
        for figure in row["figures"].values():
            assert set(figure) == set(FigureOut().fields)


DEMO = pytest.mark.demo(members=80)


@pytest.fixture
def demo(app, demo_seeded):
    """The demo province of 80 members (the test is marked DEMO)."""


@DEMO
def test_the_seed_000_quarter_gives_the_articles_figures_as_numbers(demo, app, client, make_user, login):
    token = issue(app, make_user, "vanphong_api", "secretariat")
    body = api(client, token, SEED_000).json
    assert body["period"] == {
        "mode": "quarter", "label": "Quý II/2019", "drafts": False,
        "quarters": [{"year": 2019, "quarter": 2}], "previous": [{"year": 2019, "quarter": 1}],
        "year_before": [{"year": 2018, "quarter": 2}]}
    assert body["parent"]["code"] == "KHOI"
    total = body["total"]["figures"]
    assert total["members_new"]["value"] == 2407
    assert total["field_visits"]["value"] == 120
    phunu = next(row for row in body["rows"] if row["unit"]["code"] == "PHUNU")
    rate = phunu["figures"]["coverage_rate"]
    assert round(rate["value"], 1) == 77.9 and rate["fraction"] == pytest.approx(223470 / 286750)
    assert rate["source"] == "own" and rate["coverage"]["covered"] == rate["coverage"]["units"] == 1
    assert phunu["figures"]["members_total"]["value"] == 223470
    assert phunu["statuses"] == ["approved"] and phunu["report_status"] == "approved"
    assert_shape(body)
    # Numbers are JSON numbers, never the page's "2.407".
    assert isinstance(total["members_new"]["value"], int)
    kinds = {i["code"]: i for i in body["indicators"]}
    assert kinds["coverage_rate"]["kind"] == "ratio" and kinds["coverage_rate"]["scale"] == 100
    assert (kinds["coverage_rate"]["numerator"], kinds["coverage_rate"]["denominator"]) == (
        "members_total", "eligible_population")
    assert kinds["members_new"]["kind"] == "flow" and kinds["members_total"]["kind"] == "stock"
    # And the page says the same, cell by cell, mark by mark.
    login("vanphong_api", role="secretariat")
    assert_api_is_the_page(client, token, SEED_000)


def demo_queries():
    """Pages over the demo's eight reported quarters, which end with the one before today's."""
    year, quarter = previous_quarter(*current_quarter())
    first = "%d-%d" % previous_quarter(year - 1, quarter)
    return ["", "parent=PHUNU", f"{SEED_000}&parent=PHUNU", f"mode=year&year={year - 1}&quarter=4",
            f"mode=ytd&year={year}&quarter={quarter}&parent=nongdan",
            f"mode=range&from={first}&to={year}-{quarter}&drafts=1",
            f"year={year}&quarter={quarter}&parent=LDLD&drafts=1"]


@DEMO
@pytest.mark.parametrize("query", demo_queries())
def test_every_figure_and_mark_of_the_demo_equals_the_page(demo, app, client, make_user, login, query):
    token = issue(app, make_user, "vanphong_api", "secretariat")
    login("vanphong_api", role="secretariat")
    body = assert_api_is_the_page(client, token, query)
    assert body["total"]["has_data"]
    assert_shape(body)


@DEMO
def test_an_editor_reads_their_own_section_only(demo, app, client, make_user, login):
    token = issue(app, make_user, "phunu_api", "editor", "PHUNU")
    body = api(client, token, SEED_000).json
    # The page's default for an editor: their own unit.
    assert body["parent"]["code"] == "PHUNU"
    assert body["own"] is not None and body["own"]["figures"]["members_new"]["value"] == 1548
    login("phunu_api", role="editor", org="PHUNU")
    assert_api_is_the_page(client, token, SEED_000)
    missing = api(client, token, SEED_000 + "&parent=KHONGCO")
    for other in ("NONGDAN", "KHOI", "nongdan"):
        response = api(client, token, f"{SEED_000}&parent={other}")
        assert response.status_code == 404, other
        assert response.mimetype == "application/problem+json"
        assert response.json == missing.json
    with app.app_context():
        nongdan_branch = Organisation.select().where(
            Organisation.path.startswith(Organisation.get(Organisation.code == "NONGDAN").path),
            Organisation.code != "NONGDAN").first()
    assert api(client, token, f"{SEED_000}&parent={nongdan_branch.code}").status_code == 404


@DEMO
def test_a_viewer_reads_and_an_editor_without_a_unit_is_refused(demo, app, client, make_user):
    viewer = issue(app, make_user, "lanhdao_api", "viewer")
    assert api(client, viewer, SEED_000).json["total"]["figures"]["members_new"]["value"] == 2407
    # A viewer bound to one organisation reads its subtree only, like an editor.
    bound = issue(app, make_user, "lanhdao_phunu", "viewer", "PHUNU")
    assert api(client, bound, SEED_000).json["parent"]["code"] == "PHUNU"
    assert api(client, bound, SEED_000 + "&parent=NONGDAN").status_code == 404
    nobody = issue(app, make_user, "lost_editor", "editor")
    response = api(client, nobody, SEED_000)
    assert response.status_code == 403 and response.mimetype == "application/problem+json"
    assert client.get(f"/api/v1/totals?{SEED_000}").status_code == 401


@pytest.mark.parametrize("query", [
    "quarter=5", "year=abc", "year=1999&quarter=1", "mode=week", "mode=range&year=2024&quarter=1",
    "mode=range&from=2024-3&to=2024-1", "mode=range&from=2024&to=2024-2",
    "mode=range&from=2000-1&to=2024-1",
])
def test_bad_parameters_get_the_pages_message(app, client, make_user, login, query):
    token = issue(app, make_user, "vanphong_api", "secretariat")
    page = login("vanphong_api", role="secretariat").get(f"/admin/totals/?{query}")
    assert page.status_code == 400
    message = re.search(r'<div class="alert alert-danger">([^<]*)</div>', page.get_data(as_text=True)).group(1)
    response = api(client, token, query)
    assert response.status_code == 400 and response.mimetype == "application/problem+json"
    assert response.json["code"] == "invalid_period"
    assert response.json["message"] == message.replace("&#39;", "'")


def test_drafts_count_only_when_asked(app, client, make_user):
    from portal.demo import figures

    with app.app_context():
        figures.load({"CCB": {"members_new": 10}}, quarter=(2019, 3), status="draft")
        figures.load({"LDLD": {"members_new": 5}}, quarter=(2019, 3), status="submitted")
    token = issue(app, make_user, "vanphong_api", "secretariat")
    counted = api(client, token, "year=2019&quarter=3").json["total"]
    with_drafts = api(client, token, "year=2019&quarter=3&drafts=1").json["total"]
    assert counted["figures"]["members_new"]["value"] == 5 and counted["statuses"] == ["submitted"]
    assert with_drafts["figures"]["members_new"]["value"] == 15
    assert with_drafts["statuses"] == ["draft", "submitted"]


def test_the_openapi_document_describes_totals(app, client):
    spec = client.get("/api/v1/openapi.json").json
    operation = spec["paths"]["/api/v1/totals"]["get"]
    assert {p["name"] for p in operation["parameters"]} >= {
        "year", "quarter", "parent", "mode", "from", "to", "drafts"}
    assert "TotalsOut" in spec["components"]["schemas"]


@settings(max_examples=12, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(worlds(max_depth=3, max_branching=3, max_reports=15, max_value=10 ** 9, min_units=1),
       st.booleans(), st.data())
def test_random_trees_every_unit_and_indicator_is_the_arithmetics(app, client, make_user, world, drafts, data):
    """The API's rows and total, for pages at random units of a random tree,
    equal the flat computation of tests/test_arithmetic.py."""
    children, mode, quarters, reports = world
    token = issue(app, make_user, "vanphong_api", "secretariat")
    counted = type(reports)({k: v for k, v in reports.items() if drafts or reports.status[k] != "draft"},
                            status=reports.status)
    last = quarters[-1]
    query = {"mode": mode, "year": last[0], "quarter": last[1], "drafts": "1" if drafts else "0"}
    if mode == "range":
        query.update({"from": "%d-%d" % quarters[0], "to": "%d-%d" % last})
    parents = parents_of(children)
    # The request shares the test's app context, so it sees the rolled-back transaction.
    with app.app_context(), db.atomic() as transaction:
        ids = store(children, reports)
        # The page finds a parent by its code in capitals.
        Organisation.update(code=fn.UPPER(Organisation.code)).where(Organisation.id.in_(list(ids.values()))).execute()
        codes = {name: "HT-ROOT" if name == ROOT else f"HT-{name}".upper() for name in ids}
        names = {i: name for name, i in ids.items()}
        pages = [u for u in below(ROOT, children) if children.get(u)] or [ROOT]
        for parent in data.draw(st.lists(st.sampled_from(pages), min_size=1, max_size=2, unique=True)):
            response = client.get("/api/v1/totals", query_string=dict(query, parent=codes[parent]),
                                  headers=bearer(token))
            assert response.status_code == 200, response.json
            body = response.json
            assert [(q["year"], q["quarter"]) for q in body["period"]["quarters"]] == quarters
            rows = [(names[row["unit"]["id"]], row) for row in body["rows"]] + [(parent, body["total"])]
            for unit, row in rows:
                assert unit == parent or parents[unit] == parent
                wanted = expected(unit, quarters, children, counted, DATABASE_RATIOS)
                for code, figure in row["figures"].items():
                    if code not in wanted.values:
                        continue
                    assert same(figure["value"], wanted.values[code]), (unit, code)
                    assert figure["source"] == wanted.sources.get(code), (unit, code)
                    carried = wanted.carried.get(code)
                    assert figure["carried_from"] == (
                        {"year": carried[0], "quarter": carried[1]} if carried else None), (unit, code)
                coverage = row["figures"]["coverage_rate"]["coverage"]
                assert (coverage["covered"], coverage["units"]) == wanted.coverage["coverage_rate"], unit
                assert set(row["statuses"]) == wanted.statuses, unit
                assert row["has_data"] == wanted.has_data, unit
        transaction.rollback()
