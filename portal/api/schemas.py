"""Marshmallow schemas built at start-up from each view's declaration.

`Schema.from_dict` over the model's fields rather than marshmallow-peewee:
the labels, choices, hidden and sensitive columns and the writable fields
all live in the Flask-Admin view (its `column_labels`, `column_choices`, its
WTForms form), not in the model, so the view is what has to be read; a
second converter reading the model alone would describe a different record.
Each schema serves the OpenAPI document (apispec reads it) and the output
(`dump`); input is read by the view's own form, as on the screens.
"""
import datetime

from marshmallow import RAISE, Schema, fields, validate
from peewee import (
    AutoField, BigIntegerField, BlobField, BooleanField, CharField, DateField, DateTimeField,
    DecimalField, FloatField, ForeignKeyField, IntegerField, TextField,
)

from admin_views.base import HIDDEN_COLUMNS

# Never part of any resource: secrets and derived search/sort material.
NEVER_SHOWN = set(HIDDEN_COLUMNS) - {"version"} | {"password_hash", "session_token"}


class DocSchema(Schema):
    """A schema of the API, never changed once built. smorest copies an
    endpoint's documentation at each of its decorators; copying the schemas
    inside it too was most of the time an app took to start."""

    def __deepcopy__(self, memo):
        return self


class Problem(DocSchema):
    """RFC 9457 problem details, with our stable `code` and Vietnamese `message`."""

    type = fields.String(metadata={"description": "Loại lỗi (about:blank#<code>)"})
    title = fields.String(metadata={"description": "Tên loại lỗi"})
    status = fields.Integer(metadata={"description": "Mã trạng thái HTTP"})
    code = fields.String(required=True, metadata={"description": "Mã lỗi ổn định, để máy đọc"})
    message = fields.String(required=True, metadata={"description": "Thông báo lỗi bằng tiếng Việt"})
    detail = fields.String(metadata={"description": "Như message"})
    errors = fields.Dict(keys=fields.String(), values=fields.Raw(),
                         metadata={"description": "Lỗi theo từng trường: tên trường → các thông báo"})


class StrictInput(DocSchema):
    """A request body: a field the form does not have is refused, not ignored."""

    class Meta:
        unknown = RAISE


class LocalDateTime(fields.String):
    """A stored time, as the server's clock wrote it: ISO 8601 without an
    offset (the portal stores local times), so not an RFC 3339 date-time."""

    def __init__(self, **kwargs):
        metadata = dict(kwargs.pop("metadata", {}), pattern=r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$")
        metadata["description"] = metadata.get("description", "") + " (giờ Việt Nam, YYYY-MM-DDTHH:MM:SS)"
        super().__init__(metadata=metadata, **kwargs)

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else value.replace(microsecond=0).isoformat()


def _enum(choices):
    return [value for value, _label in choices]


def output_field(field, label, choices):
    """The marshmallow field that reads and documents one model column."""
    description = label
    kwargs = {"allow_none": bool(field.null)}
    validators = []
    if choices:
        validators.append(validate.OneOf(_enum(choices)))
        description += ": " + "; ".join(f"{value} = {name}" for value, name in choices)
    if isinstance(field, ForeignKeyField):
        description += f" (mã số {field.rel_model.verbose_name})"
        return fields.Integer(validate=validate.Range(min=1, max=2 ** 31 - 1),
                              metadata={"description": description}, **kwargs)
    if isinstance(field, CharField) and field.max_length:
        validators.append(validate.Length(max=field.max_length))
    kind = _KINDS.get(type(field)) or next(
        (maker for cls, maker in _KINDS.items() if isinstance(field, cls)), fields.String)
    return kind(validate=validators or None, metadata={"description": description}, **kwargs)


_KINDS = {
    AutoField: fields.Integer, IntegerField: fields.Integer, BigIntegerField: fields.Integer,
    BooleanField: fields.Boolean, DateField: fields.Date, DateTimeField: LocalDateTime,
    DecimalField: lambda **kw: fields.Decimal(as_string=True, **kw), FloatField: fields.Float,
    CharField: fields.String, TextField: fields.String,
}


def shown_columns(view):
    """The model's columns a resource returns, in declaration order: what the
    details screen shows (a column it leaves out, a secret, stays out)."""
    hidden = set(view.column_details_exclude_list or ()) - {"version"}
    return [field for field in columns_of(view.model) if field.name not in hidden]


def columns_of(model):
    return [field for field in model._meta.sorted_fields
            if field.name not in NEVER_SHOWN and not isinstance(field, BlobField)]


class ChildList:
    """Inline rows kept only through their parent's form (no screen of their
    own): read nested in the parent's record, under the parent's scope.
    Inline rows that have a screen of their own are read there, under their
    own scope, never through a parent another section may read."""

    def __init__(self, inline, key):
        self.key, self.model, self.name = key, key.model, key.backref
        self.columns = [f for f in columns_of(key.model) if f is not key]
        self.labels = getattr(inline, "column_labels", None) or {}
        self.title = str(getattr(inline, "form_label", None) or key.model.verbose_name)

    def rows(self, parent):
        query = self.model.select().where(self.key == parent.id).order_by(self.model.id)
        return [{f.name: plain(row.__data__.get(f.name)) for f in self.columns} for row in query]

    def schema(self, resource_name):
        declared = {f.name: output_field(f, str(self.labels.get(f.name, f.name)), f.choices)
                    for f in self.columns}
        return DocSchema.from_dict(declared, name=_schema_name(resource_name, "".join(
            part.capitalize() for part in self.name.split("_"))))


def child_lists(view):
    own_screens = {getattr(v, "model", None) for v in view.admin._views if hasattr(v, "may_write")}
    found = []
    for inline in view.inline_models or ():
        child = getattr(inline, "model", inline)
        if child in own_screens:
            continue
        found += [ChildList(inline, f) for f in child._meta.sorted_fields
                  if isinstance(f, ForeignKeyField) and f.rel_model is view.model]
    return found


def label_of(view, name):
    return str(view.column_labels.get(name) or view.get_column_name(name))


def record_schema(view, resource_name):
    """The schema of one record as the API returns it."""
    declared = {}
    for field in shown_columns(view):
        label = "Mã số bản ghi" if field.name == "id" else (
            "Phiên bản (ETag)" if field.name == "version" else label_of(view, field.name))
        choices = view.column_choices.get(field.name) or field.choices
        made = output_field(field, label, choices)
        if field.name in (view.sensitive_columns or ()):
            made.metadata["description"] += (
                " — dữ liệu cá nhân: chỉ có khi đọc từng bản ghi thuộc phạm vi của khóa")
        declared[field.name] = made
    for child in child_lists(view):
        declared[child.name] = fields.List(fields.Nested(child.schema(resource_name)), metadata={
            "description": f"{child.title}: chỉ có khi đọc từng bản ghi; chỉ đọc qua API"})
    return DocSchema.from_dict(declared, name=_schema_name(resource_name, "Record"))


def input_schema(view, resource_name, form, partial):
    """The JSON body of a create (PUT: the same) or of a PATCH (nothing required)."""
    declared = {}
    for form_field in form:
        if form_field.name in ("version", "csrf_token"):
            continue
        column = view.model._meta.fields.get(form_field.name)
        label = str(form_field.label.text or label_of(view, form_field.name))
        if column is not None:
            made = output_field(column, label, view.column_choices.get(column.name) or column.choices)
        else:
            made = _extra_field(form_field, label)
        if form_field.type == "WholeNumberField":
            made.validators.append(validate.Range(min=0, max=WHOLE_NUMBER_MAX.get(type(column), 10 ** 15 - 1)))
        made.required = bool(form_field.flags.required) and not partial
        made.allow_none = bool(column.null) if column is not None else True
        declared[form_field.name] = made
    suffix = "Patch" if partial else "Input"
    return StrictInput.from_dict(declared, name=_schema_name(resource_name, suffix))


# A whole number as the form reads it (15 digits) and as the column holds it.
WHOLE_NUMBER_MAX = {IntegerField: 2 ** 31 - 1, BigIntegerField: 10 ** 15 - 1}


def _extra_field(form_field, label):
    """A form-only field (e.g. an organisation's date of change)."""
    if form_field.type.endswith("DateField"):
        return fields.Date(metadata={"description": label})
    if form_field.type == "BooleanField":
        return fields.Boolean(metadata={"description": label})
    return fields.String(metadata={"description": label})


def list_schema(record, resource_name):
    return DocSchema.from_dict({
        "data": fields.List(fields.Nested(record), required=True,
                            metadata={"description": "Các bản ghi của trang này"}),
        "next_cursor": fields.String(allow_none=True, required=True, metadata={
            "description": "Con trỏ trang sau (gửi lại trong tham số cursor); null: hết danh sách"}),
        "count": fields.Integer(metadata={
            "description": "Tổng số bản ghi khớp (chỉ khi count=true), trong phạm vi của khóa"}),
    }, name=_schema_name(resource_name, "Page"))


def _schema_name(resource_name, suffix):
    return "".join(part.capitalize() for part in resource_name.split("-")) + suffix


def plain(value):
    """A stored value as JSON writes it."""
    if isinstance(value, datetime.datetime):
        return value.replace(microsecond=0).isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value
