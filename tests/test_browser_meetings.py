"""The giao ban meeting in headless Chromium: the secretariat records last
quarter's meeting (ticking the units present), sees the live figures marked
not yet frozen, freezes them, and is asked for a reason to freeze again.
Screenshots of the form and the page at 1366 and 390 px go to screenshots/."""
import pytest

from tests.test_browser import browser, log_in, page, server  # noqa: F401  (fixtures used by name)
from tests.test_browser_screens import YEAR, QUARTER, overflow, shoot

pytestmark = pytest.mark.browser

ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}


def test_the_secretariat_records_a_meeting_and_freezes_its_figures(page, server):
    backend = "postgresql" if "postgresql" in server.env["DATABASE_URL"] else "sqlite"
    log_in(page, "kt_vanphong", target="/admin/meeting/")
    page.goto("/admin/meeting/new/")
    page.wait_for_selector("#title")
    for width in (1366, 390):
        page.set_viewport_size({"width": width, "height": 900})
        shoot(page, "meeting-form", width, backend)
        assert overflow(page) <= 0, width
    page.set_viewport_size({"width": 1366, "height": 900})

    page.fill("#year", str(YEAR))
    page.select_option("#quarter", str(QUARTER))
    page.fill("#title", f"Hội nghị giao ban Khối quý {ROMAN[QUARTER]} năm {YEAR}")
    page.fill("#held_on", f"20/{QUARTER * 3:02d}/{YEAR}")
    page.keyboard.press("Escape")
    page.fill("#place", "Trụ sở Tỉnh ủy")
    page.fill("#chair", "Đ/c Phó Bí thư Tỉnh ủy")
    page.fill("#attendees", "Đ/c Chủ tịch Ủy ban MTTQ Việt Nam tỉnh\nĐ/c Chủ tịch Hội LHPN tỉnh")
    # Every unit of the bloc comes ticked; the Veterans did not attend.
    ticks = page.locator("input[name=attending_units]")
    assert ticks.count() == 6 and page.locator("input[name=attending_units]:checked").count() == 6
    page.get_by_label("Hội Cựu chiến binh tỉnh").uncheck()
    page.fill("#conclusions", "Tập trung phát triển hội viên ở thôn, làng đồng bào dân tộc thiểu số.")
    page.click("input[type=submit][value='Lưu']")
    page.wait_for_selector(".alert-success")

    # The newest quarter lists first (the demo's own meeting is of 2019).
    page.locator("table.model-list a[href*='/admin/meeting/details/']").first.click()
    page.wait_for_selector("#meeting-figures")
    units = page.inner_text("#meeting-units")
    assert "Hội Liên hiệp Phụ nữ tỉnh" in units and "Cựu chiến binh" not in units
    assert "Chưa chốt số liệu." in page.inner_text("#not-frozen-note")
    total_before = page.inner_text("#figures-table tr[data-code=members_new] td.total")

    page.click("#freeze-form button[value=freeze]")
    page.wait_for_selector(".alert-success")
    assert f"Đã chốt số liệu Quý {ROMAN[QUARTER]}/{YEAR}" in page.inner_text(".alert-success")
    assert "Số liệu đã chốt tại hội nghị lúc" in page.inner_text("#frozen-note")
    assert page.inner_text("#figures-table tr[data-code=members_new] td.total") == total_before
    assert page.locator("#freeze-form").count() == 0

    # Freezing again is behind its own button and needs a reason: the browser asks for it.
    page.click("#refreeze summary")
    page.click("#refreeze-form button[value=refreeze]")
    assert page.eval_on_selector("#refreeze-reason", "e => e.validity.valueMissing")
    # Still the same page: nothing was sent, so no refusal either.
    assert page.locator(".alert-danger, .alert-error").count() == 0
    assert page.locator(".alert-success:has-text('Đã chốt số liệu')").count() == 1

    for width in (1366, 390):
        page.set_viewport_size({"width": width, "height": 900})
        shoot(page, "meeting-page", width, backend)
        # The figures scroll inside their own box; the page itself never sideways.
        assert overflow(page) <= 0, width
