"""How a list page's two queries stay fast on a million rows.

The count: a plain COUNT(*) over the page's conditions (peewee's .count()
wraps the query in a subquery, ten times slower on SQLite); a search asks its
index once for the page and the count together (models/search.py).

The page: with an index on the sort column, a page of a large result is
found by walking that index and keeping the rows that qualify, instead of
reading every qualifying row and sorting them. PostgreSQL's planner chooses
this itself from its statistics. SQLite has none for an IN (subquery) or a
skewed status column, and reads a unit's 220.000 members through the branch
index to sort them (200 ms) when walking the name index finds the page in
1 ms. So on SQLite, when the result is a large share of the table, the
conditions are handed over as one opaque term ("(…) + 0" can use no index)
and the sort index is walked. A small result keeps its indexes: walking the
sort index to find a rare row would read the whole index.
"""
from flask import g, request
from peewee import (
    SQL, BlobField, CharField, Field, IntegerField, Ordering, PostgresqlDatabase, SqliteDatabase, TextField,
    fn,
)

from models import db
from models.search import HeldMatches, search_condition, search_matches, word_matches

# Walk the sort index when the result is at least this share of the table.
WALK_SHARE = 0.01
WALK_MIN_ROWS = 1000
# Stands for a row's id in a row action's URL while it is built (row_url).
ROW_ID = "rowid0placeholder"
# A page number past this shows an empty page: its offset still fits the databases' integers.
MAX_PAGE = 10 ** 9
BIGINT = 2 ** 63 - 1


def record_id(value):
    """An id from a query string, or None: a word, or a number no id column
    holds (`?meeting=99999999999999999999` would overflow the database)."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 < number <= BIGINT else None


def row_url(view, endpoint, row_id, **kwargs):
    """view.get_url(endpoint, id=row_id, **kwargs) for one row of a list page.

    Every row asks for its view, edit and delete links, and url_for costs
    some 25 µs: a page of 20 rows spent 1,5 ms on them. So the URL is built
    once per page with a stand-in for the id, and each row's id takes its
    place: url_for writes an integer id as its digits, so the result is the
    same string. Any other id goes through url_for itself. The key holds all
    a relative URL depends on: `g` outlives a request under an outer app
    context (tests).
    """
    if type(row_id) is not int:
        return view.get_url(endpoint, id=row_id, **kwargs)

    def parts():
        url = view.get_url(endpoint, id=ROW_ID, **kwargs)
        return url.split(ROW_ID) if url.count(ROW_ID) == 1 else None

    found = _once_per_page("row_urls", view, endpoint, kwargs, parts)
    if found is None:
        return view.get_url(endpoint, id=row_id, **kwargs)
    return f"{found[0]}{row_id}{found[1]}"


def page_url(view, endpoint, **kwargs):
    """view.get_url(endpoint, **kwargs), built once per page: the same for every row."""
    return _once_per_page("page_urls", view, endpoint, kwargs, lambda: view.get_url(endpoint, **kwargs))


def _once_per_page(name, view, endpoint, kwargs, build):
    """build() once per request for this view, endpoint and arguments."""
    built = g.setdefault(name, {})
    key = (request.script_root, view.endpoint, endpoint, tuple(kwargs.items()))
    if key not in built:
        built[key] = build()
    return built[key]


def page_within(page):
    """The page to read: `?page=-1` is the first, `?page=99999999999999999999` an empty one."""
    return max(0, min(page or 0, MAX_PAGE))


def own_search(view, search):
    """A `?search=` on a list without a search box is ignored, not run against a missing index."""
    return search if search and view._search_supported else None


def _bounded(value, column):
    if isinstance(value, str) and isinstance(column, IntegerField):
        try:
            value = int(value)
        except ValueError:
            return value
    if isinstance(value, int) and not isinstance(value, bool):
        return max(-BIGINT, min(BIGINT, value))
    if isinstance(value, (list, tuple)):
        return [_bounded(item, column) for item in value]
    return value


def apply_filters(view, query, filters, joins):
    """The list's filters, each value made safe for its column first.

    A number beyond any stored one is held within the database's integers; a
    value that is no number at all matches nothing in a number column
    (PostgreSQL refuses to compare "abc" with an integer).
    """
    for index, _name, value in filters or ():
        flt = view._filters[index]
        query = view._handle_join(query, flt.column, joins)
        value = flt.clean(value)
        # Only Flask-Admin's own filters compare the value with the column as
        # it comes; ours (a unit's code for its subtree) read it themselves.
        numeric = (isinstance(flt.column, IntegerField)
                   and type(flt).__module__.startswith("flask_admin."))
        if numeric:
            value = _bounded(value, flt.column)
        if numeric and isinstance(value, str):
            query = query.where(flt.column.is_null(True) & flt.column.is_null(False))
        else:
            query = flt.apply(query, value)
    return query


def count_rows(query):
    return query.clone().select(fn.COUNT(SQL("*"))).order_by().limit(None).offset(None).scalar()


def count_listed(view, query, narrowed):
    """How many rows the list holds: the view's kept count when no search or
    filter narrows it (PostgreSQL reads every row to count them), else COUNT."""
    if not narrowed:
        kept = view.kept_count()
        if kept is not None:
            return kept
    return count_rows(query)


def narrow(view, query, search, counted=True, scope=False):
    """(query narrowed by the search, its row count if known, the matches if known).

    SQLite: the matches come back only when nothing else narrows the list:
    their sorted page can then be read straight from them (Matches.page).
    PostgreSQL: counted among the list's rows in one query with the first of
    them in the list's default order (HeldMatches; a one-word search of the
    user's section from its kept words, word_matches), unless `counted` is
    false: a page that shows no count (the API's) then finds the matches
    once, in its own query, instead of twice.

    `scope`: the user's section as view.scope() gives it; the kept words
    answer only when nothing else narrows `query` (no filter).
    """
    matches = search_matches(view.model, search)
    if matches is not None:
        alone = query._where is None
        return query.where(matches.condition()), (matches.count if alone else None), \
            (matches if alone else None)
    condition = search_condition(view.model, search)
    if condition is None:
        return query, None, None
    unsearched, query = query, query.where(condition)
    if counted and isinstance(db.obj, PostgresqlDatabase):
        order = default_order(view)
        matches = (word_matches(view.model, search, order, condition, scope)
                   if scope is not False and _only_the_section(view, unsearched) else None)
        if matches is None:
            ordered, _joins = view._order_by(query, set(), order)
            matches = HeldMatches.read(view.model, condition, counted_in_order(view.model, ordered), order)
        return query, matches.count, matches
    return query, None, None


def _only_the_section(view, query):
    """Is `query` exactly the rows of the user's section, with no filter,
    join or condition of another view's own? Compared as SQL, so that a view
    narrowing its rows further can never be answered from the kept words."""
    return query.sql() == view.section_query().sql()


def default_order(view):
    """The list's order when no heading was clicked, as get_list reads it:
    names by their sort key, the id last so that rows never swap places."""
    fields = view.model._meta.fields
    order = [(fields.get(name, name) if isinstance(name, str) else name, descending)
             for name, descending in view._get_default_order() or [(view.model.id, True)]]
    return with_id(view.model, collated(view.model, order))


def with_id(model, order):
    """`order` ending with the id, so that equal keys never swap places between pages."""
    if order[-1][0] is not model.id:
        order = [*order, (model.id, order[-1][1])]
    return order


def collated(model, order):
    """The list order with every name sorted by its Vietnamese sort key.

    A name column sorted as text follows code points ("Bùi" before "Bế")
    and, on PostgreSQL, the database's locale; its key column (NameOrdered)
    sorts in dictionary order on both databases, from its own index. This
    holds for the default order, a click on the column heading and the
    export, which all come through here.
    """
    collated_order = []
    for field, descending in order:
        owner = model if isinstance(field, str) else getattr(field, "model", None)
        name = field if isinstance(field, str) else getattr(field, "name", None)
        keys = {source: key for key, source in getattr(owner, "sort_keys", {}).items()}
        if name in keys:
            field = owner._meta.fields[keys[name]]
        collated_order.append((field, descending))
    return collated_order


def walk_sort_index(view, query, count, order, search):
    """The page query, told to walk the sort index when that is the faster way.

    Never for a search: its matches cluster in name order (every "Đặng"
    together, after every "Dương"), which is the order walked.
    """
    if (not isinstance(db.obj, SqliteDatabase) or search or query._where is None
            or count < WALK_MIN_ROWS):
        return query
    field = order[0][0] if order else None
    if isinstance(field, str):
        field = view.model._meta.fields.get(field)
    if not _leads_an_index(view.model, field):
        return query
    total = view.model.select(fn.COUNT(SQL("*"))).scalar()
    if count < WALK_SHARE * total:
        return query
    opaque = query.clone()
    opaque._where = query._where + 0
    return opaque


def _leads_an_index(model, field):
    name = getattr(field, "name", None)
    if name is None or getattr(field, "model", None) is not model:
        return False
    if field.index or field.unique or field.primary_key:
        return True
    return any(fields and fields[0] == name for fields, _unique in model._meta.indexes)


def counted_in_order(model, query):
    """PostgreSQL: the count of `query`'s rows and the ids of its first
    HeldMatches.HELD in its order, as one query (HeldMatches.read).

    The rows are found in a subquery fenced by OFFSET 0 and sorted outside
    it, so the planner cannot walk the name index filtering row by row (see
    sort_matches), and the sort compares the key column itself rather than
    an expression built for every match ("dang", 14.457 matches: 31 → 26 ms).
    An order on another table's column is sorted as sort_matches does."""
    nodes = [ordering.node for ordering in query._order_by or ()]
    if not nodes or not all(isinstance(node, Field) and node.model is model for node in nodes):
        return sort_matches(query).clone().select(fn.COUNT(SQL("*")).over(), model.id) \
            .limit(HeldMatches.HELD).offset(None)
    keys = [f"key{position}" for position in range(len(nodes))]
    found = (query.clone().select(model.id.alias("id"), *(node.alias(key) for node, key in zip(nodes, keys)))
             .order_by().limit(None).offset(0).alias("matches"))
    return (found.select_from(fn.COUNT(SQL("*")).over(), found.c.id)
            .order_by(*(Ordering(found.c[key], ordering.direction, ordering.collation, ordering.nulls)
                        for key, ordering in zip(keys, query._order_by)))
            .limit(HeldMatches.HELD))


def sort_matches(query):
    """PostgreSQL: a search's page sorts its matches rather than walking the name index.

    Its planner guesses that matches are spread evenly through name order and
    walks the (full_name_key, id) index, filtering row by row; "dang" matches
    Đặng, which clusters far into name order, so the walk reads a large share
    of a million rows where sorting the 14.000 matches takes milliseconds.
    Sorting on `key || ''::bytea` (`name || ''` for text) orders exactly the
    same and no index serves it.
    """
    if not isinstance(db.obj, PostgresqlDatabase) or not query._order_by:
        return query
    orderings = []
    for ordering in query._order_by:
        node = ordering.node
        if isinstance(node, (CharField, TextField)):
            node = node.concat("")
        elif isinstance(node, BlobField):
            node = node.concat(b"")
        orderings.append(Ordering(node, ordering.direction, ordering.collation, ordering.nulls))
    return query.order_by(*orderings)
