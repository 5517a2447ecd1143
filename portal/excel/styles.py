"""Cell formats shared by every workbook the portal writes.

Number formats use Excel's locale-aware codes: "#,##0" is shown as 2.407 and
"0.0%" as 77,9% by a spreadsheet set to Vietnamese, the way the province's
machines are set up; the cells stay numbers that can be summed.
"""
NUMBER = "#,##0"
PERCENT = "0.0%"
DATE = "dd/mm/yyyy"


def formats(workbook):
    base = {"font_name": "Times New Roman", "font_size": 11, "valign": "vcenter"}

    def make(**extra):
        return workbook.add_format({**base, **extra})

    return {
        "title": make(bold=True, font_size=14, align="center", text_wrap=True),
        "subtitle": make(italic=True, align="center"),
        "header": make(bold=True, border=1, align="center", text_wrap=True, bg_color="#DDEBF7"),
        "text": make(border=1, text_wrap=True),
        "unit": make(border=1, text_wrap=True),
        "number": make(border=1, num_format=NUMBER),
        "percent": make(border=1, num_format=PERCENT),
        "date": make(border=1, num_format=DATE),
        "total_label": make(border=1, bold=True, bg_color="#F2F2F2"),
        "total_number": make(border=1, bold=True, num_format=NUMBER, bg_color="#F2F2F2"),
        "total_percent": make(border=1, bold=True, num_format=PERCENT, bg_color="#F2F2F2"),
        "note": make(italic=True, font_size=10, text_wrap=True),
        "plain": make(),
    }


def print_setup(sheet, header_rows, last_column):
    """A4 landscape, headers repeated on each page, fitted to the page width."""
    sheet.set_paper(9)
    sheet.set_landscape()
    sheet.repeat_rows(0, header_rows - 1)
    sheet.fit_to_pages(1, 0)
    sheet.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.5)
    sheet.freeze_panes(header_rows, 1)
    sheet.hide_gridlines(0)
    return sheet
