"""The sheets "Tổng hợp" (units × indicators) and "So sánh" (the total against
earlier periods).

Totals are formulas that also carry the value computed by the portal, so a
viewer that does not recalculate still shows the number read at the meeting.
"Tổng hợp" prints in groups of indicators, one group per page width, the
unit column and the headings repeated on every page.
"""
import math

from xlsxwriter.utility import xl_rowcol_to_cell

from models.reporting import quarter_label
from portal.excel.giao_ban import marks
from portal.excel.giao_ban.layout import BODY, fit_row, text_height
from portal.reporting import arithmetic

HEADER_ROWS = 3  # title, period, column headings
PER_PAGE = 7     # indicators per printed page: 24 + 7 × 11.5 units fit A4 landscape (layout.PAGE_PT)
UNIT_WIDTH, FIGURE_WIDTH = 24, 11.5


def value_of(ind, figures):
    """A figure as the cell holds it: ratios as fractions shown as percentages."""
    value = figures.values.get(ind.code) if figures is not None else None
    if value is not None and ind.kind == "ratio":
        return value / 100 if ind.scale == 100 else value
    return value


def groups(indicators):
    """Consecutive groups of at most PER_PAGE indicators, as few groups as possible."""
    count = max(1, math.ceil(len(indicators) / PER_PAGE))
    size = math.ceil(len(indicators) / count) or 1
    return [indicators[i:i + size] for i in range(0, len(indicators), size)]


def _kind(ind):
    return "percent" if ind.kind == "ratio" else "number"


def write_totals_sheet(book):
    totals, f = book.totals, book.f
    indicators = totals.indicators
    column = {ind.code: 1 + i for i, ind in enumerate(indicators)}
    pages = groups(indicators)
    breaks = [column[group[0].code] for group in pages[1:]]
    sheet = book.add_sheet("Tổng hợp", header_rows=HEADER_ROWS, repeat_first_column=True, breaks=breaks)
    label = totals.selection.label
    sheet.set_column(0, 0, UNIT_WIDTH)
    sheet.set_column(1, max(1, len(indicators)), FIGURE_WIDTH)
    sheet.merge_range(0, 0, 1, 0, f"TỔNG HỢP\n{label}", f["title"])
    for number, group in enumerate(pages, 1):
        first, last = column[group[0].code], column[group[-1].code]
        title = "Số liệu giao ban các đơn vị"
        period = f"{label} — trang chỉ tiêu {number}/{len(pages)}" if len(pages) > 1 else label
        if first == last:
            sheet.write_string(0, first, title, f["title"])
            sheet.write_string(1, first, period, f["subtitle"])
        else:
            sheet.merge_range(0, first, 0, last, title, f["title"])
            sheet.merge_range(1, first, 1, last, period, f["subtitle"])
    # A range's label may wrap in the unit column: the two rows share its height.
    corner = text_height(f"TỔNG HỢP\n{label}", UNIT_WIDTH, 13, True)
    sheet.set_row(0, max(22, corner - 20))
    sheet.set_row(1, 20)
    sheet.write_string(2, 0, "Đơn vị", f["header"])
    headings = [marks.heading(ind) for ind in indicators]
    for ind, text in zip(indicators, headings):
        sheet.write_string(2, column[ind.code], text, f["header"])
    fit_row(sheet, 2, [(text, FIGURE_WIDTH, BODY, True) for text in headings])

    first_row = HEADER_ROWS
    for offset, unit in enumerate(totals.units):
        row = first_row + offset
        figures = totals.rows[unit.id]
        label_text = unit.name + (" (tổng hợp từ cấp dưới)" if figures.rolled_up else "")
        sheet.write_string(row, 0, label_text, f["unit"])
        fit_row(sheet, row, [(label_text, UNIT_WIDTH, BODY, False)])
        for ind in indicators:
            _write_figure(sheet, f, row, column, ind, figures)

    total_row = first_row + len(totals.units)
    sheet.write_string(total_row, 0, "Tổng cộng", f["total_label"])
    for ind in indicators:
        col = column[ind.code]
        value = value_of(ind, totals.total)
        total_marks = _total_marks(ind, totals)
        fmt = f.figure(_kind(ind), True, total_marks)
        if ind.kind == "ratio":
            _write_total_ratio(sheet, fmt, (first_row, total_row), column, ind, totals)
        else:
            found = [v for v in (value_of(ind, totals.rows[u.id]) for u in totals.units) if v is not None]
            cells = f"{xl_rowcol_to_cell(first_row, col)}:{xl_rowcol_to_cell(total_row - 1, col)}"
            _write_checked(sheet, total_row, col, f'=IF(COUNT({cells})=0,"",SUM({cells}))',
                           sum(found) if found else None, value, fmt)
    sheet.set_row(total_row, 20)
    sheet.autofilter(2, 0, total_row - 1, len(indicators))
    _write_notes(book, sheet, total_row + 1, column)
    return sheet, total_row, column


def _total_marks(ind, totals):
    """A total's marks: those of the unit figures it adds up (the total's own
    statuses only when the units carry none)."""
    if value_of(ind, totals.total) is None:
        return ()
    rows = [row for row in totals.rows.values()
            if any(row.values.get(code) is not None for code in marks.parts(ind))]
    statuses = marks.combined(*rows) or marks.combined(totals.total)
    carried = any(marks.carried_from(ind, row) for row in rows) or marks.carried_from(ind, totals.total)
    return marks.for_statuses(statuses) + ((marks.CARRIED,) if carried else ())


def _write_figure(sheet, f, row, column, ind, figures):
    col = column[ind.code]
    value = value_of(ind, figures)
    fmt = f.figure(_kind(ind), False, marks.marks(ind, figures))
    if ind.kind == "ratio":
        _write_ratio(sheet, fmt, row, column, ind, figures)
    elif value is None:
        sheet.write_blank(row, col, None, fmt)
    else:
        sheet.write_number(row, col, value, fmt)


def _write_checked(sheet, row, col, formula, formula_gives, value, fmt):
    """A formula only where it gives the portal's own figure; the figure itself
    otherwise (e.g. a rate the arithmetic takes over part of the units), so the
    workbook never recalculates to a number the meeting was not given."""
    same = (formula_gives is None and value is None) or (
        formula_gives is not None and value is not None and math.isclose(formula_gives, value, rel_tol=1e-9))
    if same and formula:
        sheet.write_formula(row, col, formula, fmt, "" if value is None else value)
    elif value is None:
        sheet.write_blank(row, col, None, fmt)
    else:
        sheet.write_number(row, col, value, fmt)


def _parts(ind, column):
    codes = (ind.numerator.code if ind.numerator_id else None, ind.denominator.code if ind.denominator_id else None)
    return codes, [column.get(code) for code in codes]


def _ratio_cell(ind, numerator, denominator):
    return value_of(ind, arithmetic.Figures({ind.code: arithmetic.ratio(numerator, denominator, ind.scale)}))


def _factor(ind):
    return "" if ind.scale in (1, 100) else f"*{ind.scale}"


def _write_ratio(sheet, fmt, row, column, ind, figures):
    (num_code, den_code), parts = _parts(ind, column)
    formula = None
    if None not in parts:
        num, den = (xl_rowcol_to_cell(row, c) for c in parts)
        formula = f'=IF(OR({num}="",{den}="",{den}=0),"",{num}/{den}{_factor(ind)})'
    gives = _ratio_cell(ind, figures.values.get(num_code), figures.values.get(den_code))
    _write_checked(sheet, row, column[ind.code], formula, gives, value_of(ind, figures), fmt)


def _write_total_ratio(sheet, fmt, rows, column, ind, totals):
    """A total rate over the units that report both its parts (a unit with only
    one part, or a zero denominator, would push it past what the parts give)."""
    (num_code, den_code), parts = _parts(ind, column)
    formula = None
    if None not in parts:
        num, den = (f"{xl_rowcol_to_cell(rows[0], c)}:{xl_rowcol_to_cell(rows[1] - 1, c)}" for c in parts)
        both = f"ISNUMBER({num})*ISNUMBER({den})*({den}<>0)"
        formula = (f'=IF(SUMPRODUCT({both})=0,"",'
                   f'SUMPRODUCT({both},{num})/SUMPRODUCT({both},{den}){_factor(ind)})')
    pairs = [(totals.rows[u.id].values.get(num_code), totals.rows[u.id].values.get(den_code)) for u in totals.units]
    both = [(n, d) for n, d in pairs if n is not None and d]
    gives = _ratio_cell(ind, sum(n for n, _ in both), sum(d for _, d in both)) if both else None
    _write_checked(sheet, rows[1], column[ind.code], formula, gives, value_of(ind, totals.total), fmt)


def _write_notes(book, sheet, row, column):
    """Under the total: what each total rate covers and which figures are carried;
    in the unit column, the legend of the marks and "Không có số liệu"."""
    totals, f = book.totals, book.f
    by_column = {}
    for ind in totals.indicators:
        lines = [marks.coverage_note(ind, totals.total)]
        for unit in totals.units:
            note = marks.carried_note(ind, totals.rows[unit.id])
            if note:
                lines.append(f"{unit.code}: {note}")
        text = "\n".join(line for line in lines if line)
        if text:
            by_column[column[ind.code]] = text
    if by_column:
        sheet.write_string(row, 0, "Ghi chú", f["note_cell"])
        for col in range(1, len(totals.indicators) + 1):
            sheet.write_string(row, col, by_column.get(col, ""), f["note_cell"])
        fit_row(sheet, row, [(text, FIGURE_WIDTH, 10, False) for text in by_column.values()])
        row += 1
    lines = [] if totals.total.has_data else ["Không có số liệu"]
    lines += marks.legend(book.f.used_marks)
    for line in lines:
        row += 1
        sheet.write_string(row, 0, line, f["note"])
        sheet.set_row(row, text_height(line, UNIT_WIDTH, 10))


def write_comparison_sheet(book, total_row, column, totals_name):
    totals, f = book.totals, book.f
    previous, year_before = arithmetic.comparison_spans(totals.selection.quarters)
    sheet = book.add_sheet("So sánh", header_rows=HEADER_ROWS)
    widths = [30, 8, 13.5, 13.5, 12, 13.5, 12]
    book.heading(sheet, "Số liệu giao ban so với kỳ trước và cùng kỳ năm trước", [
        "Chỉ tiêu", "Đơn vị tính", f"Kỳ này\n({totals.selection.label})", f"Kỳ trước\n({_span(previous)})",
        "Tăng, giảm", f"Cùng kỳ năm trước\n({_span(year_before)})", "Tăng, giảm"], widths)
    if not any(t is not None and t.has_data for t in (totals.total, totals.previous_total,
                                                      totals.year_before_total)):
        book.empty(sheet, HEADER_ROWS, len(widths) - 1)
        return sheet
    used = set()
    for offset, ind in enumerate(totals.indicators):
        row = HEADER_ROWS + offset
        kind, change_kind = ("percent", "points") if ind.kind == "ratio" else ("number", "signed")
        note = marks.coverage_note(ind, totals.total)
        label = f"{ind.label} ({note})" if note else ind.label
        sheet.write_string(row, 0, label, f["text"])
        sheet.write_string(row, 1, marks.unit_of(ind), f["text"])
        fit_row(sheet, row, [(label, widths[0], BODY, False)])
        now = value_of(ind, totals.total)
        source = f"'{totals_name}'!{xl_rowcol_to_cell(total_row, column[ind.code])}"
        now_marks = _total_marks(ind, totals)
        used.update(now_marks)
        sheet.write_formula(row, 2, f"={source}", f.figure(kind, False, now_marks), "" if now is None else now)
        for col, figures in ((3, totals.previous_total), (5, totals.year_before_total)):
            before = value_of(ind, figures)
            before_marks = marks.marks(ind, figures)
            used.update(before_marks)
            sheet.write(row, col, "" if before is None else before, f.figure(kind, False, before_marks))
            a, b = xl_rowcol_to_cell(row, 2), xl_rowcol_to_cell(row, col)
            # A rate's change is in percentage points, as the totals page writes it.
            scale = "*100" if ind.kind == "ratio" else ""
            change = None if now is None or before is None else (now - before) * (100 if scale else 1)
            sheet.write_formula(row, col + 1, f'=IF(OR({a}="",{b}=""),"",({a}-{b}){scale})',
                                f.figure(change_kind), "" if change is None else change)
    for row, line in enumerate(marks.legend(used), HEADER_ROWS + len(totals.indicators) + 1):
        sheet.merge_range(row, 0, row, len(widths) - 1, line, f["note"])
    return sheet


def _span(quarters):
    first, last = quarters[0], quarters[-1]
    return quarter_label(*last) if first == last else f"{quarter_label(*first)} – {quarter_label(*last)}"
