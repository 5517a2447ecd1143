"""Faults survived: a busy or vanished database, a job worker killed mid-work,
a jobs folder that cannot be written.

The slow ones start real processes (a job worker, gunicorn, a private
PostgreSQL server); the whole module stays well under 90 s.
"""
import contextlib
import os
import signal
import sqlite3
import subprocess
import sys
import time

import pytest

from models import AuditLog, Job, Member, Notification, Organisation
from portal import jobs
from tests.api_helpers import api_as
from tests.forms import rendered_form
from tests.test_import_jobs import imports, queued, send
from tests.test_jobs import names_in, start_export
from tests.test_list_exports import add, members  # noqa: F401  (fixture)
from tests.test_member_import import places, token_of, xlsx_file  # noqa: F401  (fixture)

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


# --- kill -9 of a job worker mid-import and mid-export ----------------------------------

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@pytest.fixture
def quick_to_notice(app):
    # Silence this long after the last heartbeat (every second) means a dead worker.
    app.config["JOB_STALE_SECONDS"] = 2


@contextlib.contextmanager
def worker_killed_mid_job(app, job, hang_stage):
    """A real `flask --app wsgi jobs worker` process takes `job`, is caught in the
    middle of `hang_stage` (tests/fault_worker.py) and killed with SIGKILL there."""
    env = dict(os.environ, DATABASE_URL=app.config["DATABASE_URL"], SECRET_KEY="test-secret",
               PORTAL_ENV="development", UPLOAD_FOLDER=app.config["UPLOAD_FOLDER"],
               JOB_QUEUE_FILE=app.config["JOB_QUEUE_FILE"], JOBS_FOLDER=app.config["JOBS_FOLDER"],
               JOB_WORKER_THREADS="0", FAULT_HANG_STAGE=hang_stage)
    log_path = os.path.join(os.path.dirname(app.config["JOB_QUEUE_FILE"]), "worker.log")
    with open(log_path, "wb") as log:
        worker = subprocess.Popen([sys.executable, "tests/fault_worker.py"], cwd=ROOT, env=env,
                                  stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 40
        while True:
            seen = jobs.queue(app).get(jobs.progress_key(job.id), peek=True)
            if seen and seen[2] == hang_stage and 0 < seen[0] < seen[1]:
                break
            assert worker.poll() is None, open(log_path, encoding="utf-8").read()[-3000:]
            assert time.monotonic() < deadline, open(log_path, encoding="utf-8").read()[-3000:]
            time.sleep(0.1)
        assert Job.get_by_id(job.id).status == "running"
        worker.send_signal(signal.SIGKILL)
        worker.wait(10)
        yield seen
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait(10)


def halted_by_housekeeping(app, job):
    deadline = time.monotonic() + 15
    while Job.get_by_id(job.id).status == "running":
        assert time.monotonic() < deadline, "the dead worker's job was never halted"
        time.sleep(0.5)
        jobs.housekeeping(app)
    return Job.get_by_id(job.id)


def test_a_worker_killed_mid_import_writes_nothing_and_the_job_runs_again(
        places, login, app, quick_to_notice):
    app.config["IMPORT_MAX_SYNC_ROWS"] = 20
    client = login("admin")
    rows = [[n, f"Hội Viên Thử {n}", "Nữ", "", "Kinh", "", "", "", "", "CHPN1", "", "", ""]
            for n in range(1, 301)]
    check = queued(send(client, "members", xlsx_file(rows), "hoi_vien.xlsx"))
    assert jobs.run_pending(app) == 1
    page = client.get(f"/admin/import-members/?job={check.id}").get_data(as_text=True)
    write = queued(client.post("/admin/import-members/confirm", data={"token": token_of(page)}))

    with worker_killed_mid_job(app, write, "Ghi dữ liệu") as seen:
        assert seen[0] == 250  # 200 rows inserted in its transaction when it died
    assert Member.select().count() == 0 and imports() == 0

    job = halted_by_housekeeping(app, write)
    assert job.status == "halted" and "gián đoạn" in job.message
    page = client.get(f"/admin/jobs/{job.id}/").get_data(as_text=True)
    assert "Bị gián đoạn" in page and "Chạy lại" in page
    assert "Chạy lại" in client.get("/admin/jobs/").get_data(as_text=True)
    assert Notification.select().where(Notification.user == job.user_id).exists()

    # Someone else cannot restart it; its owner can, with the same file.
    other = login("admin2")
    assert other.post(f"/admin/jobs/{job.id}/rerun").status_code == 404
    assert Job.get_by_id(job.id).status == "halted"
    client = login("admin")
    response = client.post(f"/admin/jobs/{job.id}/rerun")
    assert response.status_code == 302 and Job.get_by_id(job.id).status == "queued"
    jobs.run_pending(app)
    job = Job.get_by_id(job.id)
    assert job.status == "done" and "300" in job.message
    assert Member.select().count() == 300 and imports() == 1
    # A second click finds nothing to restart and writes nothing twice.
    page = client.post(f"/admin/jobs/{job.id}/rerun", follow_redirects=True).get_data(as_text=True)
    assert "không chạy lại được" in page
    jobs.run_pending(app)
    assert Job.get_by_id(job.id).status == "done" and Member.select().count() == 300


def test_a_worker_killed_mid_export_leaves_no_file_and_the_job_runs_again(
        app, login, members, quick_to_notice):
    for n in range(25):
        add(f"Nguyễn Thị Thử {n:02d}")
    app.config["EXPORT_MAX_SYNC_ROWS"] = 3
    client = login("quantri")
    job, location = start_export(client)
    with worker_killed_mid_job(app, job, "") as seen:
        assert seen[:2] == (10, 29)  # "nguyen": 4 + 25
    folder = jobs.folder(app)
    assert [name.endswith(".part") for name in os.listdir(folder)] == [True]

    job = halted_by_housekeeping(app, job)
    assert job.status == "halted" and not job.stored_name
    assert os.listdir(folder) == []  # the partial workbook is gone, nothing to download
    assert client.get(f"{location}download").status_code == 404
    assert client.get(f"{location}status").json["status"] == "halted"
    assert not AuditLog.select().where(AuditLog.action == "export").exists()

    assert client.post(f"{location}rerun").status_code == 302
    jobs.run_pending(app)
    state = client.get(f"{location}status").json
    assert state["status"] == "done"
    assert len(names_in(client.get(state["download"]))) == 29
