"""The giao ban workbook, read back with openpyxl."""
import io

import openpyxl
import pytest

from models import AuditLog
from portal.demo import figures


@pytest.fixture
def workbook(app, login):
    figures.load()
    client = login("vanphong", role="secretariat")
    response = client.get("/admin/totals/workbook/?year=2019&quarter=2")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].endswith("giao-ban-KHOI-2019-Q2.xlsx")
    return response.data


def by_label(sheet, label, column):
    for row in sheet.iter_rows(min_row=4):
        if row[0].value == label:
            return row[column].value
    raise KeyError(label)


def test_totals_are_formulas_with_the_right_cached_values(workbook):
    formulas = openpyxl.load_workbook(io.BytesIO(workbook))
    values = openpyxl.load_workbook(io.BytesIO(workbook), data_only=True)
    assert formulas.sheetnames[:3] == ["Bìa", "Tổng hợp", "So sánh"]
    assert {"MTTQ", "PHUNU", "LDLD", "Phong trào", "Văn bản", "Kết nghĩa"} <= set(formulas.sheetnames)
    sheet, cached = formulas["Tổng hợp"], values["Tổng hợp"]
    headers = [c.value for c in sheet[3]]
    new_col = next(i for i, h in enumerate(headers) if h and h.startswith("Kết nạp mới"))
    visits = next(i for i, h in enumerate(headers) if h and h.startswith("Lượt đi cơ sở"))
    coverage = next(i for i, h in enumerate(headers) if h and h.startswith("Tỷ lệ tập hợp"))
    assert str(by_label(sheet, "Tổng cộng", new_col)).startswith("=IF(COUNT(")
    assert by_label(cached, "Tổng cộng", new_col) == 2407
    assert by_label(cached, "Tổng cộng", visits) == 120
    phunu = by_label(cached, "Hội Liên hiệp Phụ nữ tỉnh", coverage)
    assert round(phunu * 100, 1) == 77.9
    assert str(by_label(sheet, "Hội Liên hiệp Phụ nữ tỉnh", coverage)).startswith("=IF(OR(")
    # Vietnamese separators whatever the reader's locale (LibreOffice honours the tag).
    assert sheet.cell(4, coverage + 1).number_format == "[$-42A]0.0%"
    assert sheet.cell(4, new_col + 1).number_format == "[$-42A]#,##0"


def test_the_summary_prints_in_groups_of_indicators_at_full_size(workbook):
    book = openpyxl.load_workbook(io.BytesIO(workbook))
    sheet = book["Tổng hợp"]
    assert sheet.page_setup.orientation == "landscape"
    assert sheet.page_setup.paperSize == 9
    assert sheet.print_title_rows == "$1:$3" and sheet.print_title_cols == "$A:$A"
    # Not shrunk to one page width: 19 indicators print as three pages of 7, 7 and 5.
    assert not (sheet.sheet_properties.pageSetUpPr and sheet.sheet_properties.pageSetUpPr.fitToPage)
    assert sheet.page_setup.scale in (None, 100)
    assert [brk.id for brk in sheet.col_breaks.brk] == [8, 15]
    assert sheet.freeze_panes == "B4"
    assert sheet.auto_filter.ref.startswith("A3:")
    for page in book.worksheets:
        assert "Khối Mặt trận Tổ quốc" in page.oddHeader.left.text, page.title
        assert "Quý II/2019" in page.oddHeader.right.text, page.title
        assert page.oddFooter.center.text == "Trang &P/&N", page.title
        assert "Ngày lập:" in page.oddFooter.left.text, page.title


def test_cover_names_the_quarter_and_who_made_it(workbook):
    cover = openpyxl.load_workbook(io.BytesIO(workbook))["Bìa"]
    texts = [c.value for c in cover["A"] if c.value]
    assert any("Quý II/2019" in t and "Gia Lai" in t for t in texts)
    assert any("Người lập: Vanphong" in t for t in texts)


def test_the_export_is_audited(workbook):
    entry = AuditLog.select().where(AuditLog.action == "export").get()
    assert "Quý II/2019" in entry.changes


def test_an_editor_downloads_only_its_own_section(app, login):
    figures.load()
    client = login("kt_phunu", role="editor", org="PHUNU")
    assert client.get("/admin/totals/workbook/?year=2019&quarter=2&parent=NONGDAN").status_code == 404
    book = openpyxl.load_workbook(io.BytesIO(client.get("/admin/totals/workbook/?year=2019&quarter=2").data))
    assert "NONGDAN" not in book.sheetnames and "PHUNU" in book.sheetnames


def test_the_command_line_writes_the_same_workbook(app, runner, tmp_path):
    figures.load()
    target = tmp_path / "giao-ban.xlsx"
    result = runner.invoke(args=["export", "giao-ban", "--year", "2019", "--quarter", "2", "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert "Quý II/2019" in result.output
    cached = openpyxl.load_workbook(target, data_only=True)["Tổng hợp"]
    headers = [c.value for c in cached[3]]
    new_col = next(i for i, h in enumerate(headers) if h and h.startswith("Kết nạp mới"))
    assert by_label(cached, "Tổng cộng", new_col) == 2407
    bad = runner.invoke(args=["export", "giao-ban", "--year", "2019", "--quarter", "2",
                              "--parent", "NOPE", "-o", str(tmp_path / "x.xlsx")])
    assert bad.exit_code != 0 and "Không có tổ chức mã NOPE" in bad.output
