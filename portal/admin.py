"""The admin site: which record types appear, under which Vietnamese names."""
from flask_admin import Admin, AdminIndexView, expose
from flask_admin.menu import MenuLink
from flask_admin.theme import Bootstrap4Theme

import admin_views as views
from admin_views.access import SignedInPage
from admin_views.meetings import MeetingView
from admin_views.task_board import TaskBoardView
from admin_views.task_status import meeting_tasks
from admin_views.tasks import TaskAssignmentView, TaskView
from admin_views.webhooks import WebhookDeliveryView, WebhookView
from models import (
    AdministrativeUnit, AuditLog, Campaign, CampaignResult, Directive, ImplementationReport, Indicator,
    Meeting, Member, Organisation, OrganisationChange, QuarterlyReport, ReportingPeriod, Setting, Task,
    TaskAssignment, TwinningLink, User, Village, Webhook, WebhookDelivery,
)
from portal import home
from portal.account import AccountView
from portal.api_keys_view import ApiKeysView
from portal.documents.views import DocumentTextsView, MeetingDocumentsView
from portal.excel import import_view
from portal.headers import csp_nonce
from portal.reporting.dashboard import DashboardView
from portal.reporting.people_view import PeopleInSeveralUnitsView
from portal.reporting.totals_view import TotalsView
from portal.reporting.upload_view import ReportImportView
from portal.jobs.views import JobsView
from portal.notifications.views import NotificationsView


class PortalIndexView(SignedInPage, AdminIndexView):
    @expose("/")
    def index(self):
        return self.render("admin/index.html", work=home.quarter_work(self.admin),
                           directives=home.directive_work(self.admin), tasks=home.task_work(self.admin))


IMPORTS = "Nhập dữ liệu"

# (view class, model, menu name, menu category)
REGISTRY = [
    (views.OrganisationView, Organisation, "Cây tổ chức", "Tổ chức"),
    (views.OrganisationChangeView, OrganisationChange, "Lịch sử thay đổi tổ chức", "Tổ chức"),
    (views.AdministrativeUnitView, AdministrativeUnit, "Đơn vị hành chính", "Địa bàn"),
    (views.VillageView, Village, "Thôn, làng, tổ dân phố", "Địa bàn"),
    (views.MemberView, Member, "Hội viên, đoàn viên", None),
    (views.QuarterlyReportView, QuarterlyReport, "Báo cáo các đơn vị", "Báo cáo quý"),
    (views.ReportingPeriodView, ReportingPeriod, "Kỳ báo cáo", "Báo cáo quý"),
    (views.IndicatorView, Indicator, "Danh mục chỉ tiêu", "Báo cáo quý"),
    (views.DirectiveView, Directive, "Văn bản chỉ đạo", "Văn bản"),
    (views.ImplementationReportView, ImplementationReport, "Báo cáo thực hiện", "Văn bản"),
    (views.CampaignView, Campaign, "Phong trào, cuộc vận động", "Phong trào"),
    (views.CampaignResultView, CampaignResult, "Kết quả phong trào", "Phong trào"),
    (views.TwinningLinkView, TwinningLink, "Kết nghĩa", None),
    (MeetingView, Meeting, "Các hội nghị", "Hội nghị giao ban"),
    (TaskView, Task, "Danh sách nhiệm vụ", "Hội nghị giao ban"),
    (TaskAssignmentView, TaskAssignment, "Nhiệm vụ của đơn vị", "Hội nghị giao ban"),
    (views.UserView, User, "Tài khoản", "Hệ thống"),
    (views.AuditLogView, AuditLog, "Nhật ký hệ thống", "Hệ thống"),
    (views.SettingView, Setting, "Cấu hình", "Hệ thống"),
    (WebhookView, Webhook, "Webhook", "Hệ thống"),
    (WebhookDeliveryView, WebhookDelivery, "Nhật ký gửi webhook", "Hệ thống"),
]


def build_admin(app):
    admin = Admin(
        app,
        name="Giao ban Khối",
        index_view=PortalIndexView(name="Trang chủ", url="/admin"),
        theme=Bootstrap4Theme(base_template="portal_base.html", fluid=True),
        csp_nonce_generator=csp_nonce,
    )
    # The meeting page's task list (templates/admin/meetings/_tasks.html) reads through this.
    app.jinja_env.globals["meeting_tasks"] = meeting_tasks
    for view_class, model, name, category in REGISTRY:
        if model is QuarterlyReport:
            # The quarter's work first, then its lists and catalogues.
            admin.add_link(MenuLink(name="Nhập báo cáo quý", endpoint="quarterlyreport.entry",
                                    category=category))
        admin.add_view(view_class(model, name=name, category=category))
        if model is TaskAssignment:
            admin.add_view(TaskBoardView(name="Bảng theo dõi nhiệm vụ", endpoint="taskboard",
                                         url="/admin/task-board", category=category))
        if model is Member:
            # Beside the members: the secretariat's list across organisations.
            admin.add_view(PeopleInSeveralUnitsView(name="Người tham gia nhiều tổ chức", endpoint="people",
                                                    url="/admin/people"))
        if model is QuarterlyReport:
            admin.add_link(MenuLink(name="Tình hình nộp báo cáo", endpoint="quarterlyreport.submissions",
                                    category=category))
            admin.add_view(TotalsView(name="Tổng hợp giao ban", endpoint="totals", url="/admin/totals",
                                      category=category))
            admin.add_view(DashboardView(name="Biểu đồ", endpoint="dashboard", url="/admin/dashboard",
                                         category=category))
    # Every file import in one menu: upload → preview → confirm, for whoever
    # may create those records.
    for kind, name, slug in ((import_view.MEMBERS, "Nhập hội viên từ tệp", "members"),
                             (import_view.VILLAGES, "Nhập thôn, làng từ tệp", "villages"),
                             (import_view.ORGANISATIONS, "Nhập tổ chức từ tệp", "organisations")):
        admin.add_view(import_view.ImportView(kind, name=name, endpoint=f"import_{slug}",
                                              url=f"/admin/import-{slug}", category=IMPORTS))
    admin.add_view(ReportImportView(name="Nhập số liệu báo cáo từ tệp", endpoint="import_reports",
                                    url="/admin/import-reports", category=IMPORTS))
    # The meeting's Word documents: their editable texts, and the downloads (no menu entry).
    admin.add_view(DocumentTextsView(name="Mẫu văn bản", endpoint="document_texts", url="/admin/document-texts",
                                     category="Hội nghị giao ban"))
    admin.add_view(MeetingDocumentsView(name="Văn bản hội nghị", endpoint="meeting_documents",
                                        url="/admin/meeting-documents"))
    admin.add_view(AccountView(name="Đổi mật khẩu", endpoint="account", url="/admin/account"))
    admin.add_view(ApiKeysView(name="Khóa API", endpoint="api_keys", url="/admin/api-keys"))
    admin.add_view(JobsView(name="Tác vụ nền", endpoint="jobs", url="/admin/jobs"))
    admin.add_view(NotificationsView(name="Thông báo", endpoint="notifications", url="/admin/notifications"))
    return admin
