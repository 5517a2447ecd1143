"""A user makes an API token on Tài khoản → Khóa API, a program uses it, the user revokes it."""
import json
import urllib.error
import urllib.request

import pytest

from tests.test_browser import browser, log_in, page, server  # noqa: F401  (fixtures)

pytestmark = pytest.mark.browser


def call_me(server, token):  # noqa: F811
    """GET /api/v1/me as a program does: no browser, no cookie."""
    request = urllib.request.Request(server.url + "/api/v1/me",
                                     headers={"Authorization": f"Bearer {token}"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, json.load(error)


def test_a_token_made_on_the_page_opens_the_api_until_revoked(page, server):  # noqa: F811
    log_in(page, "kt_phunu", target="/admin/")
    # The user's name in the bar opens the account menu.
    page.click("#current-user")
    page.click(".dropdown-menu a:has-text('Khóa API')")
    page.wait_for_url("**/admin/api-keys/")
    assert "Bạn chưa có khóa API nào" in page.inner_text("body")

    page.fill("#label", "Bảng tính của chi hội")
    page.select_option("#expires", "30")
    page.click("button:has-text('Tạo khóa')")
    page.wait_for_selector("#new-token")
    # The copy button's handler is attached by the page's last script, which
    # runs after the scripts before it have downloaded: a click before the
    # page has loaded can land before it (a busy server serves them in turn).
    page.wait_for_load_state("load")
    token = page.input_value("#new-token")
    assert token.startswith("gb_")
    assert "chỉ hiện một lần" in page.inner_text(".new-token")
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server.url)
    page.click("#copy-token")
    page.wait_for_selector("#copy-token:has-text('Đã sao chép')")
    assert page.evaluate("navigator.clipboard.readText()") == token

    status, me = call_me(server, token)
    assert status == 200 and me["username"] == "kt_phunu" and me["organisation"]["code"] == "PHUNU"

    # Back on the page the token is listed by its hint only, now used.
    page.goto("/admin/api-keys/")
    assert token not in page.content()
    row = page.locator("table.api-keys tbody tr", has_text="Bảng tính của chi hội")
    assert token[:10] in row.inner_text() and "đang dùng" in row.inner_text()
    assert "chưa dùng" not in row.inner_text()

    page.once("dialog", lambda dialog: dialog.accept())
    row.locator("button:has-text('Thu hồi')").click()
    page.wait_for_selector(".alert-success")
    assert "đã thu hồi" in page.locator("table.api-keys tbody tr").first.inner_text()
    status, problem = call_me(server, token)
    assert status == 401 and problem["code"] == "token_invalid"


@pytest.mark.parametrize("width, height", [(1366, 768), (390, 844)])
def test_the_page_fits_a_laptop_and_a_phone(page, width, height):  # noqa: F811
    page.set_viewport_size({"width": width, "height": height})
    log_in(page, "kt_phunu", target="/admin/api-keys/")
    page.fill("#label", "Khóa để xem bố cục trên " + str(width))
    page.click("button:has-text('Tạo khóa')")
    page.wait_for_selector("#new-token")
    # The element exists before the stylesheet that lays the table out as cards
    # has applied; measure the page as the user sees it, once it has loaded.
    page.wait_for_load_state("load")
    # Nothing pushes the page sideways; the token field and its button are in view.
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    for selector in ("#new-token", "#copy-token", "table.api-keys"):
        box = page.locator(selector).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width, selector
