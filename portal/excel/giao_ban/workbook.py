"""The giao ban workbook: the figures of a period laid out for printing."""
import datetime

import xlsxwriter

from portal.excel.giao_ban import cover, summary, units
from portal.excel.giao_ban.formats import Formats
from portal.excel.giao_ban.layout import Book


def write_giao_ban(stream, totals, province, produced_by, when=None):
    """Write the workbook for `totals` (portal.reporting.totals.build) into `stream`."""
    when = when or datetime.datetime.now()
    workbook = xlsxwriter.Workbook(stream, {"in_memory": True, "strings_to_formulas": False,
                                            "strings_to_urls": False})
    body = cover.issuing_body(totals.selection.parent, province)
    workbook.set_properties({"title": f"{cover.TITLE} {province} — {totals.selection.label}",
                             "author": produced_by, "company": body})
    book = Book(workbook, Formats(workbook), totals, body, when)
    front = book.add_sheet("Bìa")
    sheet, total_row, column = summary.write_totals_sheet(book)
    summary.write_comparison_sheet(book, total_row, column, sheet.get_name())
    for unit in totals.units:
        units.write_unit_sheet(book, unit)
    units.write_campaigns(book)
    units.write_directives(book)
    units.write_twinning(book)
    cover.write_cover(book, front, province, produced_by)
    workbook.close()
    return stream


