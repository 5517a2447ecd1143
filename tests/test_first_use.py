"""What a new user meets first: the menu, the forms' required fields."""
import html
import json
import re

from models import AuditLog, Member
from portal.demo import figures
from tests.test_members import member_form


def menu(page):
    """{category or None: [(item name, href)]} in the order the navigation bar shows them."""
    bar = page[page.index('<ul class="nav navbar-nav'):page.index('id="current-user"')]
    found = {}
    for block in re.findall(r'<li class="dropdown">(.*?)</ul>', bar, re.S):
        category = html.unescape(re.search(r'dropdown-toggle[^>]*>\s*(?:<[^>]+>\s*)*([^<]+?)\s*<', block).group(1))
        found[category] = [(html.unescape(name.strip()), href) for href, name
                           in re.findall(r'class="dropdown-item[^"]*" href="([^"]+)">\s*([^<]+?)\s*<', block)]
    found[None] = [(html.unescape(name.strip()), href) for href, name
                   in re.findall(r'class="nav-link[^"]*" href="([^"]+)">\s*([^<]+?)\s*<', bar)]
    return found


def test_every_page_has_one_name_and_every_import_one_place(login):
    page = login("admin").get("/admin/").get_data(as_text=True)
    found = menu(page)
    names = [name for items in found.values() for name, _ in items]
    assert len(names) == len(set(names)), names
    for category, items in found.items():
        assert category not in [name for name, _ in items], category
    assert found["Báo cáo quý"][0] == ("Nhập báo cáo quý", "/admin/quarterlyreport/entry/")
    imports = [(name, href) for items in found.values() for name, href in items if "/import-" in href]
    assert set(imports) == set(found["Nhập dữ liệu"])
    assert {href for _, href in found["Nhập dữ liệu"]} == {
        "/admin/import-members/", "/admin/import-villages/", "/admin/import-organisations/",
        "/admin/import-reports/"}
    # No two names in one menu where one only adds a word to the other.
    for items in found.values():
        for name, _ in items:
            assert not [other for other, _ in items if other != name and other.startswith(name)], name


def test_required_fields_are_marked_and_gender_is_not_preselected(login):
    client = login("admin")
    page = client.get("/admin/member/new/").get_data(as_text=True)
    marked = set(re.findall(r'<label for="(\w+)"[^>]*>[^<]*<strong class="text-danger">', page))
    assert marked == {"full_name", "gender", "branch"}
    gender = re.search(r'<select[^>]*id="gender".*?</select>', page, re.S).group(0)
    assert re.search(r'<option selected value="__None">', gender)

    response = client.post("/admin/member/new/", data=member_form(gender="__None"))
    assert "Trường này là bắt buộc." in response.get_data(as_text=True)
    assert Member.select().count() == 0

    client.post("/admin/member/new/", data=member_form())
    member = Member.get()
    page = client.get(f"/admin/member/edit/?id={member.id}").get_data(as_text=True)
    gender = re.search(r'<select[^>]*id="gender".*?</select>', page, re.S).group(0)
    assert '<option selected value="nu">' in gender


def test_other_forms_mark_their_required_fields_too(login):
    page = login("admin").get("/admin/organisation/new/").get_data(as_text=True)
    marked = set(re.findall(r'<label for="(\w+)"[^>]*>[^<]*<strong class="text-danger">', page))
    assert {"code", "name"} <= marked


def test_the_audit_list_shows_time_and_vietnamese_record_types(login):
    client = login("admin")
    client.post("/admin/member/new/", data=member_form())
    entry = AuditLog.select().where(AuditLog.action == "create").get()
    page = client.get("/admin/auditlog/").get_data(as_text=True)
    cells = dict(re.findall(r'<td class="col-(\w+)">\s*(.*?)\s*</td>', page, re.S))
    assert re.fullmatch(r"\d\d/\d\d/\d{4} \d\d:\d\d", cells["at"]), cells["at"]
    assert entry.at.strftime("%d/%m/%Y %H:%M") in page
    assert "Hội viên" in page and ">member<" not in re.sub(r"\s+", "", page)
    filters = json.loads(html.unescape(re.search(r'id="filter-groups-data"[^>]*>(.*?)</div>', page, re.S).group(1)))
    types = [tuple(option) for option in filters["Loại bản ghi"][0]["options"]]
    assert ("member", "Hội viên") in types and ("portal_user", "Tài khoản") in types
    assert not [name for _, name in types if name == "Bản ghi"]

    details = client.get(f"/admin/auditlog/details/?id={entry.id}").get_data(as_text=True)
    assert entry.at.strftime("%d/%m/%Y %H:%M") in details and "Hội viên" in details


def test_report_times_show_the_hour(login):
    figures.load()
    client = login("admin")
    page = client.get("/admin/quarterlyreport/").get_data(as_text=True)
    assert "20/06/2019 00:00" in page and "28/06/2019 00:00" in page
    # Who has reported, beside the totals.
    page = client.get("/admin/totals/?year=2019&quarter=2").get_data(as_text=True)
    assert "20/06/2019 00:00" in page
