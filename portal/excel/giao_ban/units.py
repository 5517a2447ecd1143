"""One sheet per unit: its figures against earlier periods, each with a note on
where it came from; and the side panels (campaigns, directives, twinning)."""
from portal.excel.giao_ban import marks
from portal.excel.giao_ban.layout import BODY, fit_row
from portal.excel.giao_ban.summary import HEADER_ROWS, value_of
from portal.reporting import panels

UNIT_WIDTHS = [34, 8, 13, 13, 13, 22]


def write_unit_sheet(book, unit):
    totals, f = book.totals, book.f
    sheet = book.add_sheet(unit.code, header_rows=HEADER_ROWS)
    book.heading(sheet, unit.name, ["Chỉ tiêu", "Đơn vị tính", "Kỳ này", "Kỳ trước", "Cùng kỳ năm trước",
                                    "Ghi chú"], UNIT_WIDTHS)
    figures = totals.rows[unit.id]
    periods = (figures, totals.previous.get(unit.id), totals.year_before.get(unit.id))
    if not any(p is not None and p.has_data for p in periods):
        book.empty(sheet, HEADER_ROWS, len(UNIT_WIDTHS) - 1)
        return sheet
    for offset, ind in enumerate(totals.indicators):
        row = HEADER_ROWS + offset
        kind = "percent" if ind.kind == "ratio" else "number"
        sheet.write_string(row, 0, ind.label, f["text"])
        sheet.write_string(row, 1, marks.unit_of(ind), f["text"])
        for col, source in enumerate(periods, 2):
            value = value_of(ind, source)
            sheet.write(row, col, "" if value is None else value, f.figure(kind, False, marks.marks(ind, source)))
        note = marks.notes(ind, figures)
        sheet.write_string(row, 5, note, f["note_cell"])
        fit_row(sheet, row, [(ind.label, UNIT_WIDTHS[0], BODY, False), (note, UNIT_WIDTHS[5], 10, False)])
    lines = ["Đơn vị chưa có báo cáo riêng trong kỳ: số liệu cộng từ các đơn vị trực thuộc."] if figures.rolled_up else []
    lines += marks.legend({mark for source in periods for ind in totals.indicators
                           for mark in marks.marks(ind, source)})
    for row, line in enumerate(lines, HEADER_ROWS + len(totals.indicators) + 1):
        sheet.merge_range(row, 0, row, len(UNIT_WIDTHS) - 1, line, f["note"])
    return sheet


def write_campaigns(book):
    totals, f = book.totals, book.f
    sheet = book.add_sheet("Phong trào", header_rows=HEADER_ROWS)
    widths = [26, 18] + [10] * len(panels.CAMPAIGN_FIGURES)
    book.heading(sheet, "Kết quả phong trào thi đua, cuộc vận động",
                 ["Phong trào", "Đơn vị"] + [panels.CAMPAIGN_LABELS[k] for k in panels.CAMPAIGN_FIGURES], widths)
    row = HEADER_ROWS
    for campaign, by_unit in panels.campaign_results(totals.units, totals.selection.quarters):
        for unit in totals.units:
            if unit.id in by_unit:
                sheet.write_string(row, 0, campaign.name, f["text"])
                sheet.write_string(row, 1, unit.name, f["text"])
                for col, key in enumerate(panels.CAMPAIGN_FIGURES, 2):
                    sheet.write_number(row, col, by_unit[unit.id][key] or 0, f.figure())
                fit_row(sheet, row, [(campaign.name, widths[0], BODY, False), (unit.name, widths[1], BODY, False)])
                row += 1
    if row == HEADER_ROWS:
        book.empty(sheet, row, len(widths) - 1)
    return sheet


def write_directives(book):
    f = book.f
    sheet = book.add_sheet("Văn bản", header_rows=HEADER_ROWS)
    widths = [14, 56, 12, 12, 10]
    book.heading(sheet, "Thực hiện văn bản chỉ đạo",
                 ["Số, ký hiệu", "Trích yếu", "Đơn vị được giao", "Đã báo cáo", "Quá hạn"], widths)
    row = HEADER_ROWS
    for directive, assigned, reported, late in panels.directive_implementation(book.totals.units):
        sheet.write_string(row, 0, directive.number, f["text"])
        sheet.write_string(row, 1, directive.title, f["text"])
        for col, value in enumerate((assigned, reported, late), 2):
            sheet.write_number(row, col, value, f.figure())
        # LibreOffice keeps the default height of a wrapped row: set it, or rows overlap.
        fit_row(sheet, row, [(directive.number, widths[0], BODY, False), (directive.title, widths[1], BODY, False)])
        row += 1
    if row == HEADER_ROWS:
        book.empty(sheet, row, len(widths) - 1)
    return sheet


def write_twinning(book):
    f, totals = book.f, book.totals
    sheet = book.add_sheet("Kết nghĩa", header_rows=HEADER_ROWS)
    book.heading(sheet, "Kết nghĩa với thôn, làng", ["Nội dung", "Số liệu"], [60, 18])
    done = panels.twinning(totals.units, totals.selection.quarters)
    lines = [("Đơn vị có quan hệ kết nghĩa đang thực hiện", f"{done['active_units']}/{done['units']}"),
             ("Thôn, làng được kết nghĩa", done["villages"]), ("Hoạt động trong kỳ", done["activities"]),
             ("Giá trị hỗ trợ (đồng)", done["support"]), ("Lượt người được hỗ trợ", done["people"])]
    for row, (text, value) in enumerate(lines, HEADER_ROWS):
        sheet.write_string(row, 0, text, f["text"])
        if isinstance(value, str):
            sheet.write_string(row, 1, value, f["text"])
        else:
            sheet.write_number(row, 1, value, f.figure())
        sheet.set_row(row, 18)
    return sheet
