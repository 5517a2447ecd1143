"""Under the Content-Security-Policy the pages still work, and the browser reports no violation."""
import pytest

from tests.test_browser import browser, log_in, page, pick, server  # noqa: F401  (fixtures)

pytestmark = pytest.mark.browser

WATCH = """
window.__violations = [];
document.addEventListener('securitypolicyviolation', function (e) {
  window.__violations.push(e.violatedDirective + ' ' + (e.blockedURI || '') + ' ' + (e.sample || '') + ' @' + location.pathname + ' ' + e.sourceFile + ':' + e.lineNumber + ' ' + (e.target && e.target.outerHTML ? e.target.outerHTML.slice(0, 120) : ''));
});
"""


def violations(page, console):
    return page.evaluate("window.__violations || []") + console


def test_the_pages_work_without_a_policy_violation(page):  # noqa: F811
    console = []
    page.on("console", lambda message: console.append(message.text)
            if "Content Security Policy" in message.text else None)
    page.add_init_script(WATCH)
    log_in(page, "kt_phunu", target="/admin/member/")
    seen = []

    # The list: filter menu (an inline "return false;" handler in Flask-Admin's template).
    page.click("a.dropdown-toggle:has-text('Thêm bộ lọc')")
    page.click("a.filter >> nth=0")
    assert page.locator("#filter_form .filter-op, #filter_form select").count() >= 1
    assert page.url.endswith("/admin/member/")  # the "javascript:void(0)" link went nowhere
    seen += violations(page, console)

    # The row delete asks first (its inline confirm handler is rebound by portal.js).
    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    rows = page.locator("table.model-list tbody tr").count()
    page.click("table.model-list tbody tr >> nth=0 >> form.icon button")
    page.wait_for_timeout(300)
    assert asked and "chắc" in asked[0].lower()
    page.goto("/admin/member/")
    assert page.locator("table.model-list tbody tr").count() == rows
    # The action menu (its inline handler too): delete the ticked row? asked, declined.
    page.check("input.action-checkbox >> nth=0")
    page.click("a.dropdown-toggle:has-text('Với các dòng đã chọn')")
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    page.click("a[data-action='delete']")
    page.wait_for_timeout(300)
    assert len(asked) == 2
    page.goto("/admin/member/")
    assert page.locator("table.model-list tbody tr").count() == rows
    seen += violations(page, console)

    # A form with its date picker and ajax picker.
    page.goto("/admin/member/new/")
    pick(page, "branch", "lien hiep phu nu tinh", "Hội Liên hiệp Phụ nữ tỉnh")
    page.fill("#date_of_birth", "12/03/1990")
    page.keyboard.press("Escape")
    seen += violations(page, console)

    # Pages with scripts of their own.
    page.goto("/admin/dashboard/")
    page.wait_for_selector("body[data-charts-ready='1']")
    seen += violations(page, console)
    page.goto("/admin/quarterlyreport/entry/")
    seen += violations(page, console)
    page.goto("/admin/totals/")
    # The totals page fetches its people panel after showing: a response still in
    # flight would set the old session's cookie again after the cookies are cleared.
    page.wait_for_load_state("networkidle")
    seen += violations(page, console)
    # An inline list's "Add" button (a directive's assigned units), as the secretariat.
    page.goto("about:blank")
    page.context.clear_cookies()
    log_in(page, "kt_vanphong", target="/admin/directive/new/")
    before = page.locator(".inline-field").count()
    page.click("a[data-inline-add] >> nth=0")
    assert page.locator(".inline-field").count() == before + 1
    seen += violations(page, console)
    assert seen == [], "\n".join(sorted(set(seen)))
