"""Members (đoàn viên, hội viên)."""
from flask import g

from admin_views import auditing
from admin_views.access import covers, organisations_in_scope
from admin_views.base import PortalModelView
from admin_views.filters import InSubtreeFilter, choice_filter
from models import Member, MemberCount
from models.member import SENSITIVE_FIELDS

MEMBER_LABELS = {
    "full_name": "Họ và tên", "gender": "Giới tính", "date_of_birth": "Ngày sinh",
    "ethnicity": "Dân tộc", "religion": "Tôn giáo", "citizen_id": "Số CCCD",
    "phone": "Điện thoại", "village": "Thôn, làng nơi ở", "branch": "Chi hội / chi đoàn",
    "card_number": "Số thẻ", "joined_on": "Ngày vào tổ chức", "status": "Tình trạng",
    "left_on": "Ngày thôi sinh hoạt / chuyển đi / từ trần", "leave_reason": "Lý do",
    "party_introduced_on": "Ngày giới thiệu cho Đảng (quần chúng ưu tú)",
    "party_admitted_on": "Ngày kết nạp Đảng",
}


class MemberView(PortalModelView):
    access = "owned"
    scope_field = Member.branch
    column_list = ("full_name", "gender", "date_of_birth", "branch", "village",
                   "card_number", "joined_on", "status")
    column_labels = MEMBER_LABELS
    column_sortable_list = ("full_name", "date_of_birth", "joined_on", "card_number", "status")
    column_default_sort = "full_name"
    column_filters = (
        InSubtreeFilter(Member.branch, "Tổ chức"),
        choice_filter(Member.status, "Tình trạng"),
        choice_filter(Member.gender, "Giới tính"),
        choice_filter(Member.ethnicity, "Dân tộc"),
        Member.joined_on,
        Member.party_admitted_on,
    )
    form_columns = (
        "full_name", "gender", "date_of_birth", "ethnicity", "religion", "citizen_id",
        "phone", "village", "branch", "card_number", "joined_on", "status",
        "left_on", "leave_reason", "party_introduced_on", "party_admitted_on",
    )
    form_widget_args = {
        "citizen_id": {"placeholder": "12 chữ số", "inputmode": "numeric", "maxlength": 12},
        "full_name": {"placeholder": "Ví dụ: Nguyễn Thị Hoa"},
    }
    search_hint = "họ tên, số thẻ, CCCD"
    personal_read_note = "Xem hồ sơ hội viên (dân tộc, tôn giáo, CCCD, điện thoại, ngày vào Đảng)"
    # The API's resource: /api/v1/members.
    api_name = "members"
    # The export is the list plus the personal data of the details page, which
    # only rows inside the user's scope fill in (every listed row, in practice).
    column_export_list = column_list + SENSITIVE_FIELDS
    sensitive_columns = SENSITIVE_FIELDS

    def kept_count(self):
        # Every member record counts: the list hides no status by default.
        return MemberCount.total(organisations_in_scope())

    def record_problems(self, model):
        problems = super().record_problems(model)
        twin = model.same_person_in_unit() if "citizen_id" in problems and model.branch_id else None
        if twin is not None:
            twin = Member.get_by_id(twin.id)
            # The check read another member's record; who holds the number is
            # told only to users who may open that record anyway.
            g.setdefault("identity_checks", []).append(twin)
            if not covers(twin.branch_id):
                problems["citizen_id"] = DUPLICATE_ELSEWHERE
        return problems

    def create_model(self, form):
        try:
            return super().create_model(form)
        finally:
            _audit_identity_checks()

    def update_model(self, form, model):
        try:
            return super().update_model(form, model)
        finally:
            _audit_identity_checks()

    def render(self, template, **kwargs):
        # Opening a member's details or form shows their personal data: logged.
        model = kwargs.get("model")
        if model is not None and getattr(model, "id", None):
            self.audit_personal_read(model)
        return super().render(template, **kwargs)


DUPLICATE_ELSEWHERE = "Số CCCD đã có trong hệ thống."


def _audit_identity_checks():
    """Write the reads a refused save's rollback took with it."""
    for twin in g.pop("identity_checks", []):
        auditing.record("read_personal", twin, organisation_id=twin.branch_id,
                        note="Kiểm tra trùng số CCCD khi ghi hồ sơ hội viên")
