"""Fixtures: an app on a freshly migrated database, clients, users, logins.

SQLite always; PostgreSQL too when TEST_DATABASE_URL is set (the public
schema of that database is wiped before each test).
"""
import os

import pytest
from peewee import PostgresqlDatabase

from models import Organisation, User, db
from portal import create_app, migrate

PASSWORD = "mat-khau-thu-nghiem"

BACKENDS = ["sqlite"] + (["postgresql"] if os.environ.get("TEST_DATABASE_URL") else [])


def reset_postgres(url):
    from playhouse.db_url import connect

    database = connect(url)
    with database.connection_context():
        database.execute_sql("DROP SCHEMA IF EXISTS public CASCADE")
        database.execute_sql("CREATE SCHEMA public")
    database.close()


@pytest.fixture(params=BACKENDS)
def database_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path}/portal.db"
    url = os.environ["TEST_DATABASE_URL"]
    reset_postgres(url)
    return url


@pytest.fixture
def app(database_url, tmp_path):
    app = create_app({
        "TESTING": True,
        "DATABASE_URL": database_url,
        "SECRET_KEY": "test-secret",
        "WTF_CSRF_ENABLED": False,
        "UPLOAD_FOLDER": str(tmp_path / "uploads"),
        # Jobs run when a test says so (jobs.run_pending), not in a thread.
        "JOB_QUEUE_FILE": str(tmp_path / "jobs.sqlite3"),
        "JOBS_FOLDER": str(tmp_path / "jobs"),
        "JOB_WORKER_THREADS": 0,
    })
    with app.app_context():
        migrate.upgrade()
    yield app
    if not db.is_closed():
        db.close()
    db.obj.close_all()  # the pool keeps connections open for the next request


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def make_user(app):
    def make(username, role="admin", org=None):
        with app.app_context():
            organisation = Organisation.get(Organisation.code == org) if org else None
            user = User(username=username, role=role, organisation=organisation,
                        full_name=username.title())
            user.set_password(PASSWORD)
            user.save()
            return user
    return make


@pytest.fixture
def login(client, make_user):
    """login("admin") or login("phunu", role="editor", org="PHUNU") → the client."""
    def do(username, role="admin", org=None):
        if User.get_or_none(User.username == username) is None:
            make_user(username, role, org)
        client.post("/logout")
        response = client.post("/login", data={"username": username, "password": PASSWORD})
        assert response.status_code == 302, response.data.decode()[:500]
        return client
    return do


@pytest.fixture
def is_postgres(app):
    return isinstance(db.obj, PostgresqlDatabase)
