"""PortalModelView: what every record type gets from one declaration.

Login required, Vietnamese forms and formats, accent-insensitive search,
ajax pickers for large catalogues, lists without per-row queries, optimistic
locking, transactions around a save with its inline children, and deletes
that refuse to cascade. Scoping to the user's organisation hooks in through
`get_query` and `scope_lookup`, which every read path here goes through.
"""
from flask import abort, flash, redirect, request, url_for
from flask_admin import expose
from flask_admin.actions import action
from flask_admin.contrib.peewee import ModelView
from flask_admin.contrib.peewee.form import save_inline
from flask_admin.model.form import InlineFormAdmin
from flask_login import current_user
from peewee import JOIN, BigIntegerField, ForeignKeyField, IntegerField, IntegrityError
from wtforms import HiddenField
from wtforms.validators import ValidationError

from admin_views import auditing, db_trouble, exporting, inlines, listing
from admin_views.access import ACCESS, covers, organisations_in_scope, user_role
from admin_views.fields import PortalConverter
from admin_views.formatters import FORMATTERS, number_column
from admin_views.forms import PortalForm
from admin_views.lookups import PortalLookup
from models import AdministrativeUnit, Member, Organisation, Village, db

# Catalogues too large for a <select>: picked through ajax search instead.
LOOKUP_MODELS = (Organisation, Village, AdministrativeUnit, Member)

HIDDEN_COLUMNS = ("version", "search_text", "path", "full_name_key", "name_key")


class StaleRecord(Exception):
    pass


class PortalModelView(ModelView):
    form_base_class = PortalForm
    model_form_converter = PortalConverter
    # Details open as a page, lists page by 20 with a choice of size.
    can_view_details = True
    can_set_page_size = True
    page_size = 20
    page_size_options = (20, 50, 100)
    column_type_formatters = FORMATTERS
    column_type_formatters_detail = FORMATTERS
    column_exclude_list = HIDDEN_COLUMNS
    column_details_exclude_list = HIDDEN_COLUMNS
    form_excluded_columns = HIDDEN_COLUMNS
    # Fields of other models named in search hints, e.g. "họ tên, số thẻ".
    search_hint = "tên, mã"
    # What the view holds (a key of access.ACCESS); a view that does not say
    # is refused at start-up: deny by default.
    access = None
    # The foreign key (or Organisation.id) that places a row in the tree.
    scope_field = None
    # Every list exports what it shows as Excel (admin_views.exporting).
    can_export = True
    export_types = ["xlsx"]
    # The stock list, with "Xuất Excel" a POST form: a GET may not start a job.
    list_template = "admin/model/portal_list.html"
    # Columns exported only for rows inside the user's scope.
    sensitive_columns = ()
    # The view also yields /api/v1/<api_name> (portal/api/resources.py);
    # a record type that must not be reachable by token says `api = False`.
    api = True
    # None: the model's name in kebab-case, as an English plural.
    api_name = None

    def __init__(self, model, *args, **kwargs):
        if self.access not in ACCESS:
            raise TypeError(f"{type(self).__name__} must declare access (one of {sorted(ACCESS)})")
        if self.access not in ("catalogue", "system") and self.scope_field is None:
            raise TypeError(f"{type(self).__name__} holds {self.access} rows: declare scope_field")
        # Labels and choice names are declared once, in column_labels and the
        # model's choices; forms, inline forms and lists all take them from there.
        self.column_labels = dict(self.column_labels or {})
        self.form_args = _labelled(self.form_args, self.column_labels)
        for inline in self.inline_models or ():
            if isinstance(inline, InlineFormAdmin):
                inline.form_args = _labelled(
                    getattr(inline, "form_args", None), getattr(inline, "column_labels", None) or {}
                )
        self.column_choices = dict(_choices_of(model), **(self.column_choices or {}))
        # (mount point, arguments) → URL of a Flask-Admin static file (get_url).
        self._static_urls = {}
        super().__init__(model, *args, **kwargs)

    # --- access -----------------------------------------------------------

    def is_accessible(self):
        return current_user.is_authenticated and user_role() in ACCESS[self.access][0]

    def may_write(self):
        return user_role() in ACCESS[self.access][1]

    # Flask-Admin reads these per request; a subclass that sets one to False
    # in its class body switches that operation off for everyone.
    can_create = property(lambda self: self.may_write())
    can_edit = property(lambda self: self.may_write())
    can_delete = property(lambda self: self.may_write())

    def inaccessible_callback(self, name, **kwargs):
        if current_user.is_authenticated:
            abort(403)
        return redirect(url_for("auth.login", next=request.full_path))

    # --- scope: the one place a later rule narrows what a user reaches -----

    def get_query(self):
        return self.section_query()

    def section_query(self):
        """The rows of this user's section, before anything a view's own
        get_query narrows further."""
        scope = self.scope()
        if scope is None:
            return self.model.select()
        field, ids = scope
        return self.model.select().where(field.in_(ids))

    def scope(self):
        """(scope field, the organisation ids this user reaches as a subquery);
        None when nothing narrows the rows."""
        ids = organisations_in_scope()
        if ids is None or self.scope_field is None:
            return None
        return self.scope_field, ids

    def scope_lookup(self, model, query):
        """Rows of `model` this user may pick in a form."""
        ids = organisations_in_scope()
        if ids is not None and model is Organisation:
            return query.where(Organisation.id.in_(ids))
        return query

    def owner_id(self, model):
        """The organisation a row belongs to, for scope checks and the audit."""
        if self.scope_field is None:
            return None
        if self.scope_field.model is not self.model:
            return None
        return model.__data__.get(self.scope_field.name)

    def kept_count(self):
        """The rows of the unfiltered list in this user's scope, from counts the
        database keeps; None: count them (MemberView keeps them, migration 0020)."""
        return None

    def get_one(self, id):
        try:
            pk = int(id)
        except (TypeError, ValueError):
            return None
        return self.get_query().where(self.model.id == pk).first()

    # --- list: search, filters, count, sort, one query per related model --

    def init_search(self):
        return hasattr(self.model, "search_text")

    def search_placeholder(self):
        return f"Tìm theo {self.search_hint} (gõ không dấu cũng được)"

    def _handle_join(self, query, field, joins):
        # Join from the listed model, whatever join context the query is in.
        model_class = getattr(field, "model", None)
        if model_class is not None and model_class != self.model:
            name = model_class.__name__
            if name not in joins:
                query = query.join_from(self.model, model_class, JOIN.LEFT_OUTER)
                joins.add(name)
        return query

    def get_list(self, page, sort_column, sort_desc, search, filters,
                 execute=True, page_size=None):
        query = self.get_query()
        joins = set()
        page, search = listing.page_within(page), listing.own_search(self, search)
        query = listing.apply_filters(self, query, filters, joins)
        count, matches, unsearched = None, None, query
        if search:
            query, count, matches = listing.narrow(self, query, search, scope=self.scope())
        if count is None and not self.simple_list_pager:
            count = listing.count_listed(self, query, bool(search or filters))

        # A heading that cannot be sorted by (a hand-made ?sort=) keeps the list's own order.
        if sort_column is not None and sort_column in self._sortable_columns:
            order = [(self._sortable_columns[sort_column], sort_desc)]
        else:
            order = self._get_default_order() or [(self.model.id, True)]
        order = listing.collated(self.model, order)
        if count is not None and page_size != 0:
            # A page, not an export: an export reads every row anyway, and the
            # scope index plus one sort reads fewer pages than the walk.
            query = listing.walk_sort_index(self, query, count, order, search)
        # The id breaks ties, so that rows never swap places between pages.
        last = order[-1][0]
        if not (last is self.model.id or (isinstance(last, str) and last == "id")):
            order = list(order) + [(self.model.id, order[-1][1])]
        query, joins = self._order_by(query, joins, order)
        if search:
            query = listing.sort_matches(query)

        if page_size is None:
            page_size = self.page_size
        sorted_page = matches.page(order, page_size, (page or 0) * page_size) \
            if matches is not None and page_size else None
        if sorted_page is not None:
            query, joins = self._order_by(unsearched.where(sorted_page), set(), order)
        elif page_size:
            query = query.limit(page_size)
            if page:
                query = query.offset(page * page_size)
        if not execute:
            return count, query
        return count, attach_related(list(query), self.model)

    def get_url(self, endpoint, **kwargs):
        # Every page asks for Flask-Admin's ~20 stylesheets and scripts
        # (admin/static.html), at ~25 µs a url_for; their URLs change with
        # nothing but the mount point, so each is built once.
        if endpoint != f"{self.admin.endpoint}.static" or "_external" in kwargs:
            return super().get_url(endpoint, **kwargs)
        key = (request.script_root, tuple(sorted(kwargs.items())))
        url = self._static_urls.get(key)
        if url is None:
            url = self._static_urls[key] = super().get_url(endpoint, **kwargs)
        return url

    def row_url(self, endpoint, row_id, **kwargs):
        """A row action's link (admin/model/row_actions.html), cheap for a page of rows."""
        return listing.row_url(self, endpoint, row_id, **kwargs)

    def page_url(self, endpoint, **kwargs):
        """A link every row of the page shares, built once."""
        return listing.page_url(self, endpoint, **kwargs)

    # --- export: the list on screen, as a workbook ------------------------

    @expose("/export/<export_type>/", methods=("GET", "POST"))
    def export(self, export_type):
        return super().export(export_type)

    def _export_tablib(self, export_type, return_url):
        # Flask-Admin's export route sends every type but csv here; csv is
        # not in export_types, so it never reaches the built-in writer.
        if export_type != "xlsx":
            abort(404)
        return exporting.export_xlsx(self)

    def attach_export_related(self, rows):
        """Load the foreign keys of one chunk of exported rows."""
        return attach_related(rows, self.model)

    # --- forms ------------------------------------------------------------

    def _process_ajax_references(self):
        refs = super()._process_ajax_references()
        for model in [self.model] + [_inline_model(m) for m in self.inline_models or ()]:
            for field in model._meta.sorted_fields:
                if (isinstance(field, ForeignKeyField) and field.rel_model in LOOKUP_MODELS
                        and field.name not in refs):
                    refs[field.name] = PortalLookup(
                        field.name, field.rel_model, scope=self.scope_lookup
                    )
        return refs

    def create_form(self, obj=None):
        return inlines.writable_only(self, super().create_form(obj))

    def edit_form(self, obj=None):
        return inlines.writable_only(self, super().edit_form(obj))

    def api_form(self, formdata, obj=None):
        """The screen's create (obj None) or edit form, filled from `formdata`.

        Inline lists and uploads are left out: the API writes the record
        itself, its children through their own resources.
        """
        form_class = self._create_form_class if obj is None else self._edit_form_class
        form = inlines.writable_only(self, form_class(formdata, obj=obj))
        for name in self.inline_names() + [f.name for f in form if f.type == "AttachmentField"]:
            if name in form:
                del form[name]
        return form

    def scaffold_form(self):
        form_class = super().scaffold_form()
        if hasattr(self.model, "version"):
            form_class.version = HiddenField()
        return form_class

    def scaffold_list_columns(self):
        return [c for c in super().scaffold_list_columns() if c not in ("id",) + HIDDEN_COLUMNS]

    def get_column_formatters(self):
        formatters = {
            name: number_column
            for name, field in self.model._meta.fields.items()
            if isinstance(field, (IntegerField, BigIntegerField))
            and not field.choices and name not in ("id", "year", "version")
            and not name.endswith("_id")
        }
        formatters.update(self.column_formatters or {})
        return formatters

    def _refresh_cache(self):
        self.column_formatters = self.get_column_formatters()
        super()._refresh_cache()

    def check_record(self, form, model):
        """Domain rules: a model's `problems()` refuse the save in Vietnamese."""
        problems = self.record_problems(model)
        if problems:
            for name, message in problems.items():
                field = getattr(form, name, None)
                if field is not None:
                    field.errors = list(field.errors) + [message]
            raise ValidationError(" ".join(problems.values()))

    def record_problems(self, model):
        """Field → Vietnamese message for every rule the record breaks."""
        problems = model.problems() if hasattr(model, "problems") else {}
        problems.update(self.duplicates(model))
        return problems

    def duplicates(self, model):
        """Unique columns already taken by another row, as field → message."""
        found = {}
        Model = type(model)
        for field in Model._meta.sorted_fields:
            value = getattr(model, field.name, None)
            if not field.unique or field.primary_key or value in (None, ""):
                continue
            clash = Model.select().where(field == value)
            if model.id:
                clash = clash.where(Model.id != model.id)
            holder = clash.first()
            if holder is None:
                continue
            label = self.get_column_name(field.name)
            if self._in_scope(holder):
                found[field.name] = f"{label} “{value}” đã được dùng cho {holder}."
            else:
                # Outside the user's section a holder is not even confirmed
                # to be a record of this kind, let alone named.
                found[field.name] = f"{label} “{value}” đã có trong hệ thống."
        return found

    def _in_scope(self, row):
        ids = organisations_in_scope()
        if ids is None or self.scope_field is None or self.scope_field.model is not type(row):
            return True
        return self.get_query().where(type(row).id == row.id).exists()

    def on_model_change(self, form, model, is_created):
        self.check_scope(model)
        self.check_record(form, model)

    def check_scope(self, model):
        """A confined user writes only inside their own section."""
        if organisations_in_scope() is None or self.scope_field is None:
            return
        owner = self.owner_id(model)
        if owner is None or not covers(owner):
            raise ValidationError(
                "Bạn chỉ được ghi dữ liệu của tổ chức mình và các đơn vị trực thuộc."
            )

    def save_children(self, form, model):
        """Rows kept through the record's form, written in its save's transaction
        once the record has its id: the inline lists, or what a view adds."""
        save_inline(form, model)

    def inline_names(self):
        return [name for inline in self.inline_models or ()
                for name in inlines.backrefs_to(self.model, _inline_model(inline))]

    # The trail's note when a record's personal data (sensitive_columns) is read.
    personal_read_note = "Xem dữ liệu cá nhân của bản ghi"

    def audit_personal_read(self, model):
        """One read of a record's personal data: its details page or its API read."""
        auditing.record("read_personal", model, organisation_id=self.owner_id(model),
                        note=self.personal_read_note)

    def audit(self, action, model, before, after):
        auditing.record(action, model, changes=auditing.difference(before, after),
                        organisation_id=self.owner_id(model))

    # --- writes: all or nothing -------------------------------------------

    def create_model(self, form):
        try:
            return self._create_model(form)
        except db_trouble.ERRORS as ex:
            if db_trouble.keep_form_on_busy(ex):
                return False
            raise

    def update_model(self, form, model):
        try:
            return self._update_model(form, model)
        except db_trouble.ERRORS as ex:
            if db_trouble.keep_form_on_busy(ex):
                return False
            raise

    def _create_model(self, form):
        with db.atomic() as txn:
            try:
                model = self.model()
                form.populate_obj(model)
                if hasattr(model, "version"):
                    model.version = 1
                self._on_model_change(form, model, True)
                model.save(force_insert=True)
                self.save_children(form, model)
                self.audit("create", model, {}, auditing.snapshot(model, self.inline_names()))
            except Exception as ex:
                txn.rollback()
                self._report_failure(ex, "Không thêm được bản ghi.")
                return False
        self.after_model_change(form, model, True)
        return model

    def _update_model(self, form, model):
        # A busy database raises here (BEGIN IMMEDIATE) or from inside, through
        # _report_failure: either way update_model keeps the form.
        with db.atomic() as txn:
            try:
                expected = _version_of(form)
                before = auditing.snapshot(model, self.inline_names())
                form.populate_obj(model)
                self._on_model_change(form, model, False)
                if expected is not None:
                    self._claim_version(model, expected)
                model.save()
                self.save_children(form, model)
                self.audit("update", model, before, auditing.snapshot(model, self.inline_names()))
            except Exception as ex:
                txn.rollback()
                self._report_failure(ex, "Không lưu được bản ghi.")
                return False
        self.after_model_change(form, model, False)
        return True

    def _claim_version(self, model, expected):
        """Bump the stored version only if it is still the one the form showed."""
        Model = type(model)
        claimed = (Model.update(version=expected + 1)
                   .where(Model.id == model.id, Model.version == expected)
                   .execute())
        if claimed != 1:
            raise StaleRecord()
        model.version = expected + 1

    def delete_model(self, model):
        with db.atomic() as txn:
            try:
                self._delete_now(model)
            except Exception as ex:
                txn.rollback()
                self._report_failure(ex, "Không xoá được bản ghi.")
                return False
        self.after_model_delete(model)
        return True

    def _delete_now(self, model):
        self.refuse_if_used(model)
        self.on_model_delete(model)
        self.audit("delete", model, auditing.snapshot(model), {})
        model.delete_instance()

    def refuse_if_used(self, model):
        used = dependants(model)
        if used:
            raise ValidationError(
                f"Không thể xoá {model}: còn {', '.join(used)} liên quan. "
                "Hãy chuyển hoặc xoá các bản ghi đó trước."
            )

    def _report_failure(self, ex, prefix):
        if isinstance(ex, StaleRecord):
            flash(
                "Bản ghi này vừa được người khác sửa trong lúc bạn đang sửa. "
                "Thay đổi của bạn chưa được lưu: hãy tải lại trang để xem bản mới nhất rồi sửa lại.",
                "error",
            )
        elif isinstance(ex, ValidationError):
            flash(f"{prefix} {ex}", "error")
        elif isinstance(ex, IntegrityError):
            flash(f"{prefix} Dữ liệu trùng với một bản ghi đã có hoặc tham chiếu tới bản ghi "
                  "không còn tồn tại (ví dụ một đơn vị được giao hai lần). Chưa có gì được lưu.",
                  "error")
        else:
            if not self.handle_view_exception(ex):
                raise ex

    def handle_view_exception(self, exc):
        if isinstance(exc, ValidationError):
            flash(str(exc), "error")
            return True
        return super().handle_view_exception(exc)

    @action("delete", "Xoá", "Bạn có chắc muốn xoá các bản ghi đã chọn?")
    def action_delete(self, ids):
        """The built-in mass delete, through the scoped query and the same refusal."""
        deleted, refused = 0, []
        for model in self.get_query().where(self.model.id.in_(_int_ids(ids))):
            with db.atomic() as txn:
                try:
                    self._delete_now(model)
                except ValidationError as ex:
                    txn.rollback()
                    refused.append(str(ex))
                    continue
            self.after_model_delete(model)
            deleted += 1
        if deleted:
            flash(f"Đã xoá {deleted} bản ghi.", "success")
        for message in refused:
            flash(message, "error")


def _labelled(form_args, labels):
    merged = {name: dict(args) for name, args in (form_args or {}).items()}
    for name, label in labels.items():
        merged.setdefault(name, {}).setdefault("label", label)
    return merged


def _choices_of(model):
    return {
        name: list(field.choices)
        for name, field in model._meta.fields.items() if field.choices
    }


def _inline_model(inline):
    return getattr(inline, "model", inline)


def _int_ids(ids):
    result = []
    for value in ids:
        try:
            result.append(int(value))
        except (TypeError, ValueError):
            continue
    return result


def _version_of(form):
    field = getattr(form, "version", None)
    if field is None:
        return None
    try:
        return int(field.data)
    except (TypeError, ValueError):
        raise StaleRecord()


def dependants(model):
    """['12 hội viên', …]: the records that point at `model`."""
    found = []
    for fk in type(model)._meta.backrefs:
        count = fk.model.select().where(fk == model.id).count()
        if count:
            found.append(f"{count} {fk.model.verbose_name}")
    return found


def attach_related(rows, model):
    """Load each foreign key of the page in one query per related model."""
    for field in model._meta.sorted_fields:
        if not isinstance(field, ForeignKeyField):
            continue
        ids = {row.__data__.get(field.name) for row in rows} - {None}
        if not ids:
            continue
        related = {r.id: r for r in field.rel_model.select().where(field.rel_model.id.in_(ids))}
        for row in rows:
            target = related.get(row.__data__.get(field.name))
            if target is not None:
                row.__rel__[field.name] = target
    return rows
