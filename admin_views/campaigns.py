"""Emulation campaigns, their participants and results per quarter."""
from flask_admin.model.form import InlineFormAdmin
from wtforms.validators import ValidationError

from admin_views.base import PortalModelView
from admin_views.filters import InSubtreeFilter, choice_filter
from models import Campaign, CampaignParticipant, CampaignResult

RESULT_LABELS = {
    "campaign": "Phong trào", "organisation": "Đơn vị", "year": "Năm", "quarter": "Quý",
    "models_built": "Mô hình", "funds_mobilised": "Kinh phí vận động (đồng)",
    "houses_built": "Nhà xây mới", "houses_repaired": "Nhà sửa chữa",
    "people_supported": "Người được hỗ trợ", "workdays": "Ngày công", "note": "Ghi chú",
}


class ParticipantInline(InlineFormAdmin):
    form_columns = ("id", "organisation")
    column_labels = {"organisation": "Đơn vị tham gia"}
    form_label = "Đơn vị tham gia"


class ResultInline(InlineFormAdmin):
    form_columns = ("id", "organisation", "year", "quarter", "models_built", "funds_mobilised",
                    "houses_built", "houses_repaired", "people_supported", "workdays", "note")
    column_labels = RESULT_LABELS
    form_label = "Kết quả theo đơn vị và quý"


class CampaignView(PortalModelView):
    api_name = "campaigns"  # /api/v1/campaigns
    access = "catalogue"
    column_list = ("name", "kind", "leading_organisation", "starts_on", "ends_on", "directive")
    column_labels = {
        "name": "Tên phong trào / cuộc vận động", "kind": "Loại",
        "leading_organisation": "Đơn vị chủ trì", "starts_on": "Bắt đầu", "ends_on": "Kết thúc",
        "directive": "Căn cứ văn bản", "description": "Mô tả",
        "participants": "Đơn vị tham gia", "results": "Kết quả",
    }
    column_sortable_list = ("name", "kind", "starts_on")
    column_default_sort = ("starts_on", True)
    column_filters = (choice_filter(Campaign.kind, "Loại"), Campaign.starts_on)
    form_columns = ("name", "kind", "leading_organisation", "starts_on", "ends_on",
                    "directive", "description")
    inline_models = (ParticipantInline(CampaignParticipant), ResultInline(CampaignResult))
    search_hint = "tên phong trào"

    def on_model_change(self, form, model, is_created):
        super().on_model_change(form, model, is_created)
        if model.ends_on and model.starts_on and model.ends_on < model.starts_on:
            raise ValidationError("Ngày kết thúc không được trước ngày bắt đầu.")


class CampaignResultView(PortalModelView):
    api_name = "campaign-results"  # /api/v1/campaign-results
    access = "owned"
    scope_field = CampaignResult.organisation
    column_list = ("campaign", "organisation", "year", "quarter", "models_built",
                   "funds_mobilised", "houses_built", "houses_repaired", "people_supported")
    column_labels = RESULT_LABELS
    column_sortable_list = ("year", "quarter", "funds_mobilised")
    column_default_sort = [("year", True), ("quarter", True)]
    column_filters = (InSubtreeFilter(CampaignResult.organisation, "Đơn vị"),
                      CampaignResult.year, choice_filter(CampaignResult.quarter, "Quý"))
    form_columns = ResultInline.form_columns[1:] + ("campaign",)
