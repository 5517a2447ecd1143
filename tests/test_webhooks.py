"""Webhooks as a receiver and an administrator meet them: each event arrives
once, signed, sent by the job queue after the change committed, retried
after a failure; registration and the delivery log are for admins only."""
import datetime
import hashlib
import hmac
import http.server
import json
import threading
import time

import pytest
from flask import g

from models import AuditLog, QuarterlyReport, ReportingPeriod, Webhook, WebhookAttempt, WebhookDelivery, db
from models.webhook import EVENT_CHOICES
from portal import jobs, webhooks
from tests.test_member_import import good_rows, places, token_of, upload, xlsx_file  # noqa: F401
from tests.test_report_entry import (  # noqa: F401  (fixtures used by name)
    grid_url, phunu, post_grid, quarter, report_of, text, unit,
)
from tests.test_report_workflow import approve, reopen

ALL_EVENTS = [code for code, _ in EVENT_CHOICES]


class Receiver(http.server.BaseHTTPRequestHandler):
    """Answers each POST with the next planned answer (status, seconds to wait), else 200."""

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.server.seen.append((self.headers, body))
        self.server.paths.append(self.path)
        status, wait = self.server.answers.pop(0) if self.server.answers else (200, 0)
        if wait:
            time.sleep(wait)
        self.send_response(status)
        if 300 <= status < 400:
            self.send_header("Location", self.server.url + "elsewhere")
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args):
        pass


@pytest.fixture
def receiver():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    server.daemon_threads = True
    server.seen, server.answers, server.paths = [], [], []
    server.url = f"http://127.0.0.1:{server.server_address[1]}/hooks/giaoban/"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def hook(app, receiver):
    return Webhook.create(url=receiver.url, description="Bảng điều khiển tỉnh", events=",".join(ALL_EVENTS))


def received(receiver):
    """[(headers, payload)] of every request, each checked for a valid signature
    with the webhook's secret of now."""
    hook = Webhook.get()
    found = []
    for headers, body in receiver.seen:
        expected = "sha256=" + hmac.new(hook.secret.encode(), body, hashlib.sha256).hexdigest()
        assert hmac.compare_digest(expected, headers["X-GiaoBan-Signature"])
        assert headers["Content-Type"] == "application/json"
        payload = json.loads(body)
        assert headers["X-GiaoBan-Event"] == payload["event"]
        assert set(payload) == {"id", "event", "occurred_at", "data"}
        found.append((headers, payload))
    return found


def events(receiver):
    return [payload["event"] for _, payload in received(receiver)]


# --- each event, once, signed ------------------------------------------------------------

def test_submit_approve_reopen_each_reach_the_receiver_once_signed(app, hook, receiver, phunu, login):
    started = time.monotonic()
    page = text(post_grid(phunu, grid_url(), action="submit", field_visits="23", members_new="1.548"))
    assert "Đã gửi báo cáo PHUNU – Quý II/2024" in page
    # The request only wrote a row and queued it: nothing was sent yet.
    assert receiver.seen == [] and time.monotonic() - started < 5
    (delivery,) = WebhookDelivery.select()
    assert (delivery.event, delivery.status, delivery.attempts) == ("report.submitted", "pending", 0)
    jobs.run_pending(app)
    assert events(receiver) == ["report.submitted"]

    office = login("bt_vanphong", role="secretariat")
    report = report_of()
    assert "Đã duyệt báo cáo" in approve(office, report)
    jobs.run_pending(app)
    assert "Đã mở lại báo cáo" in reopen(office, report, "Sai số lượt đi cơ sở")
    jobs.run_pending(app)
    jobs.run_pending(app)  # nothing left: every event went once

    got = received(receiver)
    assert [p["event"] for _, p in got] == ["report.submitted", "report.approved", "report.reopened"]
    submitted, approved, reopened = (p["data"] for _, p in got)
    assert submitted["organisation"] == {"id": unit("PHUNU").id, "code": "PHUNU",
                                         "name": "Hội Liên hiệp Phụ nữ tỉnh"}
    assert submitted["period"]["year"] == 2024 and submitted["period"]["quarter"] == 2
    assert submitted["period"]["label"] == "Quý II/2024"
    assert submitted["report"]["id"] == report.id and submitted["report"]["status"] == "submitted"
    assert submitted["user"] == "bt_phunu"
    assert approved["report"]["status"] == "approved" and approved["user"] == "bt_vanphong"
    assert reopened["report"]["status"] == "draft" and reopened["reason"] == "Sai số lượt đi cơ sở"
    # One delivery id per request, the one in the log; every delivery delivered at the first try.
    ids = [int(headers["X-GiaoBan-Delivery"]) for headers, _ in got]
    log = list(WebhookDelivery.select().order_by(WebhookDelivery.id))
    assert ids == [d.id for d in log] and len({p["id"] for _, p in got}) == 3
    assert [(d.status, d.attempts, d.last_status_code) for d in log] == [("delivered", 1, 200)] * 3


def test_locking_a_quarter_is_sent_with_its_report_counts(app, hook, receiver, login, quarter):
    QuarterlyReport.create(organisation=unit("PHUNU"), period=quarter, status="submitted")
    office = login("bt_vanphong", role="secretariat")
    office.post(f"/admin/reportingperiod/edit/?id={quarter.id}", data={
        "year": "2024", "quarter": "2", "deadline": "15/07/2024", "status": "closed",
        "version": str(quarter.version)})
    assert not ReportingPeriod.get_by_id(quarter.id).is_open
    # Saving the closed quarter again (its note) is no new locking.
    office.post(f"/admin/reportingperiod/edit/?id={quarter.id}", data={
        "year": "2024", "quarter": "2", "deadline": "15/07/2024", "status": "closed", "note": "Đã họp",
        "version": str(ReportingPeriod.get_by_id(quarter.id).version)})
    assert ReportingPeriod.get_by_id(quarter.id).note == "Đã họp"
    jobs.run_pending(app)
    ((_, payload),) = received(receiver)
    assert payload["event"] == "period.locked"
    assert payload["data"]["period"] == {"id": quarter.id, "year": 2024, "quarter": 2, "label": "Quý II/2024",
                                         "status": "closed"}
    assert payload["data"]["reports"] == {"draft": 0, "submitted": 1, "approved": 0}


def test_an_import_that_finished_is_sent_once_and_a_dry_run_never(app, hook, receiver, places, login,
                                                                   runner, tmp_path):
    client = login("admin")
    token = token_of(upload(client, xlsx_file(good_rows())).get_data(as_text=True))
    assert "Đã nhập 3 hội viên" in text(client.post("/admin/import-members/confirm", data={"token": token},
                                                    follow_redirects=True))
    path = tmp_path / "hoi-vien-2.xlsx"
    rows = good_rows()
    for row in rows:
        row[6] = ""  # no citizen ID: the same people may come again
    path.write_bytes(xlsx_file(rows))
    assert runner.invoke(args=["import", "members", str(path), "--dry-run"]).exit_code == 0
    assert WebhookDelivery.select().count() == 1
    assert runner.invoke(args=["import", "members", str(path)]).exit_code == 0
    jobs.run_pending(app)
    got = [payload for _, payload in received(receiver)]
    assert [p["event"] for p in got] == ["import.finished", "import.finished"]
    assert got[0]["data"] == {"kind": "members", "file": "hoi-vien.xlsx", "counts": {"members": 3},
                              "user": "admin"}
    assert got[1]["data"]["file"] == "hoi-vien-2.xlsx" and got[1]["data"]["user"] is None


def test_only_active_webhooks_that_chose_the_event_get_it(app, hook, receiver, phunu):
    Webhook.create(url=receiver.url + "paused", events=",".join(ALL_EVENTS), is_active=False)
    Webhook.create(url=receiver.url + "imports", events="import.finished")
    post_grid(phunu, grid_url(), action="submit", field_visits="23", members_new="1.548")
    post_grid(phunu, grid_url(), action="save", field_visits="23", members_new="1.548")  # a draft: no event
    assert [d.webhook_id for d in WebhookDelivery.select()] == [hook.id]


# --- nothing for what did not happen -----------------------------------------------------

def test_a_rolled_back_change_sends_nothing(app, hook, receiver, login, quarter):
    office = login("bt_vanphong", role="secretariat")
    # A stale page locks the quarter: the save is rolled back, its event with it.
    page = text(office.post(f"/admin/reportingperiod/edit/?id={quarter.id}", follow_redirects=True, data={
        "year": "2024", "quarter": "2", "status": "closed", "version": str(quarter.version - 1)}))
    assert "vừa được người khác sửa" in page and ReportingPeriod.get_by_id(quarter.id).is_open
    with app.test_request_context():
        with db.atomic() as transaction:
            assert len(webhooks.emit("import.finished", {"kind": "members"})) == 1
            transaction.rollback()
    jobs.run_pending(app)
    assert WebhookDelivery.select().count() == 0 and receiver.seen == []


# --- retries -------------------------------------------------------------------------------

def test_a_receiver_that_answered_500_gets_the_same_body_again_when_the_retry_is_due(
        app, hook, receiver, phunu):
    app.config["WEBHOOK_RETRY_DELAYS"] = (0.4, 0.4)
    receiver.answers.append((500, 0))
    post_grid(phunu, grid_url(), action="submit", field_visits="23", members_new="1.548")
    jobs.run_pending(app)
    delivery = WebhookDelivery.get()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("pending", 1, 500)
    assert delivery.last_error == "Máy nhận trả mã HTTP 500."
    assert delivery.next_attempt_at > delivery.last_attempt_at
    # Scheduled on the queue, not slept on: not due yet, so not sent yet.
    jobs.run_pending(app)
    assert len(receiver.seen) == 1
    time.sleep(0.5)
    jobs.run_pending(app)
    first, second = received(receiver)
    assert first[1] == second[1]
    assert first[0]["X-GiaoBan-Delivery"] == second[0]["X-GiaoBan-Delivery"] == str(delivery.id)
    delivery = WebhookDelivery.get()
    assert (delivery.status, delivery.attempts, delivery.last_error) == ("delivered", 2, "")
    tries = [(a.number, a.status_code, a.error) for a in
             WebhookAttempt.select().order_by(WebhookAttempt.number)]
    assert tries == [(1, 500, "Máy nhận trả mã HTTP 500."), (2, 200, "")]


def test_tries_are_bounded_and_redirects_timeouts_count_as_failures(app, hook, receiver, phunu):
    app.config["WEBHOOK_RETRY_DELAYS"] = (0, 0)
    app.config["WEBHOOK_TIMEOUT"] = 0.5
    receiver.answers.extend([(302, 0), (200, 1.5), (503, 0), (200, 0)])
    post_grid(phunu, grid_url(), action="submit", field_visits="23", members_new="1.548")
    jobs.run_pending(app)
    jobs.run_pending(app)
    delivery = WebhookDelivery.get()
    assert (delivery.status, delivery.attempts, delivery.next_attempt_at) == ("failed", 3, None)
    errors = [a.error for a in WebhookAttempt.select().order_by(WebhookAttempt.number)]
    assert errors[0].startswith("Máy nhận trả mã HTTP 302 (chuyển hướng)")
    assert errors[1] == "Quá 0,5 giây không có phản hồi."
    assert errors[2] == "Máy nhận trả mã HTTP 503."
    # Three requests: the redirect was not followed (that would have been a fourth).
    time.sleep(1.2)  # the slow answer ends
    assert len(receiver.seen) == 3 and receiver.answers == [(200, 0)]


def test_a_receiver_that_is_down_is_logged_and_retried(app, receiver):
    app.config["WEBHOOK_RETRY_DELAYS"] = (60,)
    port = receiver.server_address[1]
    receiver.shutdown()
    receiver.server_close()
    Webhook.create(url=f"http://127.0.0.1:{port}/", events="import.finished")
    with app.test_request_context():
        webhooks.emit("import.finished", {"kind": "members"})
        webhooks.flush()
    jobs.run_pending(app)
    delivery = WebhookDelivery.get()
    assert delivery.status == "pending" and delivery.last_error.startswith("Không kết nối được tới máy nhận")
    due = delivery.next_attempt_at - delivery.last_attempt_at
    assert datetime.timedelta(seconds=59) < due < datetime.timedelta(seconds=61)
    assert jobs.queue(app).scheduled_count() == 1


# --- registration, secret, log: admins only ------------------------------------------------

def test_an_admin_registers_a_webhook_and_reads_its_secret_which_no_log_holds(app, login, receiver):
    client = login("admin")
    response = client.post("/admin/webhook/new/", data={
        "url": receiver.url, "description": "Bảng điều khiển", "events": ["report.approved", "period.locked"],
        "is_active": "y"})
    hook = Webhook.get()
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/admin/webhook/secret/?id={hook.id}")
    assert hook.events == "report.approved,period.locked" and len(bytes.fromhex(hook.secret)) == 32
    page = client.get(f"/admin/webhook/secret/?id={hook.id}")
    assert page.headers["Cache-Control"] == "no-store"
    assert hook.secret in text(page) and "hmac.compare_digest" in text(page)
    listing = text(client.get("/admin/webhook/"))
    assert receiver.url in listing and "Báo cáo quý được duyệt" in listing and hook.secret not in listing

    old = hook.secret
    client.post("/admin/webhook/rotate/", data={"id": str(hook.id)})
    hook = Webhook.get()
    assert hook.secret != old and hook.secret_rotated_at is not None
    client.post(f"/admin/webhook/edit/?id={hook.id}", data={
        "url": receiver.url, "description": "Đổi mô tả", "events": ["report.approved"], "is_active": "y",
        "version": str(hook.version)})
    assert Webhook.get().description == "Đổi mô tả" and Webhook.get().secret == hook.secret
    trail = [entry.changes for entry in AuditLog.select().where(AuditLog.record_table == "webhook")
             .order_by(AuditLog.id)]
    assert len(trail) == 3 and '"khoa_bi_mat": "đã đổi"' in trail[1]
    assert not any(old in changes or hook.secret in changes for changes in trail)


@pytest.mark.parametrize("url, message", [
    ("ftp://example.vn/hook", "URL phải bắt đầu bằng http:// hoặc https://."),
    ("javascript:alert(1)", "URL phải bắt đầu bằng http:// hoặc https://."),
    ("https://", "URL thiếu tên máy chủ"),
    ("https://ten:matkhau@example.vn/hook", "Không ghi tên đăng nhập hay mật khẩu trong URL"),
    ("https://example.vn/a b", "URL không được chứa khoảng trắng."),
    ("https://example.vn:99999/", "URL không hợp lệ (cổng hoặc tên máy sai)."),
])
def test_a_bad_url_is_refused_in_vietnamese_and_nothing_is_saved(app, login, url, message):
    client = login("admin")
    page = text(client.post("/admin/webhook/new/", data={"url": url, "events": ["report.approved"]},
                            follow_redirects=True))
    assert message in page and Webhook.select().count() == 0


def test_a_webhook_needs_an_event(app, login):
    page = text(login("admin").post("/admin/webhook/new/", data={"url": "https://example.vn/hook"},
                                    follow_redirects=True))
    assert "Chọn ít nhất một sự kiện để gửi." in page and Webhook.select().count() == 0


def test_the_log_shows_tries_and_redelivers_the_same_event_to_the_same_receiver(app, hook, receiver, login):
    with app.test_request_context():
        webhooks.emit("import.finished", {"kind": "villages"})
        webhooks.flush()
    jobs.run_pending(app)
    first = WebhookDelivery.get()
    client = login("admin")
    assert "Đã gửi thành công" in text(client.get("/admin/webhookdelivery/"))
    details = text(client.get(f"/admin/webhookdelivery/details/?id={first.id}"))
    assert "Thành công" in details and '"kind":"villages"' in details

    page = text(client.post("/admin/webhookdelivery/action/", data={
        "action": "redeliver", "rowid": [str(first.id)]}, follow_redirects=True))
    assert "Đã xếp 1 lần gửi lại vào hàng đợi" in page
    (entry,) = AuditLog.select().where(AuditLog.record_table == "webhook_delivery")
    assert entry.username == "admin" and json.loads(entry.changes) == {"ghi_chu": f"Gửi lại lần gửi #{first.id}"}
    jobs.run_pending(app)
    (_, one), (headers, again) = received(receiver)
    assert one == again and headers["X-GiaoBan-Delivery"] != str(first.id)
    assert WebhookDelivery.select().where(WebhookDelivery.status == "delivered").count() == 2

    # Forged ids change nothing.
    for forged in (["999999"], ["abc"], []):
        page = text(client.post("/admin/webhookdelivery/action/", data={
            "action": "redeliver", "rowid": forged}, follow_redirects=True))
        assert WebhookDelivery.select().count() == 2
    assert client.post("/admin/webhook/rotate/", data={"id": "999999"}).status_code == 404
    assert client.get("/admin/webhook/secret/?id=abc").status_code == 404

    # No export of the receivers and their secrets.
    exported = client.post("/admin/webhook/export/xlsx/")
    assert exported.status_code == 302 and hook.secret.encode() not in exported.data
    # Deleting the webhook takes its log with it; the trail names it, never its secret.
    client.post("/admin/webhook/delete/", data={"id": str(hook.id)})
    assert Webhook.select().count() == WebhookDelivery.select().count() == WebhookAttempt.select().count() == 0
    (deleted,) = AuditLog.select().where(AuditLog.action == "delete", AuditLog.record_table == "webhook")
    assert receiver.url in deleted.changes and hook.secret not in deleted.changes


@pytest.mark.parametrize("role, org", [("editor", "PHUNU"), ("secretariat", None), ("viewer", None),
                                       ("viewer", "PHUNU")])
def test_no_one_but_an_admin_opens_or_posts_to_the_webhook_pages(app, hook, login, role, org):
    with app.test_request_context():
        webhooks.emit("report.approved", {"report": {"id": 1}})
    delivery = WebhookDelivery.get()
    client = login(f"user_{role}", role=role, org=org)
    for url in ("/admin/webhook/", "/admin/webhook/new/", f"/admin/webhook/secret/?id={hook.id}",
                f"/admin/webhook/edit/?id={hook.id}", f"/admin/webhook/details/?id={hook.id}",
                "/admin/webhookdelivery/", f"/admin/webhookdelivery/details/?id={delivery.id}"):
        response = client.get(url)
        assert response.status_code == 403, url
        assert hook.secret not in response.get_data(as_text=True)
    posts = [
        ("/admin/webhook/new/", {"url": "https://attacker.example/", "events": ALL_EVENTS}),
        (f"/admin/webhook/edit/?id={hook.id}", {"url": "https://attacker.example/", "events": ALL_EVENTS,
                                                "version": str(hook.version)}),
        ("/admin/webhook/rotate/", {"id": str(hook.id)}),
        ("/admin/webhook/delete/", {"id": str(hook.id)}),
        ("/admin/webhookdelivery/action/", {"action": "redeliver", "rowid": [str(delivery.id)]}),
    ]
    for url, data in posts:
        assert client.post(url, data=data).status_code == 403, url
    assert [(h.url, h.secret, h.version) for h in Webhook.select()] == [(hook.url, hook.secret, hook.version)]
    assert WebhookDelivery.select().count() == 1


def test_the_secret_is_never_logged_while_delivering(app, hook, receiver, caplog):
    app.config["WEBHOOK_RETRY_DELAYS"] = ()
    receiver.answers.append((500, 0))
    caplog.set_level("DEBUG")
    with app.test_request_context():
        webhooks.emit("import.finished", {"kind": "members"})
    jobs.run_pending(app)
    assert WebhookDelivery.get().status == "failed"
    assert caplog.text and hook.secret not in caplog.text


def test_an_unknown_event_is_refused_in_vietnamese(app, login):
    page = text(login("admin").post("/admin/webhook/new/", follow_redirects=True, data={
        "url": "https://example.vn/hook", "events": ["report.approved", "member.deleted"]}))
    assert "'member.deleted' không phải là lựa chọn hợp lệ của trường này." in page
    assert "not a valid choice" not in page and Webhook.select().count() == 0


def test_a_webhook_paused_before_sending_gets_nothing(app, hook, receiver, phunu):
    post_grid(phunu, grid_url(), action="submit", field_visits="23", members_new="1.548")
    Webhook.update(is_active=False).execute()
    jobs.run_pending(app)
    delivery = WebhookDelivery.get()
    assert receiver.seen == [] and (delivery.status, delivery.attempts) == ("failed", 0)
    assert delivery.last_error.startswith("Webhook đã tạm dừng")


@pytest.fixture
def threaded_app(database_url, tmp_path):
    """The embedded set-up: a job worker thread inside the web process."""
    from portal import create_app, migrate

    app = create_app({
        "TESTING": True, "DATABASE_URL": database_url, "SECRET_KEY": "test-secret",
        "JOB_QUEUE_FILE": str(tmp_path / "threaded-jobs.sqlite3"), "JOBS_FOLDER": str(tmp_path / "jobs"),
        "JOB_WORKER_THREADS": 1, "WEBHOOK_RETRY_DELAYS": (1,),
    })
    with app.app_context():
        migrate.upgrade()
    yield app
    app.extensions["jobs"].stop.set()
    time.sleep(0.3)  # let the worker see it before the database goes
    if not db.is_closed():
        db.close()
    db.obj.close_all()


def test_the_worker_thread_of_the_web_process_sends_and_retries_when_due(threaded_app, receiver):
    Webhook.create(url=receiver.url, events="import.finished")
    receiver.answers.append((500, 0))
    with threaded_app.test_request_context():
        webhooks.emit("import.finished", {"kind": "members"})
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and WebhookDelivery.get().status == "pending":
        time.sleep(0.1)
    delivery = WebhookDelivery.get()
    assert (delivery.status, delivery.attempts) == ("delivered", 2)
    first, second = [a.started_at for a in WebhookAttempt.select().order_by(WebhookAttempt.number)]
    assert second - first >= datetime.timedelta(seconds=1)


def test_a_delivery_whose_task_was_lost_is_queued_again_and_a_duplicate_task_sends_nothing(
        app, hook, receiver):
    from portal.jobs import webhook_delivery

    with app.test_request_context():
        (delivery,) = webhooks.emit("import.finished", {"kind": "members"})
        assert g.pop("webhook_outbox") == [delivery.id]  # the queue never hears of it
    assert jobs.run_pending(app) == 0 and receiver.seen == []
    # Ten minutes late: the workers' housekeeping finds it.
    WebhookDelivery.update(next_attempt_at=datetime.datetime.now() - datetime.timedelta(minutes=11)).execute()
    jobs.run_pending(app)
    assert len(receiver.seen) == 1 and WebhookDelivery.get().status == "delivered"
    # A second task for a delivery whose retry is not due does nothing.
    receiver.answers.append((500, 0))
    with app.test_request_context():
        (other,) = webhooks.emit("import.finished", {"kind": "villages"})
    jobs.run_pending(app)
    assert WebhookDelivery.get_by_id(other.id).attempts == 1
    with app.app_context():
        webhook_delivery.enqueue(other.id)
    jobs.run_pending(app)
    assert WebhookDelivery.get_by_id(other.id).attempts == 1 and len(receiver.seen) == 2


def test_every_kind_of_import_says_what_it_wrote(app, hook, receiver, places, runner, tmp_path):
    from tests import test_catalogue_import as catalogue, test_report_import as reports

    files = [("reports", "so-lieu.csv", reports.csv_file(reports.SEED)),
             ("villages", "thon.xlsx", xlsx_file(catalogue.villages(), header=catalogue.VILLAGE_HEADER)),
             ("organisations", "to-chuc.xlsx",
              xlsx_file(catalogue.organisations(), header=catalogue.ORG_HEADER))]
    for kind, name, data in files:
        path = tmp_path / name
        path.write_bytes(data)
        result = runner.invoke(args=["import", kind, str(path)])
        assert result.exit_code == 0, result.output
    jobs.run_pending(app)
    got = [payload["data"] for _, payload in received(receiver)]
    assert [(d["kind"], d["file"]) for d in got] == [(kind, name) for kind, name, _ in files]
    assert got[0]["counts"] == {"values": 12, "reports": 6, "new_reports": 6, "opened_periods": 1,
                                "approved": False}
    assert got[1]["counts"] == {"villages": 2} and got[2]["counts"] == {"organisations": 2}


def test_a_vietnamese_path_and_query_travel_percent_encoded(app, receiver):
    Webhook.create(url=receiver.url + "báo-cáo?đơn_vị=PHUNU", events="import.finished")
    with app.test_request_context():
        webhooks.emit("import.finished", {"kind": "members"})
    jobs.run_pending(app)
    assert receiver.paths == ["/hooks/giaoban/b%C3%A1o-c%C3%A1o?%C4%91%C6%A1n_v%E1%BB%8B=PHUNU"]
    assert WebhookDelivery.get().status == "delivered"
