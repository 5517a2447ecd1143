"""The giao ban loop end to end in Chromium, as issue 13 says it is done:
the secretariat records the Q2 meeting with a task for PHUNU and one for
NONGDAN; the PHUNU editor marks its task done; the Q3 meeting's agenda lists
NONGDAN's unfinished task (and not PHUNU's); the Q2 meeting's report
downloads and its text holds the quarter's totals as the meeting read them."""
import datetime
import io

import docx
import pytest

from models import Meeting, Task
from tests.test_browser import browser, log_in, page, server  # noqa: F401  (fixtures used by name)
from tests.test_browser_tasks import LiveDatabase, log_out

pytestmark = pytest.mark.browser

TASKS = {"PHUNU": "Nhân rộng mô hình «Phụ nữ khởi nghiệp» ở các thôn đồng bào dân tộc thiểu số",
         "NONGDAN": "Phối hợp mở 5 lớp tập huấn kỹ thuật trồng cà phê cho hội viên nông dân"}


def last_two_quarters():
    """The two quarters before today's, as (year, quarter) pairs: the demo has reports for both.

    Read when the test runs, not when it is collected: a suite started before
    midnight of a quarter's last day must not look for the quarter before."""
    today = datetime.date.today()
    last = today.year * 4 + (today.month - 1) // 3 - 1
    return ((last - 1) // 4, (last - 1) % 4 + 1), (last // 4, last % 4 + 1)


def quarter_end(year, quarter):
    return datetime.date(year + quarter // 4, quarter % 4 * 3 + 1, 1) - datetime.timedelta(days=1)


def record_meeting(page, server, year, quarter, held_on):  # noqa: F811
    page.goto("/admin/meeting/new/")
    page.fill("#year", str(year))
    page.select_option("#quarter", str(quarter))
    page.fill("#title", f"Hội nghị giao ban Khối quý {quarter}/{year}")
    page.fill("#held_on", held_on.strftime("%d/%m/%Y"))
    page.keyboard.press("Escape")
    page.fill("#place", "Hội trường Ủy ban MTTQ Việt Nam tỉnh")
    page.fill("#chair", "Đ/c Chủ tịch Ủy ban MTTQ Việt Nam tỉnh")
    page.click("input[type=submit][value='Lưu']")
    page.wait_for_selector(".alert-success")
    with LiveDatabase(server):
        return Meeting.get(Meeting.year == year, Meeting.quarter == quarter).id


def add_task(page, meeting_id, unit, deadline):
    page.goto(f"/admin/meeting/details/?id={meeting_id}")
    page.click("a:has-text('Thêm nhiệm vụ')")
    page.wait_for_selector("#title")
    page.fill("#title", TASKS[unit])
    page.locator("#units li", has_text=f"{unit} – ").locator("input").check()
    page.fill("#deadline", deadline.strftime("%d/%m/%Y"))
    page.click("label[for=title]")  # a click elsewhere closes the date picker
    page.click("input[type=submit][value='Lưu']")
    page.wait_for_selector(".alert-success")


def test_the_meeting_loop_from_q2_tasks_to_q3_agenda_and_the_report(page, server):  # noqa: F811
    (earlier_year, earlier), (later_year, later) = last_two_quarters()
    deadline = quarter_end(later_year, later) - datetime.timedelta(days=15)
    log_in(page, "kt_vanphong", target="/admin/meeting/")
    q2 = record_meeting(page, server, earlier_year, earlier, quarter_end(earlier_year, earlier) + datetime.timedelta(days=20))
    page.goto(f"/admin/meeting/details/?id={q2}")
    page.click("#freeze-form button[value=freeze]")
    page.wait_for_selector(".alert-success")
    read_aloud = {code: page.inner_text(f"#figures-table tr[data-code={code}] td.total").split()[0]
                  for code in ("members_new", "party_introduced", "party_admitted")}
    for unit in TASKS:
        add_task(page, q2, unit, deadline)
    log_out(page)

    log_in(page, "kt_phunu", target="/admin/")
    page.locator("#open-tasks tbody tr", has_text=TASKS["PHUNU"][:30]).locator("a").click()
    page.wait_for_url("**/admin/taskassignment/edit/**")
    page.select_option("#status", label="Hoàn thành")
    page.fill("#note", "Đã nhân rộng ở 12 thôn, 340 hội viên tham gia")
    page.click("input[type=submit][value='Lưu']")
    page.wait_for_selector(".alert-success")
    log_out(page)

    log_in(page, "kt_vanphong", target="/admin/meeting/")
    q3 = record_meeting(page, server, later_year, later, quarter_end(later_year, later) + datetime.timedelta(days=20))
    page.goto(f"/admin/meeting/details/?id={q3}")
    agenda = page.inner_text("#carried-over")
    assert TASKS["NONGDAN"] in agenda and "Chưa thực hiện" in agenda
    assert TASKS["PHUNU"] not in agenda
    assert page.locator("#carried-over h4[data-unit=NONGDAN]").count() == 1

    page.goto(f"/admin/meeting/details/?id={q2}")
    with page.expect_download() as download:
        page.click("a:has-text('Tải báo cáo kết quả giao ban')")
    assert download.value.suggested_filename.endswith(".docx")
    with open(download.value.path(), "rb") as saved:
        document = docx.Document(io.BytesIO(saved.read()))
    text = "\n".join(p.text for p in document.paragraphs)
    text += "\n".join(cell.text for table in document.tables for row in table.rows for cell in row.cells)
    for code, figure in read_aloud.items():
        assert figure in text, (code, figure)
    # The next quarter's tasks close the report, both units named.
    assert TASKS["PHUNU"] in text and TASKS["NONGDAN"] in text
    with LiveDatabase(server):
        assert Task.select().where(Task.meeting == q2).count() == 2
