"""Probes, metrics, JSON logs and request ids, as an operator and a monitoring server meet them."""
import contextlib
import http.cookiejar
import io
import json
import logging
import os
import re
import signal
import subprocess
import sys
import time
import urllib.parse
import urllib.request

import pytest
from flask import g
from flask_login import login_user
from prometheus_client.parser import text_string_to_metric_families

from models import AuditLog, db
from portal import create_app, jobs
from portal.observability import logs
from tests.api_helpers import api_as
from tests.conftest import BACKENDS, postgres_database
from tests.live import ROOT, GunicornServer, flask_cli, free_port
from tests.test_api_resources import payload
from tests.test_jobs import small_limit, start_export  # noqa: F401  (fixture used by name)
from tests.test_list_exports import members  # noqa: F401  (fixture used by name)
from tests.test_members import member_form

GENERATED_ID = re.compile(r"[0-9a-f]{32}")
OUTSIDER = "203.0.113.9"


@contextlib.contextmanager
def another_app(tmp_path, **config):
    """A second app (a second process, in effect) beside the test's; the models' database
    proxy is pointed back at the test's database afterwards."""
    saved = db.obj
    settings = {"TESTING": True, "SECRET_KEY": "test-secret", "WTF_CSRF_ENABLED": False,
                "UPLOAD_FOLDER": str(tmp_path / "uploads2"), "JOB_QUEUE_FILE": str(tmp_path / "jobs2.sqlite3"),
                "JOBS_FOLDER": str(tmp_path / "jobs2"), "JOB_WORKER_THREADS": 0}
    settings.update(config)
    try:
        yield create_app(settings)
    finally:
        db.obj.close_all()
        db.initialize(saved)


def samples(client, name, **labels):
    """The value of metric sample `name` with `labels` on /metrics (0 when absent)."""
    response = client.get("/metrics")
    assert response.status_code == 200
    total = 0.0
    for family in text_string_to_metric_families(response.get_data(as_text=True)):
        for sample in family.samples:
            if sample.name == name and all(sample.labels.get(k) == v for k, v in labels.items()):
                total += sample.value
    return total


def test_healthz_and_readyz_answer_ok_without_a_cookie(client):
    for url in ("/healthz", "/readyz"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.json["status"] == "ok"
        assert "Set-Cookie" not in response.headers and response.headers["Cache-Control"] == "no-store"
    assert client.get("/readyz").json["checks"] == {"database": {"ok": True}, "jobs": {"ok": True}}


@pytest.mark.parametrize("broken", ["sqlite-folder", "closed-port"])
def test_readyz_is_503_naming_the_database_while_healthz_stays_up(app, tmp_path, broken):
    url = (f"sqlite:///{tmp_path}" if broken == "sqlite-folder"  # a folder is no database file
           else f"postgresql://postgres@127.0.0.1:{free_port()}/portal")
    with another_app(tmp_path, DATABASE_URL=url) as broken_app:
        client = broken_app.test_client()
        assert client.get("/healthz").json == {"status": "ok"}
        response = client.get("/readyz")
        assert response.status_code == 503
        assert response.json["failed"] == ["database"]
        assert response.json["message"] == "Không truy vấn được cơ sở dữ liệu."
        assert response.json["checks"]["jobs"] == {"ok": True}
        # The connection string and the server's own error stay out of a public answer.
        assert "127.0.0.1" not in response.get_data(as_text=True)


def test_readyz_is_503_naming_the_job_queue_and_logs_why_as_json(app, database_url, tmp_path):
    stream = io.StringIO()
    handler = logs.json_handler(stream)
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        with another_app(tmp_path, DATABASE_URL=database_url,
                         JOB_BROKER_URL=f"redis://127.0.0.1:{free_port()}/0") as queue_down:
            response = queue_down.test_client().get("/readyz", headers={"X-Request-ID": "lb-probe-7"})
    finally:
        root.removeHandler(handler)
    assert response.status_code == 503
    assert response.json["failed"] == ["jobs"] and response.json["checks"]["database"] == {"ok": True}
    assert "hàng đợi tác vụ nền" in response.json["message"]
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    line = next(line for line in lines if line["logger"] == "portal.observability.probes")
    assert line["level"] == "WARNING" and "readiness check jobs failed" in line["message"]
    assert line["request_id"] == "lb-probe-7" and line["method"] == "GET" and line["path"] == "/readyz"
    assert line["time"].endswith("Z")


def test_log_format_json_installs_one_handler_however_many_apps_are_built(app, database_url, tmp_path):
    root = logging.getLogger()
    try:
        for _ in range(2):
            with another_app(tmp_path, DATABASE_URL=database_url, LOG_FORMAT="json"):
                pass
        ours = [h for h in root.handlers if getattr(h, "portal_json", False)]
        assert len(ours) == 1 and isinstance(ours[0].formatter, logs.JsonFormatter)
    finally:
        for handler in [h for h in root.handlers if getattr(h, "portal_json", False)]:
            root.removeHandler(handler)


def test_a_signed_in_users_log_line_names_the_user(app, make_user):
    user = make_user("phunu", role="editor", org="PHUNU")
    record = logging.LogRecord("portal.test", logging.INFO, __file__, 1, "xem %s", ("danh sách",), None)
    with app.test_request_context("/admin/member/"):
        g.request_id = "abc"
        assert "user_id" not in json.loads(logs.JsonFormatter().format(record))
        login_user(user)
        line = json.loads(logs.JsonFormatter().format(record))
    assert line["message"] == "xem danh sách" and line["user_id"] == user.id
    assert line["request_id"] == "abc" and line["path"] == "/admin/member/" and line["method"] == "GET"


def test_request_ids_are_echoed_when_sane_and_replaced_otherwise(client):
    assert client.get("/healthz", headers={"X-Request-ID": "nginx-4f1c:2.a_b"}).headers["X-Request-ID"] \
        == "nginx-4f1c:2.a_b"
    for bad in ("<script>alert(1)</script>", "x" * 65, "hai từ", "-leading-dash", ""):
        echoed = client.get("/login", headers={"X-Request-ID": bad}).headers["X-Request-ID"]
        assert GENERATED_ID.fullmatch(echoed), bad
    first, second = (client.get("/login").headers["X-Request-ID"] for _ in range(2))
    assert GENERATED_ID.fullmatch(first) and first != second


def test_a_screen_write_and_an_api_write_keep_their_request_id_in_the_audit(app, client, login, make_user):
    editor = login("phunu", role="editor", org="PHUNU")
    editor.post("/admin/member/new/", data=member_form(), headers={"X-Request-ID": "screen-write-1"})
    entry = AuditLog.select().where(AuditLog.action == "create").order_by(AuditLog.id.desc()).get()
    assert entry.record_table == "member" and entry.request_id == "screen-write-1"

    api = api_as(app, client, make_user, "phunu_api", "editor", "PHUNU")
    response = api.send("POST", "/members", payload(citizen_id="064185000999"),
                        headers={"X-Request-ID": "api-write-2"})
    assert response.status_code == 201 and response.headers["X-Request-ID"] == "api-write-2"
    entry = AuditLog.select().where(AuditLog.action == "create").order_by(AuditLog.id.desc()).get()
    assert entry.via.startswith("api:") and entry.request_id == "api-write-2"
    # The audit screen shows it.
    admin = login("quantri")
    assert "api-write-2" in admin.get(f"/admin/auditlog/details/?id={entry.id}").get_data(as_text=True)


def test_a_job_carries_the_request_id_of_the_request_that_queued_it(app, login, members, small_limit):  # noqa: F811
    client = login("quantri")
    before = samples(client, "portal_job_duration_seconds_count", kind="export", outcome="done")
    response = client.post("/admin/member/export/xlsx/?search=nguyen", headers={"X-Request-ID": "queue-it-9"})
    assert response.status_code == 302
    assert samples(client, "portal_job_queue_length") == 1
    stream, huey_log = io.StringIO(), logging.getLogger("huey")
    handler, level = logs.json_handler(stream), huey_log.level
    huey_log.addHandler(handler)
    huey_log.setLevel(logging.INFO)
    try:
        assert jobs.run_pending(app) == 1
    finally:
        huey_log.removeHandler(handler)
        huey_log.setLevel(level)
    entry = AuditLog.get(AuditLog.action == "export")
    assert entry.request_id == "queue-it-9"
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert any("executed in" in line["message"] and line.get("request_id") == "queue-it-9" for line in lines)
    assert samples(client, "portal_job_queue_length") == 0
    assert samples(client, "portal_job_duration_seconds_count", kind="export", outcome="done") == before + 1


def test_metrics_count_requests_by_endpoint_and_login_failures(app, client, login, make_user):
    before = {
        "list": samples(client, "portal_http_request_duration_seconds_count",
                        endpoint="member.index_view", status="2xx"),
        "missing": samples(client, "portal_http_request_duration_seconds_count",
                           endpoint="unmatched", status="4xx"),
        "password": samples(client, "portal_login_failures_total", reason="password"),
        "token": samples(client, "portal_login_failures_total", reason="api_token"),
    }
    assert client.post("/login", data={"username": "ai-do", "password": "sai-mat-khau"}).status_code == 401
    assert client.get("/api/v1/members", headers={"Authorization": "Bearer khong-phai-khoa"}).status_code == 401
    editor = login("phunu", role="editor", org="PHUNU")
    for _ in range(3):
        assert editor.get("/admin/member/").status_code == 200
    assert editor.get("/trang-khong-co-98765").status_code == 404
    text = client.get("/metrics").get_data(as_text=True)
    assert samples(client, "portal_http_request_duration_seconds_count",
                   endpoint="member.index_view", status="2xx") == before["list"] + 3
    assert samples(client, "portal_http_request_duration_seconds_count",
                   endpoint="unmatched", status="4xx") == before["missing"] + 1
    assert samples(client, "portal_login_failures_total", reason="password") == before["password"] + 1
    assert samples(client, "portal_login_failures_total", reason="api_token") == before["token"] + 1
    # Labels name endpoints, never URLs an outsider chose.
    assert "trang-khong-co" not in text and "-98765" not in text
    assert samples(client, "portal_job_queue_up") == 1
    assert 'portal_http_request_duration_seconds_bucket{endpoint="member.index_view",le="0.3",status="2xx"}' in text


def test_metrics_are_a_404_page_for_addresses_outside_the_list(app, client, database_url, tmp_path):
    assert client.get("/metrics", environ_base={"REMOTE_ADDR": "::1"}).status_code == 200
    assert client.get("/metrics", environ_base={"REMOTE_ADDR": "::ffff:127.0.0.1"}).status_code == 200
    refused = client.get("/metrics", environ_base={"REMOTE_ADDR": OUTSIDER})
    assert refused.status_code == 404 and "Không tìm thấy" in refused.get_data(as_text=True)
    # Without a proxy configured, a forwarded header proves nothing and opens nothing.
    for forwarded in ("127.0.0.1", f"127.0.0.1, {OUTSIDER}"):
        for peer in (OUTSIDER, "127.0.0.1"):
            response = client.get("/metrics", headers={"X-Forwarded-For": forwarded},
                                  environ_base={"REMOTE_ADDR": peer})
            assert response.status_code == 404, (peer, forwarded)


def test_behind_one_proxy_the_address_it_saw_decides(app, database_url, tmp_path):
    with another_app(tmp_path, DATABASE_URL=database_url, PROXY_HOPS=1,
                     METRICS_ALLOWED="127.0.0.1, ::1, 10.8.0.0/24") as proxied:
        client = proxied.test_client()
        proxy = {"REMOTE_ADDR": "127.0.0.1"}

        def status(forwarded):
            return client.get("/metrics", headers={"X-Forwarded-For": forwarded}, environ_base=proxy).status_code

        assert status("10.8.0.5") == 200          # the monitoring server, through the proxy
        assert status(OUTSIDER) == 404             # an outsider, as the proxy saw it
        assert status(f"10.8.0.5, {OUTSIDER}") == 404   # an outsider who forged the first hop
        assert status(f"127.0.0.1, {OUTSIDER}") == 404


def _workers(master):
    """The pids of gunicorn's workers: the master's children."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as fh:
                    stat = fh.read()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == master:
                found.append(int(entry))
    return set(found)


def _wait_for(condition, what, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"waited {seconds} s for {what}")


def _get(opener, url, request_id=None):
    request = urllib.request.Request(url, headers={"X-Request-ID": request_id} if request_id else {})
    with opener.open(request, timeout=10) as response:
        return response.read().decode()


@pytest.fixture(params=BACKENDS)
def gunicorn_two_workers(request, tmp_path):
    url = (f"sqlite:///{tmp_path}/portal.db" if request.param == "sqlite"
           else postgres_database(request, "observed"))
    live = GunicornServer(url, str(tmp_path))
    live.env.update(PROMETHEUS_MULTIPROC_DIR=str(tmp_path / "metrics"), WEB_CONCURRENCY="2")
    live.env.pop("LOG_FORMAT", None)  # gunicorn.conf.py's default: json
    flask_cli(live.env, "db", "upgrade")
    live.create_user("kt_phunu", "mat-khau-gunicorn-e2e", role="editor", org="PHUNU")
    out, err = open(tmp_path / "access.log", "w"), open(tmp_path / "error.log", "w")
    process = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "wsgi:app"],
                               env=live.env, cwd=ROOT, stdout=out, stderr=err)
    try:
        _wait_for(lambda: len(_workers(process.pid)) == 2, "two workers")
        # Waited for on /readyz: only the test's own requests count on /healthz.
        _wait_for(lambda: _answers(live.url + "/readyz"), "gunicorn to answer")
        yield live, process, tmp_path
    finally:
        process.terminate()
        process.wait(15)
        out.close()
        err.close()


def _answers(url):
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def _healthz_count(opener, url):
    text = _get(opener, url + "/metrics")
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if (sample.name == "portal_http_request_duration_seconds_count"
                    and sample.labels == {"endpoint": "observability.healthz", "status": "2xx"}):
                return sample.value
    return 0.0


def test_gunicorn_sums_metrics_over_its_workers_and_logs_json_lines(gunicorn_two_workers):
    live, process, folder = gunicorn_two_workers
    opener = urllib.request.build_opener()
    first_workers = _workers(process.pid)
    for number in range(10):
        _get(opener, live.url + "/healthz", f"e2e-{number}")
    # Every worker that served a probe so far dies; their counts must stay in the sums.
    for pid in first_workers:
        os.kill(pid, signal.SIGKILL)
    _wait_for(lambda: len(_workers(process.pid) - first_workers) == 2, "two new workers")
    _wait_for(lambda: _answers(live.url + "/readyz"), "the new workers to answer")
    for _ in range(4):
        _get(opener, live.url + "/healthz")
    # Any worker answering a scrape gives the same sum: 10 + 4 probes, served by four processes.
    assert {_healthz_count(opener, live.url) for _ in range(6)} == {14.0}
    writers = {int(name[:-3].rsplit("_", 1)[1]) for name in os.listdir(folder / "metrics")
               if name.startswith("histogram_")}
    assert writers & first_workers and writers - first_workers  # the dead and the living

    # A signed-in request: its access line names the user.
    jar = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    form = _get(jar, live.url + "/login")
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form).group(1)
    body = urllib.parse.urlencode({"csrf_token": token, "username": "kt_phunu",
                                   "password": "mat-khau-gunicorn-e2e"}).encode()
    jar.open(urllib.request.Request(live.url + "/login", data=body, headers={"X-Request-ID": "signed-in-1"}),
             timeout=10).read()
    _get(jar, live.url + "/admin/member/", "member-list-2")

    def access_lines():
        with open(folder / "access.log") as fh:
            return [json.loads(line) for line in fh if line.strip()]

    lines = _wait_for(lambda: [ln for ln in access_lines() if ln.get("request_id") == "member-list-2"] and access_lines(),
                      "the access log line")
    probe = next(line for line in lines if line.get("request_id") == "e2e-3")
    assert probe["path"] == "/healthz" and probe["status"] == 200 and probe["method"] == "GET"
    assert probe["logger"] == "gunicorn.access" and isinstance(probe["duration_ms"], float)
    assert "user_id" not in probe
    listing = next(line for line in lines if line.get("request_id") == "member-list-2")
    assert listing["status"] == 200 and isinstance(listing["user_id"], int)
    login = next(line for line in lines if line.get("request_id") == "signed-in-1")
    assert login["method"] == "POST" and login["status"] == 302
    # gunicorn's own messages are JSON lines too.
    with open(folder / "error.log") as fh:
        errors = [json.loads(line) for line in fh if line.strip()]
    assert any("Booting worker" in line["message"] for line in errors)


def test_a_mistyped_setting_stops_the_start_in_words(tmp_path):
    from portal.config import Config, ConfigError

    for setting, value in (("METRICS_ALLOWED", "127.0.0.1, may-giam-sat"), ("LOG_FORMAT", "xml"),
                           ("LOG_LEVEL", "loud")):
        with pytest.raises(ConfigError, match=setting):
            Config.from_env(str(tmp_path), environ={setting: value})
    settings = Config.from_env(str(tmp_path), environ={"METRICS_ALLOWED": "10.8.0.0/24 ::1", "LOG_FORMAT": "JSON"})
    assert settings["LOG_FORMAT"] == "json" and len(settings["METRICS_ALLOWED"]) == 2
