"""The bell and the notifications page in Chromium, at desktop and phone width,
with screenshots in screenshots/ (notifications-bell-*, notifications-page-*)."""
import datetime

import pytest
from playhouse.db_url import connect

from tests.test_browser import browser, log_in, page, server  # noqa: F401  (fixtures used by name)
from tests.test_browser_screens import WIDTHS, problems, shoot

pytestmark = pytest.mark.browser


def give(server, username, rows):  # noqa: F811
    """Write notifications straight into the live server's database."""
    database = connect(server.env["DATABASE_URL"])
    with database.connection_context():
        database.execute_sql("DELETE FROM notification")
        (user_id,) = database.execute_sql("SELECT id FROM portal_user WHERE username = %s"
                                          .replace("%s", database.param), (username,)).fetchone()
        for number, (kind, title, body, link) in enumerate(rows):
            database.execute_sql(
                "INSERT INTO notification (user_id, kind, title, body, link, created_at, email_status, "
                "email_attempts, email_error) VALUES (%s, %s, %s, %s, %s, %s, '', 0, '')".replace(
                    "%s", database.param),
                (user_id, kind, title, body, link, datetime.datetime(2024, 7, 10, 8, number)))
    database.close()


ROWS = [
    ("report_due", "Sắp đến hạn nộp báo cáo Quý II/2024 của PHUNU",
     "Hạn nộp báo cáo Quý II/2024 của Hội Liên hiệp Phụ nữ tỉnh là 15/07/2024 (còn 5 ngày). "
     "Báo cáo chưa được gửi.", "/admin/quarterlyreport/entry/"),
    ("job_finished", "Xuất Excel danh sách hội viên, đoàn viên: đã xong",
     "Tác vụ «Xuất Excel danh sách hội viên, đoàn viên» đã hoàn thành.", "/admin/jobs/"),
    ("report_returned", "Báo cáo Quý I/2024 của PHUNU được trả lại để sửa",
     "Văn phòng Khối đã trả báo cáo Quý I/2024 của Hội Liên hiệp Phụ nữ tỉnh về bản nháp. "
     "Lý do: Số kết nạp mới chưa khớp với danh sách hội viên", "/admin/quarterlyreport/entry/"),
]


@pytest.mark.parametrize("width", WIDTHS)
def test_the_bell_leads_to_the_users_notifications(page, server, request, width):  # noqa: F811
    backend = request.node.callspec.params["server"]
    give(server, "kt_phunu", ROWS)
    page.set_viewport_size({"width": width, "height": 800})
    log_in(page, "kt_phunu", target="/admin/")
    assert page.inner_text("#unread-count") == "3"
    shoot(page, "notifications-bell", width, backend)
    found = problems(page, "bell", width)
    if width < 576:
        # The bar is folded on a phone: its toggler shows the count, the bell is inside.
        assert page.inner_text("#toggler-unread") == "3"
        page.click(".navbar-toggler")
        # Bootstrap slides the bar open; a click during the slide can land beside the bell.
        page.wait_for_selector(".navbar-collapse.collapse.show")
    page.click("#notification-bell")
    page.wait_for_url("**/admin/notifications/")
    titles = page.locator(".notification-title").all_inner_texts()
    assert titles == [row[1] for row in reversed(ROWS)]  # newest first
    shoot(page, "notifications-page", width, backend)
    found += problems(page, "notifications", width)
    assert found == []

    page.locator(".notification", has_text="Xuất Excel").locator("button:has-text('Đã đọc')").click()
    page.wait_for_selector(".alert-success")
    assert page.inner_text("#unread-count") == "2"
    page.click("button.notification-title:has-text('được trả lại')")
    page.wait_for_url("**/admin/quarterlyreport/entry/")
    assert page.inner_text("#unread-count") == "1"
    page.goto("/admin/notifications/")
    page.click("button:has-text('Đánh dấu tất cả là đã đọc')")
    page.wait_for_selector(".alert-success")
    assert page.locator("#unread-count").count() == 0
