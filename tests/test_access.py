"""No request of any kind reaches a row outside the user's section.

The checks walk every registered admin view, so a view added later is covered
without anyone adding a test: its list, details, edit form and POST, delete,
the mass delete, its ajax pickers and its export are all tried, for each
role, against rows inside and outside the user's subtree. Every upload page is
walked too: it must admit exactly the roles that may create its records. Where
a row sits in the tree, and who may create it, is worked out here,
independently of the views' own declarations.
"""
import datetime
import io
import re

import pytest
from peewee import CharField, DateField, ForeignKeyField, TextField

from tests.forms import rendered_form

from models import (
    AdministrativeUnit, AuditLog, Campaign, CampaignParticipant, Directive, DirectiveAssignment,
    Indicator, Meeting, Organisation, ReportingPeriod, Setting, Task, TaskAssignment, Village,
)

# Shared catalogues: every role reads them, only admins and the secretariat write.
# (A task is the secretariat's; its units' parts, TaskAssignment, sit in the tree.)
CATALOGUES = {Directive, DirectiveAssignment, Campaign, CampaignParticipant, Village,
              AdministrativeUnit, Indicator, ReportingPeriod, Meeting, Task}
# Held by admins alone.
SYSTEM = {"portal_user", "setting"}
OWNER_NAMES = ("organisation", "branch", "organisation_id")

ROLES = {
    "kt_phunu": ("editor", "PHUNU"),
    "kt_xem_phunu": ("viewer", "PHUNU"),
    "kt_vanphong": ("secretariat", None),
    "kt_lanhdao": ("viewer", None),
}


def owner_of(model, row):
    """The organisation id a row belongs to, found by following its fields."""
    if model is Organisation:
        return row.id
    for name in OWNER_NAMES:
        if name in model._meta.fields:
            return row.__data__.get(name)
    to_orgs = [f for f in model._meta.sorted_fields
               if isinstance(f, ForeignKeyField) and f.rel_model is Organisation]
    if len(to_orgs) == 1:
        return row.__data__.get(to_orgs[0].name)
    raise AssertionError(f"This test does not know where a {model.__name__} sits in the tree: "
                         "name its organisation field 'organisation' or list it as a catalogue.")


def subtree(code):
    root = Organisation.get(Organisation.code == code)
    return {o.id for o in Organisation.select().where(Organisation.path.startswith(root.path))}


def visible_ids(model, allowed_orgs):
    """What a user confined to `allowed_orgs` may read of `model` (None: all)."""
    if model is Task and allowed_orgs is not None:
        # A task is read in the sections it is assigned to (admin_views/tasks.py).
        return {a.task_id for a in TaskAssignment.select() if a.organisation_id in allowed_orgs}
    if model in CATALOGUES or allowed_orgs is None:
        return None
    return {row.id for row in model.select() if owner_of(model, row) in allowed_orgs}


# The world's province; a test elsewhere that uses `world` carries this mark too.
WORLD = pytest.mark.demo(members=150)
pytestmark = WORLD


@pytest.fixture
def world(app, demo_seeded, login, client):
    # Audit rows of two sections, made by an admin editing members.
    from models import Member

    admin = login("quantri")
    for code in ("PHUNU", "NONGDAN"):
        member = (Member.select().join(Organisation)
                  .where(Organisation.path.startswith(Organisation.get(code=code).path)).first())
        admin.get(f"/admin/member/details/?id={member.id}")
    admin.post("/logout")
    if not Task.select().exists():
        # The meeting's tasks, for PHUNU, NONGDAN and both: the walk covers their screens too.
        meeting = Meeting.create(year=2024, quarter=2, title="Giao ban quý II/2024",
                                 held_on=datetime.date(2024, 6, 20))
        for position, codes in enumerate((("PHUNU",), ("NONGDAN",), ("PHUNU", "NONGDAN")), 1):
            task = Task.create(meeting=meeting, position=position, title=f"Nhiệm vụ {position}",
                               deadline=datetime.date(2024, 9, 30))
            for code in codes:
                TaskAssignment.create(task=task, organisation=Organisation.get(code=code))
    return app


def views(app):
    return [v for v in app.extensions["admin"][0]._views if hasattr(v, "model")]


def upload_pages(app):
    """Registered import pages (upload → preview → confirm), whatever they import."""
    from portal.excel.import_view import ImportView

    return [v for v in app.extensions["admin"][0]._views if isinstance(v, ImportView)]


def creators(model):
    """Roles that may create `model` rows, worked out here from the rules above."""
    if model in CATALOGUES:
        return {"admin", "secretariat"}
    if model is Organisation:
        return {"admin", "secretariat", "editor"}  # editors below their own unit
    return {"admin", "editor"}  # records each organisation keeps for itself


def listed_ids(client, base):
    ids, page = set(), 0
    while True:
        html = client.get(f"{base}?page_size=100&page={page}").get_data(as_text=True)
        found = {int(i) for i in re.findall(r"details/\?id=(\d+)", html)}
        if not found - ids:
            return ids
        ids |= found
        page += 1


def forged_form(model, row):
    """Every field of `row`, with its text replaced: what a forger would post."""
    form = {"version": str(row.__data__.get("version", 1))}
    for field in model._meta.sorted_fields:
        value = row.__data__.get(field.name)
        if field.primary_key or field.name in ("search_text", "path", "version"):
            continue
        if isinstance(field, (CharField, TextField)) and not field.choices and not field.unique:
            value = "ĐÃ BỊ SỬA TRÁI PHÉP"
        if isinstance(value, datetime.date):
            value = value.strftime("%d/%m/%Y")
        if value is not None:
            form[field.name] = str(value)
    return form


def tree():
    return {o.id: (o.parent_id, o.path) for o in Organisation.select()}


def rows_to_save(model, allowed, root_code):
    """A few rows the user reaches: the first, the last, and the one at the top
    of the user's section (its own unit, whose parent lies outside it)."""
    sectional = model not in CATALOGUES and model._meta.table_name not in SYSTEM
    rows = [row for row in model.select().order_by(model.id)
            if allowed is None or not sectional or owner_of(model, row) in allowed]
    picked = rows[:1] + rows[-1:]
    if root_code and sectional:
        root = Organisation.get(Organisation.code == root_code).id
        picked += [row for row in rows if owner_of(model, row) == root][:1]
    return list({row.id: row for row in picked}.values())


def stored(model, pk):
    row = model.get_or_none(model.id == pk)
    return None if row is None else dict(row.__data__)


@pytest.mark.parametrize("username", ["kt_phunu", "kt_xem_phunu"])
def test_a_confined_user_reaches_nothing_outside_its_subtree(world, login, username):
    role, code = ROLES[username]
    client = login(username, role=role, org=code)
    allowed = subtree(code)
    for view in views(world):
        model, base = view.model, f"/admin/{view.endpoint}/"
        if model._meta.table_name in SYSTEM:
            assert client.get(base).status_code == 403, base
            continue
        if model is AuditLog and role == "viewer":
            assert client.get(base).status_code == 403, base
            continue
        readable = visible_ids(model, allowed)
        shown = listed_ids(client, base)
        if readable is not None:
            assert shown <= readable, (base, shown - readable)
            searched = listed_ids(client, base + "?search=a") if hasattr(model, "search_text") else set()
            assert searched <= readable, base
        outside = [] if readable is None else [
            row for row in model.select().order_by(model.id) if row.id not in readable][:4]
        for row in outside:
            before = stored(model, row.id)
            for url in (f"{base}details/?id={row.id}", f"{base}edit/?id={row.id}"):
                response = client.get(url)
                assert response.status_code in (302, 403), url
                assert response.status_code == 403 or "/details/" not in response.headers["Location"]
            client.post(f"{base}edit/?id={row.id}", data=forged_form(model, row))
            client.post(f"{base}delete/", data={"id": row.id})
            client.post(f"{base}action/", data={"action": "delete", "rowid": [str(row.id)]})
            assert stored(model, row.id) == before, (base, row.id)
        for name in view._form_ajax_refs:
            picked = client.get(f"{base}ajax/lookup/?name={name}&query=").get_json() or []
            loader = view._form_ajax_refs[name]
            if loader.model is Organisation:
                assert {pk for pk, _ in picked} <= allowed, (base, name)
        export = client.get(f"{base}export/csv/")
        assert export.status_code != 200 or not outside, base


def test_an_editor_cannot_move_or_create_rows_outside_its_section(world, login):
    from models import Member

    client = login("kt_phunu", role="editor", org="PHUNU")
    mine = Member.select().where(Member.branch.in_(list(subtree("PHUNU")))).first()
    elsewhere = Organisation.get(Organisation.code == "NONGDAN")
    form = forged_form(Member, mine)
    form["full_name"] = mine.full_name
    form["branch"] = str(elsewhere.id)
    page = client.post(f"/admin/member/edit/?id={mine.id}", data=form).get_data(as_text=True)
    assert "không có quyền chọn" in page
    assert Member.get_by_id(mine.id).branch_id == mine.branch_id

    count = Member.select().count()
    form.update(citizen_id="064111222333", full_name="Người Lạ")
    client.post("/admin/member/new/", data=form)
    assert Member.select().count() == count

    created = client.post("/admin/organisation/new/", data={
        "code": "LA", "name": "Tổ chức lạ", "kind": "phunu", "level": "xa"}).get_data(as_text=True)
    assert "Bạn chỉ được ghi dữ liệu của tổ chức mình" in created
    assert Organisation.get_or_none(Organisation.code == "LA") is None


def test_an_editor_adds_units_below_its_own_and_nowhere_else(world, login):
    client = login("kt_phunu", role="editor", org="PHUNU")
    for code, parent in (("PN-MOI", "PHUNU"), ("ND-MOI", "NONGDAN")):
        client.post("/admin/organisation/new/", data={
            "code": code, "name": f"Hội {code}", "kind": "phunu", "level": "xa",
            "parent": str(Organisation.get(Organisation.code == parent).id)})
    assert Organisation.get(Organisation.code == "PN-MOI").id in subtree("PHUNU")
    assert Organisation.get_or_none(Organisation.code == "ND-MOI") is None


def test_every_upload_page_admits_exactly_who_may_create_its_records(world, login, client):
    pages = upload_pages(world)
    assert {page.kind.module.MODEL for page in pages} >= {Village, Organisation}
    client.post("/logout")
    for page in pages:
        response = client.get(f"{page.url}/")
        assert response.status_code == 302 and response.headers["Location"].startswith("/login"), page.url
    for username, (role, code) in {"quantri": ("admin", None), **ROLES}.items():
        client = login(username, role=role, org=code)
        for page in pages:
            model, base = page.kind.module.MODEL, f"{page.url}/"
            form = client.get(f"/admin/{model.__name__.lower()}/new/").status_code == 200
            allowed = role in creators(model)
            assert form == allowed, (username, model.__name__)
            template = client.get(f"{base}template.xlsx")
            upload = client.post(base, data={"file": (io.BytesIO(template.data), "mau.xlsx")},
                                 content_type="multipart/form-data")
            forged = client.post(f"{base}confirm", data={"token": "A" * 32})
            if not allowed:
                for response in (client.get(base), template, upload, forged):
                    assert response.status_code == 403, (username, base)
                continue
            assert client.get(base).status_code == 200, (username, base)
            assert template.status_code == 200
            # Its own empty template is read and explained, never a crash.
            assert "chỉ có dòng tiêu đề" in upload.get_data(as_text=True), (username, base)
            assert "Không tìm thấy tệp đã tải lên" in forged.get_data(as_text=True)
        client.post("/logout")


@pytest.mark.parametrize("username", ["kt_vanphong", "kt_lanhdao", "kt_xem_phunu"])
def test_read_only_roles_change_nothing_in_sections(world, login, username):
    role, code = ROLES[username]
    client = login(username, role=role, org=code)
    for view in views(world):
        model, base = view.model, f"/admin/{view.endpoint}/"
        if model in CATALOGUES or model._meta.table_name in SYSTEM or model is AuditLog:
            continue
        row = model.select().first()
        if row is None:
            continue
        if role == "secretariat" and model is Organisation:
            continue  # the secretariat restructures the tree
        before = stored(model, row.id)
        client.post(f"{base}edit/?id={row.id}", data=forged_form(model, row))
        client.post(f"{base}delete/", data={"id": row.id})
        client.post(f"{base}action/", data={"action": "delete", "rowid": [str(row.id)]})
        assert stored(model, row.id) == before, (username, base)


def test_catalogues_are_read_by_all_and_written_by_the_secretariat(world, login):
    directive = Directive.select().first()
    before = stored(Directive, directive.id)
    editor = login("kt_phunu", role="editor", org="PHUNU")
    assert editor.get("/admin/directive/").status_code == 200
    assert editor.get(f"/admin/directive/details/?id={directive.id}").status_code == 200
    editor.post(f"/admin/directive/edit/?id={directive.id}", data=forged_form(Directive, directive))
    assert stored(Directive, directive.id) == before
    editor.post("/logout")

    secretariat = login("kt_vanphong", role="secretariat")
    form = forged_form(Directive, directive)
    response = secretariat.post(f"/admin/directive/edit/?id={directive.id}", data=form,
                                follow_redirects=True)
    assert "Đã lưu bản ghi" in response.get_data(as_text=True)


def test_settings_and_accounts_are_for_admins_only(world, login):
    setting = Setting.get()
    for username in ROLES:
        client = login(username, role=ROLES[username][0], org=ROLES[username][1])
        assert client.get("/admin/user/").status_code == 403
        client.post(f"/admin/setting/edit/?id={setting.id}", data={"value": "Tỉnh Khác", "version": "1"})
        assert Setting.get_value("province_name") == "Gia Lai"
        client.post("/logout")


def test_home_page_shows_only_the_sections_work(world, login):
    client = login("kt_phunu", role="editor", org="PHUNU")
    page = client.get("/admin/").get_data(as_text=True)
    body = page[page.index("Xin chào"):]
    assert "Hội Liên hiệp Phụ nữ tỉnh (PHUNU)" in body
    assert not re.findall(r"\((?:MTTQ|DOAN|NONGDAN|CCB|LDLD)[\w-]*\)", body)


def test_report_attachments_follow_the_reports_scope(world, login, app, tmp_path):
    import os

    from models import ImplementationReport

    folder = os.path.join(app.config["UPLOAD_FOLDER"], "reports")
    os.makedirs(folder, exist_ok=True)
    names = {}
    for code in ("PHUNU", "NONGDAN"):
        report = ImplementationReport.create(
            directive=Directive.select().first(), organisation=Organisation.get(code=code),
            reported_on=datetime.date(2024, 6, 1), content="Báo cáo", status="done",
            attachment=f"reports/20240601-abcd-{code}.pdf")
        with open(os.path.join(folder, f"20240601-abcd-{code}.pdf"), "wb") as fh:
            fh.write(b"%PDF-1.4 test")
        names[code] = report.attachment
    client = login("kt_phunu", role="editor", org="PHUNU")
    with client.get(f"/files/{names['PHUNU']}") as response:
        assert response.status_code == 200
    assert client.get(f"/files/{names['NONGDAN']}").status_code == 404


SAVERS = {"quantri": ("admin", None), **ROLES, "kt_phunu_xa": ("editor", "PHUNU-IAGRAI")}


@pytest.mark.parametrize("username", sorted(SAVERS))
def test_every_form_saved_unchanged_moves_nothing(world, login, username):
    """Open the edit form of rows in the user's reach, post it back exactly as
    rendered: the save goes through and nothing moves, the tree least of all."""
    role, code = SAVERS[username]
    client = login(username, role=role, org=code)
    allowed = subtree(code) if code else None
    saved = set()
    for view in views(world):
        model, base = view.model, f"/admin/{view.endpoint}/"
        for row in rows_to_save(model, allowed, code):
            url = f"{base}edit/?id={row.id}"
            form = client.get(url)
            if form.status_code != 200:
                continue  # this role does not edit these rows
            before, shape = stored(model, row.id), tree()
            response = client.post(url, data=rendered_form(form.get_data(as_text=True)))
            assert response.status_code == 302, (username, url, _errors(response))
            after = stored(model, row.id)
            assert after.pop("version", 0) >= before.pop("version", 0)
            assert after == before, (username, url)
            assert tree() == shape, (username, url)
            saved.add(model)
    if role in ("viewer",):
        assert not saved
    else:
        assert saved, username
    if role == "admin":
        assert saved == {v.model for v in editable_views(world, username)
                         if v.model.select().exists()}


def editable_views(app, username):
    from flask_login import login_user

    from models import User

    with app.test_request_context():
        login_user(User.get(User.username == username))
        return [v for v in views(app) if v.can_edit]


def _errors(response):
    page = response.get_data(as_text=True)
    return re.findall(r'<div class="alert[^"]*">(.*?)</div>|<li>(.*?)</li>', page, re.S)[-8:]


# --- the API: the same walk through /api/v1, for every resource and method ---

API_ROLES = {"quantri": ("admin", None), **ROLES, "kt_phunu_xa": ("editor", "PHUNU-IAGRAI")}
API_ROLES.pop("kt_lanhdao")


def api_resources(app):
    from portal.api.resources import api_name

    return [(view, api_name(view)) for view in views(app) if view.api]


def api_reads(model, role):
    """May `role` read `model` rows at all? (worked out from the rules above)"""
    if model._meta.table_name in SYSTEM:
        return role == "admin"
    return not (model._meta.table_name == "audit_log" and role == "viewer")


@pytest.mark.parametrize("username", sorted(API_ROLES))
def test_the_api_reads_and_writes_nothing_outside_the_section(world, app, client, make_user, username):
    from tests.api_helpers import api_as

    role, code = API_ROLES[username]
    api = api_as(app, client, make_user, username, role, code)
    allowed = subtree(code) if code else None
    outside_org = Organisation.get(Organisation.code == "NONGDAN").id
    for view, name in api_resources(world):
        model = view.model
        first = api.get(f"/{name}", limit=1)
        if not api_reads(model, role):
            assert first.status_code == 403, (username, name)
            continue
        rows, _pages = api.walk(f"/{name}", limit=200)
        listed = {row["id"] for row in rows}
        expected = visible_ids(model, allowed)
        everything = {row.id for row in model.select(model.id)}
        assert listed == (everything if expected is None else expected), (username, name)
        assert len(rows) == len(listed), (username, name)
        counted = api.get(f"/{name}", limit=1, count="true").json["count"]
        assert counted == len(listed), (username, name)
        for pk in sorted(everything - listed)[:3]:
            before, shape = stored(model, pk), tree()
            missing = api.get(f"/{name}/{pk}")
            assert missing.status_code == 404, (username, name, pk)
            assert missing.json == api.get(f"/{name}/2000000000").json
            for method in ("PATCH", "PUT", "DELETE"):
                response = api.send(method, f"/{name}/{pk}", {} if method != "DELETE" else None,
                                    if_match=f'"{before.get("version", 1)}"')
                assert response.status_code in (403, 404, 405), (username, name, method, pk)
            assert stored(model, pk) == before and tree() == shape, (username, name, pk)
        owner = next((f for f in OWNER_NAMES if f in model._meta.fields and f != "organisation_id"), None)
        if allowed is None or owner is None or not listed or not view.can_edit:
            continue
        # Moving a row of the section into another one, or adding one there: refused.
        pk = min(listed)
        before, count = stored(model, pk), model.select().count()
        read = api.get(f"/{name}/{pk}")
        moved = api.send("PATCH", f"/{name}/{pk}", {owner: outside_org}, if_match=read.headers["ETag"])
        assert moved.status_code == 422, (username, name, moved.json)
        assert stored(model, pk) == before, (username, name)
        body = {key: value for key, value in read.json.items() if key not in ("id", "version")}
        created = api.send("POST", f"/{name}", dict(body, **{owner: outside_org}))
        assert created.status_code in (403, 422), (username, name, created.json)
        assert model.select().count() == count, (username, name)


@pytest.mark.parametrize("username", sorted(SAVERS))
def test_every_resource_saved_unchanged_through_the_api_moves_nothing(world, app, client, make_user,
                                                                      username):
    """PUT back what GET gave, and PATCH nothing, for rows in the user's reach:
    each save goes through (or is refused for the role) and nothing moves."""
    from tests.api_helpers import api_as

    role, code = SAVERS[username]
    api = api_as(app, client, make_user, username, role, code)
    allowed = subtree(code) if code else None
    saved = set()
    for view, name in api_resources(world):
        model = view.model
        for row in rows_to_save(model, allowed, code):
            read = api.get(f"/{name}/{row.id}")
            if read.status_code != 200:
                continue
            body = {key: value for key, value in read.json.items() if key not in ("id", "version")}
            for method, payload in (("PUT", body), ("PATCH", {})):
                before, shape = stored(model, row.id), tree()
                etag = api.get(f"/{name}/{row.id}").headers["ETag"]
                response = api.send(method, f"/{name}/{row.id}", payload, if_match=etag)
                if response.status_code in (403, 405):
                    continue  # this role (or nobody) edits these rows
                assert response.status_code == 200, (username, name, method, response.json)
                after = stored(model, row.id)
                assert after.pop("version", 0) >= before.pop("version", 0)
                assert after == before, (username, name, method)
                assert tree() == shape, (username, name, method)
                saved.add(model)
    if role == "viewer":
        assert not saved
    else:
        assert saved, username
    if role == "admin":
        assert saved == {v.model for v, _ in api_resources(world)
                         if type(v).can_edit is not False and v.model.select().exists()}
