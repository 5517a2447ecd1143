"""The giao ban workbook says what its numbers are, and any unit code makes a valid workbook."""
import datetime
import io

import openpyxl
import pytest
import xlsxwriter
from hypothesis import given, settings, strategies as st

from models import Directive, DirectiveAssignment, Organisation
from portal.demo import figures
from portal.excel.giao_ban import sheet_name, write_giao_ban
from portal.reporting.totals import Selection, build

QUARTER = figures.SEED_000_QUARTER
DIRECTIVE_KIND = "Chỉ thị"
# Seed 000's quarter a quarter earlier: fewer women members, so the rate moves.
EARLIER = {"PHUNU": {"members_new": 1200, "members_total": 220000, "eligible_population": 286000,
                     "field_visits": 30},
           "LDLD": {"members_new": 600, "field_visits": 22}}


def totals_of(parent="KHOI", drafts=False, quarter=QUARTER):
    root = Organisation.get(Organisation.code == parent)
    return build(Selection(root, "quarter", [quarter], include_drafts=drafts))


def written(totals, data_only=False):
    stream = io.BytesIO()
    write_giao_ban(stream, totals, "Gia Lai", "Văn phòng Khối", when=datetime.datetime(2019, 6, 20, 9, 30))
    return openpyxl.load_workbook(io.BytesIO(stream.getvalue()), data_only=data_only)


def column_of(sheet, start, header_row=3):
    return next(c.column for c in sheet[header_row] if c.value and str(c.value).startswith(start))


def row_of(sheet, label):
    return next(c.row for c in sheet["A"] if c.value == label)


def texts(book):
    return [str(c.value) for sheet in book.worksheets for row in sheet.iter_rows() for c in row
            if c.value is not None]


def test_the_money_column_names_its_unit_once(app):
    figures.load()
    book = written(totals_of())
    assert "Kinh phí vận động (đồng)" in [c.value for c in book["Tổng hợp"][3]]
    assert not [t for t in texts(book) if "(đồng) (đồng)" in t]


def test_the_cover_says_when_drafts_are_counted(app):
    figures.load()
    figures.load({"CCB": {"members_new": 10}}, quarter=(2019, 3), status="draft")
    counted = " ".join(c.value for c in written(totals_of(drafts=True, quarter=(2019, 3)))["Bìa"]["A"] if c.value)
    assert "bản nháp" in counted and "không phải số liệu chính thức" in counted
    official = " ".join(c.value for c in written(totals_of())["Bìa"]["A"] if c.value)
    assert "đã gửi và đã duyệt" in official and "bản nháp" not in official


def test_the_cover_has_the_official_heading_block(app):
    figures.load()
    cover = written(totals_of())["Bìa"]
    cells = {c.value for row in cover.iter_rows() for c in row if c.value}
    assert "KHỐI MẶT TRẬN TỔ QUỐC VÀ CÁC TỔ CHỨC CHÍNH TRỊ - XÃ HỘI TỈNH GIA LAI" in cells
    assert {"CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
            "Gia Lai, ngày 20 tháng 6 năm 2019"} <= cells


def test_figures_of_reports_not_yet_approved_carry_a_mark(app):
    figures.load()
    totals = totals_of()
    ldld = Organisation.get(Organisation.code == "LDLD")
    # What the arithmetic reports once LDLD's report is submitted but not approved.
    totals.rows[ldld.id].statuses = {"submitted", "approved"}
    for unit in totals.units:
        if unit.id != ldld.id:
            totals.rows[unit.id].statuses = {"approved"}
    totals.total.statuses = {"submitted", "approved"}
    book = written(totals)
    sheet = book["Tổng hợp"]
    new = column_of(sheet, "Kết nạp mới")
    assert sheet.cell(row_of(sheet, "Liên đoàn Lao động tỉnh"), new).number_format.endswith('" *"')
    assert sheet.cell(row_of(sheet, "Tổng cộng"), new).number_format.endswith('" *"')
    assert '"' not in sheet.cell(row_of(sheet, "Hội Liên hiệp Phụ nữ tỉnh"), new).number_format
    # Groups are NONGDAN's alone, approved: their total is not marked.
    assert '"' not in sheet.cell(row_of(sheet, "Tổng cộng"), column_of(sheet, "Số tổ hội")).number_format
    legend = "* có số liệu từ báo cáo đã gửi, chưa được duyệt"
    assert legend in [c.value for c in sheet["A"]]
    assert legend in [c.value for c in book["Bìa"]["A"]]
    assert book["LDLD"].cell(4, 3).number_format.endswith('" *"')
    assert legend in [c.value for c in book["LDLD"]["A"]]
    assert legend not in [c.value for c in book["PHUNU"]["A"]]


def test_a_carried_stock_and_a_rate_say_what_they_are(app):
    figures.load()
    totals = totals_of()
    phunu = Organisation.get(Organisation.code == "PHUNU")
    totals.rows[phunu.id].carried = {"members_total": (2019, 1)}
    totals.total.carried = {"members_total": (2019, 1)}
    totals.total.coverage = {"coverage_rate": (1, 6)}
    book = written(totals)
    sheet = book["Tổng hợp"]
    members, rate = column_of(sheet, "Tổng số đoàn viên"), column_of(sheet, "Tỷ lệ tập hợp")
    assert sheet.cell(row_of(sheet, "Hội Liên hiệp Phụ nữ tỉnh"), members).number_format.endswith('" †"')
    assert sheet.cell(row_of(sheet, "Hội Liên hiệp Phụ nữ tỉnh"), rate).number_format.endswith('" †"')
    notes = row_of(sheet, "Ghi chú")
    assert sheet.cell(notes, members).value == "PHUNU: † số quý I/2019"
    assert sheet.cell(notes, rate).value.startswith("tính trên 1/6 đơn vị")
    own = book["PHUNU"]
    assert "† số quý I/2019" in own.cell(row_of(own, "Tổng số đoàn viên, hội viên cuối kỳ"), 6).value
    comparison = book["So sánh"]
    assert "Tỷ lệ tập hợp (%) (tính trên 1/6 đơn vị)" in [c.value for c in comparison["A"]]


def test_the_comparison_shows_changes_with_a_sign_and_rates_in_points(app):
    figures.load()
    figures.load(EARLIER, quarter=(2019, 1))
    sheet = written(totals_of(), data_only=True)["So sánh"]
    # Only PHUNU reports both parts here, and the label says so.
    rate = sheet.cell(row_of(sheet, "Tỷ lệ tập hợp (%) (tính trên 1/6 đơn vị)"), 5)
    assert round(rate.value, 1) == round(223470 / 286750 * 100 - 220000 / 286000 * 100, 1)  # +0,9 points
    assert rate.number_format == '[$-42A]+0.0" điểm %";"−"0.0" điểm %";"±"0.0" điểm %"'
    visits = sheet.cell(row_of(sheet, "Lượt đi cơ sở"), 5)
    assert visits.value == 120 - 52
    assert visits.number_format == '[$-42A]+#,##0;"−"#,##0;"±"0'


def test_empty_sheets_say_there_are_no_figures(app):
    book = written(totals_of(quarter=(2018, 1)))
    for name in ("So sánh", "MTTQ", "PHUNU", "Phong trào", "Văn bản"):
        assert "Không có số liệu" in [c.value for c in book[name]["A"]], name
    assert "Không có số liệu" in [c.value for c in book["Tổng hợp"]["A"]]


def test_wrapped_rows_have_heights_that_fit_their_text(app):
    figures.load()
    short = Directive.create(number="1-CT/TU", kind=DIRECTIVE_KIND, issuer="Tỉnh ủy", title="Ngắn",
                             issued_on=datetime.date(2019, 1, 2))
    long = Directive.create(number="2-CT/TU", kind=DIRECTIVE_KIND, issuer="Tỉnh ủy",
                            title="Về việc cấp ủy, lãnh đạo Ban Dân vận, Mặt trận Tổ quốc, đoàn thể các cấp "
                                  "tham dự sinh hoạt định kỳ và ngày sinh hoạt định kỳ ở các loại hình chi bộ, "
                                  "chi, tổ hội, phân hội " * 2,
                            issued_on=datetime.date(2019, 1, 3))
    for directive in (short, long):
        DirectiveAssignment.create(directive=directive, organisation=Organisation.get(code="PHUNU"),
                                   deadline=datetime.date(2019, 6, 30))
    sheet = written(totals_of())["Văn bản"]
    heights = {sheet.cell(row, 1).value: sheet.row_dimensions[row].height for row in range(4, sheet.max_row + 1)}
    # LibreOffice draws a wrapped row at the height the file says; in the PDF the long
    # title takes five lines of 11 pt, about 65 pt (tests/test_libreoffice.py looks at it).
    assert heights["1-CT/TU"] and heights["1-CT/TU"] < 25
    assert heights["2-CT/TU"] >= 60


WEIRD_CODES = ["Q'UOTE", "'LEAD", "TRAIL'", "A[1]", "A:1", "B*?", "X/Y", "X\\Y", "HISTORY", "BÌA", "TỔNG HỢP",
               "'", "N" * 30]


def test_any_unit_code_makes_valid_unique_sheet_names(app, login):
    figures.load()
    khoi = Organisation.get(Organisation.code == "KHOI")
    for n, code in enumerate(WEIRD_CODES):
        Organisation.create(code=code, name=f"Đơn vị thử {n}", kind="hoi_khac", level="tinh", parent=khoi)
    client = login("vanphong", role="secretariat")
    response = client.get("/admin/totals/workbook/?year=2019&quarter=2")
    assert response.status_code == 200
    names = openpyxl.load_workbook(io.BytesIO(response.data)).sheetnames
    assert len({n.casefold() for n in names}) == len(names)
    assert {"Bìa", "Tổng hợp", "So sánh", "PHUNU"} <= set(names)
    assert "Q'UOTE" in names and "LEAD" in names and "TRAIL" in names
    for code in ("'LEAD", "Q'UOTE", "A[1]"):
        editor = login(f"ed{WEIRD_CODES.index(code)}", role="editor", org=code)
        response = editor.get("/admin/totals/workbook/?year=2019&quarter=2")
        assert response.status_code == 200, code
        book = openpyxl.load_workbook(io.BytesIO(response.data))
        # The editor's workbook holds its own unit only, not the bloc's others.
        assert "PHUNU" not in book.sheetnames and "Hội Liên hiệp Phụ nữ tỉnh" not in texts(book)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(min_size=0, max_size=40), min_size=1, max_size=8))
def test_sheet_names_are_always_accepted(codes):
    workbook = xlsxwriter.Workbook(io.BytesIO(), {"in_memory": True})
    taken = {"bìa"}
    for code in codes:
        workbook.add_worksheet(sheet_name(code, taken))  # raises on an invalid or duplicate name
    assert len(taken) == len(codes) + 1
    workbook.close()


def test_an_editors_workbook_holds_no_other_units_figures(app, login):
    figures.load()
    client = login("kt_phunu", role="editor", org="PHUNU")
    response = client.get("/admin/totals/workbook/?year=2019&quarter=2")
    book = openpyxl.load_workbook(io.BytesIO(response.data))
    found = texts(book)
    for other in ("Hội Nông dân tỉnh", "Liên đoàn Lao động tỉnh", "Tỉnh đoàn", "NONGDAN"):
        assert not [t for t in found if other in t], other
    # NONGDAN's 2.270 groups and LDLD's 1.697 branches appear nowhere.
    assert not {"2270", "1697", "524"} & set(found)


@pytest.mark.parametrize("parent", ["KHOI", "CCB"])
def test_a_units_figures_are_those_of_the_arithmetic(app, parent):
    # CCB files no report of its own: its row is its branch's.
    figures.load({code: values for code, values in figures.SEED_000.items() if code != "CCB"})
    ccb = Organisation.get(Organisation.code == "CCB")
    branch = Organisation.create(code="CCB-IAGRAI", name="Hội CCB xã Ia Grai", kind="ccb", level="xa", parent=ccb)
    figures.load({"CCB-IAGRAI": {"members_new": 7, "branches": 12}})
    totals = totals_of(parent)
    book = openpyxl.load_workbook(io.BytesIO(_bytes(totals)), data_only=True)
    summary = book["Tổng hợp"]
    assert branch.id in totals.rows if parent == "CCB" else ccb.id in totals.rows
    for unit in totals.units:
        figures_of = totals.rows[unit.id]
        label = unit.name + (" (tổng hợp từ cấp dưới)" if figures_of.rolled_up else "")
        row, own = row_of(summary, label), book[unit.code]
        for offset, ind in enumerate(totals.indicators):
            expected = figures_of.values.get(ind.code)
            if expected is not None and ind.kind == "ratio":
                expected = expected / 100
            in_summary = summary.cell(row, 2 + offset).value
            in_own = own.cell(4 + offset, 3).value
            assert own.cell(4 + offset, 1).value == ind.label
            assert (in_summary in (None, "") and expected is None) or in_summary == pytest.approx(expected)
            assert (in_own in (None, "") and expected is None) or in_own == pytest.approx(expected)


def _bytes(totals):
    stream = io.BytesIO()
    write_giao_ban(stream, totals, "Gia Lai", "Văn phòng Khối")
    return stream.getvalue()


# Issue 10, case 2: one unit reports members but no eligible population, one 0/0.
PARTIAL_PARTS = {"DOAN": {"members_total": 1000}, "CCB": {"members_total": 0, "eligible_population": 0},
                 "LDLD": {"members_total": 300, "eligible_population": 400}}


def test_a_total_rate_is_never_recalculated_to_another_figure(app):
    figures.load(PARTIAL_PARTS, quarter=(2021, 1))
    totals = totals_of(quarter=(2021, 1))
    sheet = written(totals, data_only=True)["Tổng hợp"]
    rate = column_of(sheet, "Tỷ lệ tập hợp")
    # The workbook shows the arithmetic's total, whatever its rule…
    assert sheet.cell(row_of(sheet, "Tổng cộng"), rate).value == pytest.approx(
        totals.total.values["coverage_rate"] / 100)
    # …and where that rule is "units reporting both parts" (75,0% here), it stays a formula.
    totals.total.values["coverage_rate"] = 75.0
    formulas = written(totals)["Tổng hợp"]
    assert formulas.cell(row_of(formulas, "Tổng cộng"), rate).value.startswith("=IF(SUMPRODUCT(ISNUMBER(")


def test_a_range_workbook_names_its_span(app, login):
    figures.load()
    figures.load(EARLIER, quarter=(2019, 1))
    response = login("vanphong", role="secretariat").get("/admin/totals/workbook/?mode=range&from=2019-1&to=2019-2")
    book = openpyxl.load_workbook(io.BytesIO(response.data))
    assert "Quý I/2019 – Quý II/2019" in book["Tổng hợp"]["A1"].value
    assert "Quý I/2019 – Quý II/2019" in book["Tổng hợp"].oddHeader.right.text
