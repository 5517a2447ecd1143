"""Page layout of the giao ban workbook: sheet names, row heights, print setup.

LibreOffice does not grow a row for wrapped text written by xlsxwriter, so every
row that wraps gets an explicit height, estimated from the text's width in the
column (Times New Roman: capitals are wider than small letters and digits).
"""
import math

FONT = "Times New Roman"
BODY = 11
# Excel forbids these in sheet names; a name may not start or end with "'".
FORBIDDEN = set('[]:*?/\\')
MAX_NAME = 31

# A4 landscape with 0.4" side margins leaves 784 pt. LibreOffice gives a column
# of width w (in xlsxwriter's units) about 7 × (w + 0.71) pt (measured with
# LibreOffice 7.4; Excel draws it narrower). Every sheet's columns stay within
# the page, so pages print at 100 % and nothing shrinks under 9 pt.
PAGE_PT = 784
PT_PER_UNIT = 7.0
MARGINS = {"left": 0.4, "right": 0.4, "top": 0.75, "bottom": 0.7}


def _utf16_len(text):
    return len(text.encode("utf-16-le")) // 2


def _cut(text, limit):
    while _utf16_len(text) > limit:
        text = text[:-1]
    return text.strip().strip("'").strip()


def sheet_name(text, taken):
    """A valid sheet name for `text`, unique (case-insensitively) among `taken`."""
    clean = "".join("_" if c in FORBIDDEN or ord(c) < 32 else c for c in str(text or ""))
    clean = _cut(clean.strip().strip("'"), MAX_NAME) or "Đơn vị"
    if clean.casefold() == "history":  # reserved by Excel
        clean = "History_"
    name, n = clean, 2
    while name.casefold() in taken:
        suffix = f"-{n}"
        name, n = _cut(clean, MAX_NAME - len(suffix)) + suffix, n + 1
    taken.add(name.casefold())
    return name


def column_pt(width):
    return PT_PER_UNIT * (width + 0.71)


def _text_pt(text, size, bold):
    em = size * (1.15 if bold else 1.0)
    units = 0.0
    for char in text:
        if char == " ":
            units += 0.25
        elif char.isupper():
            units += 0.68
        elif char in "mwMW":
            units += 0.75
        elif char.isdigit():
            units += 0.5
        else:
            units += 0.46
    return units * em


def wrapped_lines(text, width, size=BODY, bold=False):
    """How many lines `text` takes in a column `width` characters wide."""
    room = column_pt(width) - 8
    space = _text_pt(" ", size, bold)
    lines = 0
    for paragraph in str(text).split("\n"):
        lines += 1
        used = 0.0
        for word in paragraph.split():
            need = _text_pt(word, size, bold)
            if used and used + space + need > room:
                lines += 1
                used = 0.0
            elif used:
                used += space
            # A word wider than the column breaks across lines of its own.
            extra = max(0, math.ceil((used + need) / room) - 1)
            lines += extra
            used = (used + need) - extra * room
    return max(lines, 1)


def text_height(text, width, size=BODY, bold=False):
    """The row height (points) that shows `text` wrapped in a column `width` wide."""
    return wrapped_lines(text, width, size, bold) * size * (1.32 if bold else 1.22) + 4


def fit_row(sheet, row, cells, minimum=16):
    """Set `row`'s height for its wrapped cells: [(text, width, size, bold)]."""
    heights = [text_height(text, width, size, bold) for text, width, size, bold in cells if text]
    sheet.set_row(row, max(heights + [minimum]))


def _escape(text):
    return str(text).replace("&", "&&")


def print_page(sheet, head_left, head_right, made, header_rows=0, repeat_first_column=False, breaks=()):
    """A4 landscape at 100 %, a header naming the bloc and the period, pages numbered."""
    sheet.set_paper(9)
    sheet.set_landscape()
    sheet.set_margins(**MARGINS)
    font = f'&"{FONT},Regular"&10'
    # Excel refuses a header over 255 characters: a long unit name is shortened.
    head_left = head_left if len(head_left) <= 110 else head_left[:109] + "…"
    sheet.set_header(f"&L{font}{_escape(head_left)}&R{font}{_escape(head_right)}", {"margin": 0.3})
    sheet.set_footer(f'&L&"{FONT},Italic"&10Ngày lập: {made:%d/%m/%Y}&C{font}Trang &P/&N', {"margin": 0.3})
    if header_rows:
        sheet.repeat_rows(0, header_rows - 1)
        sheet.freeze_panes(header_rows, 1)
    if repeat_first_column:
        sheet.repeat_columns(0)
    if breaks:
        sheet.set_v_pagebreaks(list(breaks))
    return sheet


class Book:
    """What every sheet writer needs: the workbook, its formats, the figures,
    the sheet names taken, and the running header and footer."""

    def __init__(self, workbook, formats, totals, head_left, made):
        self.workbook, self.f, self.totals = workbook, formats, totals
        self.head_left, self.head_right = head_left, f"Giao ban {totals.selection.label}"
        self.made = made
        self.taken = set()

    def add_sheet(self, name, **print_options):
        sheet = self.workbook.add_worksheet(sheet_name(name, self.taken))
        print_page(sheet, self.head_left, self.head_right, self.made, **print_options)
        return sheet

    def heading(self, sheet, title, headers, widths, period=None):
        """Title and period merged over the columns, then the column headings."""
        f, last = self.f, len(headers) - 1
        total_width = sum(widths)
        sheet.merge_range(0, 0, 0, last, title, f["title"])
        sheet.merge_range(1, 0, 1, last, period or self.totals.selection.label, f["subtitle"])
        fit_row(sheet, 0, [(title, total_width, 13, True)])
        for col, (text, width) in enumerate(zip(headers, widths)):
            sheet.write_string(2, col, text, f["header"])
            sheet.set_column(col, col, width)
        fit_row(sheet, 2, [(text, width, BODY, True) for text, width in zip(headers, widths)])

    def empty(self, sheet, row, last_column):
        """The line an empty table shows instead of nothing."""
        if last_column:
            sheet.merge_range(row, 0, row, last_column, "Không có số liệu", self.f["empty"])
        else:
            sheet.write_string(row, 0, "Không có số liệu", self.f["empty"])
