"""The indicator catalogue, reporting quarters and quarterly reports."""
from flask import url_for
from flask_admin.contrib.peewee.filters import FilterEqual
from flask_admin.model.template import LinkRowAction
from markupsafe import Markup, escape

from admin_views.base import PortalModelView
from admin_views.filters import InSubtreeFilter, choice_filter
from admin_views.formatters import format_number
from admin_views.report_pages import ReportPages
from models import Indicator, QuarterlyReport, ReportingPeriod, ReportValue
from portal import webhooks


class IndicatorView(PortalModelView):
    api_name = "indicators"  # /api/v1/indicators
    access = "catalogue"
    column_list = ("position", "code", "label", "unit", "kind", "group", "reported_by", "retired_on")
    column_labels = {
        "code": "Mã", "label": "Tên chỉ tiêu", "unit": "Đơn vị tính", "kind": "Cách cộng",
        "numerator": "Tử số (với tỷ lệ)", "denominator": "Mẫu số (với tỷ lệ)",
        "scale": "Nhân với (100 cho %)", "group": "Nhóm", "position": "Thứ tự",
        "reported_by": "Khối báo cáo (mã loại, cách nhau dấu phẩy; trống: tất cả)",
        "derived_from": "Lấy từ hồ sơ hội viên", "retired_on": "Ngừng dùng từ",
    }
    column_sortable_list = ("position", "code", "label", "group")
    column_default_sort = "position"
    column_filters = (choice_filter(Indicator.kind, "Cách cộng"),)
    form_columns = ("code", "label", "unit", "kind", "numerator", "denominator", "scale",
                    "group", "position", "reported_by", "derived_from", "retired_on")
    search_hint = "mã, tên chỉ tiêu"


def _submissions_link(view, context, model, name):
    url = url_for("quarterlyreport.submissions", period=model.id)
    return Markup(f'<a href="{escape(url)}">Đơn vị đã nộp, chưa nộp</a>')


class ReportingPeriodView(PortalModelView):
    api_name = "reporting-periods"  # /api/v1/reporting-periods
    access = "catalogue"
    column_list = ("year", "quarter", "deadline", "status", "opened_at", "submissions")
    column_labels = {"year": "Năm", "quarter": "Quý", "deadline": "Hạn nộp báo cáo",
                     "status": "Tình trạng", "opened_at": "Mở lúc", "note": "Ghi chú",
                     "submissions": "Tình hình nộp báo cáo"}
    column_formatters = {"submissions": _submissions_link}
    column_default_sort = [("year", True), ("quarter", True)]
    form_columns = ("year", "quarter", "deadline", "status", "note")

    def on_model_change(self, form, model, is_created):
        super().on_model_change(form, model, is_created)
        # Locking an open quarter is news to the webhooks, in this save's transaction.
        if not is_created and model.status == "closed" \
                and ReportingPeriod.get_by_id(model.id).status == "open":
            webhooks.period_locked(model)


def _entry_link(view, context, model, name):
    url = url_for(".entry", id=model.id)
    return Markup(f'<a href="{escape(url)}" title="Mở bảng số liệu">{escape(model.organisation)}</a>')


def _status(view, context, model, name):
    shown = escape(dict(QuarterlyReport.status.choices).get(model.status, model.status))
    if model.is_returned:
        shown += Markup(' <span class="badge badge-warning returned" title="{}">Bị trả lại</span>').format(
            f"Lý do: {model.return_reason}")
    if model.is_late:
        late = "Nộp muộn" if model.submitted_at is not None else "Quá hạn, chưa gửi"
        shown += Markup(f' <span class="badge badge-danger late">{late}</span>')
    return shown


def _figures(view, context, model, name):
    rows = "".join(
        f"<tr><td>{escape(v.indicator.label)}</td><td class=\"text-right\">{format_number(v.value)}</td></tr>"
        for v in ReportValue.select(ReportValue, Indicator).join(Indicator)
        .where(ReportValue.report == model.id).order_by(Indicator.position))
    return Markup(f'<table class="table table-sm mb-0">{rows}</table>') if rows else "—"


class QuarterlyReportView(ReportPages, PortalModelView):
    api_name = "quarterly-reports"  # /api/v1/quarterly-reports
    access = "owned"
    scope_field = QuarterlyReport.organisation
    # Figures are written in the entry grid, one screen per unit and quarter,
    # through the report workflow; reports are history and never deleted.
    can_create = False
    can_edit = False
    can_delete = False
    list_template = "admin/reports/list.html"
    column_list = ("organisation", "period", "status", "submitted_at", "approved_at")
    column_details_list = ("organisation", "period", "status", "submitted_at", "approved_at",
                           "returned_at", "return_reason", "note", "figures")
    column_labels = {"organisation": "Đơn vị", "period": "Kỳ báo cáo", "status": "Tình trạng",
                     "submitted_at": "Gửi lúc", "approved_at": "Duyệt lúc",
                     "returned_at": "Trả lại lúc", "return_reason": "Lý do trả lại", "note": "Ghi chú",
                     "figures": "Số liệu"}
    column_formatters = {"organisation": _entry_link, "status": _status}
    column_formatters_detail = {"organisation": _entry_link, "status": _status, "figures": _figures}
    column_filters = (InSubtreeFilter(QuarterlyReport.organisation, "Đơn vị"),
                      # Filter options are fixed at start-up, so the quarter is
                      # chosen by year and number rather than from the periods.
                      FilterEqual(ReportingPeriod.year, "Năm"),
                      FilterEqual(ReportingPeriod.quarter, "Quý", options=ReportingPeriod.quarter.choices),
                      choice_filter(QuarterlyReport.status, "Tình trạng"))
    column_extra_row_actions = [
        LinkRowAction("fa fa-table", lambda action, row_id, row: url_for(".entry", id=row_id),
                      title="Mở bảng số liệu"),
    ]
