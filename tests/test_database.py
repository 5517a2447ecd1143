"""SQLite is configured for a multi-process server."""
import threading

import pytest
from peewee import SqliteDatabase

from models import Setting, db
from portal.database import open_database


@pytest.fixture
def database_url(tmp_path):
    """These settings are SQLite's own, whatever TEST_DATABASE_URL says."""
    return f"sqlite:///{tmp_path}/portal.db"


@pytest.fixture
def sqlite_db(app):
    assert isinstance(db.obj, SqliteDatabase)
    return db.obj


def test_wal_foreign_keys_and_busy_timeout(sqlite_db):
    assert sqlite_db.execute_sql("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert sqlite_db.execute_sql("PRAGMA foreign_keys").fetchone()[0] == 1
    assert sqlite_db.execute_sql("PRAGMA busy_timeout").fetchone()[0] >= 5000


def test_read_then_write_survives_a_commit_from_another_process(sqlite_db):
    """A deferred transaction would fail at once with "database is locked"."""
    other = open_database(f"sqlite:///{sqlite_db.database}")
    reading = threading.Event()
    other_done = threading.Event()
    errors = []

    def other_writer():
        reading.wait(5)
        try:
            with other.atomic():
                other.execute_sql("UPDATE setting SET value = 'Khác' WHERE key = 'province_name'")
        except Exception as ex:  # recorded for the assertion below
            errors.append(ex)
        other_done.set()

    thread = threading.Thread(target=other_writer)
    thread.start()
    with sqlite_db.atomic():
        sqlite_db.execute_sql("SELECT value FROM setting").fetchall()
        reading.set()
        other_done.wait(0.5)
        sqlite_db.execute_sql("UPDATE setting SET value = 'Gia Lai' WHERE key = 'province_name'")
    thread.join(15)
    other.close()
    other.close_all()
    assert not errors
    # The other writer waited for ours and then committed after it.
    assert Setting.get_value("province_name") == "Khác"
