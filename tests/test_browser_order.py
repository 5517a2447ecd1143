"""Headless Chromium: the member list reads in Vietnamese alphabetical order."""
import pytest

from models.text import sort_key
from tests.test_browser import browser, create_member, log_in, page, server  # noqa: F401 (fixtures)

pytestmark = pytest.mark.browser


def names_shown(page):
    return [name.strip() for name in page.locator("table.model-list td.col-full_name").all_inner_texts()]


def test_the_member_list_is_in_vietnamese_order(page):
    log_in(page)
    for name, citizen_id in (("Hiếu Thị Lộc", "064190009101"), ("Bùi Xuân Lộc", "064190009102"),
                             ("Hải Thị Lộc", "064190009103"), ("Bùi Đình Lộc", "064190009104"),
                             ("Bế Thị Lộc", "064190009105")):
        create_member(page, name, citizen_id)

    page.goto("/admin/member/?search=loc&page_size=100")
    shown = [name for name in names_shown(page) if name.endswith(" Lộc")]
    # Code-point order would read Bùi Đình, Bùi Xuân, Bế, Hiếu, Hải.
    assert [name for name in shown if name in {"Bế Thị Lộc", "Bùi Đình Lộc", "Bùi Xuân Lộc",
                                               "Hải Thị Lộc", "Hiếu Thị Lộc"}] == \
        ["Bế Thị Lộc", "Bùi Đình Lộc", "Bùi Xuân Lộc", "Hải Thị Lộc", "Hiếu Thị Lộc"]

    page.goto("/admin/member/")
    first_page = names_shown(page)
    assert len(first_page) == 20
    assert first_page == sorted(first_page, key=sort_key)

    # The name heading sorts the same way, then the other way round.
    page.click("th.col-full_name a")
    page.wait_for_url("**sort=0*")
    assert names_shown(page) == first_page
    page.click("th.col-full_name a")
    page.wait_for_url("**desc=1*")
    last_first = names_shown(page)
    assert last_first == sorted(last_first, key=sort_key, reverse=True)
    assert sort_key(last_first[0]) > sort_key(first_page[-1])
