"""A small xlsx cannot make a worker swell: every import reads only the template's columns.

The file of the finding: 17 KB, 3.000 rows each with one cell in column XFD
(16.384), which the old reader padded to 16.384 cells a row (77 → 480 MB).
"""
import io
import re
import tracemalloc
import zipfile

import pytest
import xlsxwriter

from portal.excel import member_import, organisation_import, village_import
from portal.reporting import import_file

HEADERS = ["Họ và tên", "Giới tính", "Mã chi hội"]
LIMIT = 40 * 1024 * 1024  # bytes of Python memory a read may take at its peak


def bomb(rows=3000, headers=HEADERS, declared=None):
    """An xlsx with a header and `rows` rows, each with one real cell and one cell in column XFD."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"constant_memory": True})
    sheet = book.add_worksheet()
    for column, header in enumerate(headers):
        sheet.write_string(0, column, header)
    for row in range(1, rows + 1):
        sheet.write_string(row, 0, f"Nguyễn Thị {row}")
        sheet.write_string(row, 16383, "x")
    book.close()
    return out.getvalue() if declared is None else redeclared(out.getvalue(), declared)


def redeclared(data, declared):
    """The same file claiming another size, as a hand-made file may."""
    source, target = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename.startswith("xl/worksheets/"):
                content = re.sub(rb'<dimension ref="[^"]*"/>',
                                 f'<dimension ref="{declared}"/>'.encode(), content)
            archive.writestr(item, content)
    return target.getvalue()


def peak_of(read, *args):
    tracemalloc.start()
    try:
        outcome = read(*args)
        return outcome, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_the_bomb_is_small_on_disk():
    assert len(bomb()) < 40 * 1024


@pytest.mark.parametrize("reader", [member_import.read, village_import.read,
                                    organisation_import.read, import_file.read_file])
def test_an_absurd_declared_size_is_refused_with_a_message_and_little_memory(reader):
    (records, problems), peak = peak_of(reader, "hoi-vien.xlsx", bomb())
    assert records == []
    assert "16.384 cột" in str(problems[0]), problems
    assert peak < LIMIT, f"{peak / 2**20:.0f} MB"


def test_a_file_that_hides_its_size_is_read_in_the_template_columns_only():
    data = bomb(declared="A1:C3001")
    (records, problems), peak = peak_of(member_import.read, "hoi-vien.xlsx", data)
    assert peak < LIMIT, f"{peak / 2**20:.0f} MB"
    assert problems == []
    assert len(records) == 3000
    assert records[0] == (2, {"full_name": "Nguyễn Thị 1", "gender": None, "branch_code": None})


def test_the_report_import_reads_its_columns_only_too():
    headers = list(import_file.COLUMNS)
    (records, problems), peak = peak_of(import_file.read_file, "so-lieu.xlsx",
                                        bomb(headers=headers, declared="A1:E3001"))
    assert peak < LIMIT, f"{peak / 2**20:.0f} MB"
    assert len(records) == 3000 and problems == []


def test_too_many_cells_are_refused_before_they_are_read(monkeypatch):
    monkeypatch.setattr(import_file, "MAX_CELLS", 50_000)
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"constant_memory": True})
    sheet = book.add_worksheet()
    for column, header in enumerate(HEADERS):
        sheet.write_string(0, column, header)
    for row in range(1, 101):
        for column in range(0, 1000):
            sheet.write_number(row, column, 1)
    book.close()
    data = redeclared(out.getvalue(), "A1:C101")
    records, problems = member_import.read("hoi-vien.xlsx", data)
    assert records == []
    assert "quá nhiều ô" in str(problems[0]) and "50.000" in str(problems[0]), problems
