"""Writing through forms never damages the tree, and follows each row's own rights."""
import re

import pytest

from models import Organisation, OrganisationChange


def org(code):
    return Organisation.get(Organisation.code == code)


def edit_form(client, url):
    """The fields of an edit form exactly as rendered: what a browser posts back."""
    page = client.get(url).get_data(as_text=True)
    form = {}
    for tag in re.findall(r"<input[^>]*>", page):
        name = re.search(r'name="([^"]+)"', tag)
        kind = re.search(r'type="([^"]+)"', tag)
        if not name or (kind and kind.group(1) in ("submit", "button", "file")):
            continue
        if kind and kind.group(1) == "checkbox":
            if "checked" in tag:
                form[name.group(1)] = "y"
            continue
        value = re.search(r'value="([^"]*)"', tag)
        form[name.group(1)] = _unescape(value.group(1)) if value else ""
    for name, body in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', page, re.S):
        chosen = re.search(r'<option[^>]*selected[^>]*value="([^"]*)"|<option[^>]*value="([^"]*)"[^>]*selected', body)
        if chosen:
            form[name] = _unescape(chosen.group(1) or chosen.group(2))
    for name, body in re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', page, re.S):
        form[name] = _unescape(body.lstrip("\r\n"))
    return form


def _unescape(text):
    import html
    return html.unescape(text)


def tree():
    return {o.id: (o.parent_id, o.path) for o in Organisation.select()}


def add_unit(code, parent, level="xa"):
    unit = Organisation.create(code=code, name=f"Hội {code}", kind=parent.kind, level=level,
                               parent=parent)
    return unit


@pytest.mark.parametrize("code", ["PHUNU-IAGRAI", "PHUNU"])
def test_an_editor_saving_its_own_top_unit_unchanged_keeps_it_in_the_tree(login, code):
    if code != "PHUNU":
        add_unit(code, org("PHUNU"))
    add_unit(f"{code}-CH01", org(code), level="chi_hoi")
    before = tree()
    client = login("kt_top", role="editor", org=code)
    url = f"/admin/organisation/edit/?id={org(code).id}"
    for effective in ("01/07/2025", ""):
        form = edit_form(client, url)
        form["effective_on"] = effective
        page = client.post(url, data=form, follow_redirects=True).get_data(as_text=True)
        assert "Đã lưu bản ghi" in page
        assert tree() == before


@pytest.mark.parametrize("field", ["parent", "merged_into"])
def test_a_forged_out_of_scope_link_is_refused_and_nothing_moves(login, field):
    unit = add_unit("PHUNU-IAGRAI", org("PHUNU"))
    before = tree()
    client = login("kt_top", role="editor", org="PHUNU")
    url = f"/admin/organisation/edit/?id={unit.id}"
    form = edit_form(client, url)
    form[field] = str(org("NONGDAN").id)
    form["active_to"] = "01/07/2025"  # a merge needs a date; the link is what is refused
    page = client.post(url, data=form, follow_redirects=True).get_data(as_text=True)
    assert "bạn không có quyền chọn nó" in page
    assert "Đã lưu bản ghi" not in page
    assert tree() == before
    stored = org("PHUNU-IAGRAI")
    assert (stored.merged_into_id, stored.active_to) == (None, None)


@pytest.mark.parametrize("role, code", [("admin", None), ("secretariat", None), ("editor", "PHUNU")])
def test_no_form_empties_a_units_parent(login, role, code):
    unit = add_unit("PHUNU-IAGRAI", org("PHUNU"))
    before = tree()
    client = login("kt_" + role, role=role, org=code)
    url = f"/admin/organisation/edit/?id={unit.id}"
    for blank in ("", "__None"):
        form = edit_form(client, url)
        form["parent"] = blank
        page = client.post(url, data=form, follow_redirects=True).get_data(as_text=True)
        assert "Cần chọn tổ chức cấp trên" in page
        assert tree() == before


def test_renaming_a_unit_is_saved_and_recorded(login):
    unit = add_unit("PHUNU-IAGRAI", org("PHUNU"))
    client = login("admin")
    url = f"/admin/organisation/edit/?id={unit.id}"
    form = edit_form(client, url)
    form.update(name="Hội LHPN xã Ia Grai", effective_on="")
    response = client.post(url, data=form, follow_redirects=True)
    assert response.status_code == 200
    assert "Đã lưu bản ghi" in response.get_data(as_text=True)
    assert org("PHUNU-IAGRAI").name == "Hội LHPN xã Ia Grai"
    change = OrganisationChange.get(OrganisationChange.organisation == unit)
    assert change.change == "renamed" and change.note == "Tên cũ: Hội PHUNU-IAGRAI"
    import datetime
    assert change.effective_on == datetime.date.today()
