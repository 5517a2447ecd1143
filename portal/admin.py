"""The admin site: which record types appear, under which Vietnamese names."""
from flask_admin import Admin, AdminIndexView, expose
from flask_admin.menu import MenuLink
from flask_admin.theme import Bootstrap4Theme

import admin_views as views
from admin_views.access import SignedInPage
from models import (
    AdministrativeUnit, AuditLog, Campaign, CampaignResult, Directive, ImplementationReport, Indicator,
    Member, Organisation, OrganisationChange, QuarterlyReport, ReportingPeriod, Setting, TwinningLink,
    User, Village,
)
from portal.account import AccountView
from portal.excel import import_view
from portal.headers import csp_nonce
from portal.reporting.dashboard import DashboardView
from portal.reporting.totals_view import TotalsView
from portal.reporting.upload_view import ReportImportView
from portal.jobs.views import JobsView


class PortalIndexView(SignedInPage, AdminIndexView):
    @expose("/")
    def index(self):
        # Counted through each view's own query, so every figure is scoped.
        counts = []
        for view in self.admin._views:
            if getattr(view, "endpoint", None) in HOME_COUNTS and view.is_accessible():
                count = f"{view.get_query().count():,}".replace(",", ".")
                counts.append((HOME_COUNTS[view.endpoint], count, f"{view.endpoint}.index_view"))
        return self.render("admin/index.html", counts=counts)


HOME_COUNTS = {
    "organisation": "Tổ chức", "member": "Hội viên", "directive": "Văn bản chỉ đạo",
    "twinninglink": "Quan hệ kết nghĩa",
}


# (view class, model, menu name, menu category)
REGISTRY = [
    (views.OrganisationView, Organisation, "Tổ chức", "Tổ chức"),
    (views.OrganisationChangeView, OrganisationChange, "Lịch sử thay đổi tổ chức", "Tổ chức"),
    (views.AdministrativeUnitView, AdministrativeUnit, "Đơn vị hành chính", "Địa bàn"),
    (views.VillageView, Village, "Thôn, làng, tổ dân phố", "Địa bàn"),
    (views.MemberView, Member, "Hội viên, đoàn viên", None),
    (views.QuarterlyReportView, QuarterlyReport, "Báo cáo quý", "Báo cáo quý"),
    (views.ReportingPeriodView, ReportingPeriod, "Kỳ báo cáo", "Báo cáo quý"),
    (views.IndicatorView, Indicator, "Danh mục chỉ tiêu", "Báo cáo quý"),
    (views.DirectiveView, Directive, "Văn bản chỉ đạo", "Văn bản"),
    (views.ImplementationReportView, ImplementationReport, "Báo cáo thực hiện", "Văn bản"),
    (views.CampaignView, Campaign, "Phong trào, cuộc vận động", "Phong trào"),
    (views.CampaignResultView, CampaignResult, "Kết quả phong trào", "Phong trào"),
    (views.TwinningLinkView, TwinningLink, "Kết nghĩa", None),
    (views.UserView, User, "Tài khoản", "Hệ thống"),
    (views.AuditLogView, AuditLog, "Nhật ký hệ thống", "Hệ thống"),
    (views.SettingView, Setting, "Cấu hình", "Hệ thống"),
]


def build_admin(app):
    admin = Admin(
        app,
        name="Giao ban Khối",
        index_view=PortalIndexView(name="Trang chủ", url="/admin"),
        theme=Bootstrap4Theme(base_template="portal_base.html", fluid=True),
        csp_nonce_generator=csp_nonce,
    )
    for view_class, model, name, category in REGISTRY:
        admin.add_view(view_class(model, name=name, category=category))
    # Upload → preview → confirm, one page per kind, for whoever may create its records.
    for kind, name, slug in ((import_view.MEMBERS, "Nhập hội viên từ tệp", "members"),
                             (import_view.VILLAGES, "Nhập thôn, làng từ tệp", "villages"),
                             (import_view.ORGANISATIONS, "Nhập tổ chức từ tệp", "organisations")):
        admin.add_view(import_view.ImportView(kind, name=name, endpoint=f"import_{slug}",
                                              url=f"/admin/import-{slug}", category="Nhập dữ liệu"))
    admin.add_view(AccountView(name="Đổi mật khẩu", endpoint="account", url="/admin/account"))
    admin.add_view(JobsView(name="Tác vụ nền", endpoint="jobs", url="/admin/jobs"))
    admin.add_view(ReportImportView(name="Nhập số liệu báo cáo", endpoint="import_reports",
                                    url="/admin/import-reports", category="Báo cáo quý"))
    for name, endpoint in (("Nhập báo cáo", "quarterlyreport.entry"),
                           ("Tình hình nộp báo cáo", "quarterlyreport.submissions")):
        admin.add_link(MenuLink(name=name, endpoint=endpoint, category="Báo cáo quý"))
    admin.add_view(TotalsView(name="Tổng hợp giao ban", endpoint="totals", url="/admin/totals",
                              category="Báo cáo quý"))
    admin.add_view(DashboardView(name="Biểu đồ", endpoint="dashboard", url="/admin/dashboard",
                                 category="Báo cáo quý"))
    return admin
