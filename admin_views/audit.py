"""The audit screen: read-only, filtered, scoped like everything else."""
import json

from markupsafe import Markup, escape

from flask_admin.contrib.peewee.filters import FilterEqual

from admin_views.base import PortalModelView
from admin_views.filters import choice_filter
from models import AuditLog, BaseModel


def record_types():
    """{table name: Vietnamese name} of every model ("member" → "Hội viên")."""
    found, pending = {}, list(BaseModel.__subclasses__())
    while pending:
        model = pending.pop()
        pending.extend(model.__subclasses__())
        name = model.__dict__.get("verbose_name")  # abstract bases name no record type
        if name:
            found[model._meta.table_name] = name[:1].upper() + name[1:]
    return found


def record_type_column(view, context, model, name):
    return record_types().get(model.record_table, model.record_table)


def record_type_options():
    return sorted(((table, name) for table, name in record_types().items()), key=lambda pair: pair[1])


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
    api_name = "audit-log"  # /api/v1/audit-log
    access = "audit"
    scope_field = AuditLog.organisation_id
    can_create = can_edit = can_delete = False
    column_list = ("at", "username", "address", "action", "record_table", "record_label", "changes")
    column_labels = {
        "at": "Thời điểm", "username": "Người dùng", "address": "Địa chỉ IP", "action": "Thao tác",
        "record_table": "Loại bản ghi", "record_id": "Mã bản ghi", "record_label": "Bản ghi",
        "changes": "Giá trị cũ → mới", "organisation_id": "Mã tổ chức", "user_id": "Mã người dùng",
        "request_id": "Mã yêu cầu", "via": "Kênh",
    }
    column_formatters = {"changes": changes_column, "record_table": record_type_column}
    column_formatters_detail = {"changes": changes_column, "record_table": record_type_column}
    column_default_sort = ("at", True)
    column_sortable_list = ("at", "username", "action")
    column_filters = (choice_filter(AuditLog.action, "Thao tác"), AuditLog.username,
                      FilterEqual(AuditLog.record_table, "Loại bản ghi", options=record_type_options),
                      AuditLog.at, AuditLog.request_id)
