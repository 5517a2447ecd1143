"""What a figure is: its marks, its notes, and the legend that explains them.

Figures read aloud at the meeting are on the record, so a figure that is not
final (its report not approved yet, or a draft) or not of the period's last
quarter (a stock carried from an earlier quarter) says so on paper.
"""
from models.reporting import quarter_label
from portal.reporting import formatting

SUBMITTED = "*"
DRAFT = "**"
CARRIED = "†"
LEGEND = {
    SUBMITTED: "* có số liệu từ báo cáo đã gửi, chưa được duyệt",
    DRAFT: "** có số liệu từ bản nháp chưa gửi (không phải số liệu chính thức)",
    CARRIED: "† số của một quý trước (đơn vị chưa báo cáo quý cuối kỳ; xem ghi chú)",
}
SOURCES = {"children": "cộng từ đơn vị trực thuộc", "mixed": "một phần cộng từ đơn vị trực thuộc"}


def heading(ind):
    """An indicator's column heading: its label and unit, the unit once."""
    if ind.kind == "ratio" or not ind.unit or f"({ind.unit})".casefold() in ind.label.casefold():
        return ind.label
    return f"{ind.label} ({ind.unit})"


def unit_of(ind):
    return "%" if ind.kind == "ratio" else (ind.unit or "")


def parts(ind):
    """The indicator codes a figure is made of: its own, and a ratio's two parts."""
    codes = [ind.code]
    if ind.kind == "ratio":
        codes += [p.code for p in (ind.numerator, ind.denominator) if p is not None]
    return codes


def status_marks(figures):
    return for_statuses(figures.statuses)


def for_statuses(statuses):
    if "draft" in statuses:
        return (DRAFT,)
    if "submitted" in statuses:
        return (SUBMITTED,)
    return ()


def carried_from(ind, figures):
    """The earliest (year, quarter) a figure (or a ratio's part) was carried from, or None."""
    carried = figures.carried
    found = [carried[code] for code in parts(ind) if carried.get(code)]
    return min(found) if found else None


def marks(ind, figures):
    if figures is None or figures.values.get(ind.code) is None:
        return ()
    return status_marks(figures) + ((CARRIED,) if carried_from(ind, figures) else ())


def coverage_note(ind, figures):
    covered = figures.coverage.get(ind.code)
    if ind.kind != "ratio" or not covered:
        return ""
    return formatting.coverage(covered)


def carried_note(ind, figures):
    quarter = carried_from(ind, figures)
    return f"{CARRIED} số {quarter_label(*quarter).replace('Quý', 'quý', 1)}" if quarter else ""


def notes(ind, figures):
    """A unit sheet's note on one figure: where it came from and what it covers
    (the report's status is said once, under the table)."""
    if figures is None or figures.values.get(ind.code) is None:
        return ""
    found = [carried_note(ind, figures), coverage_note(ind, figures),
             SOURCES.get(figures.sources.get(ind.code), "")]
    return "; ".join(n for n in found if n)


def combined(*many):
    """The statuses behind several Figures together (a total and its rows)."""
    statuses = set()
    for figures in many:
        statuses |= figures.statuses
    return statuses


def legend(used):
    return [LEGEND[mark] for mark in (SUBMITTED, DRAFT, CARRIED) if mark in used]
