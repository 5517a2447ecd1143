"""Form fields and the model→form converter every view shares."""
import datetime
import os
import re
import secrets

from flask import after_this_request, current_app
from flask_admin.contrib.peewee.form import CustomModelConverter
from flask_admin.form import DatePickerWidget
from flask_admin.model.fields import AjaxSelectField
from markupsafe import Markup, escape
from peewee import AutoField, BigIntegerField, DateField, IntegerField
from werkzeug.datastructures import FileStorage
from werkzeug.utils import secure_filename
from wtforms import fields, validators
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, StopValidation, ValidationError

DATE_FORMAT = "%d/%m/%Y"


class VietnameseDateWidget(DatePickerWidget):
    def __call__(self, field, **kwargs):
        kwargs.setdefault("data-date-format", "DD/MM/YYYY")
        kwargs.setdefault("placeholder", "dd/mm/yyyy")
        return super().__call__(field, **kwargs)


class VietnameseDateField(fields.DateField):
    widget = VietnameseDateWidget()

    def __init__(self, *args, **kwargs):
        kwargs["format"] = DATE_FORMAT
        super().__init__(*args, **kwargs)


INT32_MAX = 2_147_483_647


class WholeNumberField(fields.IntegerField):
    """A non-negative whole number, written as users write it: 1.548 or 1548."""

    widget = fields.StringField.widget

    def __init__(self, *args, maximum=None, grouped=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.maximum = maximum
        # A year is a name, not a quantity: 2026, never "2.026".
        self.grouped = grouped

    def process_formdata(self, valuelist):
        if not valuelist:
            return
        raw = (valuelist[0] or "").strip().replace(".", "").replace(" ", "")
        if raw == "":
            self.data = None
            return
        if not re.fullmatch(r"\d{1,15}", raw):
            self.data = None
            raise ValueError("Phải là số nguyên không âm, ví dụ 1.548 hoặc 1548.")
        if self.maximum is not None and int(raw) > self.maximum:
            self.data = None
            raise ValueError(f"Số quá lớn: tối đa {self.maximum:,}.".replace(",", "."))
        self.data = int(raw)

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        if self.data is None:
            return ""
        return f"{self.data:,}".replace(",", ".") if self.grouped else str(self.data)


class StrictAjaxSelectField(AjaxSelectField):
    """An ajax picker that refuses an id it cannot find instead of saving blank.

    The submitted id is kept apart from the field's data: reading `data` goes
    through the user's scoped lookup, and anything that reads and re-assigns
    it before validation (wtfpeewee's null filter on a nullable key did) would
    otherwise turn an out-of-scope id into a silent NULL.
    """

    def __init__(self, loader, label=None, validators=None, **kwargs):
        # Blank ("" or "__None") is handled by the field itself; a filter
        # would only read the scoped data early.
        kwargs.pop("filters", None)
        super().__init__(loader, label, validators, **kwargs)
        self.submitted = None

    def process_formdata(self, valuelist):
        self.submitted = valuelist[0] if valuelist else None
        super().process_formdata(valuelist)

    def pre_validate(self, form):
        submitted = self.submitted not in (None, "", "__None")
        if submitted and self._data is None:
            found = self.loader.get_one(self.submitted)
            if found is None and self._is_current_value():
                # Keeping what the record already points at is no new choice,
                # even when it lies outside what this user may pick (an editor
                # saving the unit at the top of their own section).
                found = self.object_data
            if found is not None:
                self.data = found
        if submitted and self._data is None:
            # StopValidation: the "required" check after it would clear this message.
            raise StopValidation("Không tìm thấy lựa chọn này hoặc bạn không có quyền chọn nó.")
        super().pre_validate(form)

    def _is_current_value(self):
        current = getattr(self.object_data, "id", None)
        return current is not None and str(current) == str(self.submitted).strip()


# Leading bytes of the formats a directive or report may be attached as.
SIGNATURES = {
    "pdf": (b"%PDF-",),
    "docx": (b"PK\x03\x04",),
    "xlsx": (b"PK\x03\x04",),
    "doc": (b"\xd0\xcf\x11\xe0",),
    "xls": (b"\xd0\xcf\x11\xe0",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "png": (b"\x89PNG\r\n\x1a\n",),
}


class AttachmentField(fields.FileField):
    """An uploaded document stored under UPLOAD_FOLDER/<subdir>/, checked by
    extension, by its first bytes and by size. The column keeps the stored
    name; an empty upload keeps the current file."""

    def __init__(self, label=None, subdir="files", validators=(), kept_by=(), **kwargs):
        # The column's length limit applies to the stored name, not the upload.
        validators = [v for v in validators if not isinstance(v, Length)]
        super().__init__(label, validators=validators, **kwargs)
        self.subdir = subdir
        # Other columns that may hold the same stored name (a history of
        # uploads): a file replaced here stays while one of them still names it.
        self.kept_by = tuple(kept_by)

    def _upload(self):
        data = self.data
        return data if isinstance(data, FileStorage) and data.filename else None

    def pre_validate(self, form):
        upload = self._upload()
        if upload is None:
            return
        extension = upload.filename.rsplit(".", 1)[-1].lower() if "." in upload.filename else ""
        if extension not in SIGNATURES:
            raise ValidationError(
                "Chỉ nhận tệp PDF, Word, Excel hoặc ảnh (pdf, doc, docx, xls, xlsx, jpg, png)."
            )
        head = upload.stream.read(8)
        upload.stream.seek(0, os.SEEK_END)
        size = upload.stream.tell()
        upload.stream.seek(0)
        if size == 0:
            raise ValidationError("Tệp đính kèm rỗng.")
        limit = current_app.config["ATTACHMENT_MAX_BYTES"]
        if size > limit:
            raise ValidationError(f"Tệp quá lớn: tối đa {limit // (1024 * 1024)} MB.")
        if not head.startswith(SIGNATURES[extension]):
            raise ValidationError(f"Nội dung tệp không phải là tệp .{extension} hợp lệ.")

    def populate_obj(self, obj, name):
        upload = self._upload()
        if upload is None:
            return
        folder = os.path.join(current_app.config["UPLOAD_FOLDER"], self.subdir)
        os.makedirs(folder, exist_ok=True)
        safe = secure_filename(upload.filename) or "tep"
        stored = f"{datetime.date.today():%Y%m%d}-{secrets.token_hex(4)}-{safe}"
        upload.save(os.path.join(folder, stored))
        old, new = getattr(obj, name), f"{self.subdir}/{stored}"
        setattr(obj, name, new)
        columns = (getattr(type(obj), name),) + self.kept_by

        @after_this_request
        def settle(response):
            # The save's transaction has ended by now: the file no row holds goes,
            # the replaced one after a save, the new one after a refused save.
            _remove_unreferenced(columns, old if _referenced(columns, new) else new)
            return response


def _referenced(columns, stored):
    return any(column.model.select().where(column == stored).exists() for column in columns)


def _remove_unreferenced(columns, stored):
    if not stored or _referenced(columns, stored):
        return
    subdir, _, name = stored.partition("/")
    if not subdir.isalnum():
        return
    path = os.path.join(current_app.config["UPLOAD_FOLDER"], subdir, os.path.basename(name))
    try:
        os.remove(path)
    except OSError:
        pass  # already gone: nothing to keep tidy


def attachment_link(view, context, model, name):
    stored = getattr(model, name)
    if not stored:
        return ""
    from flask import url_for

    shown = stored.split("/", 1)[-1].split("-", 2)[-1]
    return Markup(f'<a href="{escape(url_for("files.download", stored=stored))}">{escape(shown)}</a>')


class OptionalWhenAbsent:
    """Optional for a value not sent at all (the column's default applies), but
    a value sent empty is checked like any other (a closed list refuses it)."""

    field_flags = {"optional": True}

    def __call__(self, form, field):
        if not field.raw_data:
            field.errors[:] = []
            raise StopValidation()


class PortalConverter(CustomModelConverter):
    def __init__(self, view, additional=None):
        super().__init__(view, additional)
        # peewee ≥3 names the primary key AutoField; without this inline
        # children cannot be added (flask-admin issue 1718).
        self.converters[AutoField] = self.handle_pk
        self.converters[DateField] = self.handle_date
        self.converters[IntegerField] = self.handle_whole_number
        self.converters[BigIntegerField] = self.handle_whole_number

    def convert(self, model, field, field_args):
        info = super().convert(model, field, field_args)
        unbound = info[1]  # (name, unbound field): a FieldInfo or a plain pair
        if (unbound is not None and field.choices and not field.null
                and all(value not in ("", None) for value, _label in field.choices)):
            # wtf-peewee makes a column with a default optional, and WTForms'
            # Optional also clears the "not a valid choice" error: a forged empty
            # value was saved as "". Absent still means the default; empty is refused.
            unbound.kwargs["validators"] = [
                OptionalWhenAbsent() if isinstance(v, validators.Optional) else v
                for v in unbound.kwargs.get("validators") or ()]
        return info

    def handle_date(self, model, field, **kwargs):
        return field.name, VietnameseDateField(**kwargs)

    def handle_whole_number(self, model, field, **kwargs):
        if field.choices:
            choices = [SelectChoice(value, label) for value, label in field.choices]
            return field.name, fields.SelectField(choices=choices, coerce=int, **kwargs)
        if not isinstance(field, BigIntegerField):
            # A plain integer column holds 32 bits on PostgreSQL: a larger number
            # is refused here, in words, not by the database as a 500.
            kwargs["maximum"] = INT32_MAX
        return field.name, WholeNumberField(grouped=field.name != "year", **kwargs)

    def handle_foreign_key(self, model, field, **kwargs):
        loader = getattr(self.view, "_form_ajax_refs", {}).get(field.name)
        if loader:
            kwargs["allow_blank"] = bool(field.null)
            if not field.null:
                kwargs["validators"] = [
                    v for v in kwargs.get("validators", []) if not isinstance(v, validators.Optional)
                ]
            return field.name, StrictAjaxSelectField(loader, **kwargs)
        return super().handle_foreign_key(model, field, **kwargs)
