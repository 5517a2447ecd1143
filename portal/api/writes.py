"""Writes through the screens' own machinery: the view's form, hooks and transaction.

A JSON body becomes the form data a browser would have posted (dates as
dd/mm/yyyy, a foreign key as its id, a tick box as "y"), so the same WTForms
validators, the same scoped pickers (an id outside the caller's section is
"not found" exactly as on screen), `on_model_change`, the duplicate checks,
the all-or-nothing save and its audit entry all apply unchanged. What the
view flashes on a refused save becomes the problem's `message`.
"""
import datetime
import decimal

from flask import g, session
from peewee import ForeignKeyField
from werkzeug.datastructures import MultiDict

from admin_views import db_trouble
from admin_views.fields import DATE_FORMAT
from portal.api.problems import ApiError

NOT_A_VALUE = "Giá trị không hợp lệ cho trường này."


def body(request):
    """The request's JSON object, or a 4xx problem."""
    if not request.is_json:
        raise ApiError(415, "unsupported_media_type",
                       "Dữ liệu phải là JSON (Content-Type: application/json).")
    payload = request.get_json(silent=True)
    if not isinstance(payload, dict):
        raise ApiError(400, "invalid_json", "Nội dung gửi lên phải là một đối tượng JSON.")
    return payload


def form_data(model, form, payload, current=None):
    """MultiDict for `form`: `current` values (PATCH) overlaid by the JSON `payload`."""
    # A record's read-only columns (id, version, times) and nested lists may
    # come back as read; a name the record does not have at all is refused.
    nested = {fk.backref for fk in model._meta.backrefs}
    unknown = sorted(set(payload) - {field.name for field in form} - set(model._meta.fields) - nested)
    errors = {name: ["Không có trường này."] for name in unknown}
    data = MultiDict()
    for field in form:
        if field.name == "version":
            continue
        if field.name in payload:
            value = payload[field.name]
        elif current is not None:
            value = current.__data__.get(field.name) if field.name in current.__data__ else None
        elif field.type == "BooleanField":
            value = bool(field.default)  # an unticked box would read as False
        else:
            continue  # not sent: the form's default, as a new screen form shows it
        text = _as_form_text(field, model._meta.fields.get(field.name), value)
        if text is _INVALID:
            errors[field.name] = [NOT_A_VALUE]
        elif text is _NO_CHOICE:
            errors[field.name] = [NO_CHOICE]
        elif text is not None:
            data[field.name] = text
    if errors:
        raise ApiError(422, "validation_failed", "Dữ liệu không hợp lệ: "
                       + "; ".join(f"{name}: {' '.join(msgs)}" for name, msgs in errors.items()),
                       errors=errors)
    return data


_INVALID, _NO_CHOICE = object(), object()
NO_CHOICE = "Không tìm thấy lựa chọn này hoặc bạn không có quyền chọn nó."
# What a select posts for "no choice" (wtfpeewee and Flask-Admin's pickers).
BLANK_CHOICE = "__None"
# The largest values the columns hold on PostgreSQL.
LIMITS = {"IntegerField": 2 ** 31 - 1, "AutoField": 2 ** 31 - 1, "BigIntegerField": 2 ** 63 - 1}


def _as_form_text(field, column, value):
    if value is None:
        if field.type == "BooleanField":
            return None
        return BLANK_CHOICE if "Select" in field.type else ""
    if isinstance(column, ForeignKeyField):
        # An id, checked by the field's scoped picker; a number no row can
        # have is "not found" alike, before it reaches the database.
        if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= LIMITS["AutoField"]:
            return _NO_CHOICE
        return str(value)
    limit = LIMITS.get(type(column).__name__)
    if limit is not None and isinstance(value, int) and not isinstance(value, bool) and abs(value) > limit:
        return _INVALID
    if isinstance(value, (dict, list)):
        return _INVALID
    if isinstance(value, str) and "\x00" in value:
        return _INVALID
    if field.type == "BooleanField":
        if not isinstance(value, bool):
            return _INVALID
        return "y" if value else None
    if isinstance(value, bool):
        return _INVALID
    if isinstance(value, datetime.date):
        return value.strftime(DATE_FORMAT)
    if field.type.endswith("DateField") and isinstance(value, str):
        # ISO 8601 in JSON; the form reads what its date picker writes.
        try:
            return datetime.date.fromisoformat(value).strftime(DATE_FORMAT)
        except ValueError:
            return value  # the form refuses it in its own words
    if isinstance(value, (int, float, decimal.Decimal)):
        return str(value)
    return str(value)


def invalid(form, messages):
    """422 with the form's field errors and the flashed or first field messages;
    503 when the save found the database busy (admin_views/db_trouble.py)."""
    if g.get("database_busy"):
        return ApiError(503, "database_busy", " ".join(messages) or db_trouble.TEXT[db_trouble.BUSY][1],
                        headers={"Retry-After": str(db_trouble.RETRY_AFTER_SECONDS)})
    errors = {name: [str(m) for m in msgs] for name, msgs in form.errors.items()
              if isinstance(msgs, (list, tuple))}
    if not messages:
        messages = [f"{form[name].label.text}: {' '.join(msgs)}" for name, msgs in errors.items()
                    if name in form]
    message = " ".join(messages) or "Dữ liệu không hợp lệ."
    return ApiError(422, "validation_failed", message, errors=errors)


def flashed_errors():
    """What the view flashed as errors during this request (read from the
    session directly: get_flashed_messages would cache its first answer)."""
    return [str(text) for category, text in session.pop("_flashes", []) if category == "error"]


def create(view, payload):
    form = view.api_form(form_data(view.model, view.api_form(None), payload))
    if not form.validate():
        raise invalid(form, [])
    session.pop("_flashes", None)  # nothing earlier may pose as this save's error
    model = view.create_model(form)
    if not model:
        raise invalid(form, flashed_errors())
    return model


def update(view, model, payload, version, partial):
    """Save `payload` over `model` if its stored version is still `version`."""
    current = model if partial else None
    form = view.api_form(form_data(view.model, view.api_form(None, obj=model), payload, current),
                         obj=model)
    if "version" in form and version is not None:
        form.version.data = str(version)
    if not form.validate():
        raise invalid(form, [])
    session.pop("_flashes", None)
    if not view.update_model(form, model):
        messages = flashed_errors()
        if version is not None and _stored_version(view, model) != version:
            raise stale()
        raise invalid(form, messages)
    return model


def delete(view, model):
    session.pop("_flashes", None)
    if not view.delete_model(model):
        raise ApiError(409, "delete_refused", " ".join(flashed_errors()) or "Không xoá được bản ghi.")


def stale():
    return ApiError(412, "stale_version",
                    "Bản ghi đã được sửa sau phiên bản bạn gửi (If-Match): hãy đọc lại rồi sửa lại.")


def _stored_version(view, model):
    return (type(model).select(type(model).version).where(type(model).id == model.id).scalar())
