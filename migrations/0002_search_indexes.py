"""Indexes behind accent-insensitive search on every searchable table.

SQLite: an external-content FTS5 table `<table>_search` over `search_text`,
kept in step by triggers. PostgreSQL: a pg_trgm GIN index, which serves the
LIKE '% term%' the portal issues there.
"""
from peewee import SqliteDatabase

TABLES = (
    "administrative_unit", "village", "organisation", "member",
    "directive", "campaign", "twinning_link",
)


def _sqlite_statements(table):
    index = f"{table}_search"
    return [
        f"CREATE VIRTUAL TABLE {index} USING fts5(search_text, content='{table}', "
        f"content_rowid='id', tokenize='unicode61 remove_diacritics 0', prefix='1 2 3')",
        f"INSERT INTO {index}({index}) VALUES ('rebuild')",
        f"CREATE TRIGGER {index}_ai AFTER INSERT ON {table} BEGIN "
        f"INSERT INTO {index}(rowid, search_text) VALUES (new.id, new.search_text); END",
        f"CREATE TRIGGER {index}_ad AFTER DELETE ON {table} BEGIN "
        f"INSERT INTO {index}({index}, rowid, search_text) VALUES ('delete', old.id, old.search_text); END",
        f"CREATE TRIGGER {index}_au AFTER UPDATE OF search_text ON {table} BEGIN "
        f"INSERT INTO {index}({index}, rowid, search_text) VALUES ('delete', old.id, old.search_text); "
        f"INSERT INTO {index}(rowid, search_text) VALUES (new.id, new.search_text); END",
    ]


def up(migrator, db):
    if isinstance(db, SqliteDatabase):
        for table in TABLES:
            for statement in _sqlite_statements(table):
                db.execute_sql(statement)
    else:
        db.execute_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        for table in TABLES:
            db.execute_sql(
                f"CREATE INDEX {table}_search_trgm ON {table} USING gin (search_text gin_trgm_ops)"
            )


def down(migrator, db):
    for table in TABLES:
        if isinstance(db, SqliteDatabase):
            db.execute_sql(f"DROP TABLE IF EXISTS {table}_search")
            for suffix in ("ai", "ad", "au"):
                db.execute_sql(f"DROP TRIGGER IF EXISTS {table}_search_{suffix}")
        else:
            db.execute_sql(f"DROP INDEX IF EXISTS {table}_search_trgm")
