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

    def on_model_change(self, form, model, is_created):
        if not (model.value or "").strip():
            raise ValidationError("Giá trị không được để trống.")
