"""Reading a long-format figures file (CSV or xlsx) into raw records.

Nothing here touches the database: a file becomes [(spreadsheet row, {column:
raw value})] or one Problem saying why the file as a whole cannot be read;
`whole_number` says whether one cell holds a figure.
"""
import csv
import io
import itertools
import math
import os
import re
import warnings
import zipfile
from dataclasses import dataclass

import openpyxl

from portal.excel.progress import READING, counted

COLUMNS = ("org_code", "year", "quarter", "indicator_code", "value")
# A province's full back-fill is a few thousand rows; far more is a wrong file
# (or a zip bomb) and would only hold a write transaction open for long.
MAX_ROWS = 100_000
# The widest template has a few dozen columns. Read-only openpyxl pads every row
# to its last cell, so one cell in column XFD made each row 16.384 cells: a
# 17 KB file of 3.000 such rows took a worker from 77 to 480 MB. Rows are read
# as wide as their header, and a file is refused, before its cells are read,
# when it declares or holds more than this.
MAX_COLUMNS = 500
MAX_CELLS = 3_000_000
MAX_VALUE = 2 ** 63 - 1  # ReportValue.value is a BIGINT
# Encrypted xlsx files (and old .xls) are OLE compound documents, not zips.
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
# A row of a sheet's XML, with or without a namespace prefix; not <rowBreaks>.
ROW_TAG = re.compile(rb"<(?:\w+:)?row[\s/>]")
CELL_TAG = re.compile(rb"<(?:\w+:)?c[\s/>]")
MERGE_REF = re.compile(rb"<(?:\w+:)?mergeCell\s[^>]*?ref=\"([A-Z]+[0-9]+(?::[A-Z]+[0-9]+)?)\"")
THOUSANDS = re.compile(r"\d{1,3}(?:\.\d{3})+")


@dataclass(frozen=True)
class Problem:
    """One reason a file is refused; `line` is the spreadsheet row (header = 1)."""
    line: int | None
    column: str | None
    reason: str

    def __str__(self):
        if self.line is None:
            return self.reason
        return f"Dòng {self.line}, cột {self.column}: {self.reason}"


class FileProblem(Exception):
    """The file as a whole cannot be read: wrong type, damaged, no header."""


class Formula(str):
    """The text of a spreadsheet formula: its cached result is not trusted."""


def number(value):
    return f"{value:,}".replace(",", ".")


def read_and_check(read, check, filename, data, scope=None, today=None, progress=None):
    """An import kind's `load`: read the file, then, when it could be read, check its rows.

    Bound per kind with functools.partial(read_and_check, read, check).
    """
    records, problems = read(filename, data, progress=progress)
    if problems:
        return [], problems
    return check(records, scope, today, progress)


# --- reading the file ----------------------------------------------------------

def read_file(filename, data):
    """([(line, {column: raw value})], problems) for the data rows of a file."""
    try:
        table = _table(filename, data)
        records = _records(table)
    except FileProblem as problem:
        return [], [Problem(None, None, str(problem))]
    return records, []


def _table(filename, data, progress=None):
    """The cells of the first sheet, row by row; progress(rows, None, READING) as they are read."""
    extension = os.path.splitext(filename or "")[1].lower()
    if extension == ".xls":
        raise FileProblem("Định dạng .xls (Excel 97–2003) không được hỗ trợ: hãy lưu lại thành "
                          ".xlsx hoặc CSV UTF-8 rồi nhập lại.")
    if extension not in (".csv", ".xlsx"):
        raise FileProblem(f"Chỉ nhận tệp .csv hoặc .xlsx; tệp «{filename}» không phải hai loại này.")
    if not data:
        raise FileProblem("Tệp trống: không có dòng tiêu đề và số liệu nào.")
    return _csv_table(data, progress) if extension == ".csv" else _xlsx_table(data, progress)


def _csv_table(data, progress=None):
    if b"\x00" in data[:4096] or data.startswith((ZIP_MAGIC, OLE_MAGIC)):
        raise FileProblem("Tệp không phải tệp văn bản CSV (có thể là tệp Excel hoặc tệp khác bị đổi "
                          "đuôi thành .csv).")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FileProblem("Tệp CSV phải được lưu với mã hoá UTF-8 (trong Excel: Lưu thành → "
                          "“CSV UTF-8”).") from None
    first_line = text.split("\n", 1)[0]
    # Vietnamese-locale Excel saves CSV with semicolons, others with commas.
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    try:
        return list(_limited(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), progress))
    except csv.Error as error:
        raise FileProblem(f"Tệp CSV bị lỗi định dạng: {error}.") from None


def _xlsx_table(data, progress=None):
    if data.startswith(OLE_MAGIC):
        raise FileProblem("Tệp Excel được đặt mật khẩu (hoặc là tệp .xls cũ đổi đuôi): hãy bỏ mật "
                          "khẩu, lưu lại thành .xlsx rồi nhập lại.")
    if not data.startswith(ZIP_MAGIC):
        raise FileProblem("Tệp không phải tệp Excel .xlsx hợp lệ (tệp bị hỏng hoặc chỉ đổi đuôi tên).")
    # openpyxl warns about features it ignores (validation, extensions):
    # harmless for reading figures, so they must not abort the import.
    if _sheet_cells(data) > MAX_CELLS:
        raise FileProblem(f"Tệp có quá nhiều ô dữ liệu (hơn {number(MAX_CELLS)} ô): hãy chép phần "
                          "dữ liệu cần nhập sang tệp mẫu mới rồi nhập lại.")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
        except Exception:  # a damaged zip or XML fails in many different ways
            raise FileProblem("Không đọc được tệp Excel: tệp bị hỏng hoặc không phải .xlsx.") from None
        try:
            if not book.worksheets:
                raise FileProblem("Tệp Excel không có trang tính nào.")
            sheet = book.worksheets[0]
            _refuse_absurd_size(sheet)
            # Some tools write a stale sheet size; read every row instead.
            sheet.reset_dimensions()
            width = _header_width(sheet)
            return [[_cell_value(cell) for cell in row]
                    for row in _limited(sheet.iter_rows(min_row=1, max_col=width), progress)]
        except FileProblem:
            raise
        except Exception:
            raise FileProblem("Không đọc được tệp Excel: nội dung trang tính bị hỏng.") from None
        finally:
            book.close()


def _refuse_absurd_size(sheet):
    """A declared size no template comes near ("A1:XFD3000") is refused unread."""
    rows, columns = sheet.max_row or 0, sheet.max_column or 0
    if columns > MAX_COLUMNS or rows * columns > MAX_CELLS:
        raise FileProblem(f"Trang tính khai báo vùng dữ liệu quá lớn ({number(rows)} dòng × "
                          f"{number(columns)} cột), trong khi tệp mẫu chỉ có vài chục cột: hãy chép "
                          "phần dữ liệu cần nhập sang tệp mẫu mới rồi nhập lại.")


def _header_width(sheet):
    """Columns up to the last header cell: nothing right of the header is read."""
    header = next(sheet.iter_rows(min_row=1, max_row=1, max_col=MAX_COLUMNS), ())
    filled = [index for index, cell in enumerate(header, start=1) if not blank(cell.value)]
    return max(filled, default=1)


def _sheet_cells(data):
    """The most cell elements in one sheet, counted without parsing; stops past MAX_CELLS."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return max((_count_tags(archive, name, CELL_TAG, MAX_CELLS) for name in archive.namelist()
                        if name.startswith("xl/worksheets/") and name.endswith(".xml")), default=0)
    except Exception:  # a damaged zip fails in many ways; opening it says why
        return 0


def merged_ranges(data):
    """Merged ranges of the first sheet ("A3:A5", …), read from its XML without loading its cells."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            book = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
            path = book.worksheets[0]._worksheet_path if book.worksheets else None
            book.close()
            if path is None:
                return []
            with zipfile.ZipFile(io.BytesIO(data)) as archive, archive.open(path) as part:
                found, tail = [], b""
                while block := part.read(1 << 20):
                    text = tail + block
                    found += [m.group(1).decode() for m in MERGE_REF.finditer(text)
                              if m.end() > len(tail)]
                    tail = text[-64:]
                return found
        except Exception:
            raise FileProblem("Không đọc được tệp Excel: tệp bị hỏng hoặc không phải .xlsx.") from None


def estimated_rows(filename, data):
    """About how many data rows a file holds, found without reading its cells
    (the line breaks of a CSV, the row elements of the sheets of an xlsx), so a
    request tells a large file in a second. Never fewer than the rows read:
    blank rows that keep a format count too. 0 for a file that does not open
    (reading it says why)."""
    extension = os.path.splitext(filename or "")[1].lower()
    if extension == ".csv":
        lines = max(data.count(b"\n"), data.count(b"\r"))
        return max(lines + (not data.endswith((b"\n", b"\r"))) - 1, 0)
    if extension != ".xlsx" or not data.startswith(ZIP_MAGIC):
        return 0
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            rows = max((_row_elements(archive, name) for name in archive.namelist()
                        if name.startswith("xl/worksheets/") and name.endswith(".xml")), default=0)
    except Exception:  # a damaged zip fails in many different ways
        return 0
    return max(rows - 1, 0)  # the header


def _row_elements(archive, name):
    """The <row> elements of one sheet, streamed; counting stops past MAX_ROWS."""
    return _count_tags(archive, name, ROW_TAG, MAX_ROWS)


def _count_tags(archive, name, tag, limit):
    """The elements matching `tag` in one part, streamed; counting stops past `limit`."""
    count, tail = 0, b""
    with archive.open(name) as part:
        while count <= limit:
            block = part.read(1 << 20)
            if not block:
                break
            text = tail + block
            # A tag cut by the block's end is counted once, with the next block.
            count += sum(1 for match in tag.finditer(text) if match.end() > len(tail))
            tail = text[-32:]
    return count


def _limited(rows, progress=None):
    rows = iter(rows)
    # Rows read are counted after the header, as data rows are.
    for count, row in enumerate(itertools.chain(itertools.islice(rows, 1),
                                                counted(rows, progress, READING))):
        if count > MAX_ROWS:
            raise FileProblem(f"Tệp có hơn {number(MAX_ROWS)} dòng: hãy chia thành nhiều tệp nhỏ hơn.")
        yield row


def _cell_value(cell):
    if cell.data_type == "f":
        return Formula(getattr(cell.value, "text", None) or cell.value or "=")
    return cell.value


def blank(value):
    return value is None or (isinstance(value, str) and not value.strip())


def _records(table):
    if all(blank(v) for row in table for v in row):
        raise FileProblem("Tệp trống: không có dòng tiêu đề và số liệu nào.")
    header = [str(v).strip().lower().lstrip("\ufeff") if not blank(v) else "" for v in table[0]]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise FileProblem(f"Dòng 1 (tiêu đề) thiếu cột bắt buộc: {', '.join(missing)}. Tệp cần đủ các "
                          f"cột: {', '.join(COLUMNS)}.")
    doubled = [c for c in COLUMNS if header.count(c) > 1]
    if doubled:
        raise FileProblem(f"Dòng 1 (tiêu đề) có cột lặp lại: {', '.join(doubled)}.")
    return data_rows(table, {c: header.index(c) for c in COLUMNS}, "số liệu")


def data_rows(table, where, what):
    """[(spreadsheet row number, {column: value})] for the non-blank rows under
    the header; `where` maps each column to its index, `what` names the rows."""
    records = []
    for line, row in enumerate(table[1:], start=2):
        values = {c: row[i] if i < len(row) else None for c, i in where.items()}
        if not all(blank(v) for v in values.values()):
            records.append((line, values))
    if not records:
        raise FileProblem(f"Tệp chỉ có dòng tiêu đề, không có dòng {what} nào.")
    return records


def is_formula(value):
    return isinstance(value, Formula) or (isinstance(value, str) and value.strip().startswith("="))


# --- one cell ------------------------------------------------------------------

def whole_number(value):
    """(non-negative int, None) or (None, the reason in Vietnamese)."""
    if is_formula(value):
        return None, "ô chứa công thức; hãy dán giá trị (Dán đặc biệt → Giá trị) rồi nhập lại"
    if blank(value):
        return None, "để trống; cần một số nguyên không âm"
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        return None, f"«{value}» không phải là số"
    if isinstance(value, float):
        if not math.isfinite(value) or not value.is_integer():
            return None, f"«{str(value).replace('.', ',')}» không phải số nguyên"
        value = int(value)
    if isinstance(value, str):
        text = value.strip()
        if re.fullmatch(r"\d+", text):
            value = int(text)
        elif THOUSANDS.fullmatch(text):
            value = int(text.replace(".", ""))
        elif re.fullmatch(r"-\s*\d[\d.,]*", text):
            return None, f"«{text}» là số âm; số liệu không được âm"
        elif re.fullmatch(r"[\d.]*,\d+|\d+\.\d{1,2}|\d+\.\d{4,}", text):
            return None, (f"«{text}» không phải số nguyên (dấu phẩy là dấu thập phân; hàng nghìn "
                          f"viết bằng dấu chấm, ví dụ 1.548)")
        else:
            return None, f"«{text}» không phải là số"
    if value < 0:
        return None, f"«{number(value)}» là số âm; số liệu không được âm"
    if value > MAX_VALUE:
        return None, "số quá lớn"
    return value, None
