"""Writing the audit trail from inside a request: who, when, from where, what."""
import datetime
import decimal
import json

from flask import has_request_context, request
from flask_login import current_user

from models.audit import AuditLog
from portal.api.auth import token_label
from portal.observability.request_ids import current_request_id

# Never copied into the trail: derived, internal or secret.
UNRECORDED = {"search_text", "version", "password_hash", "session_token", "path",
              "full_name_key", "name_key"}


def _plain(value):
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    return value


def snapshot(model, children=()):
    """The stored values of `model` (and of its inline children) as plain data."""
    data = {name: _plain(value) for name, value in model.__data__.items()
            if name not in UNRECORDED}
    for backref in children:
        data[backref] = sorted(
            (snapshot(child) for child in getattr(model, backref)),
            key=lambda row: row.get("id") or 0,
        )
    return data


def difference(before, after):
    """{field: [old, new]} for every field that changed."""
    names = sorted(set(before) | set(after))
    return {name: [before.get(name), after.get(name)]
            for name in names if before.get(name) != after.get(name)}


def client_address():
    return request.remote_addr or "" if has_request_context() else ""


def record(action, model=None, changes=None, organisation_id=None, table=None, note=None, user=None):
    """Add one row to the trail, inside the caller's transaction."""
    if user is None and has_request_context() and current_user.is_authenticated:
        user = current_user
    payload = changes if changes is not None else ({"ghi_chu": note} if note else {})
    AuditLog.create(
        user_id=user.id if user is not None else None,
        username=getattr(user, "username", "") or "",
        address=client_address(),
        action=action,
        record_table=table or (model._meta.table_name if model is not None else ""),
        record_id=getattr(model, "id", None),
        record_label=str(model)[:255] if model is not None else "",
        organisation_id=organisation_id,
        via=token_label(),
        changes=json.dumps(payload, ensure_ascii=False, sort_keys=True),
        request_id=current_request_id(),
    )
