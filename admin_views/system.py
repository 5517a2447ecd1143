"""Settings of the installation."""
from wtforms.validators import ValidationError

from admin_views.base import PortalModelView
from models.setting import LABELS


class SettingView(PortalModelView):
    access = "system"
    # No API: a handful of installation settings (the province's name) that an
    # administrator changes on screen; no integration reads or writes them.
    api = False
    can_create = can_delete = False
    column_list = ("key", "value")
    column_labels = {"key": "Cấu hình", "value": "Giá trị"}
    column_formatters = {"key": lambda view, context, model, name: LABELS.get(model.key, model.key)}
    form_columns = ("value",)

    def get_query(self):
        # The documents' texts ("doc_…") are edited, checked and previewed on
        # their own page (Hội nghị giao ban → Mẫu văn bản), never here unchecked.
        return super().get_query().where(~self.model.key.startswith("doc_"))

    def on_model_change(self, form, model, is_created):
        if not (model.value or "").strip():
            raise ValidationError("Giá trị không được để trống.")
