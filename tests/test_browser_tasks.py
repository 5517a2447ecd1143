"""The meeting's tasks in Chromium: the secretariat assigns a task to PHUNU and
NONGDAN, the PHUNU editor marks its part done from its home page; the board,
the task form and the progress form at desktop and phone width, with
screenshots in screenshots/ (tasks-*)."""
import datetime

import pytest
from playhouse.db_url import connect

from models import Meeting, Organisation, Task, TaskAssignment, TaskUpdate, User
from tests.test_browser import browser, log_in, page, server  # noqa: F401  (fixtures used by name)
from tests.test_browser_screens import WIDTHS, problems, shoot

pytestmark = pytest.mark.browser

TITLE = "Vận động hội viên tham gia mô hình sinh kế trong thôn đồng bào dân tộc thiểu số"


class LiveDatabase:
    """The live server's database, for setting up and checking rows."""

    MODELS = [Meeting, Organisation, Task, TaskAssignment, TaskUpdate, User]

    def __init__(self, server):  # noqa: F811
        self.database = connect(server.env["DATABASE_URL"])

    def __enter__(self):
        self.database.connect()
        self.binding = self.database.bind_ctx(self.MODELS)
        self.binding.__enter__()
        return self

    def __exit__(self, *exc):
        self.binding.__exit__(*exc)
        self.database.close()


def log_out(page):
    """The navigation bar's "Đăng xuất" form, at any width (folded on a phone)."""
    page.evaluate("document.querySelector(\"form[action$='/logout']\").submit()")
    page.wait_for_url("**/login*")


def the_meeting(server):  # noqa: F811
    with LiveDatabase(server):
        found = Meeting.get_or_none(Meeting.year == 2025, Meeting.quarter == 2)
        if found is None:
            found = Meeting.create(year=2025, quarter=2, title="Hội nghị giao ban quý II/2025",
                                   held_on=datetime.date(2025, 6, 20), place="Hội trường Tỉnh ủy")
        return found.id


def assign_a_task(page, server):  # noqa: F811
    """The secretariat writes the task with its two units, through the form."""
    meeting_id = the_meeting(server)
    log_in(page, "kt_vanphong", target=f"/admin/task/new/?meeting={meeting_id}")
    page.fill("#title", TITLE)
    page.fill("#position", "1")
    for code in ("PHUNU", "NONGDAN"):
        page.locator("#units li", has_text=f"{code} – ").locator("input").check()
    deadline = datetime.date.today() + datetime.timedelta(days=20)
    page.fill("#deadline", deadline.strftime("%d/%m/%Y"))
    page.click("label[for=title]")  # a click elsewhere closes the date picker
    page.click("input[type=submit][value='Lưu']")
    page.wait_for_selector(".alert-success")
    log_out(page)


def test_the_phunu_editor_marks_its_task_done(page, server):  # noqa: F811
    assign_a_task(page, server)
    with LiveDatabase(server):
        task = Task.get(Task.title == TITLE)
        units = {a.organisation.code: a.id for a in task.assignments}
    assert set(units) == {"PHUNU", "NONGDAN"}

    log_in(page, "kt_phunu", target="/admin/")
    rows = page.locator("#open-tasks tbody tr")
    assert rows.count() == 1 and TITLE[:40] in rows.first.inner_text()
    rows.first.locator("a").click()
    page.wait_for_url(f"**/admin/taskassignment/edit/?id={units['PHUNU']}*")
    page.select_option("#status", label="Hoàn thành")
    page.fill("#note", "Đã xây dựng 4 mô hình, 120 hội viên tham gia")
    page.click("input[type=submit][value='Lưu']")
    page.wait_for_selector(".alert-success")

    page.goto(f"/admin/taskassignment/details/?id={units['PHUNU']}")
    history = page.inner_text("#task-history")
    assert "Hoàn thành" in history and "120 hội viên" in history
    with LiveDatabase(server):
        statuses = {a.organisation.code: a.status for a in Task.get(Task.title == TITLE).assignments}
        updates = [(u.status, u.author.username) for u in TaskUpdate.select()]
    assert statuses == {"PHUNU": "done", "NONGDAN": "not_started"}
    assert updates == [("done", "kt_phunu")]
    # NONGDAN's part is not PHUNU's to open.
    page.goto(f"/admin/taskassignment/edit/?id={units['NONGDAN']}")
    assert "/edit/" not in page.url


@pytest.mark.parametrize("width", WIDTHS)
def test_task_pages_read_well_on_desktop_and_phone(page, server, request, width):  # noqa: F811
    backend = request.node.callspec.params["server"]
    with LiveDatabase(server):
        assigned = Task.select().where(Task.title == TITLE).exists()
    if not assigned:  # this test run alone
        assign_a_task(page, server)
    with LiveDatabase(server):
        phunu = TaskAssignment.select().join(Organisation).where(Organisation.code == "PHUNU").first().id
    page.set_viewport_size({"width": width, "height": 800})
    found = []
    log_in(page, "kt_vanphong", target="/admin/task-board/")
    assert page.locator("#board-counts tr[data-unit=NONGDAN]").count() == 1
    shoot(page, "tasks-board", width, backend)
    found += problems(page, "board", width)
    page.goto(f"/admin/task/new/?meeting={the_meeting(server)}")
    shoot(page, "tasks-form", width, backend)
    found += problems(page, "task form", width)
    log_out(page)

    log_in(page, "kt_phunu", target="/admin/")
    found += problems(page, "home", width)
    shoot(page, "tasks-home", width, backend)
    page.goto(f"/admin/taskassignment/edit/?id={phunu}")
    shoot(page, "tasks-progress-form", width, backend)
    found += problems(page, "progress form", width)
    page.goto("/admin/task-board/")
    assert page.locator("#board-counts tr[data-unit=NONGDAN]").count() == 0
    shoot(page, "tasks-board-editor", width, backend)
    found += problems(page, "editor board", width)
    assert found == []
