"""Faults survived: a busy or vanished database, a job worker killed mid-work,
a jobs folder that cannot be written.

The slow ones start real processes (a job worker, gunicorn, a private
PostgreSQL server); the whole module stays well under 90 s.
"""
import contextlib
import sqlite3

import pytest

from models import Organisation
from tests.api_helpers import api_as
from tests.forms import rendered_form

BUSY_TEXT = "Cơ sở dữ liệu đang bận, vui lòng thử lại"


# --- SQLite: another writer holds the lock longer than the busy timeout ------------------

@pytest.fixture
def short_busy_timeout(app, is_postgres):
    if is_postgres:
        pytest.skip("SQLite's write lock")
    from portal.database import open_database
    from models import db

    # The same file, waiting 0,3 s instead of 10 s for the lock.
    db.obj.close_all()
    app.config["SQLITE_BUSY_TIMEOUT_MS"] = 300
    db.initialize(open_database(app.config["DATABASE_URL"], 300))


@contextlib.contextmanager
def write_lock_held(app):
    """Another process's writer: BEGIN IMMEDIATE on the same file, held until the block ends."""
    path = app.config["DATABASE_URL"].split("///", 1)[1]
    other = sqlite3.connect(path, isolation_level=None, timeout=0)
    try:
        other.execute("BEGIN IMMEDIATE")
        other.execute("UPDATE organisation SET name = name WHERE id = -1")
        yield
    finally:
        other.execute("ROLLBACK")
        other.close()


def test_a_save_while_another_writer_holds_the_lock_keeps_the_form_and_says_retry(
        app, login, short_busy_timeout):
    client = login("quantri")
    unit = Organisation.get(Organisation.code == "PHUNU")
    page = client.get(f"/admin/organisation/edit/?id={unit.id}").get_data(as_text=True)
    fields = rendered_form(page)
    fields["name"] = "Hội Phụ nữ tỉnh (tên mới chưa lưu)"
    with write_lock_held(app):
        response = client.post(f"/admin/organisation/edit/?id={unit.id}", data=fields)
    body = response.get_data(as_text=True)
    assert response.status_code == 503
    assert response.headers["Retry-After"].isdigit()
    assert BUSY_TEXT in body
    # The form comes back with what the user typed, ready to send again.
    assert rendered_form(body)["name"] == "Hội Phụ nữ tỉnh (tên mới chưa lưu)"
    assert Organisation.get_by_id(unit.id).name == unit.name
    # Once the lock is gone the same form saves.
    again = client.post(f"/admin/organisation/edit/?id={unit.id}", data=rendered_form(body))
    assert again.status_code == 302
    assert Organisation.get_by_id(unit.id).name == "Hội Phụ nữ tỉnh (tên mới chưa lưu)"


def test_any_other_write_while_locked_is_a_vietnamese_503_page_not_a_500(app, client, make_user,
                                                                        short_busy_timeout):
    make_user("quantri")
    with write_lock_held(app):
        # A login records its attempt: a write outside any record form.
        response = client.post("/login", data={"username": "quantri", "password": "sai-mat-khau"})
    body = response.get_data(as_text=True)
    assert response.status_code == 503 and response.headers["Retry-After"].isdigit()
    assert "<title>Cơ sở dữ liệu đang bận</title>" in body and BUSY_TEXT in body
    assert "Traceback" not in body
    # The security headers go on the error page too.
    assert "Content-Security-Policy" in response.headers
    assert client.get("/login").status_code == 200


def test_an_api_write_while_locked_is_a_problem_503(app, client, make_user, short_busy_timeout):
    api = api_as(app, client, make_user, "api_admin")
    unit = Organisation.get(Organisation.code == "PHUNU")
    current = api.get(f"/organisations/{unit.id}")
    assert current.status_code == 200, current.json
    with write_lock_held(app):
        response = api.send("PATCH", f"/organisations/{unit.id}", {"name": "Tên mới"},
                            if_match=current.headers["ETag"])
    assert response.status_code == 503, response.json
    assert response.mimetype == "application/problem+json"
    assert response.json["code"] == "database_busy" and BUSY_TEXT in response.json["message"]
    assert response.headers["Retry-After"].isdigit()
    assert Organisation.get_by_id(unit.id).name == unit.name
