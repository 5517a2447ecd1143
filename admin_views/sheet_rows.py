"""Rows of plain cells written into a constant-memory xlsxwriter sheet in one piece.

For each cell of a constant-memory sheet xlsxwriter (pinned 3.3.1) checks the
address, keeps a tuple in its row table and, when the next row starts, writes
the cell's XML through a dozen calls: three regular expressions over the text,
then the attributes one by one. For a unit's 3 million cells that was most of
the export's time. A cell of ordinary text or a finite number is always the
same XML, so a row of such cells is written here as one string: the very bytes
xlsxwriter writes, in the same file, with the same dimensions and the same
format indexes (tests/test_sheet_rows.py compares the two sheets).

A row holding anything xlsxwriter would change or treat apart (characters XML
or Excel escape, an underscore that may start an _xHHHH_ escape, spaces at
either end, text longer than its quick length check, a number that is not
finite, a row past the sheet's last) goes through xlsxwriter's own methods,
the whole row, so its cells are xlsxwriter's by construction.
"""
import math
import re

from xlsxwriter.utility import xl_col_to_name

# What xlsxwriter escapes or handles apart in an in-line string: XML's special
# characters, control characters (its _xHHHH_ escapes, and an underscore for
# the escape of a literal "_x0041_") and the two non-characters.
NEEDS_CARE = re.compile('[\x00-\x08\x0a-\x1f"&<>_\ufffe\uffff]')


class SheetRows:
    """Writes whole rows into `sheet`; `columns` gives, for each column, whether
    it holds text (else numbers) and its cell format."""

    def __init__(self, sheet, columns):
        self.sheet = sheet
        self.is_text = [is_text for is_text, _style in columns]
        self.styles = [style for _is_text, style in columns]
        self.openings = [f'<c r="{xl_col_to_name(col)}' for col in range(len(columns))]
        # Filled on a column's first cell: asking a format for its index earlier
        # would number the formats in another order than xlsxwriter does.
        self.middles = [None] * len(columns)
        # Rows with attributes of their own (height, format, Excel 2010 extras)
        # or cells with no format of their own are left to xlsxwriter.
        self.whole_rows = (sheet.constant_memory and sheet.excel_version == 2007
                           and sheet.default_row_height == sheet.original_row_height
                           and all(style is not None for style in self.styles))
        self.longest_quick = sheet.xls_strmax // 2

    def write(self, row, values):
        """Write row `row` (0-based): values[col] is a str for a text column, a
        number for a number column, None for an empty cell."""
        sheet = self.sheet
        if sheet.table:
            sheet._write_single_row(row)  # the row xlsxwriter still holds goes first
        if not self.whole_rows or row in sheet.row_info or row >= sheet.xls_rowmax:
            self._through_xlsxwriter(row, values)
            return
        number = str(row + 1)
        cells = []
        first = last = None
        for col, value in enumerate(values):
            if value is None:
                continue
            middle = self.middles[col] or self._middle(col)
            if self.is_text[col]:
                if (NEEDS_CARE.search(value) or value.strip() != value
                        or len(value) > self.longest_quick):
                    self._through_xlsxwriter(row, values)
                    return
                cells.append(f"{self.openings[col]}{number}{middle}{value}</t></is></c>")
            else:
                if not math.isfinite(value):
                    self._through_xlsxwriter(row, values)
                    return
                cells.append(f"{self.openings[col]}{number}{middle}{value:.16G}</v></c>")
            if first is None:
                first = col
            last = col
        if first is None:
            return
        sheet._check_dimensions(row, first)
        sheet._check_dimensions(row, last)
        sheet.fh.write(f'<row r="{number}">{"".join(cells)}</row>')
        sheet.previous_row = row

    def _middle(self, col):
        """What a cell of `col` holds between its row number and its value."""
        index = self.styles[col]._get_xf_index()
        middle = f'" s="{index}" t="inlineStr"><is><t>' if self.is_text[col] else f'" s="{index}"><v>'
        self.middles[col] = middle
        return middle

    def _through_xlsxwriter(self, row, values):
        sheet = self.sheet
        for col, value in enumerate(values):
            if value is None:
                continue
            if self.is_text[col]:
                sheet._write_string(row, col, value, self.styles[col])
            else:
                sheet._write_number(row, col, value, self.styles[col])
