"""The indicator catalogue, reporting quarters and quarterly reports."""
from admin_views.base import PortalModelView
from admin_views.filters import InSubtreeFilter, choice_filter
from models import Indicator, QuarterlyReport, ReportingPeriod


class IndicatorView(PortalModelView):
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


class ReportingPeriodView(PortalModelView):
    access = "catalogue"
    column_list = ("year", "quarter", "deadline", "status", "opened_at")
    column_labels = {"year": "Năm", "quarter": "Quý", "deadline": "Hạn nộp báo cáo",
                     "status": "Tình trạng", "opened_at": "Mở lúc", "note": "Ghi chú"}
    column_default_sort = [("year", True), ("quarter", True)]
    form_columns = ("year", "quarter", "deadline", "status", "note")


class QuarterlyReportView(PortalModelView):
    access = "owned"
    scope_field = QuarterlyReport.organisation
    column_list = ("organisation", "period", "status", "submitted_at", "approved_at")
    column_labels = {"organisation": "Đơn vị", "period": "Kỳ báo cáo", "status": "Tình trạng",
                     "submitted_at": "Gửi lúc", "approved_at": "Duyệt lúc", "note": "Ghi chú"}
    column_filters = (InSubtreeFilter(QuarterlyReport.organisation, "Đơn vị"),
                      choice_filter(QuarterlyReport.status, "Tình trạng"))
    form_columns = ("organisation", "period", "note")
