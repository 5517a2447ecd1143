"""Directives, their assignments and each organisation's implementation reports.

Who has reported on a directive and who is late (`standings`) is read from
the implementation reports, which each unit keeps for itself: a user bound
to a unit sees the standing of its own section's assignments only.
"""
from flask import render_template
from flask_admin import expose
from flask_admin.model.form import InlineFormAdmin
from markupsafe import Markup

from admin_views.access import organisations_in_scope
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


def standings(directive=None, today=None):
    """[Standing] of the assignments in the user's section (of one directive,
    or of all), most urgent first; without names (DirectiveAssignment.with_names)."""
    query = DirectiveAssignment.lean()
    if directive is not None:
        query = query.where(DirectiveAssignment.directive == directive.id)
    ids = organisations_in_scope()
    if ids is not None:
        query = query.where(DirectiveAssignment.organisation.in_(ids))
    return DirectiveAssignment.standings(query, today)


def _progress(view, context, model, name):
    found = DirectiveAssignment.with_names(standings(model))
    return Markup(render_template("admin/directives/_standings.html", standings=found, directive=model))


class DirectiveView(PortalModelView):
    api_name = "directives"  # /api/v1/directives
    access = "catalogue"
    column_list = ("number", "kind", "issuer", "issued_on", "title", "implements", "attachment")
    column_labels = {
        "number": "Số, ký hiệu", "kind": "Loại văn bản", "issuer": "Cơ quan ban hành",
        "issued_on": "Ngày ban hành", "title": "Trích yếu", "attachment": "Tệp văn bản",
        "implements": "Thực hiện văn bản", "assignments": "Đơn vị được giao",
        "reports": "Báo cáo thực hiện", "progress": "Tiến độ báo cáo của các đơn vị",
    }
    column_sortable_list = ("number", "kind", "issuer", "issued_on")
    column_default_sort = ("issued_on", True)
    column_filters = (choice_filter(Directive.kind, "Loại văn bản"), Directive.issuer,
                      Directive.issued_on)
    column_formatters = {"attachment": attachment_link}
    column_details_list = ("number", "kind", "issuer", "issued_on", "title", "implements", "attachment",
                           "progress")
    column_formatters_detail = {"attachment": attachment_link, "progress": _progress}
    form_columns = ("number", "kind", "issuer", "issued_on", "title", "implements", "attachment")
    form_overrides = {"attachment": AttachmentField}
    form_args = {"attachment": {"subdir": "directives"}}
    form_widget_args = {"number": {"placeholder": "Ví dụ: 11-CT/TU"}}
    inline_models = (AssignmentInline(DirectiveAssignment), ReportInline(ImplementationReport))
    search_hint = "số, ký hiệu, trích yếu"
    list_template = "admin/directives/list.html"

    @expose("/late/")
    def late(self):
        """Every assignment in the user's section whose deadline passed unreported."""
        found = [s for s in standings() if s.is_late]
        return self.render("admin/directives/late.html", standings=DirectiveAssignment.with_names(found))


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
