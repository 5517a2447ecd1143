"""Every record type, re-exported; ALL_MODELS is in dependency order."""
from models.api_token import ApiToken
from models.audit import AuditLog, LoginAttempt
from models.base import BaseModel, SearchableModel, VersionedModel, db
from models.campaign import Campaign, CampaignParticipant, CampaignResult
from models.directive import Directive, DirectiveAssignment, ImplementationReport
from models.geography import AdministrativeUnit, Village
from models.job import Job
from models.meeting import Meeting, MeetingUnit, Task, TaskAssignment, TaskUpdate
from models.member import Member
from models.member_count import MemberCount
from models.notification import Notification
from models.organisation import Organisation, OrganisationChange
from models.reporting import Indicator, QuarterlyReport, ReportingPeriod, ReportValue
from models.setting import Setting
from models.twinning import TwinningActivity, TwinningLink
from models.user import User
from models.webhook import Webhook, WebhookAttempt, WebhookDelivery

ALL_MODELS = [
    Setting, AdministrativeUnit, Village, Organisation, OrganisationChange, User,
    Member, MemberCount, Directive, DirectiveAssignment, ImplementationReport,
    Campaign, CampaignParticipant, CampaignResult, TwinningLink, TwinningActivity,
    AuditLog, LoginAttempt, Indicator, ReportingPeriod, QuarterlyReport, ReportValue, Job,
    ApiToken, Webhook, WebhookDelivery, WebhookAttempt, Notification,
    Meeting, MeetingUnit, Task, TaskAssignment, TaskUpdate,
]

__all__ = [m.__name__ for m in ALL_MODELS] + [
    "ALL_MODELS", "BaseModel", "SearchableModel", "VersionedModel", "db",
]
