"""Import files too large for a request: checked, then written, by background jobs."""
import io
import json
import os

import openpyxl
import pytest
from models import AdministrativeUnit, AuditLog, Job, Member, Organisation, User, Village
from portal import jobs
from portal.excel import progress as import_progress
from portal.reporting.import_file import estimated_rows
from tests.test_catalogue_import import (  # noqa: F401 (fixture)
    ORG_HEADER, VILLAGE_HEADER, organisations, places, second_organisation_clashes, villages,
)
from tests.test_member_import import csv_file, good_rows, token_of, xlsx_file


@pytest.fixture
def small_limit(app):
    app.config["IMPORT_MAX_SYNC_ROWS"] = 1


@pytest.fixture
def updates(monkeypatch):
    """Every progress report of the jobs run, as (done, total, stage)."""
    seen = []
    report = jobs.Progress.update

    def update(self, done, total=None, stage=None):
        report(self, done, total, stage)
        seen.append((self.done, self.total, self.stage))

    monkeypatch.setattr(jobs, "PROGRESS_EVERY", 0)
    monkeypatch.setattr(import_progress, "ROWS", 1)
    monkeypatch.setattr(jobs.Progress, "update", update)
    return seen


def send(client, kind, data, name):
    return client.post(f"/admin/import-{kind}/", data={"file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def queued(response):
    """The job a response sent the user to."""
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    location = response.headers["Location"]
    assert "/admin/jobs/" in location
    return Job.get_by_id(int(location.rstrip("/").rsplit("/", 1)[1]))


def result_page(client, job):
    """The page the finished job leads to."""
    state = client.get(f"/admin/jobs/{job.id}/status").json
    assert state["link"]["url"].endswith(f"?job={job.id}")
    assert "download" not in state  # what an import leaves is a page, not a file
    return state, client.get(state["link"]["url"]).get_data(as_text=True)


def uploads_left(app, folder):
    path = os.path.join(app.config["UPLOAD_FOLDER"], folder)
    return sorted(os.path.splitext(name)[1] for name in os.listdir(path))


def imports():
    return AuditLog.select().where(AuditLog.action == "import").count()


def test_a_large_member_file_is_checked_then_written_by_jobs(places, login, app, small_limit,
                                                              updates):
    client = login("admin")
    check = queued(send(client, "members", xlsx_file(good_rows()), "hoi_vien.xlsx"))
    assert (check.kind, check.title, check.total) == ("import", "Kiểm tra tệp hoi_vien.xlsx (3 dòng)", 3)
    assert "Đang chờ" in client.get(f"/admin/jobs/{check.id}/").get_data(as_text=True)
    assert uploads_left(app, "member-imports") == [".data", ".json"]

    assert jobs.run_pending(app) == 1
    assert Member.select().count() == 0 and imports() == 0
    check = Job.get_by_id(check.id)
    assert (check.status, check.done, check.total) == ("done", 3, 3)
    assert check.message == "Tệp hợp lệ: 3 hội viên sẽ được nhập khi bạn xác nhận."
    # Rows read, then checked, then matched: each stage counts its rows to the end.
    stages = [stage for _, _, stage in updates]
    assert stages.index("Đọc tệp") < stages.index("Kiểm tra từng dòng") < stages.index(
        "Đối chiếu với dữ liệu đã có")
    checked = [(done, total) for done, total, stage in updates if stage == "Kiểm tra từng dòng"]
    assert checked == [(0, 3), (1, 3), (2, 3), (3, 3)]

    state, page = result_page(client, check)
    assert state["link"]["label"] == "Xem trước và xác nhận nhập"
    assert "Xem trước và xác nhận nhập" in client.get(f"/admin/jobs/{check.id}/").get_data(as_text=True)
    assert "3 hội viên sẽ được nhập" in page and "Xác nhận nhập 3 hội viên" in page
    assert "Chi hội Phụ nữ làng Dơ (CHPN1) — theo mã" in page and "Ngày sinh: 12/03/1985" in page

    updates.clear()
    write = queued(client.post("/admin/import-members/confirm", data={"token": token_of(page)}))
    assert write.title == "Nhập hội viên từ tệp hoi_vien.xlsx (3 dòng)"
    assert Member.select().count() == 0 and uploads_left(app, "member-imports") == [".claimed", ".data"]
    # The same confirmation twice finds nothing to write.
    again = client.post("/admin/import-members/confirm", data={"token": token_of(page)})
    assert "Không tìm thấy tệp đã tải lên" in again.get_data(as_text=True)

    assert jobs.run_pending(app) == 1
    state = client.get(f"/admin/jobs/{write.id}/status").json
    assert state["status"] == "done" and state["message"] == "Đã nhập 3 hội viên từ tệp hoi_vien.xlsx."
    assert state["done"] == state["total"] == 3 and state["link"] is None
    names = sorted(member.full_name for member in Member.select())
    assert names == ["Ksor H'Mai", "Nguyễn Thị Hoa", "Đặng Văn Út"]
    entry = AuditLog.get(AuditLog.action == "import")
    assert entry.username == "admin" and entry.address == "127.0.0.1"
    assert "3 hội viên" in json.loads(entry.changes)["ghi_chu"]
    # The file is read and checked again in full, then written.
    stages = [stage for _, _, stage in updates]
    assert stages.index("Đọc tệp") < stages.index("Kiểm tra từng dòng") < stages.index("Ghi dữ liệu")
    written = [(done, total) for done, total, stage in updates if stage == "Ghi dữ liệu"]
    assert written == [(0, 3), (1, 3), (2, 3), (3, 3)]
    assert uploads_left(app, "member-imports") == []
    assert "Đã nhập 3 hội viên" in client.get(f"/admin/jobs/{write.id}/").get_data(as_text=True)


def test_every_bad_row_of_a_large_file_is_listed_and_nothing_kept(places, login, app, small_limit):
    client = login("admin")
    rows = good_rows()[1:] + [[4, "X", "Nam", "31/02/1990", "", "", "", "", "", "NOPE", "", "", ""]]
    job = queued(send(client, "members", csv_file(rows), "hoi_vien.csv"))
    jobs.run_pending(app)
    job = Job.get_by_id(job.id)
    assert job.status == "failed" and job.message == "Tệp có 2 lỗi; chưa ghi gì."
    state, page = result_page(client, job)
    assert state["link"]["label"] == "Xem các lỗi"
    assert "Tệp có 2 lỗi; chưa ghi gì" in page
    assert "<td>4</td><td>Ngày sinh</td><td>«31/02/1990» không phải ngày có thật</td>" in page
    assert "<td>4</td><td>Mã chi hội</td><td>không có tổ chức mã «NOPE»</td>" in page
    assert 'name="token"' not in page and 'type="file"' in page
    assert uploads_left(app, "member-imports") == [] and Member.select().count() == 0


def test_small_files_stay_in_the_request(places, login, app):
    app.config["IMPORT_MAX_SYNC_ROWS"] = 3
    client = login("admin")
    page = send(client, "members", xlsx_file(good_rows()), "hoi_vien.xlsx").get_data(as_text=True)
    assert "3 hội viên sẽ được nhập" in page and Job.select().count() == 0


def test_a_job_its_result_and_its_preview_are_its_owners_alone(places, login, app, small_limit):
    owner = login("admin")
    job = queued(send(owner, "members", xlsx_file(good_rows()), "hoi_vien.xlsx"))
    jobs.run_pending(app)
    token = token_of(result_page(owner, job)[1])
    # Another page of the same owner does not show it either.
    assert owner.get(f"/admin/import-villages/?job={job.id}").status_code == 404
    other = login("admin2")
    for path in (f"/admin/jobs/{job.id}/", f"/admin/jobs/{job.id}/status",
                 f"/admin/jobs/{job.id}/download", f"/admin/import-members/?job={job.id}",
                 "/admin/import-members/?job=x"):
        assert other.get(path).status_code == 404, path
    assert job.title not in other.get("/admin/jobs/").get_data(as_text=True)
    assert "Không tìm thấy" in other.post("/admin/import-members/confirm",
                                          data={"token": token}).get_data(as_text=True)
    assert Job.select().count() == 1
    # Still the owner's to confirm; the check's result is no download.
    owner = login("admin")
    assert owner.get(f"/admin/jobs/{job.id}/download").status_code == 404
    queued(owner.post("/admin/import-members/confirm", data={"token": token}))
    jobs.run_pending(app)
    assert Member.select().count() == 3


def test_the_job_works_as_its_user_of_the_time_it_runs(places, login, app, small_limit):
    client = login("phunu", role="editor", org="PHUNU")
    # The third row's branch (NONGDAN) is outside the editor's section.
    job = queued(send(client, "members", xlsx_file(good_rows()), "hoi_vien.xlsx"))
    jobs.run_pending(app)
    assert "không có tổ chức mã «NONGDAN»" in result_page(client, job)[1]

    job = queued(send(client, "members", xlsx_file(good_rows()[:2]), "hoi_vien.xlsx"))
    User.update(role="viewer").where(User.username == "phunu").execute()
    jobs.run_pending(app)
    job = Job.get_by_id(job.id)
    assert job.status == "failed" and "không còn quyền nhập" in job.message

    User.update(role="editor").where(User.username == "phunu").execute()
    job = queued(send(client, "members", xlsx_file(good_rows()[:2]), "hoi_vien.xlsx"))
    jobs.run_pending(app)
    write = queued(client.post("/admin/import-members/confirm",
                               data={"token": token_of(result_page(client, job)[1])}))
    User.update(is_enabled=False).where(User.username == "phunu").execute()
    jobs.run_pending(app)
    write = Job.get_by_id(write.id)
    assert write.status == "failed" and "bị khoá" in write.message and "chưa ghi gì" in write.message
    assert Member.select().count() == 0 and imports() == 0
    assert uploads_left(app, "member-imports") == []


def test_a_failure_in_the_middle_of_the_write_leaves_nothing(places, login, app, small_limit,
                                                             monkeypatch):
    from admin_views import auditing

    def broken(*args, **kwargs):
        raise OSError("disk full")

    client = login("admin")
    job = queued(send(client, "members", xlsx_file(good_rows()), "hoi_vien.xlsx"))
    jobs.run_pending(app)
    write = queued(client.post("/admin/import-members/confirm",
                               data={"token": token_of(result_page(client, job)[1])}))
    # Every row is inserted, then the audit entry fails: the transaction takes them all back.
    monkeypatch.setattr(auditing, "record", broken)
    jobs.run_pending(app)
    state = client.get(f"/admin/jobs/{write.id}/status").json
    assert state["status"] == "failed" and "chưa có gì được ghi" in state["message"]
    assert Member.select().count() == 0 and imports() == 0
    assert uploads_left(app, "member-imports") == []


def test_a_clash_while_writing_organisations_is_reported(places, login, app, small_limit,
                                                         monkeypatch):
    client = login("vanphong", role="secretariat")
    job = queued(send(client, "organisations", xlsx_file(organisations(), header=ORG_HEADER),
                      "to_chuc.xlsx"))
    jobs.run_pending(app)
    page = result_page(client, job)[1]
    assert "Cấp trên: PNXA1 — tổ chức mới ở dòng 2 của tệp" in page
    write = queued(client.post("/admin/import-organisations/confirm", data={"token": token_of(page)}))
    second_organisation_clashes(monkeypatch)
    jobs.run_pending(app)
    write = Job.get_by_id(write.id)
    assert write.status == "failed" and write.message.startswith("Trong lúc ghi, dữ liệu trùng")
    assert Organisation.get_or_none(Organisation.code == "PNXA1") is None and imports() == 0


def test_a_large_village_file_is_checked_again_when_written(places, login, app, small_limit):
    client = login("vanphong", role="secretariat")
    data = xlsx_file(villages(), header=VILLAGE_HEADER)
    job = queued(send(client, "villages", data, "thon.xlsx"))
    jobs.run_pending(app)
    page = result_page(client, job)[1]
    assert "2 thôn, làng sẽ được nhập" in page and "Loại: Thôn (để trống: mặc định)" in page
    write = queued(client.post("/admin/import-villages/confirm", data={"token": token_of(page)}))
    # Between the preview and the write someone adds one of the codes.
    Village.create(code="T03", name="Thôn 3 (đã thêm tay)", commune=AdministrativeUnit.get(code="X01"))
    jobs.run_pending(app)
    write = Job.get_by_id(write.id)
    assert write.status == "failed" and write.message == "Tệp có 1 lỗi; chưa ghi gì."
    assert "<td>3</td><td>Mã thôn</td><td>đã có thôn mã «T03»</td>" in result_page(client, write)[1]
    assert Village.get_or_none(Village.code == "T02") is None and imports() == 0

    rows = villages()[:1] + [["T04", "Thôn 4", "", "X01", "", ""]]
    job = queued(send(client, "villages", xlsx_file(rows, header=VILLAGE_HEADER), "thon.xlsx"))
    jobs.run_pending(app)
    write = queued(client.post("/admin/import-villages/confirm",
                               data={"token": token_of(result_page(client, job)[1])}))
    jobs.run_pending(app)
    assert Job.get_by_id(write.id).message == "Đã nhập 2 thôn, làng từ tệp thon.xlsx."
    assert Village.get(Village.code == "T02").ethnic_minority and Village.get(Village.code == "T04")
    entry = AuditLog.get(AuditLog.action == "import")
    assert (entry.username, entry.record_table) == ("vanphong", "village")


def test_the_row_estimate_is_never_below_the_rows_read():
    book = openpyxl.Workbook()
    sheet = book.active
    for row in (["Mã thôn", "Tên thôn"], ["T1", "Một"], [None, None], ["T2", "Hai"]):
        sheet.append(row)
    sheet["A50"].number_format = "@"  # a formatted but empty row counts too
    out = io.BytesIO()
    book.save(out)
    assert estimated_rows("thon.xlsx", out.getvalue()) == 4
    assert estimated_rows("thon.csv", b"h\r\na\r\nb") == estimated_rows("thon.csv", b"h\na\nb\n") == 2
    assert estimated_rows("thon.xlsx", b"PK\x03\x04 broken") == 0
    assert estimated_rows("thon.ods", b"anything") == 0
