"""The search condition for a SearchableModel, on either database.

Every query word must match the start of a word of the record. On SQLite an
FTS5 index over `search_text` answers it (created by migration 0002); on
PostgreSQL a GIN index over the words of `search_text` and their prefixes
(migration 0014). Both see the same folded text, so both give the same rows.
"""
from peewee import OP, SQL, Cast, Expression, SqliteDatabase, fn

from models.text import search_terms

MATCHES_HELD = 50000
# As migration 0014 indexes them: each word and its prefixes up to 7
# characters as entries of their own, a lexeme cut at tsvector's 2047.
PREFIX_LENGTH = 7
LEXEME_MAX = 2047
# PostgreSQL: the tables whose words are also kept one per row with the
# row's sort key and scope column (migration 0023), by those two columns;
# and the length at which a kept word is cut.
WORD_TABLES = {"member": ("full_name_key", "branch_id")}
WORD_MAX = 100


def _is_sqlite(model):
    database = model._meta.database
    return isinstance(getattr(database, "obj", database), SqliteDatabase)


def _match(terms):
    return " ".join(f'"{term}"*' for term in terms)


def search_condition(model, text):
    """A WHERE expression for `text`, or None when it holds no word."""
    terms = search_terms(text)
    if not terms:
        return None
    table = model._meta.table_name
    if _is_sqlite(model):
        match = _match(terms)
        return model.id.in_(
            SQL(f"(SELECT rowid FROM {table}_search WHERE {table}_search MATCH ?)", (match,))
        )
    condition = Expression(fn.search_prefixes(model.search_text), "@@", Cast(_tsquery(terms), "tsquery"))
    # The same test as a plain LIKE per word, cheap on every row: when the
    # planner walks another index and filters row by row (a page sorted by
    # name), PostgreSQL runs it before the plpgsql function (9 µs a row), so
    # "nguyen thi hoa" walked in name order takes 16 ms instead of 10 s. It
    # also keeps a word longer than an index entry exact. (A folded word is
    # [a-z0-9] only: no LIKE wildcard can come from the user.)
    for term in dict.fromkeys(terms):
        condition &= Expression(model.search_text, OP.LIKE, f"% {term}%")
    return condition


def _tsquery(terms):
    """The PostgreSQL query: a word of up to 7 characters is an indexed prefix
    itself; a longer one can only start a whole word, matched by its prefix.

    Each word is quoted as a lexeme: the folded words hold only [a-z0-9], so
    nothing a user types reaches the tsquery syntax, and the quoting keeps it
    so should that ever change.
    """
    lexemes = []
    for term in dict.fromkeys(terms):
        term = term[:LEXEME_MAX]
        quoted = "'" + term.replace("\\", "\\\\").replace("'", "''") + "'"
        lexemes.append(quoted if len(term) <= PREFIX_LENGTH else quoted + ":*")
    return " & ".join(lexemes)


class Matches:
    """The ids of a search's matches, read from the index once (SQLite).

    The index gives the count and the ids in one row (joined by SQLite
    itself, not by Python row by row); the page reads its rows from that
    list, so the MATCH, the costly part of a three-word prefix search, runs
    once per page, not once for the page and again for its count.
    """

    def __init__(self, model, ids, count):
        self.model, self.ids, self.count = model, ids, count

    def condition(self):
        return self.model.id.in_(SQL("(SELECT value FROM json_each(?))", (self.ids,)))

    def page(self, order, limit, offset):
        """The condition for one sorted page of the matches; None for an order on another table.

        Joined from the id list rather than tested with IN: SQLite then skips
        building an index of the list (10 ms instead of 13 for 14.000 matches).
        """
        terms, names = [], []
        for field, descending in order:
            if isinstance(field, str):
                field = self.model._meta.fields.get(field)
            if getattr(field, "model", None) is not self.model:
                return None
            terms.append(f'm."{field.column_name}" {"DESC" if descending else "ASC"}')
            names.append(field.name)
        table = self.model._meta.table_name
        return self.model.id.in_(SQL(
            f'(SELECT m.id FROM json_each(?) AS j CROSS JOIN "{table}" AS m{self._narrow_index(names)} '
            f'ON m.id = j.value ORDER BY {", ".join(terms)} LIMIT ? OFFSET ?)', (self.ids, limit, offset)))

    def _narrow_index(self, names):
        """INDEXED BY an (id, sort column) index when the model has one: each
        match's sort key is then read from it, not from the whole row."""
        wanted = ("id", names[0])
        for fields, _unique in self.model._meta.indexes:
            if tuple(fields) == wanted and set(names) <= set(wanted):
                return f' INDEXED BY "{self.model._meta.table_name}_{"_".join(wanted)}"'
        return ""


class HeldMatches:
    """PostgreSQL: a search's count and its first matches in list order, from one query.

    The list used to count the matches and then read its page, two queries
    that each found every match through the index and read it from the table
    ("nguyen thi hoa": 6 ms in the index each time; "dang": 11.000 table
    pages each time). One query now counts them (a window over the matches)
    while it keeps the ids of the first HELD in the list's order; a page
    among those is then read by its ids. Any other order or a page further
    on is read as before (page() gives None).
    """

    HELD = 1000

    def __init__(self, model, condition, order, rows):
        self.model, self._condition, self.order = model, condition, _order_names(model, order)
        self.count = rows[0][0] if rows else 0
        self.ids = [row[1] for row in rows]

    @classmethod
    def read(cls, model, condition, counted, order):
        """`counted`: a query of (the count of the matches, an id) for the first
        HELD matches in `order` (admin_views.listing.counted_in_order)."""
        sql, params = counted.sql()
        # Read from the cursor: peewee's rows would cost more than the query's last step.
        return cls(model, condition, order, model._meta.database.execute_sql(sql, params).fetchall())

    def condition(self):
        return self._condition

    def page(self, order, limit, offset):
        """The condition for one sorted page of the matches; None when it is not among those held."""
        if _order_names(self.model, order) != self.order or self.order is None:
            return None
        if offset + limit > len(self.ids) and len(self.ids) < self.count:
            return None
        return self.model.id.in_(self.ids[offset:offset + limit])


def word_matches(model, text, order, condition, scope=None):
    """PostgreSQL: a one-word search as HeldMatches, read from the table's
    kept words alone (migration 0023); None when that does not apply:
    several words, a word starting with a digit or longer than the kept
    words, another order than (sort key, id), or SQLite.

    `scope`: None for the whole table, or (field, ids): only rows whose
    `field` is among `ids` (a subquery), when `field` is the kept scope column.

    The range `word <= w < w'` (w' is w with its last letter advanced) holds
    exactly the kept words that start with w, in byte order.
    """
    table = model._meta.table_name
    key, scope_column = WORD_TABLES.get(table, (None, None))
    terms = search_terms(text)
    if (key is None or _is_sqlite(model) or len(set(terms)) != 1 or not terms[0][0].isalpha()
            or len(terms[0]) > WORD_MAX or _order_names(model, order) != [(key, False), ("id", False)]):
        return None
    term = terms[0]
    params = [term, term[:-1] + chr(ord(term[-1]) + 1), len(term)]
    within = ""
    if scope is not None:
        field, ids = scope
        if getattr(field, "model", None) is not model or field.column_name != scope_column:
            return None
        sql, ids_params = ids.sql()
        within, params = f" AND {scope_column} IN ({sql})", params + list(ids_params)
    # `shared < len(w)`: a member with two words in the range ("Đặng Văn Đào" for
    # "da") is counted and listed once (migration 0023).
    matching = f"FROM {table}_word WHERE word >= %s AND word < %s AND shared < %s{within}"
    rows = model._meta.database.execute_sql(
        f"SELECT (SELECT COUNT(*) {matching}), {table}_id {matching} ORDER BY sort_key, {table}_id LIMIT %s",
        (*params, *params, HeldMatches.HELD)).fetchall()
    return HeldMatches(model, condition, order, rows)


def _order_names(model, order):
    """(field name, descending) pairs; None for an order on another table."""
    names = []
    for field, descending in order:
        if isinstance(field, str):
            field = model._meta.fields.get(field)
        if getattr(field, "model", None) is not model:
            return None
        names.append((field.name, bool(descending)))
    return names


def search_matches(model, text, limit=MATCHES_HELD):
    """Matches of `text` (SQLite); None on PostgreSQL, for an empty search, and
    when more than `limit` rows match."""
    terms = search_terms(text)
    if not terms or not _is_sqlite(model):
        return None
    table = model._meta.table_name
    count, ids = model._meta.database.execute_sql(
        f"SELECT COUNT(*), group_concat(rowid) FROM {table}_search WHERE {table}_search MATCH ?",
        (_match(terms),)).fetchone()
    if count > limit:
        return None
    return Matches(model, f"[{ids or ''}]", count)
