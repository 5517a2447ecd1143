"""Exports too large for a request run as background jobs: progress, download, scope, audit."""
import datetime
import io
import json
import os
import re
import socket
import uuid

import openpyxl
import pytest

from models import AuditLog, Job, User
from portal import jobs
from tests.test_list_exports import add, filter_arg, members  # noqa: F401  (fixture used by name)


@pytest.fixture
def small_limit(app):
    app.config["EXPORT_MAX_SYNC_ROWS"] = 3


def start_export(client, query="search=nguyen"):
    response = client.post(f"/admin/member/export/xlsx/?{query}")
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    location = response.headers["Location"]
    assert "/admin/jobs/" in location
    return Job.get_by_id(int(location.rstrip("/").rsplit("/", 1)[1])), location


def names_in(response):
    assert response.status_code == 200
    data = response.data
    response.close()  # send_file keeps the file open until the response is closed
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    return sorted(row[0] for row in sheet.iter_rows(min_row=2, values_only=True))


def test_a_large_list_becomes_a_job_with_progress_and_a_download(app, login, members, small_limit):
    client = login("quantri")
    job, location = start_export(client)
    page = client.get(location).get_data(as_text=True)
    assert "Xuất Excel danh sách" in page and "4 dòng" in page and "Đang chờ" in page
    assert client.get(f"{location}status").json["status"] == "queued"
    assert not AuditLog.select().where(AuditLog.action == "export").exists()

    assert jobs.run_pending(app) == 1
    state = client.get(f"{location}status").json
    assert state["status"] == "done" and state["done"] == state["total"] == 4
    assert "Tải tệp về" in client.get(location).get_data(as_text=True)
    download = client.get(state["download"])
    assert "attachment" in download.headers["Content-Disposition"]
    # The same rows the screen lists for this search, as the synchronous export gives them.
    assert names_in(download) == ["Nguyễn Thị Bình", "Nguyễn Thị Cúc", "Nguyễn Văn An",
                                  "Nguyễn Văn Nông"]
    entry = AuditLog.get(AuditLog.action == "export")
    assert entry.username == "quantri" and "4 dòng" in json.loads(entry.changes)["ghi_chu"]
    listing = client.get("/admin/jobs/").get_data(as_text=True)
    assert job.title in listing and "Tải về" in listing


def test_the_job_keeps_the_filters_and_runs_in_its_users_section(app, login, members, small_limit):
    add("Nguyễn Thị Dịu", code="PHUNU")
    app.config["EXPORT_MAX_SYNC_ROWS"] = 2
    client = login("pn_editor", role="editor", org="PHUNU")
    status = filter_arg(app, "Tình trạng")
    job, location = start_export(client, f"search=nguyen&{status}=active")
    jobs.run_pending(app)
    names = names_in(client.get(f"{location}download"))
    # Nguyễn Văn Nông (Nông dân) is outside the section; Nguyễn Thị Cúc has left.
    assert names == ["Nguyễn Thị Bình", "Nguyễn Thị Dịu", "Nguyễn Văn An"]


def test_a_job_is_its_owners_alone(app, login, members, small_limit, client):
    owner = login("quantri")
    job, location = start_export(owner)
    jobs.run_pending(app)
    other = login("quantri2")  # the same client, logged out and in as another admin
    for path in ("", "status", "download"):
        assert other.get(f"{location}{path}").status_code == 404, path
    assert job.title not in other.get("/admin/jobs/").get_data(as_text=True)
    other.post("/logout")
    assert client.get(location).status_code == 302  # anonymous: to the login page


def test_a_user_locked_out_before_the_job_runs_gets_no_file(app, login, members, small_limit):
    client = login("quantri")
    job, location = start_export(client)
    User.update(is_enabled=False).where(User.username == "quantri").execute()
    jobs.run_pending(app)
    job = Job.get_by_id(job.id)
    assert job.status == "failed" and "bị khoá" in job.message and not job.stored_name
    assert not AuditLog.select().where(AuditLog.action == "export").exists()


def test_a_failing_job_says_so_and_leaves_no_file(app, login, members, small_limit, monkeypatch):
    from admin_views import exporting

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(exporting, "write_workbook", broken)
    client = login("quantri")
    job, location = start_export(client)
    jobs.run_pending(app)
    state = client.get(f"{location}status").json
    # An OSError while writing the file is the jobs folder's (full, read-only): said in words.
    assert state["status"] == "failed" and "Không ghi được tệp" in state["message"]
    assert "liên hệ quản trị" in state["message"]
    assert os.listdir(jobs.folder(app)) == []
    assert client.get(f"{location}download").status_code == 404


def test_a_job_whose_worker_died_shows_as_interrupted(app, login, members, small_limit):
    client = login("quantri")
    job, location = start_export(client)
    long_ago = datetime.datetime.now() - datetime.timedelta(hours=1)
    Job.update(status="running", started_at=long_ago).where(Job.id == job.id).execute()
    state = client.get(f"{location}status").json
    assert state["status"] == "halted" and "gián đoạn" in state["message"]
    assert Job.get_by_id(job.id).status == "halted"
    jobs.run_pending(app)  # the queued task finds the job settled and leaves it alone
    assert Job.get_by_id(job.id).status == "halted"


def test_result_files_are_removed_after_the_keeping_time(app, login, members, small_limit):
    client = login("quantri")
    job, location = start_export(client)
    jobs.run_pending(app)
    stored = os.path.join(jobs.folder(app), Job.get_by_id(job.id).stored_name)
    assert os.path.exists(stored)
    old = datetime.datetime.now() - datetime.timedelta(hours=25)
    Job.update(finished_at=old).where(Job.id == job.id).execute()
    assert "đã được xoá" in client.get("/admin/jobs/").get_data(as_text=True)
    assert not os.path.exists(stored)
    assert client.get(f"{location}download").status_code == 404


def test_a_link_to_a_large_export_starts_no_job_only_the_lists_button_does(app, login, members, small_limit):
    client = login("quantri")
    response = client.get("/admin/member/export/xlsx/?search=nguyen", follow_redirects=True)
    assert Job.select().count() == 0
    page = response.get_data(as_text=True)
    assert "nên được xuất ở chế độ nền" in page
    # The button on the list is a form that POSTs the list's query string, with its token.
    form = re.search(r'<form method="post" class="form-inline" id="export-form"\s+action="([^"]+)"', page)
    assert form and "search=nguyen" in form.group(1)
    app.config["WTF_CSRF_ENABLED"] = True
    assert client.post(form.group(1).replace("&amp;", "&")).status_code == 400  # no token
    assert Job.select().count() == 0


def test_a_small_export_still_downloads_from_a_link(app, login, members):
    response = login("quantri").get("/admin/member/export/xlsx/?search=nguyen")
    assert response.status_code == 200
    assert len(names_in(response)) == 4


def redis_running():
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
        return True
    except OSError:
        return False


@pytest.mark.skipif(not redis_running(), reason="Redis is not running on 127.0.0.1:6379")
def test_the_production_queue_on_redis_runs_the_same_job(app, login, members, small_limit):
    from huey import RedisHuey

    # The Redis is shared by every test run on the machine: a queue of its own
    # keeps another run's job out of this count.
    queue = RedisHuey(f"portal-test-{uuid.uuid4().hex}", url="redis://127.0.0.1:6379/15", results=False)
    state = app.extensions["jobs"]
    state.queue, state.task = queue, queue.task(name=jobs.TASK_NAME)(lambda job_id: jobs.run(app, job_id))
    try:
        client = login("quantri")
        job, location = start_export(client)
        assert len(queue) == 1
        assert jobs.run_pending(app) == 1
        assert client.get(f"{location}status").json["status"] == "done"
        assert len(names_in(client.get(f"{location}download"))) == 4
    finally:
        queue.flush()


def test_an_editor_of_another_unit_reaches_no_job_of_this_one(app, login, members):
    app.config["EXPORT_MAX_SYNC_ROWS"] = 0  # every export a job
    phunu = login("pn_editor", role="editor", org="PHUNU")
    job, location = start_export(phunu, "search=nguyen")
    jobs.run_pending(app)
    other = login("nd_editor", role="editor", org="NONGDAN")
    for path in ("", "status", "download"):
        assert other.get(f"{location}{path}").status_code == 404, path
    assert job.title not in other.get("/admin/jobs/").get_data(as_text=True)
    # Its own export of the same search holds only its own section's member.
    own, own_location = start_export(other, "search=nguyen")
    jobs.run_pending(app)
    assert names_in(other.get(f"{own_location}download")) == ["Nguyễn Văn Nông"]
