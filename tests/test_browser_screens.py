"""Screenshots of the main pages at desktop (1366 px) and phone (390 px) width,
written to screenshots/ (ignored by git) for a person to look at; at phone
width no page may scroll sideways, and no page may answer a server error."""
import datetime
import os

import pytest

from tests.live import ROOT
from tests.test_browser import browser, log_in, page, server  # noqa: F401  (fixtures used by name)

pytestmark = pytest.mark.browser

FOLDER = os.path.join(ROOT, "screenshots")
WIDTHS = (1366, 390)


def last_quarter():
    today = datetime.date.today()
    index = today.year * 4 + (today.month - 1) // 3 - 1
    return index // 4, index % 4 + 1


def open_entry_grid(page):
    page.goto("/admin/")
    page.click("ul[id^=missing-] a")
    page.wait_for_selector("#report-form")


YEAR, QUARTER = last_quarter()
# (name, user, path or a function that opens the page, selector of the part
# that must fit, cells a phone shows first: the row's name and its unit)
SCREENS = [
    ("home", "kt_vanphong", "/admin/", None, ()),
    ("organisations", "kt_vanphong", "/admin/organisation/", None, ("td.col-name", "td.col-parent")),
    ("totals", "kt_vanphong", f"/admin/totals/?year={YEAR}&quarter={QUARTER}", ".table-responsive", ()),
    ("dashboard", "kt_vanphong", "/admin/dashboard/", None, ()),
    ("audit", "kt_vanphong", "/admin/auditlog/", None, ("td.col-at", "td.col-username")),
    ("members", "kt_phunu", "/admin/member/", None, ("td.col-full_name", "td.col-branch")),
    ("member-form", "kt_phunu", "/admin/member/new/", None, ()),
    ("entry-grid", "kt_phunu", open_entry_grid, None, ()),
    ("imports", "kt_phunu", "/admin/import-members/", None, ()),
]


def shoot(page, name, width, backend):
    os.makedirs(FOLDER, exist_ok=True)
    page.screenshot(path=os.path.join(FOLDER, f"{name}-{width}-{backend}.png"), full_page=True)


def overflow(page, selector=None):
    """How many pixels the page (or the element) is wider than what shows."""
    if selector:
        return page.eval_on_selector(selector, "e => e.scrollWidth - e.clientWidth")
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


# The outermost elements reaching past the right edge, to name in a failure.
WIDE_ELEMENTS = """() => {
  const wide = [...document.body.querySelectorAll('*')].filter(
    e => e.getBoundingClientRect().right > window.innerWidth + 1);
  return wide.filter(e => !wide.includes(e.parentElement)).slice(0, 5).map(
    e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.className && e.className.baseVal === undefined
      ? '.' + e.className.trim().split(/\\s+/).join('.') : ''));
}"""


def problems(page, name, width, selector=None):
    """What reads badly on this page, as sentences; [] when nothing does."""
    found = []
    if "Internal Server Error" in page.content():
        found.append(f"{name}: server error")
    if width < 576:
        if overflow(page) > 0:
            found.append(f"{name}: the page scrolls sideways by {overflow(page)} px at {width} px, "
                         f"past the edge: {page.evaluate(WIDE_ELEMENTS)}")
        if selector and overflow(page, selector) > 0:
            found.append(f"{name}: {selector} scrolls sideways by {overflow(page, selector)} px at {width} px")
    return found


@pytest.mark.parametrize("width", WIDTHS)
def test_the_login_page(page, server, request, width):
    page.set_viewport_size({"width": width, "height": 800})
    response = page.goto("/login")
    assert response.status < 500
    shoot(page, "login", width, request.node.callspec.params["server"])
    assert problems(page, "login", width) == []


@pytest.mark.parametrize("width", WIDTHS)
def test_the_main_pages(page, server, request, width):
    backend = request.node.callspec.params["server"]
    page.set_viewport_size({"width": width, "height": 800})
    user, found = None, []
    for name, username, target, selector, shown in SCREENS:
        if username != user:
            if user is not None:
                page.context.clear_cookies()
            log_in(page, username, target="/admin/")
            user = username
        if callable(target):
            target(page)
        else:
            response = page.goto(target)
            assert response.status < 500, (name, response.status)
        page.wait_for_load_state("networkidle")
        shoot(page, name, width, backend)
        found += problems(page, name, width, selector)
        found += [f"{name}: {cell} is not shown at {width} px" for cell in shown
                  if not page.locator(cell).first.is_visible()]
        if name == "members" and width < 576 and page.locator("td.col-date_of_birth").first.is_visible():
            found.append("members: secondary columns still take a phone's width")
    assert found == []
