"""The audit screen: read-only, filtered, scoped like everything else."""
import json

from markupsafe import Markup, escape

from admin_views.base import PortalModelView
from admin_views.filters import choice_filter
from models import AuditLog


def changes_column(view, context, model, name):
    try:
        changes = json.loads(model.changes or "{}")
    except ValueError:
        return model.changes
    lines = []
    for field, value in changes.items():
        if isinstance(value, list) and len(value) == 2:
            old, new = value
            lines.append(f"<b>{escape(field)}</b>: {escape(_short(old))} → {escape(_short(new))}")
        else:
            lines.append(f"<b>{escape(field)}</b>: {escape(_short(value))}")
    return Markup("<br>".join(lines))


def _short(value, limit=200):
    text = "—" if value in (None, "") else json.dumps(value, ensure_ascii=False) if isinstance(value, (list, dict)) else str(value)
    return text if len(text) <= limit else text[:limit] + "…"


class AuditLogView(PortalModelView):
    access = "audit"
    scope_field = AuditLog.organisation_id
    can_create = can_edit = can_delete = False
    column_list = ("at", "username", "address", "action", "record_table", "record_label", "changes")
    column_labels = {
        "at": "Thời điểm", "username": "Người dùng", "address": "Địa chỉ IP", "action": "Thao tác",
        "record_table": "Loại bản ghi", "record_id": "Mã bản ghi", "record_label": "Bản ghi",
        "changes": "Giá trị cũ → mới", "organisation_id": "Mã tổ chức", "user_id": "Mã người dùng",
    }
    column_formatters = {"changes": changes_column}
    column_formatters_detail = {"changes": changes_column}
    column_default_sort = ("at", True)
    column_sortable_list = ("at", "username", "action")
    column_filters = (choice_filter(AuditLog.action, "Thao tác"), AuditLog.username,
                      AuditLog.record_table, AuditLog.at)
