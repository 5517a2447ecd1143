"""A resource's list: the screen's scope, filters and search, in keyset pages.

Query parameters are read here, not by webargs, so that every refusal is a
Vietnamese problem with its own `code`; `parameters()` documents exactly
what `read()` accepts. A filter, sort or search on a personal column is
refused unless every row the list can return is one whose personal data the
caller may read (filters as an oracle: notes/api-traps.md).
"""
import json

from peewee import SQL, SqliteDatabase, fn

from admin_views import listing
from admin_views.access import organisations_in_scope
from models import db
from portal.api import cursor
from portal.api.problems import ApiError

DEFAULT_LIMIT, MAX_LIMIT = 50, 200
# SQLite walks the sort index for a list of at least this many rows (_walk_sort_index).
WALK_FROM = 5000
BASE_PARAMETERS = ("limit", "cursor", "sort", "q", "count")

# Flask-Admin's filter classes → the operator in the parameter name.
OPERATORS = (
    ("NotBetween", "not_between"), ("Between", "between"), ("NotInList", "not_in"), ("InList", "in"),
    ("NotEqual", "ne"), ("Equal", ""), ("NotLike", "not_contains"), ("Like", "contains"),
    ("Greater", "gt"), ("Smaller", "lt"), ("Empty", "empty"), ("InSubtree", "in_subtree"),
    ("Active", "active"),
)
FORMATS = {"Date": "YYYY-MM-DD", "DateTime": "YYYY-MM-DD HH:MM:SS", "Int": "số nguyên"}


def bad(code, message):
    return ApiError(400, code, message)


def filter_parameters(view):
    """Stable query-parameter name → index of the view's filter."""
    names = {}
    for index, flt in enumerate(view._filters or ()):
        column = flt.column
        name = column.name
        if getattr(column, "model", view.model) is not view.model:
            # A column of a joined model, by the key that joins it: period_year.
            key = next(f.name for f in view.model._meta.sorted_fields
                       if getattr(f, "rel_model", None) is column.model)
            name = f"{key}_{name}"
        kind = type(flt).__name__
        operator = next((op for marker, op in OPERATORS if marker in kind), kind.lower())
        name = f"{name}__{operator}" if operator else name
        if name in names or name in BASE_PARAMETERS:
            raise TypeError(f"{type(view).__name__}: two filters would share the API name {name}")
        names[name] = index
    return names


def sortable(view):
    """sort parameter value → the view's sortable column, own plain columns only."""
    found = {}
    for name, column in view._sortable_columns.items():
        field = view.model._meta.fields.get(name) if isinstance(column, str) else column
        if (field is None or getattr(field, "model", None) is not view.model
                or name in ("version",) or getattr(field, "rel_model", None) is not None):
            continue
        found[name] = field
    return found


def personal_readable(view):
    """May the caller read personal columns of every row this list can return?"""
    if organisations_in_scope() is None:
        return True
    # get_query keeps only rows of covered organisations when the scope
    # column is the model's own: every such row's personal data is readable.
    return view.scope_field is not None and view.scope_field.model is view.model


class ListRequest:
    """One list request, read and checked."""

    def __init__(self, resource, args):
        self.resource, self.view = resource, resource.view
        for name in args:
            if name not in BASE_PARAMETERS and name not in resource.filters:
                raise bad("unknown_parameter", f"Không có tham số “{name}” cho danh sách này.")
        for values in args.listvalues():
            if any("\x00" in value for value in values):
                raise bad("invalid_parameter", "Tham số chứa ký tự không hợp lệ.")
        self.limit = _limit(args.get("limit"))
        self.count = _flag(args.get("count"))
        self.search = (args.get("q") or "").strip() or None
        self.sort = args.get("sort") or ""
        self.order = self._order()
        self.filters = self._filters(args)
        if self.search is not None:
            if not self.view._search_supported:
                raise bad("search_unsupported", "Danh sách này không hỗ trợ tìm kiếm (tham số q).")
            fields = getattr(self.view.model, "search_fields", ())
            self._refuse_personal(fields, "tìm kiếm")
        # A cursor continues the list it was made for: same sort, search and filters.
        self.made_for = json.dumps([self.sort, self.search, sorted(
            (name, args.getlist(name)) for name in args if name in resource.filters)], ensure_ascii=False)
        self.after = (cursor.decode(resource.name, self.made_for, self.order, args["cursor"])
                      if args.get("cursor") else None)

    def _order(self):
        if not self.sort:
            return listing.default_order(self.view)
        descending = self.sort.startswith("-")
        name = self.sort[1:] if descending else self.sort
        field = self.resource.sortable.get(name)
        if field is None:
            allowed = ", ".join(self.resource.sortable) or "không có"
            raise bad("invalid_sort", f"Không sắp xếp được theo “{name}”. Các cột sắp xếp được: {allowed}.")
        self._refuse_personal([name], "sắp xếp")
        return listing.with_id(self.view.model, listing.collated(self.view.model, [(field, descending)]))

    def _filters(self, args):
        chosen = []
        for name in args:
            if name in BASE_PARAMETERS:
                continue
            index = self.resource.filters[name]
            flt = self.view._filters[index]
            self._refuse_personal([flt.column.name], "lọc")
            for value in args.getlist(name):
                options = flt.get_options(self.view)
                if options and value not in {str(key) for key, _ in options}:
                    allowed = ", ".join(str(key) for key, _ in options)
                    raise bad("invalid_filter", f"Giá trị lọc “{name}” phải là một trong: {allowed}.")
                if not flt.validate(value):
                    raise bad("invalid_filter", f"Giá trị lọc “{name}” không hợp lệ.")
                chosen.append((index, flt.name, value))
        return chosen

    def _refuse_personal(self, names, doing):
        personal = set(self.view.sensitive_columns or ()) & set(names)
        if personal and not personal_readable(self.view):
            raise bad("personal_field",
                      f"Không được {doing} theo dữ liệu cá nhân ngoài phạm vi tổ chức của bạn.")

    def query(self):
        """(rows of the page, the count if asked)."""
        view = self.view
        query = listing.apply_filters(view, view.get_query(), self.filters, set())
        count = None
        if self.search:
            query, count, _matches = listing.narrow(view, query, self.search, counted=self.count)
        if self.count and count is None:
            count = listing.count_listed(view, query, bool(self.search or self.filters))
        query = self._walk_sort_index(query)
        if self.after is not None:
            query = query.where(cursor.after(self.order, self.after))
        query = query.order_by(*cursor.order_by(self.order)).limit(self.limit + 1)
        if self.search:
            query = listing.sort_matches(query)
        return list(query), count

    def _walk_sort_index(self, query):
        """SQLite: a large section's page is found by walking the sort index.

        As on the list screen (admin_views/listing.py): SQLite would read a
        unit's 220.000 members through the branch index and sort them all
        for every page. Walking the (key, id) index reads about
        limit × table / section rows instead, which pays once the section
        holds WALK_FROM rows; fewer are sorted faster than they are found.
        A bounded count (at most WALK_FROM index entries) tells which.
        """
        view = self.view
        if (not isinstance(db.obj, SqliteDatabase) or self.search or query._where is None
                or not listing._leads_an_index(view.model, self.order[0][0])):
            return query
        sample = query.clone().select(SQL("1")).order_by().limit(WALK_FROM)
        if view.model.select(fn.COUNT(SQL("*"))).from_(sample).scalar() < WALK_FROM:
            return query
        opaque = query.clone()
        opaque._where = query._where + 0
        return opaque

    def next_cursor(self, rows):
        if len(rows) <= self.limit:
            return None
        return cursor.encode(self.resource.name, self.made_for, self.order, rows[self.limit - 1])


def _limit(raw):
    if raw is None:
        return DEFAULT_LIMIT
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if not 1 <= value <= MAX_LIMIT:
        raise bad("invalid_limit", f"limit phải là số nguyên từ 1 đến {MAX_LIMIT}.")
    return value


def _flag(raw):
    if raw in (None, "false", "0"):
        return False
    if raw in ("true", "1"):
        return True
    raise bad("invalid_parameter", "count chỉ nhận true hoặc false.")


def parameters(resource):
    """The list's query parameters as OpenAPI parameter objects."""
    view = resource.view
    sort_values = [name for name in resource.sortable] + [f"-{name}" for name in resource.sortable]
    found = [
        _param("limit", {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": DEFAULT_LIMIT},
               "Số bản ghi mỗi trang"),
        _param("cursor", {"type": "string"},
               "Con trỏ trang sau, lấy từ next_cursor của trang trước; gửi kèm đúng sort, q và bộ lọc của trang đó"),
        _param("count", {"type": "string", "enum": ["true", "false"]},
               "true: thêm count, tổng số bản ghi khớp (chậm hơn trên danh sách lớn)"),
    ]
    if sort_values:
        found.append(_param("sort", {"type": "string", "enum": sort_values},
                            "Cột sắp xếp; dấu - phía trước là giảm dần. Mặc định: thứ tự của màn hình"))
    if view._search_supported:
        found.append(_param("q", {"type": "string"},
                            f"Tìm theo {view.search_hint}, không phân biệt dấu và hoa thường"))
    for name, index in resource.filters.items():
        flt = view._filters[index]
        schema = {"type": "string"}
        options = flt.get_options(view)
        if options:
            schema["enum"] = [str(key) for key, _ in options]
        kind = type(flt).__name__
        hint = next((text for marker, text in FORMATS.items() if kind.startswith(marker)), "")
        if "Between" in kind:
            hint = f"{hint} to {hint}" if hint else "a to b"
        described = f"Lọc: {flt.name} {flt.operation()}" + (f" ({hint})" if hint else "")
        found.append(_param(name, schema, described))
    return found


def _param(name, schema, description):
    return {"name": name, "in": "query", "required": False, "schema": schema, "description": description}
