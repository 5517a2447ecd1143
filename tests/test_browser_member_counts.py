"""The member list's total in the browser: the kept count (no filter) equals the
real count of the same rows (a subtree filter counts them), for the secretariat
and a unit's editor; screenshots at desktop and phone width in screenshots/."""
import os
import re

import pytest

from tests.test_browser import browser, log_in, page, server  # noqa: F401  (fixtures used by name)
from tests.test_browser_screens import FOLDER

pytestmark = pytest.mark.browser


def listed_total(page, path):
    page.goto(path)
    tab = page.inner_text("ul.nav-tabs .nav-link.active")
    found = re.search(r"\((\d+)\)", tab)
    assert found, tab
    return int(found.group(1))


@pytest.mark.parametrize("user, unit", [("kt_vanphong", "KHOI"), ("kt_phunu", "PHUNU")])
def test_the_list_total_is_the_real_count(page, server, user, unit):  # noqa: F811
    log_in(page, user)
    kept = listed_total(page, "/admin/member/")
    # The subtree filter (index 0) narrows nothing here, but a filtered list counts its rows.
    assert kept == listed_total(page, f"/admin/member/?flt0_0={unit}") > 0
    os.makedirs(FOLDER, exist_ok=True)
    for width in (1366, 390):
        page.set_viewport_size({"width": width, "height": 800})
        page.goto("/admin/member/")
        page.screenshot(path=os.path.join(FOLDER, f"member-counts-{user}-{width}.png"), full_page=False)
