"""Organisations, administrative units and villages."""
import datetime

from wtforms import StringField
from wtforms.validators import Optional, ValidationError

from admin_views.base import PortalModelView
from admin_views.fields import VietnameseDateField
from admin_views.filters import ActiveFilter, InSubtreeFilter, choice_filter
from models import AdministrativeUnit, Organisation, OrganisationChange, Village

ORGANISATION_LABELS = {
    "code": "Mã", "name": "Tên tổ chức", "kind": "Khối / loại", "level": "Cấp",
    "parent": "Trực thuộc", "commune": "Xã / phường", "active_from": "Hoạt động từ",
    "active_to": "Ngừng hoạt động từ", "merged_into": "Sáp nhập vào",
    "effective_on": "Ngày hiệu lực của thay đổi", "change_note": "Căn cứ / ghi chú thay đổi",
    "changes": "Lịch sử thay đổi",
}


class OrganisationView(PortalModelView):
    api_name = "organisations"  # /api/v1/organisations
    access = "structure"
    scope_field = Organisation.id
    column_list = ("code", "name", "kind", "level", "parent", "active_to", "merged_into")
    column_labels = ORGANISATION_LABELS
    column_sortable_list = ("code", "name", "level", "active_to")
    column_default_sort = "path"
    column_filters = (
        choice_filter(Organisation.kind, "Khối / loại"),
        choice_filter(Organisation.level, "Cấp"),
        InSubtreeFilter(Organisation.id, "Tổ chức"),
        ActiveFilter(Organisation.active_to, "Tình trạng"),
    )
    form_columns = ("code", "name", "kind", "level", "parent", "commune",
                    "active_from", "active_to", "merged_into")
    form_extra_fields = {
        "effective_on": VietnameseDateField(
            ORGANISATION_LABELS["effective_on"],
            description="Khi chuyển trực thuộc hoặc đổi tên; để trống là hôm nay.",
            validators=[Optional()],
        ),
        "change_note": StringField(ORGANISATION_LABELS["change_note"]),
    }
    search_hint = "tên, mã tổ chức"

    def owner_id(self, model):
        # A unit not yet saved has no id of its own: it sits where its parent is,
        # so an editor adds units below its own organisation and nowhere else.
        return model.id if model.id is not None else model.parent_id

    def on_model_change(self, form, model, is_created):
        super().on_model_change(form, model, is_created)
        if model.parent_id is None and (is_created or _stored_parent(model) is not None):
            # Only the bloc itself stands at the top: a unit without a parent
            # falls out of every section, its members with it.
            raise ValidationError("Cần chọn tổ chức cấp trên (mục “Trực thuộc”).")
        if model.parent_id and not is_created:
            if model.parent_id == model.id or model.parent.is_descendant_of(model):
                raise ValidationError(
                    "Không thể đặt tổ chức trực thuộc chính nó hoặc một đơn vị cấp dưới của nó."
                )
        if model.merged_into_id:
            if model.merged_into_id == model.id:
                raise ValidationError("Không thể sáp nhập tổ chức vào chính nó.")
            if not model.active_to:
                raise ValidationError("Khi sáp nhập, cần ghi ngày ngừng hoạt động (ngày sáp nhập).")
        if model.active_from and model.active_to and model.active_to < model.active_from:
            raise ValidationError("Ngày ngừng hoạt động không được trước ngày bắt đầu hoạt động.")
        if not is_created:
            self._record_changes(form, model)

    def _record_changes(self, form, model):
        before = Organisation.get_by_id(model.id)
        effective = form.effective_on.data or datetime.date.today()
        note = form.change_note.data or None

        def record(change, when, **extra):
            extra.setdefault("note", note)
            OrganisationChange.create(organisation=model, change=change, effective_on=when, **extra)

        if before.parent_id != model.parent_id:
            record("moved", effective, old_parent=before.parent_id, new_parent=model.parent_id)
        if before.name != model.name:
            record("renamed", effective, note=note or f"Tên cũ: {before.name}")
        if model.active_to and before.active_to != model.active_to:
            change = "merged" if model.merged_into_id else "dissolved"
            record(change, model.active_to, new_parent=model.merged_into_id)
        if before.active_to and not model.active_to:
            record("restored", effective)


def _stored_parent(model):
    return Organisation.select(Organisation.parent).where(Organisation.id == model.id).scalar()


class OrganisationChangeView(PortalModelView):
    """The history of moves, merges and dissolutions: read-only."""
    api_name = "organisation-changes"  # /api/v1/organisation-changes

    can_create = can_edit = can_delete = False
    access = "history"
    scope_field = OrganisationChange.organisation
    column_list = ("organisation", "change", "effective_on", "old_parent", "new_parent", "note", "recorded_at")
    column_labels = {
        "organisation": "Tổ chức", "change": "Thay đổi", "effective_on": "Ngày hiệu lực",
        "old_parent": "Trực thuộc cũ", "new_parent": "Trực thuộc mới / sáp nhập vào",
        "note": "Ghi chú", "recorded_at": "Ghi nhận lúc",
    }
    column_default_sort = ("effective_on", True)
    column_filters = (InSubtreeFilter(OrganisationChange.organisation, "Tổ chức"),)


class AdministrativeUnitView(PortalModelView):
    api_name = "administrative-units"  # /api/v1/administrative-units
    access = "catalogue"
    column_list = ("code", "name", "kind", "parent", "active_to", "merged_into")
    column_labels = {
        "code": "Mã", "name": "Tên", "kind": "Loại", "parent": "Thuộc",
        "active_from": "Hiệu lực từ", "active_to": "Hết hiệu lực từ", "merged_into": "Sáp nhập vào",
    }
    column_sortable_list = ("code", "name", "kind")
    column_default_sort = "name"
    column_filters = (choice_filter(AdministrativeUnit.kind, "Loại"),
                      ActiveFilter(AdministrativeUnit.active_to, "Tình trạng"))
    form_columns = ("code", "name", "kind", "parent", "active_from", "active_to", "merged_into")


class VillageView(PortalModelView):
    api_name = "villages"  # /api/v1/villages
    access = "catalogue"
    column_list = ("code", "name", "kind", "commune", "ethnic_minority", "ethnic_groups", "active_to")
    column_labels = {
        "code": "Mã", "name": "Tên thôn, làng", "kind": "Loại", "commune": "Xã / phường",
        "ethnic_minority": "Thôn, làng đồng bào DTTS", "ethnic_groups": "Dân tộc chủ yếu",
        "active_from": "Hiệu lực từ", "active_to": "Hết hiệu lực từ", "merged_into": "Sáp nhập vào",
    }
    column_sortable_list = ("code", "name", "kind")
    column_default_sort = "name"
    column_filters = (
        choice_filter(Village.kind, "Loại"),
        Village.ethnic_minority,
        ActiveFilter(Village.active_to, "Tình trạng"),
    )
    form_columns = ("code", "name", "kind", "commune", "ethnic_minority", "ethnic_groups",
                    "active_from", "active_to", "merged_into")
    search_hint = "tên, mã thôn, dân tộc"

    def on_model_change(self, form, model, is_created):
        super().on_model_change(form, model, is_created)
        if model.merged_into_id and model.merged_into_id == model.id:
            raise ValidationError("Không thể sáp nhập thôn vào chính nó.")
        if model.merged_into_id and not model.active_to:
            raise ValidationError("Khi sáp nhập, cần ghi ngày hết hiệu lực (ngày sáp nhập).")
