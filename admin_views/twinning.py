"""Twinning links between organisations and villages, with their activity log."""
from flask_admin.model.form import InlineFormAdmin

from admin_views.base import PortalModelView
from admin_views.filters import InSubtreeFilter, choice_filter
from models import TwinningActivity, TwinningLink


class ActivityInline(InlineFormAdmin):
    form_columns = ("id", "held_on", "description", "support_value", "people_reached")
    column_labels = {"held_on": "Ngày", "description": "Nội dung hoạt động",
                     "support_value": "Giá trị hỗ trợ (đồng)", "people_reached": "Số người được hỗ trợ"}
    form_label = "Nhật ký hoạt động kết nghĩa"


class TwinningLinkView(PortalModelView):
    api_name = "twinning-links"  # /api/v1/twinning-links
    access = "owned"
    scope_field = TwinningLink.organisation
    column_list = ("organisation", "village", "partner_name", "signed_on", "status",
                   "responsible_person", "directive")
    column_labels = {
        "organisation": "Đơn vị kết nghĩa", "village": "Thôn, làng", "partner_name": "Cơ quan cùng kết nghĩa",
        "directive": "Căn cứ văn bản", "signed_on": "Ngày ký kết", "status": "Tình trạng",
        "responsible_person": "Người phụ trách", "note": "Ghi chú", "activities": "Hoạt động",
    }
    column_sortable_list = ("signed_on", "status")
    column_default_sort = ("signed_on", True)
    column_filters = (InSubtreeFilter(TwinningLink.organisation, "Đơn vị"),
                      choice_filter(TwinningLink.status, "Tình trạng"))
    form_columns = ("organisation", "village", "partner_name", "directive", "signed_on",
                    "status", "responsible_person", "note")
    inline_models = (ActivityInline(TwinningActivity),)
    search_hint = "cơ quan, người phụ trách"
