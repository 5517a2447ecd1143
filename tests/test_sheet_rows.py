"""SheetRows writes the very sheet xlsxwriter writes, whatever the cells hold."""
import io
import random
import zipfile

import pytest
import xlsxwriter

from admin_views.exporting import WORKBOOK_OPTIONS
from admin_views.sheet_rows import SheetRows
from portal.excel.styles import formats

# Ordinary cells, and every kind xlsxwriter escapes or treats apart.
TEXTS = [
    "Nguyễn Thị Hoa", "Hội Liên hiệp Phụ nữ xã Ia Grai", "0905111222", "", "Có",
    " leading space", "trailing space ", "\xa0no-break space", "em space\u2003", "tab\tinside",
    "line\nbreak", "carriage\rreturn", "a & b", "x < y > z", '"quoted"', "<r>rich?</r>",
    "_x0041_ literal escape", "under_score", "bell\x07", "non-character \ufffe\uffff",
    "😀 ngoài BMP", "=SUM(A1:A2)", "x" * 16383, "y" * 16384, "😀" * 20000,
]
NUMBERS = [0, 1, -7, 45000, 2**53 + 1, 12345678901234567890, 0.1, 1 / 3, -2.5e-300, 1.7e308,
           45000.999988426]
# (column is text, format name): formats first used out of their creation order.
COLUMNS = [(True, "text"), (False, "date"), (True, "unit"), (False, "number"), (True, "header"),
           (False, "percent")]


def sheet_xml(write_rows):
    """The worksheet and styles XML of a constant-memory workbook whose data rows
    `write_rows(sheet, styles)` writes under a header row."""
    output = io.BytesIO()
    with xlsxwriter.Workbook(output, WORKBOOK_OPTIONS) as workbook:
        styles = formats(workbook)
        sheet = workbook.add_worksheet("Hội viên")
        sheet.set_column(0, 2, 20)
        sheet.freeze_panes(1, 0)
        sheet.set_row(7, 30)  # a row with a height of its own
        for col in range(len(COLUMNS)):
            sheet.write_string(0, col, f"Cột {col + 1}", styles["header"])
        write_rows(sheet, styles)
    with zipfile.ZipFile(io.BytesIO(output.getvalue())) as package:
        return {name: package.read(name) for name in ("xl/worksheets/sheet1.xml", "xl/styles.xml")}


def sample_rows(seed, count):
    rng = random.Random(seed)
    rows = []
    for _ in range(count):
        kept = rng.random()
        rows.append([
            None if rng.random() > kept else (rng.choice(TEXTS) if is_text else rng.choice(NUMBERS))
            for is_text, _name in COLUMNS])
    rows[3] = [None] * len(COLUMNS)  # a row with no cells at all
    rows[4] = [None, None, "only the third", None, None, None]
    rows[6] = ["Trần Văn An", 45000, "Chi hội 1", 12, "Có", 0.5]  # row 7, which has a height
    return rows


def by_xlsxwriter(rows, first_row=1):
    def write(sheet, styles):
        for row, values in enumerate(rows, start=first_row):
            for col, value in enumerate(values):
                if value is None:
                    continue
                is_text, name = COLUMNS[col]
                if is_text:
                    sheet.write_string(row, col, value, styles[name])
                else:
                    sheet.write_number(row, col, value, styles[name])
    return write


def by_sheet_rows(rows, first_row=1):
    def write(sheet, styles):
        writer = SheetRows(sheet, [(is_text, styles[name]) for is_text, name in COLUMNS])
        for row, values in enumerate(rows, start=first_row):
            writer.write(row, values)
    return write


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_rows_are_the_bytes_xlsxwriter_writes(seed):
    rows = sample_rows(seed, 400)
    assert sheet_xml(by_sheet_rows(rows)) == sheet_xml(by_xlsxwriter(rows))


def test_ordinary_rows_are_written_whole_and_the_rest_by_xlsxwriter(monkeypatch):
    rows = [["Nguyễn Thị Hoa", 45000, "Chi hội 1", 12, "Có", 0.5],
            ["a & b", 45001, None, None, None, None],
            ["Trần Văn An", None, None, 3, None, None]]
    written = []
    original = SheetRows._through_xlsxwriter
    monkeypatch.setattr(SheetRows, "_through_xlsxwriter",
                        lambda self, row, values: written.append(row) or original(self, row, values))
    assert sheet_xml(by_sheet_rows(rows)) == sheet_xml(by_xlsxwriter(rows))
    assert written == [2]


def test_rows_past_the_sheets_last_are_dropped_as_xlsxwriter_drops_them():
    rows = [["Hàng cuối", 1, None, None, None, None], ["Quá giới hạn", 2, None, None, None, None]]
    last = 1048575
    assert (sheet_xml(by_sheet_rows(rows, first_row=last))
            == sheet_xml(by_xlsxwriter(rows, first_row=last)))


@pytest.mark.parametrize("number", [float("inf"), float("-inf"), float("nan")])
def test_a_number_that_is_not_finite_is_refused_as_by_xlsxwriter(number):
    rows = [["Nguyễn Thị Hoa", number, None, None, None, None]]
    with pytest.raises(TypeError):
        sheet_xml(by_xlsxwriter(rows))
    with pytest.raises(TypeError):
        sheet_xml(by_sheet_rows(rows))
