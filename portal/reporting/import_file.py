"""Reading a long-format figures file (CSV or xlsx) into raw records.

Nothing here touches the database: a file becomes [(spreadsheet row, {column:
raw value})] or one Problem saying why the file as a whole cannot be read;
`whole_number` says whether one cell holds a figure.
"""
import csv
import io
import math
import os
import re
import warnings
from dataclasses import dataclass

import openpyxl

COLUMNS = ("org_code", "year", "quarter", "indicator_code", "value")
# A province's full back-fill is a few thousand rows; far more is a wrong file
# (or a zip bomb) and would only hold a write transaction open for long.
MAX_ROWS = 100_000
MAX_VALUE = 2 ** 63 - 1  # ReportValue.value is a BIGINT
# Encrypted xlsx files (and old .xls) are OLE compound documents, not zips.
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
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


# --- reading the file ----------------------------------------------------------

def read_file(filename, data):
    """([(line, {column: raw value})], problems) for the data rows of a file."""
    try:
        table = _table(filename, data)
        records = _records(table)
    except FileProblem as problem:
        return [], [Problem(None, None, str(problem))]
    return records, []


def _table(filename, data):
    extension = os.path.splitext(filename or "")[1].lower()
    if extension == ".xls":
        raise FileProblem("Định dạng .xls (Excel 97–2003) không được hỗ trợ: hãy lưu lại thành "
                          ".xlsx hoặc CSV UTF-8 rồi nhập lại.")
    if extension not in (".csv", ".xlsx"):
        raise FileProblem(f"Chỉ nhận tệp .csv hoặc .xlsx; tệp «{filename}» không phải hai loại này.")
    if not data:
        raise FileProblem("Tệp trống: không có dòng tiêu đề và số liệu nào.")
    return _csv_table(data) if extension == ".csv" else _xlsx_table(data)


def _csv_table(data):
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
        return list(_limited(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)))
    except csv.Error as error:
        raise FileProblem(f"Tệp CSV bị lỗi định dạng: {error}.") from None


def _xlsx_table(data):
    if data.startswith(OLE_MAGIC):
        raise FileProblem("Tệp Excel được đặt mật khẩu (hoặc là tệp .xls cũ đổi đuôi): hãy bỏ mật "
                          "khẩu, lưu lại thành .xlsx rồi nhập lại.")
    if not data.startswith(ZIP_MAGIC):
        raise FileProblem("Tệp không phải tệp Excel .xlsx hợp lệ (tệp bị hỏng hoặc chỉ đổi đuôi tên).")
    # openpyxl warns about features it ignores (validation, extensions):
    # harmless for reading figures, so they must not abort the import.
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
            # Some tools write a stale sheet size; read every row instead.
            sheet.reset_dimensions()
            return [[_cell_value(cell) for cell in row]
                    for row in _limited(sheet.iter_rows(min_row=1))]
        except FileProblem:
            raise
        except Exception:
            raise FileProblem("Không đọc được tệp Excel: nội dung trang tính bị hỏng.") from None
        finally:
            book.close()


def _limited(rows):
    for count, row in enumerate(rows):
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
