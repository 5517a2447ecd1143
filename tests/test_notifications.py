"""The notification centre: the bell, its page, each kind produced by the real
action, reminders given once, e-mail through a local SMTP server, and scoping."""
import datetime
import email
import email.policy
import re
import socket

import pytest
from aiosmtpd.controller import Controller

from huey.constants import EmptyData

from models import Job, Notification, QuarterlyReport, ReportingPeriod, User, db
from portal import jobs
from portal.notifications import Reminder, mail, register_reminders, reminders
from tests.test_jobs import small_limit, start_export  # noqa: F401  (fixture used by name)
from tests.test_list_exports import members  # noqa: F401  (fixture used by name)
from tests.test_report_entry import grid_url, phunu, post_grid, quarter, report_of, text, unit  # noqa: F401
from tests.test_report_workflow import approve, reopen, submitted  # noqa: F401

D = datetime.date
REASON = "Số kết nạp mới chưa khớp với danh sách hội viên"
# Past the hold a try puts on its row: the next pass may try again.
LEASE_PLUS = mail.LEASE_SECONDS + 5


def mine(username, kind=None):
    query = Notification.select().join(User).where(User.username == username)
    if kind:
        query = query.where(Notification.kind == kind)
    return list(query.order_by(Notification.id))


def scan(app, today):
    """One pass of the periodic reminder scan, as if run on `today`."""
    with app.app_context():
        return reminders.scan(today=today)


def bell(page):
    """The unread count the navigation bar shows (0 when it shows none)."""
    found = re.search(r'<span class="badge[^"]*" id="unread-count"[^>]*>([^<]+)</span>', page)
    return int(found.group(1)) if found else 0


# --- reminders --------------------------------------------------------------------------

@pytest.fixture
def editors(make_user, quarter):
    """Editors of PHUNU (two) and NONGDAN; NONGDAN has sent its Quý II/2024 report."""
    QuarterlyReport.create(organisation=unit("NONGDAN"), period=quarter, status="submitted",
                           submitted_at=datetime.datetime(2024, 7, 1, 8, 0))
    return [make_user(name, "editor", org) for name, org in
            (("bt_phunu", "PHUNU"), ("pho_phunu", "PHUNU"), ("bt_nongdan", "NONGDAN"))]


def test_a_deadline_in_seven_days_reminds_the_units_editors_once(app, editors, make_user):
    make_user("vanphong", "secretariat")
    assert scan(app, D(2024, 7, 7)) == 0  # eight days before: not yet
    assert scan(app, D(2024, 7, 10)) == 2
    for name in ("bt_phunu", "pho_phunu"):
        [row] = mine(name)
        assert row.kind == "report_due"
        assert row.title == "Sắp đến hạn nộp báo cáo Quý II/2024 của PHUNU"
        assert "là 15/07/2024 (còn 5 ngày). Báo cáo chưa được gửi." in row.body
        period = ReportingPeriod.find(2024, 2)
        assert row.link == f"/admin/quarterlyreport/entry/?org={unit('PHUNU').id}&period={period.id}"
    assert mine("bt_nongdan") == [] and mine("vanphong") == []  # sent already; not an editor
    # Every later pass (each minute) gives nothing new.
    assert scan(app, D(2024, 7, 10)) == 0
    assert scan(app, D(2024, 7, 15)) == 0
    assert len(mine("bt_phunu")) == 1


def test_a_missed_deadline_gives_one_overdue_reminder_unless_sent(app, editors, phunu):
    post_grid(phunu, grid_url(), action="save", field_visits="23")  # a draft is not sent
    assert scan(app, D(2024, 7, 20)) == 2
    [row] = mine("bt_phunu")
    assert row.kind == "report_overdue" and row.title == "Quá hạn nộp báo cáo Quý II/2024 của PHUNU"
    assert "đã quá 5 ngày" in row.body
    assert row.link == f"/admin/quarterlyreport/entry/?id={report_of().id}"
    assert scan(app, D(2024, 7, 21)) == 0
    # A unit that sends its report is not reminded; a disabled editor never is.
    User.update(is_enabled=False).where(User.username == "pho_phunu").execute()
    Notification.delete().execute()
    post_grid(phunu, grid_url(), action="submit", field_visits="23")
    assert scan(app, D(2024, 7, 22)) == 0


def test_the_job_queues_periodic_pass_gives_the_reminders(app, editors):
    # Quý II/2024's deadline is long past: the housekeeping pass (each minute) finds it.
    jobs.run_pending(app)
    jobs.run_pending(app)
    assert [row.kind for row in mine("bt_phunu")] == ["report_overdue"]
    assert len(Notification.select()) == 2


def test_a_reminder_given_before_takes_no_write_lock(app, editors, monkeypatch):
    assert scan(app, D(2024, 7, 10)) == 2

    def no_writing(*_args, **_kwargs):
        raise AssertionError("a write transaction for reminders already given")

    # SQLite has one write lock, shared with every user's save (BEGIN IMMEDIATE).
    monkeypatch.setattr(db.obj, "begin", no_writing)
    assert scan(app, D(2024, 7, 11)) == 0


def test_one_process_keeps_house_each_minute(app):
    huey = jobs.queue(app)
    minute = 1_800_000_000 // 60 * 60  # the start of a minute
    # Five gunicorn workers look at once: one of them keeps house.
    assert [jobs.claim_housekeeping(huey, minute + 1) for _ in range(5)] == [True] + [False] * 4
    assert not jobs.claim_housekeeping(huey, minute + 59)
    assert jobs.claim_housekeeping(huey, minute + 60)
    # The minutes claimed before are forgotten as the next are claimed.
    assert huey.storage.peek_data(f"portal.housekeeping.{minute // 60}") is EmptyData


def test_another_record_type_adds_its_reminders_through_the_extension_point(app, editors, monkeypatch):
    monkeypatch.setattr(reminders, "SOURCES", list(reminders.SOURCES))
    phunu_editor = editors[0]

    @register_reminders
    def tasks_due(today):
        yield Reminder([phunu_editor.id], "task_due", "task_due:7", "Nhiệm vụ sắp đến hạn: tập huấn chi hội",
                       "Hạn hoàn thành 30/09/2024.", "/admin/")

    assert scan(app, D(2024, 6, 1)) == 1
    assert scan(app, D(2024, 6, 2)) == 0
    assert [row.kind for row in mine("bt_phunu")] == ["task_due"]


# --- events -----------------------------------------------------------------------------

def test_a_reopened_report_tells_the_units_editors_why(app, submitted, login, make_user):
    make_user("bt_nongdan", "editor", "NONGDAN")
    office = login("vanphong", role="secretariat")
    approve(office, report_of())
    reopen(office, report_of(), REASON)
    [row] = mine("bt_phunu")
    assert row.kind == "report_returned" and row.title == "Báo cáo Quý II/2024 của PHUNU được trả lại để sửa"
    assert row.body.endswith(f"về bản nháp. Lý do: {REASON}")
    assert row.link == f"/admin/quarterlyreport/entry/?id={report_of().id}"
    assert mine("bt_nongdan") == [] and mine("vanphong") == []
    # Each return is news: a second one is a second notification.
    post_grid(login("bt_phunu", role="editor", org="PHUNU"), grid_url(), action="submit", field_visits="24")
    approve(login("vanphong", role="secretariat"), report_of())
    reopen(office, report_of(), "Lần hai")
    assert [r.body.rsplit(": ", 1)[1] for r in mine("bt_phunu")] == [REASON, "Lần hai"]


def test_a_finished_export_tells_its_owner(app, login, members, small_limit):  # noqa: F811
    client = login("quantri")
    job, location = start_export(client)
    assert mine("quantri") == []  # not before it ran
    jobs.run_pending(app)
    [row] = mine("quantri", "job_finished")
    assert row.title == f"{job.title}: đã xong" and row.link == f"/admin/jobs/{job.id}/"
    assert "đã hoàn thành" in row.body


def test_a_failed_job_tells_its_owner_too(app, login, members, small_limit, monkeypatch):  # noqa: F811
    client = login("quantri")
    job, _ = start_export(client)
    monkeypatch.setitem(jobs.RUNNERS, "export", lambda job, progress: 1 / 0)
    jobs.run_pending(app)
    [row] = mine("quantri", "job_finished")
    assert row.title == f"{job.title}: không thành công" and "Lỗi hệ thống" in row.body
    assert Job.get_by_id(job.id).status == "failed"


# --- the bell and the page ----------------------------------------------------------------

def give(username, count, kind="report_due"):
    user = User.get(User.username == username)
    for number in range(count):
        Notification.create(user=user, kind=kind, title=f"Thông báo số {number + 1}", body="Nội dung",
                            link="/admin/jobs/", created_at=datetime.datetime(2024, 7, 1, 8, number))


def test_the_bell_counts_unread_and_the_page_lists_newest_first(app, login):
    client = login("bt_phunu", role="editor", org="PHUNU")
    assert bell(text(client.get("/admin/"))) == 0
    give("bt_phunu", 3)
    home = text(client.get("/admin/"))
    assert bell(home) == 3 and 'href="/admin/notifications/"' in home
    page = text(client.get("/admin/notifications/"))
    assert page.index("Thông báo số 3") < page.index("Thông báo số 2") < page.index("Thông báo số 1")
    assert "3 chưa đọc" in page
    first = Notification.get(Notification.title == "Thông báo số 1")
    opened = client.post(f"/admin/notifications/{first.id}/open")
    assert opened.status_code == 302 and opened.headers["Location"] == "/admin/jobs/"
    assert bell(text(client.get("/admin/"))) == 2
    client.post(f"/admin/notifications/{Notification.get(Notification.title == 'Thông báo số 2').id}/read")
    assert bell(text(client.get("/admin/"))) == 1
    done = text(client.post("/admin/notifications/read-all", follow_redirects=True))
    assert "Đã đánh dấu 1 thông báo là đã đọc." in done and bell(done) == 0
    assert Notification.select().where(Notification.read_at.is_null()).count() == 0


def test_the_bell_is_one_count_over_an_index(app):
    indexes = {tuple(index.columns) for index in Notification._meta.database.get_indexes("notification")}
    assert ("user_id", "read_at") in indexes and ("user_id", "key") in indexes


def test_a_user_sees_and_marks_only_their_own_notifications(app, login):
    login("bt_nongdan", role="editor", org="NONGDAN")
    give("bt_nongdan", 1)
    theirs = Notification.get()
    client = login("bt_phunu", role="editor", org="PHUNU")
    give("bt_phunu", 1)
    assert "Thông báo số 1" in text(client.get("/admin/notifications/"))
    assert len(text(client.get("/admin/notifications/")).split('class="notification ')) == 2
    for action in ("read", "open"):
        assert client.post(f"/admin/notifications/{theirs.id}/{action}").status_code == 404
    assert client.post("/admin/notifications/999999/read").status_code == 404
    client.post("/admin/notifications/read-all")
    assert Notification.get_by_id(theirs.id).read_at is None
    assert Notification.select().where(Notification.read_at.is_null()).count() == 1


def test_an_outside_link_is_never_followed(app, login):
    client = login("bt_phunu", role="editor", org="PHUNU")
    row = Notification.create(user=User.get(User.username == "bt_phunu"), kind="job_finished",
                              title="Lạ", link="//evil.example/x")
    response = client.post(f"/admin/notifications/{row.id}/open")
    assert response.headers["Location"] == "/admin/notifications/"


# --- e-mail ---------------------------------------------------------------------------------

class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.rcpt_tos, envelope.content))
        return "250 OK"


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp(app):
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=controller.port, SMTP_TLS="none",
                      SMTP_FROM="giaoban@mttq.gialai.vn", PORTAL_URL="https://giaoban.example.vn")
    yield inbox
    controller.stop()


def test_a_notification_is_mailed_by_the_job_queue_in_vietnamese(app, smtp, submitted, login):
    User.update(email="hoa.nguyen@phunu.gialai.vn", full_name="Nguyễn Thị Hoa").where(
        User.username == "bt_phunu").execute()
    # Not yet due: the only news is the return (a reopened report past its deadline is overdue too).
    ReportingPeriod.update(deadline=D.today() + datetime.timedelta(days=30)).execute()
    office = login("vanphong", role="secretariat")
    approve(office, report_of())
    reopen(office, report_of(), REASON)
    [row] = mine("bt_phunu")
    assert row.email_status == "pending" and smtp.messages == []  # never from the request
    jobs.run_pending(app)
    [(recipients, raw)] = smtp.messages
    assert recipients == ["hoa.nguyen@phunu.gialai.vn"]
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert message["Subject"] == "[Giao ban Khối] Báo cáo Quý II/2024 của PHUNU được trả lại để sửa"
    assert message["To"].addresses[0].display_name == "Nguyễn Thị Hoa"
    body = message.get_content()
    assert "Kính gửi Nguyễn Thị Hoa," in body and f"Lý do: {REASON}" in body
    assert f"https://giaoban.example.vn/admin/quarterlyreport/entry/?id={report_of().id}" in body
    assert Notification.get_by_id(row.id).email_status == "sent"
    jobs.run_pending(app)
    assert len(smtp.messages) == 1  # sent once
    assert "Đã gửi thư" in text(login("bt_phunu", role="editor", org="PHUNU").get("/admin/notifications/"))


def test_users_without_an_address_get_no_mail(app, smtp, editors):
    scan(app, D(2024, 7, 10))
    assert {row.email_status for row in Notification.select()} == {""}
    jobs.run_pending(app)
    assert smtp.messages == []


def test_a_failed_send_is_logged_and_tried_again_then_given_up(app, editors, caplog):
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=free_port(), SMTP_TLS="none",
                      NOTIFY_EMAIL_RETRY_DELAYS=(0, 0))
    User.update(email="bt@phunu.gialai.vn").where(User.username == "bt_phunu").execute()
    scan(app, D(2024, 7, 10))
    [row] = [r for r in Notification.select() if r.email_status]
    later = datetime.datetime.now() + datetime.timedelta(seconds=LEASE_PLUS)
    assert mail.send_due(app) == (0, 1)
    stored = Notification.get_by_id(row.id)
    assert stored.email_status == "pending" and stored.email_attempts == 1 and "ConnectionRefused" in stored.email_error
    assert f"notification {row.id}: e-mail (try 1) not sent: ConnectionRefusedError" in caplog.text
    assert mail.send_due(app, now=later) == (0, 1)
    assert mail.send_due(app, now=later) == (0, 1)
    stored = Notification.get_by_id(row.id)
    assert stored.email_status == "failed" and stored.email_attempts == 3
    assert mail.send_due(app, now=later) == (0, 0)  # given up: stays in the portal only


def test_a_retry_delivers_once_the_server_is_back(app, smtp, editors):
    port = app.config["SMTP_PORT"]
    app.config["SMTP_PORT"] = free_port()
    User.update(email="bt@phunu.gialai.vn").where(User.username == "bt_phunu").execute()
    scan(app, D(2024, 7, 10))
    assert mail.send_due(app) == (0, 1)
    assert mail.send_due(app) == (0, 0)  # the retry is not due yet
    app.config["SMTP_PORT"] = port
    later = datetime.datetime.now() + datetime.timedelta(seconds=3600)
    assert mail.send_due(app, now=later) == (1, 0)
    assert len(smtp.messages) == 1


# --- the address ------------------------------------------------------------------------------

def test_a_user_sets_their_own_address_and_a_bad_one_is_refused(app, login):
    client = login("bt_phunu", role="editor", org="PHUNU")
    page = text(client.post("/admin/account/email", data={"email": "không phải thư"}, follow_redirects=True))
    assert "Địa chỉ thư điện tử không hợp lệ" in page
    assert User.get(User.username == "bt_phunu").email == ""
    page = text(client.post("/admin/account/email", data={"email": " hoa@phunu.gialai.vn "}, follow_redirects=True))
    assert "Đã lưu địa chỉ thư điện tử." in page and 'value="hoa@phunu.gialai.vn"' in page
    assert User.get(User.username == "bt_phunu").email == "hoa@phunu.gialai.vn"


def test_the_administrator_sets_an_address_on_the_user_form(app, login):
    client = login("quantri")
    user = User.create(username="bt_ccb", role="editor", organisation=unit("CCB"), password_hash="x")
    form = {"username": "bt_ccb", "full_name": "Siu Blơng", "role": "editor",
            "organisation": str(unit("CCB").id), "is_enabled": "y", "email": "sai@"}
    page = text(client.post(f"/admin/user/edit/?id={user.id}", data=form, follow_redirects=True))
    assert "Địa chỉ thư điện tử không hợp lệ" in page and User.get_by_id(user.id).email == ""
    form["email"] = "siu.blong@ccb.gialai.vn"
    client.post(f"/admin/user/edit/?id={user.id}", data=form, follow_redirects=True)
    assert User.get_by_id(user.id).email == "siu.blong@ccb.gialai.vn"


def test_smtp_settings_come_from_the_environment_and_nonsense_stops_the_start(tmp_path):
    from portal.config import Config, ConfigError

    settings = Config.from_env(str(tmp_path), {"SMTP_HOST": "smtp.gialai.vn", "SMTP_PORT": "465",
                                               "SMTP_TLS": "ssl", "SMTP_USER": "giaoban",
                                               "SMTP_PASSWORD": "bí mật", "SMTP_FROM": "giaoban@gialai.vn"})
    assert (settings["SMTP_HOST"], settings["SMTP_PORT"], settings["SMTP_TLS"], settings["SMTP_PASSWORD"]) == (
        "smtp.gialai.vn", 465, "ssl", "bí mật")
    assert Config.from_env(str(tmp_path), {})["SMTP_HOST"] == ""  # no mail unless configured
    with pytest.raises(ConfigError, match="SMTP_TLS"):
        Config.from_env(str(tmp_path), {"SMTP_HOST": "smtp.gialai.vn", "SMTP_FROM": "a@b.vn", "SMTP_TLS": "yes"})
    with pytest.raises(ConfigError, match="SMTP_FROM"):
        Config.from_env(str(tmp_path), {"SMTP_HOST": "smtp.gialai.vn"})
