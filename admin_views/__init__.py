"""Flask-Admin views, one module per domain on one shared base."""
from admin_views.audit import AuditLogView
from admin_views.base import PortalModelView
from admin_views.campaigns import CampaignResultView, CampaignView
from admin_views.directives import DirectiveView, ImplementationReportView
from admin_views.members import MemberView
from admin_views.organisations import (
    AdministrativeUnitView, OrganisationChangeView, OrganisationView, VillageView,
)
from admin_views.reporting import IndicatorView, QuarterlyReportView, ReportingPeriodView
from admin_views.system import SettingView
from admin_views.twinning import TwinningLinkView
from admin_views.users import UserView

__all__ = [
    "IndicatorView", "QuarterlyReportView", "ReportingPeriodView",
    "AuditLogView", "UserView", "AdministrativeUnitView", "CampaignResultView", "CampaignView", "DirectiveView",
    "ImplementationReportView", "MemberView", "OrganisationChangeView", "OrganisationView",
    "PortalModelView", "SettingView", "TwinningLinkView", "VillageView",
]
