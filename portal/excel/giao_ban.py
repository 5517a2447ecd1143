"""The giao ban workbook: the figures of a quarter laid out for printing.

Totals are formulas that also carry the value computed by the portal, so a
viewer that does not recalculate still shows the number read at the meeting.
"""
import datetime

import xlsxwriter
from xlsxwriter.utility import xl_rowcol_to_cell

from portal.excel.styles import formats, print_setup
from portal.reporting import panels

TITLE = "Báo cáo giao ban Khối Mặt trận Tổ quốc và các tổ chức chính trị - xã hội tỉnh"
HEADER_ROWS = 3  # title, period, column headings


def sheet_name(text, taken):
    clean = "".join("_" if c in "[]:*?/\\" else c for c in text)[:28] or "Sheet"
    name, n = clean, 2
    while name.lower() in taken:
        name, n = f"{clean[:26]}-{n}", n + 1
    taken.add(name.lower())
    return name


def _value(ind, figures):
    value = figures.values.get(ind.code) if figures is not None else None
    if value is not None and ind.kind == "ratio":
        return value / 100 if ind.scale == 100 else value
    return value


def _heading(sheet, f, title, period, headers, widths):
    last = len(headers) - 1
    sheet.merge_range(0, 0, 0, last, title, f["title"])
    sheet.merge_range(1, 0, 1, last, period, f["subtitle"])
    sheet.set_row(0, 36)
    for col, (text, width) in enumerate(zip(headers, widths)):
        sheet.write_string(2, col, text, f["header"])
        sheet.set_column(col, col, width)
    sheet.set_row(2, 60)
    print_setup(sheet, HEADER_ROWS, last)


def _cell_format(f, ind, total=False):
    kind = "percent" if ind.kind == "ratio" else "number"
    return f[f"total_{kind}" if total else kind]


def write_totals_sheet(workbook, f, totals, taken):
    """Units × indicators; ratios and the total row are formulas with cached values."""
    sheet = workbook.add_worksheet(sheet_name("Tổng hợp", taken))
    indicators = totals.indicators
    column = {ind.code: 1 + i for i, ind in enumerate(indicators)}
    _heading(sheet, f, f"{TITLE} — tổng hợp", totals.selection.label,
             ["Đơn vị"] + [f"{i.label} ({i.unit})" if i.unit and i.kind != "ratio" else i.label
                           for i in indicators],
             [34] + [14] * len(indicators))
    first = HEADER_ROWS
    for offset, unit in enumerate(totals.units):
        row = first + offset
        figures = totals.rows[unit.id]
        label = unit.name + (" (tổng hợp từ cấp dưới)" if figures.rolled_up else "")
        sheet.write_string(row, 0, label, f["unit"])
        for ind in indicators:
            _write_figure(sheet, f, row, column, ind, figures)
    total_row = first + len(totals.units)
    sheet.write_string(total_row, 0, "Tổng cộng", f["total_label"])
    for ind in indicators:
        col = column[ind.code]
        value = _value(ind, totals.total)
        if ind.kind == "ratio":
            _write_ratio(sheet, f, total_row, col, column, ind, value, total=True)
        else:
            cells = f"{xl_rowcol_to_cell(first, col)}:{xl_rowcol_to_cell(total_row - 1, col)}"
            sheet.write_formula(total_row, col, f'=IF(COUNT({cells})=0,"",SUM({cells}))',
                                _cell_format(f, ind, True), "" if value is None else value)
    sheet.autofilter(2, 0, total_row - 1, len(indicators))
    return sheet, total_row, column


def _write_figure(sheet, f, row, column, ind, figures):
    col = column[ind.code]
    value = _value(ind, figures)
    if ind.kind == "ratio":
        _write_ratio(sheet, f, row, col, column, ind, value)
    elif value is None:
        sheet.write_blank(row, col, None, f["number"])
    else:
        sheet.write_number(row, col, value, f["number"])


def _write_ratio(sheet, f, row, col, column, ind, value, total=False):
    fmt = _cell_format(f, ind, total)
    parts = [column.get(code) for code in (ind.numerator.code if ind.numerator_id else None,
                                           ind.denominator.code if ind.denominator_id else None)]
    if None in parts:
        sheet.write(row, col, "" if value is None else value, fmt)
        return
    num, den = (xl_rowcol_to_cell(row, c) for c in parts)
    factor = "" if ind.scale in (1, 100) else f"*{ind.scale}"
    sheet.write_formula(row, col, f'=IF(OR({num}="",{den}="",{den}=0),"",{num}/{den}{factor})',
                        fmt, "" if value is None else value)


def write_comparison_sheet(workbook, f, totals, total_row, column, totals_name, taken):
    sheet = workbook.add_worksheet(sheet_name("So sánh", taken))
    _heading(sheet, f, f"{TITLE} — so sánh", totals.selection.label,
             ["Chỉ tiêu", "Kỳ này", "Kỳ trước", "Tăng, giảm", "Cùng kỳ năm trước", "Tăng, giảm"],
             [46, 16, 16, 14, 18, 14])
    for offset, ind in enumerate(totals.indicators):
        row = HEADER_ROWS + offset
        fmt = _cell_format(f, ind)
        sheet.write_string(row, 0, ind.label, f["text"])
        now = _value(ind, totals.total)
        source = f"'{totals_name}'!{xl_rowcol_to_cell(total_row, column[ind.code])}"
        sheet.write_formula(row, 1, f"={source}", fmt, "" if now is None else now)
        for col, figures in ((2, totals.previous_total), (4, totals.year_before_total)):
            before = _value(ind, figures)
            sheet.write(row, col, "" if before is None else before, fmt)
            a, b = xl_rowcol_to_cell(row, 1), xl_rowcol_to_cell(row, col)
            change = None if now is None or before is None else now - before
            sheet.write_formula(row, col + 1, f'=IF(OR({a}="",{b}=""),"",{a}-{b})', fmt,
                                "" if change is None else change)


def write_unit_sheet(workbook, f, totals, unit, taken):
    sheet = workbook.add_worksheet(sheet_name(unit.code, taken))
    _heading(sheet, f, unit.name, totals.selection.label,
             ["Chỉ tiêu", "Đơn vị tính", "Kỳ này", "Kỳ trước", "Cùng kỳ năm trước"],
             [46, 14, 16, 16, 18])
    figures = totals.rows[unit.id]
    for offset, ind in enumerate(totals.indicators):
        row = HEADER_ROWS + offset
        fmt = _cell_format(f, ind)
        sheet.write_string(row, 0, ind.label, f["text"])
        sheet.write_string(row, 1, "%" if ind.kind == "ratio" else ind.unit, f["text"])
        for col, source in ((2, figures), (3, totals.previous.get(unit.id)), (4, totals.year_before.get(unit.id))):
            value = _value(ind, source)
            sheet.write(row, col, "" if value is None else value, fmt)
    if figures.rolled_up:
        sheet.write_string(HEADER_ROWS + len(totals.indicators) + 1, 0,
                           "Đơn vị chưa có báo cáo riêng trong kỳ: số liệu cộng từ các đơn vị trực thuộc.",
                           f["note"])


def write_panel_sheets(workbook, f, totals, taken):
    units, quarters, label = totals.units, totals.selection.quarters, totals.selection.label
    sheet = workbook.add_worksheet(sheet_name("Phong trào", taken))
    heads = ["Phong trào", "Đơn vị"] + [panels.CAMPAIGN_LABELS[k] for k in panels.CAMPAIGN_FIGURES]
    _heading(sheet, f, f"{TITLE} — kết quả phong trào thi đua", label, heads, [40, 30] + [14] * 6)
    row = HEADER_ROWS
    for campaign, by_unit in panels.campaign_results(units, quarters):
        for unit in units:
            if unit.id in by_unit:
                sheet.write_string(row, 0, campaign.name, f["text"])
                sheet.write_string(row, 1, unit.name, f["text"])
                for col, key in enumerate(panels.CAMPAIGN_FIGURES, 2):
                    sheet.write_number(row, col, by_unit[unit.id][key] or 0, f["number"])
                row += 1

    sheet = workbook.add_worksheet(sheet_name("Văn bản", taken))
    _heading(sheet, f, f"{TITLE} — thực hiện văn bản chỉ đạo", label,
             ["Số, ký hiệu", "Trích yếu", "Đơn vị được giao", "Đã báo cáo", "Quá hạn"], [16, 60, 14, 14, 12])
    for row, (directive, assigned, reported, late) in enumerate(panels.directive_implementation(units), HEADER_ROWS):
        sheet.write_string(row, 0, directive.number, f["text"])
        sheet.write_string(row, 1, directive.title, f["text"])
        for col, value in enumerate((assigned, reported, late), 2):
            sheet.write_number(row, col, value, f["number"])

    sheet = workbook.add_worksheet(sheet_name("Kết nghĩa", taken))
    _heading(sheet, f, f"{TITLE} — kết nghĩa", label, ["Nội dung", "Số liệu"], [60, 18])
    done = panels.twinning(units, quarters)
    lines = [("Đơn vị có quan hệ kết nghĩa đang thực hiện", f"{done['active_units']}/{done['units']}"),
             ("Thôn, làng được kết nghĩa", done["villages"]), ("Hoạt động trong kỳ", done["activities"]),
             ("Giá trị hỗ trợ (đồng)", done["support"]), ("Lượt người được hỗ trợ", done["people"])]
    for row, (text, value) in enumerate(lines, HEADER_ROWS):
        sheet.write_string(row, 0, text, f["text"])
        if isinstance(value, str):
            sheet.write_string(row, 1, value, f["text"])
        else:
            sheet.write_number(row, 1, value, f["number"])


def write_cover(workbook, f, totals, province, produced_by, when):
    sheet = workbook.add_worksheet("Bìa")
    sheet.set_column(0, 0, 100)
    sheet.set_paper(9)
    sheet.set_landscape()
    sheet.write_string(2, 0, f"{TITLE} {province} — {totals.selection.label}", f["title"])
    sheet.set_row(2, 60)
    sheet.write_string(4, 0, f"Đơn vị: {totals.selection.parent.name}", f["subtitle"])
    sheet.write_string(5, 0, f"Ngày lập: {when:%d/%m/%Y %H:%M}", f["subtitle"])
    sheet.write_string(6, 0, f"Người lập: {produced_by}", f["subtitle"])
    sheet.write_string(8, 0, "Số liệu từ báo cáo quý đã gửi và đã duyệt. Chỉ tiêu cộng dồn được cộng qua các quý; "
                             "chỉ tiêu cuối kỳ lấy số của quý cuối; tỷ lệ tính từ tổng tử số và tổng mẫu số.", f["note"])


def write_giao_ban(stream, totals, province, produced_by, when=None):
    """Write the workbook for `totals` (portal.reporting.totals.build) into `stream`."""
    when = when or datetime.datetime.now()
    workbook = xlsxwriter.Workbook(stream, {"in_memory": True, "strings_to_formulas": False,
                                            "strings_to_urls": False})
    workbook.set_properties({"title": f"{TITLE} {province} — {totals.selection.label}",
                             "author": produced_by, "company": f"Khối MTTQ tỉnh {province}"})
    f = formats(workbook)
    taken = {"bìa"}
    write_cover(workbook, f, totals, province, produced_by, when)
    sheet, total_row, column = write_totals_sheet(workbook, f, totals, taken)
    write_comparison_sheet(workbook, f, totals, total_row, column, sheet.get_name(), taken)
    for unit in totals.units:
        write_unit_sheet(workbook, f, totals, unit, taken)
    write_panel_sheets(workbook, f, totals, taken)
    workbook.close()
    return stream



