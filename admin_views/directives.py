"""Directives, their assignments and each organisation's implementation reports."""
from flask_admin.model.form import InlineFormAdmin

from admin_views.base import PortalModelView
from admin_views.fields import AttachmentField, attachment_link
from admin_views.filters import InSubtreeFilter, choice_filter
from models import Directive, DirectiveAssignment, ImplementationReport

REPORT_LABELS = {
    "directive": "Văn bản", "organisation": "Đơn vị", "reported_on": "Ngày báo cáo",
    "content": "Nội dung", "status": "Tình trạng", "attachment": "Tệp đính kèm",
}


class AssignmentInline(InlineFormAdmin):
    form_columns = ("id", "organisation", "deadline", "recurrence")
    column_labels = {"organisation": "Đơn vị được giao", "deadline": "Hạn báo cáo",
                     "recurrence": "Thời hạn"}
    form_label = "Đơn vị được giao và hạn báo cáo"


class ReportInline(InlineFormAdmin):
    form_columns = ("id", "organisation", "reported_on", "status", "content")
    column_labels = REPORT_LABELS
    form_label = "Báo cáo thực hiện của các đơn vị"


class DirectiveView(PortalModelView):
    api_name = "directives"  # /api/v1/directives
    access = "catalogue"
    column_list = ("number", "kind", "issuer", "issued_on", "title", "implements", "attachment")
    column_labels = {
        "number": "Số, ký hiệu", "kind": "Loại văn bản", "issuer": "Cơ quan ban hành",
        "issued_on": "Ngày ban hành", "title": "Trích yếu", "attachment": "Tệp văn bản",
        "implements": "Thực hiện văn bản", "assignments": "Đơn vị được giao",
        "reports": "Báo cáo thực hiện",
    }
    column_sortable_list = ("number", "kind", "issuer", "issued_on")
    column_default_sort = ("issued_on", True)
    column_filters = (choice_filter(Directive.kind, "Loại văn bản"), Directive.issuer,
                      Directive.issued_on)
    column_formatters = {"attachment": attachment_link}
    column_formatters_detail = {"attachment": attachment_link}
    form_columns = ("number", "kind", "issuer", "issued_on", "title", "implements", "attachment")
    form_overrides = {"attachment": AttachmentField}
    form_args = {"attachment": {"subdir": "directives"}}
    form_widget_args = {"number": {"placeholder": "Ví dụ: 11-CT/TU"}}
    inline_models = (AssignmentInline(DirectiveAssignment), ReportInline(ImplementationReport))
    search_hint = "số, ký hiệu, trích yếu"


class ImplementationReportView(PortalModelView):
    api_name = "implementation-reports"  # /api/v1/implementation-reports
    access = "owned"
    scope_field = ImplementationReport.organisation
    column_list = ("directive", "organisation", "reported_on", "status", "attachment")
    column_labels = REPORT_LABELS
    column_sortable_list = ("reported_on", "status")
    column_default_sort = ("reported_on", True)
    column_filters = (InSubtreeFilter(ImplementationReport.organisation, "Đơn vị"),
                      choice_filter(ImplementationReport.status, "Tình trạng"),
                      ImplementationReport.reported_on)
    column_formatters = {"attachment": attachment_link}
    column_formatters_detail = {"attachment": attachment_link}
    form_columns = ("directive", "organisation", "reported_on", "status", "content", "attachment")
    form_overrides = {"attachment": AttachmentField}
    form_args = {"attachment": {"subdir": "reports"}}
