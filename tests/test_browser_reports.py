"""The quarterly report in headless Chromium: the secretariat opens a quarter,
an editor fills the grid (live coverage, figures copied from the member
records, the mismatch marker) and sends it, the secretariat approves it and
opens another unit's grid by typing the unit's name."""
import pytest

from tests.test_browser import browser, log_in, page, pick, server  # noqa: F401  (fixtures used by name)

pytestmark = pytest.mark.browser


def log_out(page):
    page.click("button:has-text('Đăng xuất')")
    page.wait_for_url("**/login*")


def figure(page, code):
    return page.locator(f"input[data-code={code}]")


def test_a_quarter_from_opening_to_approval(page):
    # A quarter far from the demo's, which seed-demo fills already.
    log_in(page, "kt_vanphong", target="/admin/reportingperiod/")
    page.goto("/admin/reportingperiod/new/")
    page.fill("#year", "2030")
    page.select_option("#quarter", "2")
    page.fill("#deadline", "15/07/2030")
    page.keyboard.press("Escape")
    page.click("input[type=submit][value='Lưu']")
    page.wait_for_selector(".alert-success")
    log_out(page)

    log_in(page, "kt_phunu", target="/admin/quarterlyreport/")
    page.click("#enter-report")
    page.select_option("#period", label="Quý II/2030 – hạn nộp 15/07/2030")
    page.click("button:has-text('Mở bảng số liệu')")
    page.wait_for_selector("#report-form")
    # The grid's live help is a script after the form: the form shows before it runs.
    page.wait_for_load_state("load")
    assert "Báo cáo Quý II/2030 · Hội Liên hiệp Phụ nữ tỉnh (PHUNU)" in page.inner_text("h2")

    # Copying from the member records happens in the page, without saving.
    derived = page.inner_text("#row-members_total td.derived").split()[0]
    page.click("#fill-from-members")
    assert figure(page, "members_total").input_value() == derived
    assert page.locator("#report-form .mismatch").count() == 0

    # Coverage follows the inputs as they are typed.
    figure(page, "members_total").fill("2.000")
    figure(page, "eligible_population").fill("2.500")
    assert page.inner_text("#row-coverage_rate .ratio") == "80,0%"
    assert page.locator("#row-members_total .mismatch").count() == 1
    figure(page, "members_total").fill(derived)
    assert page.locator("#row-members_total .mismatch").count() == 0

    figure(page, "field_visits").fill("23")
    page.click("button[value=submit]")
    page.wait_for_selector(".alert-success")
    assert "Đã gửi báo cáo PHUNU – Quý II/2030" in page.inner_text(".alert-success")
    assert page.inner_text("#report-status") == "Đã gửi, chờ duyệt"
    log_out(page)

    log_in(page, "kt_vanphong", target="/admin/quarterlyreport/")
    page.click("table.model-list a:has-text('Hội Liên hiệp Phụ nữ tỉnh')")
    page.click("button[value=approve]")
    page.wait_for_selector(".alert-success")
    assert page.inner_text("#report-status") == "Đã duyệt (khoá)"
    assert page.locator("#reopen-form").count() == 1

    # "Nhập báo cáo" for another unit: typed into the picker, not found among 10.000 options.
    page.goto("/admin/quarterlyreport/entry/")
    pick(page, "org", "nong dan tinh", "Hội Nông dân tỉnh")
    page.select_option("#period", label="Quý II/2030 – hạn nộp 15/07/2030")
    page.click("button:has-text('Mở bảng số liệu')")
    page.wait_for_selector("#report-form")
    assert "Báo cáo Quý II/2030 · Hội Nông dân tỉnh (NONGDAN)" in page.inner_text("h2")
