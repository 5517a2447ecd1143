"""The admin site: which record types appear, under which Vietnamese names."""
from flask import redirect, request, url_for
from flask_admin import Admin, AdminIndexView, expose
from flask_admin.theme import Bootstrap4Theme
from flask_login import current_user

import admin_views as views
from models import (
    AdministrativeUnit, Campaign, CampaignResult, Directive, ImplementationReport, Member,
    Organisation, OrganisationChange, Setting, TwinningLink, Village,
)


class PortalIndexView(AdminIndexView):
    def is_accessible(self):
        return current_user.is_authenticated

    def inaccessible_callback(self, name, **kwargs):
        return redirect(url_for("auth.login", next=request.full_path))

    @expose("/")
    def index(self):
        counts = [
            ("Tổ chức", Organisation.select().count(), "organisation.index_view"),
            ("Hội viên", Member.select().count(), "member.index_view"),
            ("Văn bản chỉ đạo", Directive.select().count(), "directive.index_view"),
            ("Quan hệ kết nghĩa", TwinningLink.select().count(), "twinninglink.index_view"),
        ]
        counts = [(label, f"{n:,}".replace(",", "."), endpoint) for label, n, endpoint in counts]
        return self.render("admin/index.html", counts=counts)


# (view class, model, menu name, menu category)
REGISTRY = [
    (views.OrganisationView, Organisation, "Tổ chức", "Tổ chức"),
    (views.OrganisationChangeView, OrganisationChange, "Lịch sử thay đổi tổ chức", "Tổ chức"),
    (views.AdministrativeUnitView, AdministrativeUnit, "Đơn vị hành chính", "Địa bàn"),
    (views.VillageView, Village, "Thôn, làng, tổ dân phố", "Địa bàn"),
    (views.MemberView, Member, "Hội viên, đoàn viên", None),
    (views.DirectiveView, Directive, "Văn bản chỉ đạo", "Văn bản"),
    (views.ImplementationReportView, ImplementationReport, "Báo cáo thực hiện", "Văn bản"),
    (views.CampaignView, Campaign, "Phong trào, cuộc vận động", "Phong trào"),
    (views.CampaignResultView, CampaignResult, "Kết quả phong trào", "Phong trào"),
    (views.TwinningLinkView, TwinningLink, "Kết nghĩa", None),
    (views.SettingView, Setting, "Cấu hình", "Hệ thống"),
]


def build_admin(app):
    admin = Admin(
        app,
        name="Giao ban Khối",
        index_view=PortalIndexView(name="Trang chủ", url="/admin"),
        theme=Bootstrap4Theme(base_template="portal_base.html", fluid=True),
    )
    for view_class, model, name, category in REGISTRY:
        admin.add_view(view_class(model, name=name, category=category))
    return admin
