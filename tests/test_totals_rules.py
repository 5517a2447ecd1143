"""Issue 10, items 1 to 3, through the real totals page: one figure for a unit
and a period wherever it is shown, rates only from units that report both
parts, and a unit's own figure per indicator with its children's as fallback.
"""
import json
import re

import pytest

from models import Organisation
from portal.demo import figures


def row_of(page, unit):
    found = re.search(rf'<tr data-unit="{unit}"[^>]*>(.*?)</tr>', page, re.S)
    assert found, f"no row {unit}"
    return found.group(1)


def td(page, unit, code):
    """The whole cell of `unit` (TOTAL for the total row) and indicator `code`."""
    found = re.search(rf'<td data-code="{code}"[^>]*>(.*?)</td>', row_of(page, unit), re.S)
    return found.group(1)


def cell(page, unit, code):
    return re.search(r'<span class="figure">([^<]*)</span>', td(page, unit, code)).group(1).strip()


def organisation(code, parent, level="xa"):
    return Organisation.create(code=code, name=f"Hội Phụ nữ {code}", kind="phunu", level=level,
                               parent=Organisation.get(Organisation.code == parent))


@pytest.fixture
def commune_a(app):
    """Year 2022 under PHUNU → commune A → three branches; the third misses Q4."""
    organisation("A", "PHUNU")
    for code in ("A-1", "A-2", "A-3"):
        organisation(code, "A", level="chi_hoi")
    figures.load({"A-1": {"members_total": 420, "eligible_population": 600},
                  "A-2": {"members_total": 310, "eligible_population": 500},
                  "A-3": {"members_total": 275, "eligible_population": 350}}, quarter=(2022, 3))
    figures.load({"A-1": {"members_total": 430, "eligible_population": 600},
                  "A-2": {"members_total": 315, "eligible_population": 500}}, quarter=(2022, 4))


YEAR_2022 = "/admin/totals/?mode=year&year=2022&quarter=4"


def test_a_stock_is_the_same_on_the_units_own_page_its_parents_and_the_roots(commune_a, login):
    client = login("vanphong", role="secretariat")
    own = client.get(YEAR_2022 + "&parent=A").get_data(as_text=True)
    phunu = client.get(YEAR_2022 + "&parent=PHUNU").get_data(as_text=True)
    khoi = client.get(YEAR_2022 + "&parent=KHOI").get_data(as_text=True)
    for page, unit in ((own, "TOTAL"), (phunu, "A"), (phunu, "TOTAL"), (khoi, "PHUNU")):
        assert cell(page, unit, "members_total") == "1.020", unit
        assert cell(page, unit, "eligible_population") == "1.450", unit
        assert cell(page, unit, "coverage_rate") == "70,3%", unit
    # The third branch's figure is carried from Q3, and every page says so.
    for page, unit in ((own, "TOTAL"), (phunu, "A"), (phunu, "TOTAL"), (khoi, "PHUNU")):
        assert "số Quý III/2022" in td(page, unit, "members_total"), unit
    # The branch that reported in Q4 is not marked; the one that did not is.
    assert "số Quý" not in td(own, "A-1", "members_total")
    assert "số Quý III/2022" in td(own, "A-3", "members_total")
    assert "Chỉ tiêu thời điểm lấy số mới nhất của từng đơn vị trong kỳ rồi cộng lại" in own


def test_the_quarter_itself_carries_nothing(commune_a, login):
    client = login("vanphong", role="secretariat")
    page = client.get("/admin/totals/?year=2022&quarter=4&parent=PHUNU").get_data(as_text=True)
    assert cell(page, "A", "members_total") == "745"
    assert "số Quý" not in td(page, "A", "members_total")


@pytest.fixture
def rates_2021(app):
    """2021 Q1: DOAN 1.000 members and no eligible population, CCB 0/0, LDLD 300/400."""
    figures.load({"DOAN": {"members_total": 1000},
                  "CCB": {"members_total": 0, "eligible_population": 0},
                  "LDLD": {"members_total": 300, "eligible_population": 400}}, quarter=(2021, 1))
    # A draft with members and no eligible population (450,0% before, with drafts).
    figures.load({"NONGDAN": {"members_total": 500}}, quarter=(2021, 1), status="draft")


@pytest.mark.parametrize("drafts", ["", "&drafts=1"])
def test_a_total_rate_uses_only_units_that_report_both_parts(rates_2021, login, drafts):
    client = login("vanphong", role="secretariat")
    page = client.get("/admin/totals/?year=2021&quarter=1" + drafts).get_data(as_text=True)
    assert cell(page, "TOTAL", "coverage_rate") == "75,0%"
    assert "tính trên 2/6 đơn vị" in td(page, "TOTAL", "coverage_rate")
    assert cell(page, "DOAN", "coverage_rate") == "–"
    assert cell(page, "LDLD", "coverage_rate") == "75,0%"
    # The members column still adds every unit's members.
    assert cell(page, "TOTAL", "members_total") == ("1.800" if drafts else "1.300")


@pytest.fixture
def own_and_branches(app):
    """Commune B files its own report with members_new blank; its branches file too."""
    organisation("B", "PHUNU")
    organisation("B-1", "B", level="chi_hoi")
    organisation("B-2", "B", level="chi_hoi")
    figures.load({"B": {"members_total": 900, "eligible_population": 1000, "field_visits": 5},
                  "B-1": {"members_new": 2, "members_total": 400, "field_visits": 3},
                  "B-2": {"members_total": 450, "eligible_population": 600}}, quarter=(2023, 2))


def test_a_blank_own_figure_falls_back_to_the_childrens(own_and_branches, login):
    client = login("vanphong", role="secretariat")
    phunu = client.get("/admin/totals/?year=2023&quarter=2&parent=PHUNU").get_data(as_text=True)
    own = client.get("/admin/totals/?year=2023&quarter=2&parent=B").get_data(as_text=True)
    khoi = client.get("/admin/totals/?year=2023&quarter=2").get_data(as_text=True)
    for page, unit in ((phunu, "B"), (own, "TOTAL"), (khoi, "PHUNU")):
        assert cell(page, unit, "members_new") == "2", unit  # the branch's 2 do not vanish
        assert cell(page, unit, "members_total") == "900", unit  # the commune's own figure
        assert cell(page, unit, "field_visits") == "5", unit
        assert cell(page, unit, "coverage_rate") == "90,0%", unit
    # Which source each figure came from: marked where it is the children's.
    assert "từ cấp dưới" in td(phunu, "B", "members_new")
    assert "từ cấp dưới" not in td(phunu, "B", "members_total")
    assert "tổng hợp từ cấp dưới" not in row_of(phunu, "B").split("<td data-code")[0]
    # The commune's own page says its total row is its own figure, not the rows' sum.
    assert "Dòng tổng là số của chính đơn vị" in own
    assert cell(own, "TOTAL", "members_total") == "900"
    assert cell(own, "B-1", "members_total") == "400"


def test_an_editor_sees_its_own_unit_first_then_its_children(own_and_branches, login):
    client = login("kt_b", role="editor", org="B")
    page = client.get("/admin/totals/?year=2023&quarter=2").get_data(as_text=True)
    own = page.index('data-unit="B" data-row="own"')
    assert own < page.index('data-unit="B-1"') < page.index('data-unit="B-2"')
    assert cell(page, "B", "members_total") == "900"
    assert cell(page, "B", "members_new") == "–"  # blank in its own report
    assert cell(page, "TOTAL", "members_new") == "2"


def test_an_editor_of_a_commune_reaches_no_sibling_or_parent_figures(own_and_branches, commune_a, login):
    client = login("kt_b", role="editor", org="B")
    page = client.get("/admin/totals/?mode=year&year=2022&quarter=4").get_data(as_text=True)
    assert 'data-unit="A' not in page and "1.020" not in page
    for parent in ("A", "A-3", "PHUNU", "KHOI"):
        assert client.get(f"/admin/totals/?mode=year&year=2022&quarter=4&parent={parent}").status_code == 404
    dashboard = client.get("/admin/dashboard/").get_data(as_text=True)
    assert "Hội Phụ nữ A" not in dashboard
    assert client.get("/admin/dashboard/?parent=A").status_code == 404


def test_every_figure_cell_names_its_indicator_for_phone_width(own_and_branches, login):
    client = login("vanphong", role="secretariat")
    page = client.get("/admin/totals/?year=2023&quarter=2&parent=B").get_data(as_text=True)
    row = row_of(page, "B-1")
    assert 'data-label="Đơn vị"' in row
    assert re.search(r'<td data-code="members_new" data-label="Kết nạp mới đoàn viên, hội viên"', row)
    assert len(re.findall(r'<td data-code="[a-z_]+" data-label="[^"]+"', row)) == row.count('<td data-code=')


def test_the_dashboard_shows_the_totals_pages_figures(own_and_branches, commune_a, login):
    client = login("vanphong", role="secretariat")
    page = client.get("/admin/dashboard/?parent=PHUNU").get_data(as_text=True)
    charts = json.loads(re.search(r'<script id="chart-data" type="application/json">(.*?)</script>',
                                  page, re.S).group(1))
    assert charts["last"] == "Quý II/2023"
    # Commune B left members_new blank: its branch's 2 new members are B's figure.
    assert dict(zip(charts["new_members"]["labels"], charts["new_members"]["values"])) == {"Hội Phụ nữ B": 2}
    assert dict(zip(charts["coverage"]["labels"], charts["coverage"]["values"])) == {"Hội Phụ nữ B": 90.0}
    lines = {line["label"]: line["values"] for line in charts["members"]}
    assert lines["Hội Phụ nữ B"][-1] == 900
    # Every point is the unit's figure on the totals page for that quarter.
    for label, values in lines.items():
        code = {"Hội Phụ nữ A": "A", "Hội Phụ nữ B": "B"}[label]
        for quarter, value in zip(charts["quarters"], values):
            number, year = re.fullmatch(r"Quý ([IV]+)/(\d+)", quarter).groups()
            url = f"/admin/totals/?year={year}&quarter={('I', 'II', 'III', 'IV').index(number) + 1}&parent=PHUNU"
            shown = cell(client.get(url).get_data(as_text=True), code, "members_total")
            assert shown == ("–" if value is None else f"{value:,}".replace(",", ".")), (label, quarter)
