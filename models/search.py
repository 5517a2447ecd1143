"""The search condition for a SearchableModel, on either database.

Every query word must match the start of a word of the record. On SQLite an
FTS5 index over `search_text` answers it (created by migration 0002); on
PostgreSQL a pg_trgm GIN index serves the LIKE. Both see the same folded text,
so both give the same rows.
"""
from peewee import SQL, SqliteDatabase

from models.text import search_terms

MATCHES_HELD = 50000


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
    condition = None
    for term in terms:
        clause = model.search_text.contains(" " + term)
        condition = clause if condition is None else condition & clause
    return condition


def search_matches(model, text, limit=MATCHES_HELD):
    """(condition, count) with the index asked once, for a list page (SQLite).

    The index gives the count and the ids of the matches in one row (joined
    by SQLite itself, not by Python row by row), and the page reads its rows
    from that list: the page and its count do not each run the MATCH again,
    which is the costly part of a three-word prefix search. None on
    PostgreSQL, for an empty search, and when more than `limit` rows match.
    """
    terms = search_terms(text)
    if not terms or not _is_sqlite(model):
        return None
    table = model._meta.table_name
    count, ids = model._meta.database.execute_sql(
        f"SELECT COUNT(*), group_concat(rowid) FROM {table}_search WHERE {table}_search MATCH ?",
        (_match(terms),)).fetchone()
    if count > limit:
        return None
    condition = model.id.in_(SQL("(SELECT value FROM json_each(?))", (f"[{ids or ''}]",)))
    return condition, count
