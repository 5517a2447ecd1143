"""Binding the models' database proxy to the configured database."""
import os

from peewee import SqliteDatabase
from playhouse.db_url import connect

from models import db

SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    "synchronous": "normal",
    "cache_size": -64 * 1024,
}


def open_database(url):
    """A peewee database for `url` (sqlite:///path or postgresql://…)."""
    if url.startswith("sqlite"):
        path = url.split("///", 1)[1] if "///" in url else ":memory:"
        if path not in ("", ":memory:"):
            os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
        # IMMEDIATE: a deferred transaction that reads and then writes fails at
        # once with "database is locked" when another process committed meanwhile.
        return SqliteDatabase(path, pragmas=SQLITE_PRAGMAS, timeout=10, lock_type="IMMEDIATE")
    return connect(url)


def init_app(app):
    database = open_database(app.config["DATABASE_URL"])
    db.initialize(database)

    @app.before_request
    def _connect():
        db.connect(reuse_if_open=True)

    @app.teardown_appcontext
    def _close(exc):
        if not db.is_closed():
            db.close()

    return database
