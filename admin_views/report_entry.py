"""The report entry grid: every figure of one unit's quarter on one form.

One input per indicator that the unit reports that quarter, the previous
quarter's figure beside it, and, for member-derived indicators, the figure
counted from the member records with a marker where the two differ. Ratios
are never typed: they are computed from their two indicators.
"""
import re
from dataclasses import dataclass

from wtforms import HiddenField, TextAreaField

from admin_views import report_rules as rules
from admin_views.fields import WholeNumberField
from admin_views.formatters import format_number
from admin_views.forms import PortalForm
from models import Indicator, QuarterlyReport
from models.reporting import previous_quarter, quarter_label

# Codes of the continuity check: total at end = previous total + new − leaving.
TOTAL, NEW, LEFT = "members_total", "members_new", "members_left"

GROUPED_THOUSANDS = re.compile(r"\d{1,3}(\.\d{3})+")
NUMBER_LIKE = re.compile(r"-?[\d.,\s]+")


class FigureField(WholeNumberField):
    """WholeNumberField, with a reason for the refusals a figure meets most:
    a minus sign, a decimal comma, dots that are not thousands ("1.5")."""

    def process_formdata(self, valuelist):
        text = (valuelist[0] if valuelist else "") or ""
        compact = text.strip().replace(" ", "")
        if compact and NUMBER_LIKE.fullmatch(compact):
            if compact.startswith("-"):
                self.data = None
                raise ValueError("Số liệu không được âm.")
            if "," in compact or ("." in compact and not GROUPED_THOUSANDS.fullmatch(compact)):
                self.data = None
                raise ValueError(f"«{text.strip()}» không phải số nguyên: hàng nghìn viết bằng dấu "
                                 "chấm theo nhóm ba chữ số (ví dụ 1.548), không có phần thập phân.")
        super().process_formdata(valuelist)


def field_name(indicator):
    return f"v{indicator.id}"


def entry_form(indicators, formdata=None, data=None):
    fields = {field_name(i): FigureField(i.label) for i in indicators if i.kind != "ratio"}
    fields["version"] = HiddenField()
    fields["note"] = TextAreaField("Ghi chú")
    form_class = type("ReportEntryForm", (PortalForm,), fields)
    return form_class(formdata=formdata, data=data or {})


def ratio_text(numerator, denominator, indicator):
    """'77,9%' from 223.470 / 286.750 with scale 100; '' when not computable."""
    if numerator is None or not denominator:
        return ""
    value = numerator * indicator.scale / denominator
    shown = f"{value:,.1f}".replace(",", " ").replace(".", ",").replace(" ", ".")
    return f"{shown}%" if indicator.scale == 100 else f"{shown} {indicator.unit}".strip()


@dataclass
class Line:
    indicator: Indicator
    field: object = None  # None for a ratio
    previous: int | None = None
    derived: int | None = None
    warning: str = ""
    computed: str = ""

    @property
    def entered(self):
        if self.field is None or self.field.errors:
            return None
        return self.field.data

    @property
    def mismatch(self):
        return self.derived is not None and self.entered is not None and self.entered != self.derived


class EntryGrid:
    """The form and its lines for one unit and one (existing) reporting period."""

    def __init__(self, organisation, period, report, formdata=None):
        self.organisation, self.period, self.report = organisation, period, report
        self.indicators = Indicator.for_quarter(organisation.kind, period.year, period.quarter)
        stored = report.figures() if report is not None else {}
        data = {field_name(i): stored.get(i.id) for i in self.indicators}
        data.update(version=report.version if report is not None else 0,
                    note=report.note if report is not None else "")
        self.form = entry_form(self.indicators, formdata, data)
        before = previous_quarter(period.year, period.quarter)
        self.previous_label = quarter_label(*before)
        self.previous_report = QuarterlyReport.find(organisation.id, *before)
        previous = self.previous_report.figures() if self.previous_report is not None else {}
        # None: the unit keeps no member records here, so nothing to derive.
        self.members = period.member_figures(organisation)
        self.lines = [
            Line(i, getattr(self.form, field_name(i), None), previous.get(i.id),
                 (self.members or {}).get(i.derived_from) if i.derived_from else None)
            for i in self.indicators
        ]
        self.by_code = {line.indicator.code: line for line in self.lines}
        self.refresh()

    # --- what the page shows --------------------------------------------

    def groups(self):
        """[(group, [lines])] in catalogue order, each group where it first appears."""
        grouped = {}
        for line in self.lines:
            grouped.setdefault(line.indicator.group or "Chỉ tiêu khác", []).append(line)
        return list(grouped.items())

    def refresh(self):
        """Recompute ratios and the continuity warning from the current inputs."""
        by_id = {line.indicator.id: line for line in self.lines}
        for line in self.lines:
            if line.indicator.kind == "ratio":
                numerator = by_id.get(line.indicator.numerator_id)
                denominator = by_id.get(line.indicator.denominator_id)
                line.computed = ratio_text(numerator and numerator.entered,
                                           denominator and denominator.entered, line.indicator)
        total = self.by_code.get(TOTAL)
        if total is not None:
            total.warning = self.continuity_warning() or ""

    def continuity_warning(self):
        total, new, left = (self.by_code.get(code) for code in (TOTAL, NEW, LEFT))
        if total is None or total.entered is None or total.previous is None:
            return None
        if any(line is not None and line.field.errors for line in (new, left)):
            return None  # the message beside the bad figure comes first
        added = (new.entered or 0) if new is not None else 0
        removed = (left.entered or 0) if left is not None else 0
        expected = total.previous + added - removed
        if total.entered == expected:
            return None
        return (f"Tổng số cuối kỳ ({format_number(total.entered)}) khác số tính từ quý trước: "
                f"{format_number(total.previous)} + {format_number(added)} kết nạp mới − "
                f"{format_number(removed)} giảm = {format_number(expected)}. Hãy kiểm tra lại.")

    def mismatches(self):
        return [line for line in self.lines if line.mismatch]

    # --- what a POST does -----------------------------------------------

    def validate(self):
        valid = self.form.validate()
        entered = {line.indicator.id: line.entered for line in self.lines}
        for numerator, reason in rules.ratio_problems(self.indicators, entered):
            self.by_code[numerator.code].field.errors.append(reason)
            valid = False
        self.refresh()
        return valid

    def values(self):
        """{Indicator: int or None} to store; ratios are never stored."""
        return {line.indicator: line.field.data for line in self.lines if line.field is not None}

    def note(self):
        return (self.form.note.data or "").strip() or None

    def fill_from_members(self):
        """Put the derived figures into the inputs (not saved until the user saves)."""
        for line in self.lines:
            if line.derived is not None and line.field is not None:
                line.field.data, line.field.raw_data = line.derived, []
                line.field.process_errors = []
        self.refresh()
