"""The search condition for a SearchableModel, on either database.

Every query word must match the start of a word of the record. On SQLite an
FTS5 index over `search_text` answers it (created by migration 0002); on
PostgreSQL a pg_trgm GIN index serves the LIKE. Both see the same folded text,
so both give the same rows.
"""
from peewee import SQL, SqliteDatabase

from models.text import search_terms


def _is_sqlite(model):
    database = model._meta.database
    return isinstance(getattr(database, "obj", database), SqliteDatabase)


def search_condition(model, text):
    """A WHERE expression for `text`, or None when it holds no word."""
    terms = search_terms(text)
    if not terms:
        return None
    table = model._meta.table_name
    if _is_sqlite(model):
        match = " ".join(f'"{term}"*' for term in terms)
        return model.id.in_(
            SQL(f"(SELECT rowid FROM {table}_search WHERE {table}_search MATCH ?)", (match,))
        )
    condition = None
    for term in terms:
        clause = model.search_text.contains(" " + term)
        condition = clause if condition is None else condition & clause
    return condition
