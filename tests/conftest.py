"""Fixtures: an app on a freshly migrated database, clients, users, logins.

SQLite always; PostgreSQL too when TEST_DATABASE_URL is set. Each test session
(each xdist worker) migrates one template per backend, and every test starts
on the template's data in a database of its own (tests/databases.py says how
and why). A test marked `fresh_database` gets an empty database instead, and
the `app` fixture migrates it. A test marked `demo(members=N)` starts on the
template with `seed-demo --members N` applied (seeded once a session).
"""
import functools
import os

import jinja2
import pytest
from peewee import PostgresqlDatabase
from werkzeug.security import generate_password_hash

from models import Organisation, User, db
from portal import create_app, migrate
from tests import databases

PASSWORD = "mat-khau-thu-nghiem"

BACKENDS = ["sqlite"] + (["postgresql"] if os.environ.get("TEST_DATABASE_URL") else [])


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "fresh_database: the test's database is empty until the app fixture migrates it")
    config.addinivalue_line(
        "markers", "demo(members): the test's database holds `seed-demo --members N` from the start")


@pytest.hookimpl(optionalhook=True)  # a hook of pytest-xdist, absent under -p no:xdist
def pytest_xdist_make_scheduler(config, log):
    """`--dist loadgroup`, but each browser module (tests/test_browser*.py) is sent whole to
    one worker: its module-scoped server (gunicorn, demo data, Chromium) takes longer to
    start than its tests take, so it must not start on both. So is tests/test_faults.py,
    whose tests start processes of their own (a job worker, gunicorn, a PostgreSQL server)
    and must not compete with each other for the two cores. (xdist's own `xdist_group`
    marks do not reach its scheduler under pytest 9, whose node ids it cannot suffix.)"""
    if config.getvalue("dist") != "loadgroup":
        return None
    from xdist.scheduler import LoadGroupScheduling

    class ServerModulesWhole(LoadGroupScheduling):
        def _split_scope(self, nodeid):
            module = nodeid.split("::", 1)[0]
            if os.path.basename(module).startswith(("test_browser", "test_faults")):
                return module
            return super()._split_scope(nodeid)

    return ServerModulesWhole(config, log)


@pytest.fixture(scope="session")
def postgres_server():
    if not os.environ.get("TEST_DATABASE_URL"):
        pytest.skip("TEST_DATABASE_URL is not set")
    server = databases.PostgresServer(os.environ["TEST_DATABASE_URL"])
    yield server
    server.close()


def postgres_database(request, purpose):
    """An empty PostgreSQL database of this worker's own (dropped at session end),
    for a module-scoped server that must not share the tests' database."""
    return request.getfixturevalue("postgres_server").create(purpose)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory):
    return databases.sqlite_template(tmp_path_factory.mktemp("template") / "portal.db")


@pytest.fixture(scope="session")
def postgres_copy(postgres_server):
    databases.migrate_into(postgres_server.create("template"))
    copy = databases.PostgresCopy(postgres_server, "template")
    yield copy
    copy.close()


@pytest.fixture(scope="session")
def sqlite_demos(sqlite_template, tmp_path_factory):
    return databases.SqliteDemos(sqlite_template, tmp_path_factory.mktemp("demos"))


@pytest.fixture(scope="session")
def postgres_demos(postgres_server, postgres_copy, tmp_path_factory):
    # postgres_copy: the migrated template the demos are made from.
    demos = databases.PostgresDemos(postgres_server, "template", tmp_path_factory.mktemp("pg-demos"))
    yield demos
    demos.close()


def demo_members(request):
    """N of the test's `demo(members=N)` mark, or None."""
    marker = request.node.get_closest_marker("demo")
    return marker.kwargs["members"] if marker is not None else None


@pytest.fixture(params=BACKENDS)
def database_url(request, tmp_path):
    """This test's own database: the migrated template's data (seeded when the test
    is marked `demo`), or empty when the test is marked `fresh_database`."""
    fresh = request.node.get_closest_marker("fresh_database") is not None
    members = demo_members(request)
    if request.param == "sqlite":
        if fresh:
            return f"sqlite:///{tmp_path}/portal.db"
        template = (request.getfixturevalue("sqlite_demos").get(members) if members
                    else request.getfixturevalue("sqlite_template"))
        return databases.sqlite_copy(template, tmp_path / "portal.db")
    if fresh:
        return postgres_database(request, "empty")
    if members:
        return request.getfixturevalue("postgres_demos").fresh(members)
    return request.getfixturevalue("postgres_copy").fresh()


@pytest.fixture
def demo_seeded(request, app):
    """Use in a fixture that needs the demo: fails when its test is not marked `demo`."""
    members = demo_members(request)
    assert members, f"{request.node.nodeid} needs @pytest.mark.demo(members=…)"
    return members


class TemplateCode(jinja2.BytecodeCache):
    """Compiled templates kept for the whole session. Every test makes its own app, and
    each app's Jinja environment compiled the same templates again: 0,6 s a test that
    renders pages. Jinja checks each template's source against its checksum."""

    def __init__(self):
        self.code = {}

    def load_bytecode(self, bucket):
        if bucket.key in self.code:
            bucket.bytecode_from_string(self.code[bucket.key])

    def dump_bytecode(self, bucket):
        self.code[bucket.key] = bucket.bytecode_to_string()


TEMPLATE_CODE = TemplateCode()


@pytest.fixture
def app(database_url, tmp_path):
    app = create_app(databases.app_config(database_url, tmp_path))
    app.jinja_env.bytecode_cache = TEMPLATE_CODE
    with app.app_context():
        # Nothing to apply on a template's copy; everything on an empty database.
        migrate.upgrade()
    yield app
    if not db.is_closed():
        db.close()
    # The pool keeps connections open for the next request; on PostgreSQL an open
    # one could hold a lock against putting the template's rows back.
    db.obj.close_all()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@functools.cache
def password_hash():
    """PASSWORD's hash for test accounts: PBKDF2 with one round. Werkzeug reads the
    method from the hash, so logins check it in microseconds where scrypt takes
    0,2 s, and the suite logs in thousands of times. Accounts made by the app
    itself still get scrypt (set_password; test_users and test_login_throttle)."""
    return generate_password_hash(PASSWORD, method="pbkdf2:sha256:1")


@pytest.fixture
def make_user(app):
    def make(username, role="admin", org=None):
        with app.app_context():
            organisation = Organisation.get(Organisation.code == org) if org else None
            user = User(username=username, role=role, organisation=organisation,
                        full_name=username.title())
            user.password_hash = password_hash()
            user.end_sessions()
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
