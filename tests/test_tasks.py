"""The meeting's tasks: written with their units in one save, each unit's
progress reported with its history, scoped to the unit by URL, form and API,
the board's counts, the Excel list read back, reminders given once, the home
page and the meeting page's task list."""
import datetime
import io
import re

import openpyxl
import pytest
from flask import render_template_string
from flask_login import login_user

from models import AuditLog, Meeting, Notification, Organisation, User
from models.meeting import Task, TaskAssignment, TaskUpdate
from portal.notifications import reminders
from tests.api_helpers import api_as
from tests.forms import rendered_form

D = datetime.date
PDF = b"%PDF-1.4 tien do"


def unit(code):
    return Organisation.get(Organisation.code == code)


def flashes(response):
    return response.get_data(as_text=True)


@pytest.fixture
def meeting(app):
    return Meeting.create(year=2025, quarter=2, title="Hội nghị giao ban quý II/2025",
                          held_on=D(2025, 6, 20), place="Hội trường Tỉnh ủy", chair="Đ/c Chủ trì")


def make_task(meeting, title, deadline, codes, position=1):
    task = Task.create(meeting=meeting, title=title, deadline=deadline, position=position)
    for code in codes:
        TaskAssignment.create(task=task, organisation=unit(code))
    return task


def assignment(task, code):
    return TaskAssignment.get(TaskAssignment.task == task, TaskAssignment.organisation == unit(code))


@pytest.fixture
def tasks(meeting):
    """Two tasks: one for PHUNU and NONGDAN, one for NONGDAN alone (overdue)."""
    shared = make_task(meeting, "Phát triển hội viên mới trong đồng bào dân tộc thiểu số",
                       datetime.date.today() + datetime.timedelta(days=5), ["PHUNU", "NONGDAN"], 1)
    alone = make_task(meeting, "Xây dựng mô hình tổ hội nghề nghiệp",
                      datetime.date.today() - datetime.timedelta(days=12), ["NONGDAN"], 2)
    return shared, alone


def task_form(meeting, title, deadline, units, position=1, version=None):
    form = {"meeting": str(meeting.id), "position": str(position), "title": title,
            "deadline": deadline.strftime("%d/%m/%Y"), "units": [str(u.id) for u in units]}
    if version is not None:
        form["version"] = str(version)
    return form


# --- the secretariat writes tasks -------------------------------------------------------

def test_a_task_is_saved_with_one_assignment_per_unit_in_one_save(login, meeting):
    client = login("vanphong", role="secretariat")
    form = client.get(f"/admin/task/new/?meeting={meeting.id}").get_data(as_text=True)
    # The bloc's six units are offered; the meeting asked for is chosen.
    assert all(f">{code} – " in form for code in ("MTTQ", "DOAN", "PHUNU", "NONGDAN", "CCB", "LDLD"))
    assert re.search(rf'<option selected value="{meeting.id}"|<option value="{meeting.id}" selected', form)

    refused = client.post("/admin/task/new/", data=task_form(meeting, "Không đơn vị", D(2025, 9, 30), []))
    assert "Hãy chọn ít nhất một đơn vị được giao." in flashes(refused)
    assert Task.select().count() == 0

    response = client.post("/admin/task/new/", data=task_form(
        meeting, "Tuyên truyền Chỉ thị 13-CT/TU", D(2025, 9, 30), [unit("PHUNU"), unit("NONGDAN")]))
    assert response.status_code == 302
    task = Task.get()
    assert {a.organisation.code for a in task.assignments} == {"PHUNU", "NONGDAN"}
    assert {a.status for a in task.assignments} == {"not_started"}
    entry = AuditLog.get(AuditLog.record_table == "task", AuditLog.action == "create")
    assert "assignments" in entry.changes


def test_a_unit_with_progress_updates_cannot_be_taken_off_its_task(login, tasks):
    shared, _ = tasks
    TaskUpdate.create(assignment=assignment(shared, "NONGDAN"), organisation=unit("NONGDAN"),
                      status="in_progress", note="Đã triển khai")
    client = login("vanphong", role="secretariat")
    refused = client.post(f"/admin/task/edit/?id={shared.id}", data=task_form(
        shared.meeting, "Tiêu đề mới", shared.deadline, [unit("PHUNU")], version=shared.version))
    assert "Không thể bỏ Hội Nông dân tỉnh khỏi nhiệm vụ" in flashes(refused)
    # Nothing of the save stays: neither the units nor the title.
    assert Task.get_by_id(shared.id).title == shared.title
    assert {a.organisation.code for a in Task.get_by_id(shared.id).assignments} == {"PHUNU", "NONGDAN"}

    # A unit with no update goes, another comes, in the same save.
    client.post(f"/admin/task/edit/?id={shared.id}", data=task_form(
        shared.meeting, shared.title, shared.deadline, [unit("NONGDAN"), unit("CCB")], version=shared.version))
    assert {a.organisation.code for a in Task.get_by_id(shared.id).assignments} == {"NONGDAN", "CCB"}

    # The task with history cannot be deleted; one without can, with its units.
    client.post("/admin/task/delete/", data={"id": shared.id})
    assert Task.get_or_none(Task.id == shared.id) is not None
    _, alone = tasks
    client.post("/admin/task/delete/", data={"id": alone.id})
    assert Task.get_or_none(Task.id == alone.id) is None
    assert not TaskAssignment.select().where(TaskAssignment.task == alone.id).exists()


def test_editors_cannot_write_tasks(login, tasks):
    shared, _ = tasks
    client = login("phunu", role="editor", org="PHUNU")
    assert client.get("/admin/task/new/").status_code in (302, 403)
    client.post(f"/admin/task/edit/?id={shared.id}", data=task_form(
        shared.meeting, "Sửa trái phép", shared.deadline, [unit("PHUNU")], version=shared.version))
    assert Task.get_by_id(shared.id).title == shared.title


# --- scope ------------------------------------------------------------------------------

def test_an_editor_reads_only_the_tasks_of_its_section(login, tasks, app, client, make_user):
    shared, alone = tasks
    editor = login("phunu", role="editor", org="PHUNU")
    listed = editor.get("/admin/task/").get_data(as_text=True)
    assert shared.title in listed and alone.title not in listed
    # NONGDAN's part of the shared task is not shown to PHUNU either.
    assert "NONGDAN:" not in listed
    # Searched without accents, within the section still.
    assert shared.title in editor.get("/admin/task/?search=dong bao dan toc").get_data(as_text=True)
    assert alone.title not in editor.get("/admin/task/?search=nghe nghiep").get_data(as_text=True)
    response = editor.get(f"/admin/task/details/?id={alone.id}")
    assert response.status_code == 302 and "/details/" not in response.headers["Location"]

    api = api_as(app, client, make_user, "phunu")
    rows, _ = api.walk("/tasks")
    assert {row["id"] for row in rows} == {shared.id}
    assert api.get(f"/tasks/{alone.id}").status_code == 404


def test_phunu_cannot_read_or_update_nongdan_assignment(login, tasks, app, client, make_user):
    shared, _ = tasks
    theirs = assignment(shared, "NONGDAN")
    editor = login("phunu", role="editor", org="PHUNU")
    for url in (f"/admin/taskassignment/details/?id={theirs.id}", f"/admin/taskassignment/edit/?id={theirs.id}"):
        response = editor.get(url)
        assert response.status_code == 302 and "/details/" not in response.headers["Location"], url
    listed = editor.get("/admin/taskassignment/").get_data(as_text=True)
    assert f"details/?id={theirs.id}" not in listed
    editor.post(f"/admin/taskassignment/edit/?id={theirs.id}",
                data={"status": "done", "note": "Giả mạo", "version": str(theirs.version)})
    assert TaskAssignment.get_by_id(theirs.id).status == "not_started"
    assert not TaskUpdate.select().exists()

    api = api_as(app, client, make_user, "phunu")
    assert api.get(f"/task-assignments/{theirs.id}").status_code == 404
    patched = api.send("PATCH", f"/task-assignments/{theirs.id}", {"status": "done"}, if_match='"1"')
    assert patched.status_code == 404
    rows, _ = api.walk("/task-assignments")
    assert {row["organisation"] for row in rows} == {unit("PHUNU").id}
    assert TaskAssignment.get_by_id(theirs.id).status == "not_started"
    # No creating or deleting assignments at all, on screen or by API.
    assert api.send("POST", "/task-assignments", {"task": shared.id, "organisation": unit("PHUNU").id}
                    ).status_code in (403, 404, 405)
    assert api.send("DELETE", f"/task-assignments/{assignment(shared, 'PHUNU').id}").status_code in (403, 404, 405)
    assert TaskAssignment.select().count() == 3


# --- progress updates and their history ----------------------------------------------------

def test_an_update_is_kept_in_the_history_with_its_author_note_and_file(login, tasks, app):
    shared, _ = tasks
    mine = assignment(shared, "PHUNU")
    editor = login("phunu", role="editor", org="PHUNU")
    response = editor.post(f"/admin/taskassignment/edit/?id={mine.id}", data={
        "status": "in_progress", "note": "Đã tổ chức 3 buổi tuyên truyền", "version": "1",
        "attachment": (io.BytesIO(PDF), "bao-cao-tien-do.pdf")}, content_type="multipart/form-data")
    assert response.status_code == 302, flashes(response)
    stored = TaskAssignment.get_by_id(mine.id)
    assert (stored.status, stored.version) == ("in_progress", 2) and stored.updated_at is not None
    update = TaskUpdate.get()
    assert (update.status, update.note, update.author.username) == (
        "in_progress", "Đã tổ chức 3 buổi tuyên truyền", "phunu")
    assert update.attachment == stored.attachment and update.attachment.startswith("tasks/")

    # "Không hoàn thành" needs the reason.
    refused = editor.post(f"/admin/taskassignment/edit/?id={mine.id}",
                          data={"status": "failed", "note": " ", "version": "2"})
    assert "hãy ghi rõ lý do" in flashes(refused)
    assert TaskAssignment.get_by_id(mine.id).status == "in_progress" and TaskUpdate.select().count() == 1

    # A stale form (version 1) is refused, nothing recorded.
    stale = editor.post(f"/admin/taskassignment/edit/?id={mine.id}",
                        data={"status": "done", "note": "Xong", "version": "1"}, follow_redirects=True)
    assert "vừa được người khác sửa" in flashes(stale)
    assert TaskUpdate.select().count() == 1

    editor.post(f"/admin/taskassignment/edit/?id={mine.id}", data={"status": "done", "note": "Đã hoàn thành", "version": "2"})
    assert TaskAssignment.get_by_id(mine.id).status == "done"
    page = editor.get(f"/admin/taskassignment/details/?id={mine.id}").get_data(as_text=True)
    history = page[page.index('id="task-history"'):]
    assert history.index("Đã hoàn thành") < history.index("Đã tổ chức 3 buổi tuyên truyền")
    assert "bao-cao-tien-do.pdf" in history
    # The first file stays downloadable after the record moved on, for its section only.
    with editor.get(f"/files/{update.attachment}") as download:
        assert download.status_code == 200 and download.data == PDF
    other = login("nongdan", role="editor", org="NONGDAN")
    assert other.get(f"/files/{update.attachment}").status_code == 404


def test_api_update_writes_the_history_too(tasks, app, client, make_user):
    shared, alone = tasks
    mine = assignment(shared, "PHUNU")
    api = api_as(app, client, make_user, "phunu", role="editor", org="PHUNU")
    response = api.send("PATCH", f"/task-assignments/{mine.id}", {"status": "failed"}, if_match='"1"')
    assert response.status_code == 422 and "lý do" in response.json["message"]
    response = api.send("PATCH", f"/task-assignments/{mine.id}",
                        {"status": "failed", "note": "Thiếu kinh phí"}, if_match='"1"')
    assert response.status_code == 200, response.json
    assert [(u.status, u.note) for u in TaskUpdate.select()] == [("failed", "Thiếu kinh phí")]
    # Neither the unit nor the task of an assignment is written through it.
    version = f'"{TaskAssignment.get_by_id(mine.id).version}"'
    moved = api.send("PATCH", f"/task-assignments/{mine.id}",
                     {"organisation": unit("NONGDAN").id, "task": alone.id}, if_match=version)
    assert moved.status_code in (200, 422), moved.json
    again = TaskAssignment.get_by_id(mine.id)
    assert (again.organisation_id, again.task_id) == (unit("PHUNU").id, shared.id)


USERS = {"quantri": ("admin", None), "vanphong": ("secretariat", None),
         "phunu": ("editor", "PHUNU"), "xem_phunu": ("viewer", "PHUNU")}


@pytest.mark.parametrize("username", sorted(USERS))
def test_every_task_form_saved_unchanged_changes_nothing(login, tasks, username):
    role, code = USERS[username]
    shared, _ = tasks
    client = login(username, role=role, org=code)
    saved = []
    for base, model, row in (("task", Task, shared), ("taskassignment", TaskAssignment, assignment(shared, "PHUNU"))):
        url = f"/admin/{base}/edit/?id={row.id}"
        form = client.get(url)
        if form.status_code != 200:
            continue
        before = dict(model.get_by_id(row.id).__data__)
        response = client.post(url, data=rendered_form(form.get_data(as_text=True)))
        assert response.status_code == 302, (url, flashes(response)[-2000:])
        after = dict(model.get_by_id(row.id).__data__)
        after.pop("version"), before.pop("version")
        assert after == before, url
        saved.append(base)
    expected = {"quantri": ["task", "taskassignment"], "vanphong": ["task"],
                "phunu": ["taskassignment"], "xem_phunu": []}[username]
    assert saved == expected
    assert {a.organisation.code for a in shared.assignments} == {"PHUNU", "NONGDAN"}
    assert not TaskUpdate.select().exists()


# --- the board --------------------------------------------------------------------------

def board_counts(page):
    """{unit code: {status: count}} read from the board's table."""
    found = {}
    for row in re.findall(r'<tr data-unit="([^"]+)">(.*?)</tr>', page, re.S):
        found[row[0]] = {s: int(n) for s, n in re.findall(r'data-status="(\w+)">(\d+)<', row[1])}
    return found


def test_the_board_counts_tasks_by_unit_and_status(login, tasks, meeting):
    shared, alone = tasks
    mine = assignment(shared, "PHUNU")
    mine.status = "done"
    mine.save()
    later = Meeting.create(year=2025, quarter=3, title="Giao ban quý III/2025", held_on=D(2025, 9, 25))
    make_task(later, "Tổng kết mô hình", D(2025, 12, 31), ["CCB"])

    client = login("vanphong", role="secretariat")
    page = client.get("/admin/task-board/").get_data(as_text=True)
    counts = board_counts(page)
    assert counts["PHUNU"] == {"not_started": 0, "in_progress": 0, "done": 1, "failed": 0, "overdue": 0, "total": 1}
    assert counts["NONGDAN"]["not_started"] == 2 and counts["NONGDAN"]["overdue"] == 1
    assert counts["total"]["total"] == 4
    assert "Quá hạn 12 ngày" in page

    by_meeting = board_counts(client.get(f"/admin/task-board/?meeting={meeting.id}").get_data(as_text=True))
    assert "CCB" not in by_meeting and by_meeting["total"]["total"] == 3
    by_unit = board_counts(client.get("/admin/task-board/?unit=nongdan").get_data(as_text=True))
    assert set(by_unit) == {"NONGDAN"}
    quarter = f"{shared.deadline.year}-{(shared.deadline.month - 1) // 3 + 1}"
    by_quarter = client.get(f"/admin/task-board/?quarter={quarter}").get_data(as_text=True)
    assert shared.title in by_quarter and "Tổng kết mô hình" not in by_quarter or quarter == "2025-4"

    editor = login("phunu", role="editor", org="PHUNU")
    own = editor.get("/admin/task-board/").get_data(as_text=True)
    assert set(board_counts(own)) == {"PHUNU"} and alone.title not in own
    forged = editor.get("/admin/task-board/?unit=NONGDAN").get_data(as_text=True)
    assert board_counts(forged) == {} and "Không có nhiệm vụ nào" in forged


# --- Excel ------------------------------------------------------------------------------

def workbook_rows(response):
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    sheet = openpyxl.load_workbook(io.BytesIO(response.data)).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_the_task_list_exports_as_excel_within_scope(login, tasks, meeting):
    shared, alone = tasks
    mine = assignment(shared, "PHUNU")
    mine.status, mine.note, mine.updated_at = "in_progress", "=HYPERLINK(\"x\")", datetime.datetime(2025, 7, 1, 9, 30)
    mine.save()
    client = login("vanphong", role="secretariat")
    rows = workbook_rows(client.post("/admin/taskassignment/export/xlsx/"))
    assert rows[0] == ["Hội nghị giao ban", "Nhiệm vụ", "Đơn vị", "Thời hạn", "Tình trạng", "Ghi chú",
                       "Cập nhật lần cuối"]
    assert len(rows) == 4
    phunu = next(row for row in rows if row[2] == str(unit("PHUNU")))
    assert phunu[0] == str(meeting) and phunu[1] == shared.title
    assert phunu[3].date() == shared.deadline
    assert phunu[4] == "Đang thực hiện" and phunu[5] == '=HYPERLINK("x")'
    assert phunu[6] == datetime.datetime(2025, 7, 1, 9, 30)

    # The board's button exports what the board shows.
    board = client.get("/admin/task-board/?unit=NONGDAN").get_data(as_text=True)
    action = re.search(r'id="board-export" action="([^"]+)"', board).group(1).replace("&amp;", "&")
    assert {row[2] for row in workbook_rows(client.post(action))[1:]} == {str(unit("NONGDAN"))}

    editor = login("phunu", role="editor", org="PHUNU")
    rows = workbook_rows(editor.post("/admin/taskassignment/export/xlsx/"))
    assert [row[1] for row in rows[1:]] == [shared.title]


# --- reminders --------------------------------------------------------------------------

def test_reminders_go_to_the_units_editors_once(app, make_user, tasks):
    shared, alone = tasks
    make_user("phunu", "editor", "PHUNU")
    make_user("nongdan", "editor", "NONGDAN")
    make_user("vanphong", "secretariat")
    done = make_task(alone.meeting, "Đã xong", datetime.date.today() - datetime.timedelta(days=3), ["PHUNU"], 3)
    TaskAssignment.update(status="done").where(TaskAssignment.task == done.id).execute()
    with app.app_context():
        first = reminders.scan(today=datetime.date.today())
        again = reminders.scan(today=datetime.date.today())
    assert again == 0 and first == 3

    def kinds(username):
        return sorted(n.kind for n in Notification.select().join(User).where(User.username == username))

    assert kinds("phunu") == ["task_due"]
    assert kinds("nongdan") == ["task_due", "task_overdue"]
    assert kinds("vanphong") == []
    overdue = Notification.get(Notification.kind == "task_overdue")
    assert "quá hạn 12 ngày" in overdue.title
    assert overdue.link == f"/admin/taskassignment/edit/?id={assignment(alone, 'NONGDAN').id}"


# --- the home page and the meeting page -------------------------------------------------------

def test_the_home_page_lists_the_units_open_tasks(login, tasks):
    shared, alone = tasks
    editor = login("nongdan", role="editor", org="NONGDAN")
    page = editor.get("/admin/").get_data(as_text=True)
    block = page[page.index('id="task-work"'):]
    assert shared.title in block and alone.title in block and "Quá hạn 12 ngày" in block
    phunu = login("phunu", role="editor", org="PHUNU").get("/admin/").get_data(as_text=True)
    block = phunu[phunu.index('id="task-work"'):]
    assert shared.title in block and alone.title not in block
    secretariat = login("vanphong", role="secretariat").get("/admin/").get_data(as_text=True)
    block = secretariat[secretariat.index('id="task-work"'):]
    assert alone.title in block and shared.title not in block  # the overdue ones only


def test_the_meeting_page_partial_lists_tasks_and_units(app, tasks, meeting, make_user):
    shared, alone = tasks
    template = '{% include "admin/meetings/_tasks.html" %}'
    for username, role, org in (("vanphong", "secretariat", None), ("phunu", "editor", "PHUNU")):
        user = User.get_or_none(User.username == username) or make_user(username, role, org)
        with app.test_request_context("/admin/meeting/details/"):
            login_user(user)
            html = render_template_string(template, meeting=meeting)
        if role == "secretariat":
            assert shared.title in html and alone.title in html and 'id="add-task"' in html
            assert f"/admin/task/new/?meeting={meeting.id}" in html
            assert 'data-unit="NONGDAN" data-status="not_started"' in html
        else:
            assert shared.title in html and alone.title not in html and 'id="add-task"' not in html
            assert 'data-unit="NONGDAN"' not in html
