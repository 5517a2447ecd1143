"""The totals page: the seed-000 quarter adds up as the article says."""
import re

import pytest

from models import Organisation, QuarterlyReport, ReportingPeriod, ReportValue, Indicator
from portal.demo import figures


def cell(page, unit, code):
    row = re.search(rf'<tr data-unit="{unit}">(.*?)</tr>', page, re.S).group(1)
    td = re.search(rf'<td data-code="{code}"[^>]*>\s*<span class="figure">([^<]*)</span>', row, re.S)
    return td.group(1).strip()


@pytest.fixture
def seed_000(app):
    return figures.load()


def test_seed_000_totals_match_the_article(seed_000, login):
    client = login("vanphong", role="secretariat")
    page = client.get("/admin/totals/?year=2019&quarter=2").get_data(as_text=True)
    assert cell(page, "TOTAL", "members_new") == "2.407"
    assert cell(page, "TOTAL", "field_visits") == "120"
    assert cell(page, "PHUNU", "coverage_rate") == "77,9%"
    assert cell(page, "PHUNU", "members_total") == "223.470"
    assert cell(page, "LDLD", "members_left") == "630"


def test_a_year_takes_the_last_stock_and_sums_flows(seed_000, login):
    period = ReportingPeriod.create(year=2019, quarter=3, status="open")
    phunu = Organisation.get(code="PHUNU")
    report = QuarterlyReport.create(organisation=phunu, period=period, status="submitted")
    for code, value in {"members_new": 1000, "members_total": 224000, "eligible_population": 287000}.items():
        ReportValue.create(report=report, indicator=Indicator.get(code=code), value=value)
    client = login("vanphong", role="secretariat")
    page = client.get("/admin/totals/?mode=year&year=2019&quarter=4").get_data(as_text=True)
    assert cell(page, "PHUNU", "members_new") == "2.548"
    assert cell(page, "PHUNU", "members_total") == "224.000"
    assert cell(page, "PHUNU", "coverage_rate") == "78,0%"
    assert cell(page, "TOTAL", "members_new") == "3.407"


def test_a_unit_without_its_own_report_shows_its_childrens_roll_up(seed_000, login):
    phunu = Organisation.get(code="PHUNU")
    commune = Organisation.create(code="PN-X", name="Hội PN xã X", kind="phunu", level="xa", parent=phunu)
    period = ReportingPeriod.get(year=2019, quarter=2)
    report = QuarterlyReport.create(organisation=commune, period=period, status="submitted")
    ReportValue.create(report=report, indicator=Indicator.get(code="members_new"), value=40)
    client = login("vanphong", role="secretariat")
    page = client.get("/admin/totals/?year=2019&quarter=2&parent=PHUNU").get_data(as_text=True)
    assert cell(page, "PN-X", "members_new") == "40"
    assert "Xem các đơn vị trực thuộc" in client.get(
        "/admin/totals/?year=2019&quarter=2").get_data(as_text=True)
    # DOAN has no report in 2019 Q3: its row says so instead of showing zeros.
    page = client.get("/admin/totals/?year=2019&quarter=3").get_data(as_text=True)
    assert "chưa có số liệu" in page


def test_roll_up_is_marked(app, login):
    phunu = Organisation.get(code="PHUNU")
    commune = Organisation.create(code="PN-Y", name="Hội PN xã Y", kind="phunu", level="xa", parent=phunu)
    figures.load({"PN-Y": {"members_new": 12}}, quarter=(2024, 2))
    client = login("vanphong", role="secretariat")
    page = client.get("/admin/totals/?year=2024&quarter=2").get_data(as_text=True)
    assert cell(page, "PHUNU", "members_new") == "12"
    row = re.search(r'<tr data-unit="PHUNU">(.*?)</tr>', page, re.S).group(1)
    assert "tổng hợp từ cấp dưới" in row
    assert commune


def test_comparisons_with_previous_quarter_and_a_year_before(app, login):
    figures.load({"PHUNU": {"members_new": 100}}, quarter=(2023, 2))
    figures.load({"PHUNU": {"members_new": 150}}, quarter=(2024, 1))
    figures.load({"PHUNU": {"members_new": 120}}, quarter=(2024, 2))
    client = login("vanphong", role="secretariat")
    page = client.get("/admin/totals/?year=2024&quarter=2").get_data(as_text=True)
    row = re.search(r'<tr data-unit="PHUNU">(.*?)</tr>', page, re.S).group(1)
    assert "kỳ trước 150 (−30)" in row
    assert "cùng kỳ 100 (+20)" in row


def test_bad_query_parameters_get_a_vietnamese_message(app, login):
    client = login("vanphong", role="secretariat")
    for query, message in [("year=abc", "phải là số"), ("quarter=5&year=2024", "Quý phải là"),
                           ("mode=range&from=2024-3&to=2024-1", "phải trước"),
                           ("mode=range&from=x", "NĂM-QUÝ")]:
        response = client.get(f"/admin/totals/?{query}")
        assert response.status_code == 400 and message in response.get_data(as_text=True), query


def test_an_editor_sees_only_its_subtree_and_foreign_parents_do_not_exist(seed_000, login):
    client = login("kt_phunu", role="editor", org="PHUNU")
    page = client.get("/admin/totals/?year=2019&quarter=2").get_data(as_text=True)
    assert 'data-unit="NONGDAN"' not in page and 'data-unit="LDLD"' not in page
    assert client.get("/admin/totals/?year=2019&quarter=2&parent=NONGDAN").status_code == 404
    assert client.get("/admin/totals/?year=2019&quarter=2&parent=KHOI").status_code == 404
    assert client.get("/admin/totals/?year=2019&quarter=2&parent=NOPE").status_code == 404
    # A unit with no children is its own row.
    assert cell(page, "PHUNU", "members_new") == "1.548"
    assert "<strong>0/1</strong> đơn vị có quan hệ kết nghĩa" in page


def test_dashboard_charts_eight_quarters_of_the_section(app, login):
    for index, quarter in enumerate([(2023, 3), (2023, 4), (2024, 1), (2024, 2),
                                     (2024, 3), (2024, 4), (2025, 1), (2025, 2)]):
        figures.load({"PHUNU": {"members_total": 230000 + index, "eligible_population": 300000,
                                "members_new": 100 + index},
                      "NONGDAN": {"members_total": 210000 + index}}, quarter=quarter)
    client = login("vanphong", role="secretariat")
    page = client.get("/admin/dashboard/").get_data(as_text=True)
    data = __import__("json").loads(re.search(r'<script id="chart-data" type="application/json">(.*?)</script>',
                                              page, re.S).group(1))
    assert data["quarters"][0] == "Quý III/2023" and data["quarters"][-1] == "Quý II/2025"
    lines = {line["label"]: line["values"] for line in data["members"]}
    assert lines["Hội Liên hiệp Phụ nữ tỉnh"][-1] == 230007
    assert "Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh" not in lines  # no members of its own
    assert data["coverage"] == {"labels": ["Hội Liên hiệp Phụ nữ tỉnh"], "values": [76.7]}
    assert data["new_members"] == {"labels": ["Hội Liên hiệp Phụ nữ tỉnh"], "values": [107]}
    assert "/static/vendor/chart-4.6.1.umd.min.js" in page
    editor = login("kt_phunu", role="editor", org="PHUNU")
    page = editor.get("/admin/dashboard/").get_data(as_text=True)
    assert "Hội Nông dân tỉnh" not in page
    assert editor.get("/admin/dashboard/?parent=NONGDAN").status_code == 404
