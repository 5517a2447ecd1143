"""Rate limits per API token: a 429 in problem+json with Retry-After, never on pages."""
import contextlib
import uuid

import pytest
import redis

from models import ApiToken, User, db
from portal import create_app, migrate
from portal.config import Config, ConfigError
from tests.conftest import PASSWORD
from tests.test_api_auth import bearer
from tests.test_jobs import redis_running

REDIS = "redis://127.0.0.1:6379/15"


def limited_app(database_url, tmp_path, **config):
    """An app with limits on and low (the shared `app` fixture runs with them off)."""
    app = create_app({
        "TESTING": True, "DATABASE_URL": database_url, "SECRET_KEY": "test-secret",
        "WTF_CSRF_ENABLED": False, "JOB_QUEUE_FILE": str(tmp_path / "jobs.sqlite3"),
        "JOBS_FOLDER": str(tmp_path / "jobs"), "JOB_WORKER_THREADS": 0,
        "RATELIMIT_ENABLED": True, "API_RATE_LIMIT": "4 per minute", "API_WRITE_RATE_LIMIT": "2 per minute",
        **config,
    })
    # A write under /api/v1 (the resources come with their own blueprints).
    app.add_url_rule("/api/v1/test-write", "test_write", lambda: {"ok": True}, methods=["POST"])
    return app


@contextlib.contextmanager
def migrated(app):
    """`app` on its freshly migrated database, closed afterwards as the shared fixture does."""
    try:
        with app.app_context():
            migrate.upgrade()
        yield app
    finally:
        if not db.is_closed():
            db.close()
        db.obj.close_all()


@pytest.fixture
def limited(database_url, tmp_path):
    with migrated(limited_app(database_url, tmp_path)) as app:
        yield app


def token_for(app, username, role="admin"):
    with app.app_context():
        user = User.get_or_none(User.username == username)
        if user is None:
            user = User(username=username, role=role, full_name=username.title())
            user.set_password(PASSWORD)
            user.save()
        return ApiToken.issue(user, f"khóa của {username}")[1]


def assert_throttled(response, words="yêu cầu"):
    assert response.status_code == 429
    assert response.mimetype == "application/problem+json"
    assert response.json["code"] == "rate_limited"
    assert words in response.json["message"] and "thử lại sau" in response.json["message"]
    assert 1 <= int(response.headers["Retry-After"]) <= 60


def test_a_token_over_its_budget_gets_a_429_and_another_token_does_not(limited):
    first, second = token_for(limited, "mot"), token_for(limited, "hai")
    client = limited.test_client()
    for _ in range(4):
        assert client.get("/api/v1/me", headers=bearer(first)).status_code == 200
    response = client.get("/api/v1/me", headers=bearer(first))
    assert_throttled(response, "4 yêu cầu cho phép trong mỗi phút")
    # Same address, other token: its own budget.
    assert client.get("/api/v1/me", headers=bearer(second)).status_code == 200


def test_writes_have_a_tighter_budget(limited):
    token = token_for(limited, "ghi")
    client = limited.test_client()
    for _ in range(2):
        assert client.post("/api/v1/test-write", headers=bearer(token)).status_code == 200
    assert_throttled(client.post("/api/v1/test-write", headers=bearer(token)), "2 yêu cầu ghi")
    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 200


def test_pages_the_public_document_and_refused_tokens_are_never_counted(limited):
    token_for(limited, "admin")  # the account, for the login below
    client = limited.test_client()
    assert client.post("/login", data={"username": "admin", "password": PASSWORD}).status_code == 302
    for _ in range(10):
        assert client.get("/admin/").status_code == 200
        assert client.get("/api/v1/openapi.json").status_code == 200
        assert client.get("/api/v1/me", headers=bearer("gb_khong-dung")).status_code == 401


def test_the_429_is_in_the_document(limited):
    document = limited.test_client().get("/api/v1/openapi.json").json
    assert document["paths"]["/api/v1/me"]["get"]["responses"]["429"] == {
        "$ref": "#/components/responses/RateLimited"}
    answer = document["components"]["responses"]["RateLimited"]
    assert "Retry-After" in answer["headers"]
    assert "code" in answer["content"]["application/problem+json"]["schema"]["properties"]


def test_tests_are_not_throttled_unless_they_ask(app, client, make_user):
    """The shared test app runs with limits off: 601 calls pass the default 600 a minute."""
    user = make_user("nhieu")
    token = ApiToken.issue(user, "nhiều lần")[1]
    statuses = {client.get("/api/v1/me", headers=bearer(token)).status_code for _ in range(601)}
    assert statuses == {200}
    assert app.config["API_RATE_LIMIT"] == "600 per minute"


@pytest.mark.skipif(not redis_running(), reason="Redis is not running on 127.0.0.1:6379")
def test_workers_share_their_counts_through_the_job_brokers_redis(database_url, tmp_path):
    prefix = f"giaoban-test-{uuid.uuid4().hex}"
    # Two apps on one database and one Redis: two gunicorn workers.
    workers = [limited_app(database_url, tmp_path, JOB_BROKER_URL=REDIS, RATELIMIT_KEY_PREFIX=prefix)
               for _ in range(2)]
    server = redis.Redis.from_url(REDIS)
    try:
        with migrated(workers[0]):
            token = token_for(workers[0], "dung-chung")
            one, two = (worker.test_client() for worker in workers)
            for client in (one, two, one, two):
                assert client.get("/api/v1/me", headers=bearer(token)).status_code == 200
            assert_throttled(two.get("/api/v1/me", headers=bearer(token)))
            assert server.keys(f"*{prefix}*")
    finally:
        for key in server.scan_iter(f"*{prefix}*"):
            server.delete(key)
        server.close()


def test_a_redis_that_does_not_answer_falls_back_to_counting_in_memory(database_url, tmp_path):
    app = limited_app(database_url, tmp_path, RATELIMIT_STORAGE_URI="redis://127.0.0.1:1/0")
    with migrated(app):
        token = token_for(app, "du-phong")
        client = app.test_client()
        for _ in range(4):
            assert client.get("/api/v1/me", headers=bearer(token)).status_code == 200
        assert_throttled(client.get("/api/v1/me", headers=bearer(token)))


def test_outside_tests_the_limits_are_on_by_default(database_url, tmp_path):
    app = create_app({"DATABASE_URL": database_url, "SECRET_KEY": "test-secret", "JOB_WORKER_THREADS": 0,
                      "JOB_QUEUE_FILE": str(tmp_path / "jobs.sqlite3"), "API_RATE_LIMIT": "1 per minute"})
    with migrated(app):
        token = token_for(app, "that")
        client = app.test_client()
        assert client.get("/api/v1/me", headers=bearer(token)).status_code == 200
        assert_throttled(client.get("/api/v1/me", headers=bearer(token)))


def test_the_limits_come_from_the_environment_and_a_typo_stops_the_start(database_url, tmp_path):
    settings = Config.from_env(str(tmp_path), {"RATELIMIT_ENABLED": "0", "API_RATE_LIMIT": "10 per second"})
    assert settings["RATELIMIT_ENABLED"] is False and settings["API_RATE_LIMIT"] == "10 per second"
    assert "RATELIMIT_ENABLED" not in Config.from_env(str(tmp_path), {})  # on, unless testing
    with pytest.raises(ConfigError, match="API_WRITE_RATE_LIMIT"):
        limited_app(database_url, tmp_path, API_WRITE_RATE_LIMIT="nhiều lần mỗi phút")
