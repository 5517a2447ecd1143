"""The rules a quarterly figure obeys, whichever way it comes in.

The entry grid (report_entry, report_workflow), the upload page and the
command line (portal.reporting.importer) ask these functions, so a figure
the grid refuses is refused by the import too, in the same words. Each
returns None when the rule holds, else the reason in Vietnamese.
"""
from admin_views.access import ACCESS
from admin_views.formatters import format_number
from models.reporting import quarter_label

# Fifteen digits: what the grid's input takes, and far beyond any real
# figure (money is in đồng: 10^15 đồng is many times the province's budget).
MAX_DIGITS = 15
MAX_FIGURE = 10 ** MAX_DIGITS - 1
FIRST_YEAR, LAST_YEAR = 2000, 2100

# Those who write a unit's own figures: the writers of "owned" records.
FIGURE_WRITERS = ACCESS["owned"][1]
# Those who open (and lock) reporting quarters, approve and reopen reports.
APPROVERS = {"admin", "secretariat"}
# Those who may load past quarters' figures as approved reports (back-fill).
BACKFILLERS = APPROVERS

TEXT = {
    "too_big": f"số quá lớn: tối đa {MAX_DIGITS} chữ số",
    "year": f"Năm phải từ {FIRST_YEAR} đến {LAST_YEAR}.",
    "bloc": "Khối không lập báo cáo quý riêng: số liệu của Khối là tổng của các đơn vị.",
    "not_opened": "{quarter} chưa được mở để báo cáo: chỉ văn phòng Khối mở kỳ báo cáo",
    "locked": "kỳ {quarter} đã khoá: không nhận thêm số liệu; văn phòng Khối cần mở lại kỳ trước",
    "approved": ("Báo cáo {unit} {quarter} đã được duyệt (khoá): không nhập đè; chỉ văn phòng Khối "
                 "mở lại được báo cáo đã duyệt"),
    "submitted": ("Báo cáo {unit} {quarter} đã gửi, đang chờ duyệt: chỉ nhập vào báo cáo nháp hoặc "
                  "báo cáo chưa có; hãy trả báo cáo về bản nháp rồi nhập lại"),
    "exists": ("Báo cáo {unit} {quarter} đã có ({status}): nhập bù dạng đã duyệt chỉ tạo báo cáo "
               "chưa có; hãy sửa báo cáo đó trên màn hình nhập báo cáo"),
    "ratio": ("{numerator} ({top}) lớn hơn {denominator} ({bottom}): {ratio} không thể vượt 100%."),
    "reason": "Cần ghi lý do nhập số liệu dạng đã duyệt (ví dụ: nhập bù số liệu các quý trước).",
    "not_backfiller": "Chỉ quản trị và văn phòng Khối nhập số liệu dạng đã duyệt.",
    "not_writer": ("Văn phòng Khối không sửa số liệu của đơn vị: chỉ nhập bù số liệu dạng đã duyệt "
                   "(đánh dấu «Nhập dạng đã duyệt» và ghi lý do)."),
}
STATUS_WORDS = {"draft": "bản nháp", "submitted": "đã gửi", "approved": "đã duyệt"}


def figure_problem(value):
    """A whole non-negative figure, at most MAX_DIGITS digits."""
    if value is not None and value > MAX_FIGURE:
        return TEXT["too_big"]
    return None


def year_problem(year):
    """The years the totals page and the grid accept (portal.reporting.totals.check_quarter)."""
    if not FIRST_YEAR <= year <= LAST_YEAR:
        return TEXT["year"]
    return None


def files_reports(organisation):
    """The bloc root files no report: its figures are its units' sum."""
    return organisation.kind != "khoi"


def unit_problem(organisation):
    return None if files_reports(organisation) else TEXT["bloc"]


def may_open_period(role):
    return role in APPROVERS


def period_problem(period, year, quarter, role):
    """May figures go into this quarter (`period` None: never opened)?"""
    label = quarter_label(year, quarter)
    if period is None:
        return None if may_open_period(role) else TEXT["not_opened"].format(quarter=label)
    if not period.is_open:
        return TEXT["locked"].format(quarter=label)
    return None


def import_report_problem(report, code, year, quarter, approve=False):
    """May an import write into this existing report (None: there is none)?

    An ordinary import writes drafts only; the back-fill creates approved
    reports and never overwrites one, whatever its status.
    """
    if report is None:
        return None
    where = {"unit": code, "quarter": quarter_label(year, quarter)}
    if approve:
        return TEXT["exists"].format(status=STATUS_WORDS.get(report.status, report.status), **where)
    if report.status == "approved":
        return TEXT["approved"].format(**where)
    if report.status != "draft":
        return TEXT["submitted"].format(**where)
    return None


def import_problem(role, approve, reason):
    """May this user import at all, as drafts or (`approve`) as approved reports?

    The secretariat keeps no unit's figures (README, "Who sees what"): it may
    only back-fill history as approved reports, which is its approving power
    used on paper already approved at past meetings, always with a reason.
    """
    if approve:
        if role not in BACKFILLERS:
            return TEXT["not_backfiller"]
        if not (reason or "").strip():
            return TEXT["reason"]
        return None
    if role not in FIGURE_WRITERS:
        return TEXT["not_writer"] if role in BACKFILLERS else TEXT["not_backfiller"]
    return None


def ratio_problems(indicators, values):
    """[(numerator indicator, reason)] for each percentage whose numerator
    exceeds its denominator; `indicators` all of the unit's indicators,
    `values` {indicator id: figure or None} of one report."""
    by_id = {i.id: i for i in indicators}
    problems = []
    for ratio in indicators:
        if ratio.kind != "ratio" or ratio.scale != 100:
            continue
        top, bottom = values.get(ratio.numerator_id), values.get(ratio.denominator_id)
        if top is None or bottom is None or top <= bottom:
            continue
        numerator, denominator = by_id.get(ratio.numerator_id), by_id.get(ratio.denominator_id)
        if numerator is None or denominator is None:
            continue
        problems.append((numerator, TEXT["ratio"].format(
            numerator=numerator.label, top=format_number(top), denominator=denominator.label.lower(),
            bottom=format_number(bottom), ratio=ratio.label.lower())))
    return problems
