"""People counted once (portal/reporting/people.py) and the pages that show them."""
import datetime
import json

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from models import AuditLog, Member, Organisation, db
from portal.reporting import people
from tests.test_api_auth import bearer, issue
from tests.test_browser import browser, log_in, server  # noqa: F401  (fixtures used by name)
from tests.test_browser import page as browser_page  # noqa: F401

DAY = datetime.date(2024, 6, 30)
SHARED_ID = "064185000123"


def org(code):
    return Organisation.get(Organisation.code == code)


def member(branch, citizen_id=None, name="Nguyễn Thị Hoa", joined=datetime.date(2020, 1, 1), left=None):
    return Member.create(full_name=name, gender="nu", branch=branch, citizen_id=citizen_id,
                         joined_on=joined, left_on=left, status="left" if left else "active")


# --- the arithmetic against a set computation ------------------------------------------

UNITS = ("PHUNU", "NONGDAN", "DOAN", "CCB")
# A record: (person index or None for no citizen ID, node index, joined offset, left offset).
# Offsets are days from DAY: joined after DAY or left on/before DAY means "not a member on DAY".
records_strategy = st.lists(
    st.tuples(st.one_of(st.none(), st.integers(0, 7)), st.integers(0, 11),
              st.one_of(st.none(), st.integers(-400, 30)), st.one_of(st.none(), st.integers(-30, 60))),
    max_size=30)
tree_strategy = st.lists(st.integers(0, 50), min_size=0, max_size=8)


def build_tree(parents):
    """The bloc units, plus a node per entry of `parents` under an earlier node."""
    nodes = [org(code) for code in UNITS]
    for number, pick in enumerate(parents):
        parent = nodes[pick % len(nodes)]
        nodes.append(Organisation.create(code=f"T{number}", name=f"Chi hội {number}", kind=parent.kind,
                                         level="chi_hoi", parent=parent))
    return nodes


def make_records(nodes, rows, persons):
    made = []
    for person, node, joined, left in rows:
        joined_on = DAY + datetime.timedelta(days=joined) if joined is not None else None
        left_on = DAY + datetime.timedelta(days=left) if left is not None else None
        if joined_on and left_on and left_on < joined_on:
            left_on = joined_on
        made.append(member(nodes[node % len(nodes)], persons[person] if person is not None else None,
                           joined=joined_on, left=left_on))
    return made


def on_day(record):
    return ((record.joined_on is None or record.joined_on <= DAY)
            and (record.left_on is None or record.left_on > DAY))


def person_key(record):
    return record.citizen_id or ("no-id", record.id)


edits_strategy = st.lists(
    st.tuples(st.integers(0, 29), st.one_of(
        st.tuples(st.just("branch"), st.integers(0, 11)),
        st.tuples(st.just("citizen_id"), st.one_of(st.none(), st.integers(0, 7))),
        st.tuples(st.just("left_on"), st.one_of(st.none(), st.integers(-30, 60))),
        st.tuples(st.just("delete"), st.none()))),
    max_size=8)


def edit_records(made, nodes, persons, edits):
    """Each edit as the form saves it (a row update), or a delete: what the
    kept counts must follow. Returns the records still there."""
    for index, (field, value) in edits:
        if not made:
            break
        record = made[index % len(made)]
        if field == "delete":
            record.delete_instance()
            made.remove(record)
            continue
        if field == "branch":
            record.branch = nodes[value % len(nodes)]
        elif field == "citizen_id":
            record.citizen_id = persons[value] if value is not None else None
        else:
            left_on = DAY + datetime.timedelta(days=value) if value is not None else None
            record.left_on = max(left_on, record.joined_on) if left_on and record.joined_on else left_on
            record.status = "left" if left_on else "active"
        record.save()
    return made


def assert_counted_once(made, subtrees, nodes):
    """read_records at DAY against the same figures worked out from the records."""
    for record in made:
        record.branch = Organisation.get_by_id(record.branch_id)  # paths as stored
    reach = people.count_people(subtrees, people.read_records(DAY))
    for key, path in subtrees.items():
        counted = [r for r in made if on_day(r) and r.branch.path.startswith(path)]
        assert reach[key].memberships == len(counted)
        assert reach[key].people == len({person_key(r) for r in counted})
        assert reach[key].without_id == sum(1 for r in counted if not r.citizen_id)

    records = people.read_records(DAY)
    for scope in [None] + [org(code).path for code in UNITS] + [subtrees[nodes[-1].id]]:
        in_scope = [r for r in made if on_day(r) and r.citizen_id
                    and (scope is None or r.branch.path.startswith(scope))]
        expected = {}
        for citizen_id in {r.citizen_id for r in in_scope}:
            held = [r for r in in_scope if r.citizen_id == citizen_id]
            if len({people.unit_path(r.branch.path) for r in held}) > 1:
                expected[citizen_id] = sorted(r.branch.path for r in held)
        found = people.in_several_units(records, scope)
        assert {cid: sorted(paths) for cid, paths in found.items()} == expected


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(parents=tree_strategy, rows=records_strategy, edits=edits_strategy,
       persons=st.lists(st.text("0123456789", min_size=12, max_size=12), min_size=8, max_size=8))
def test_people_are_counted_once_in_every_subtree(app, parents, rows, edits, persons):
    with app.app_context(), db.atomic() as txn:
        nodes = build_tree(parents)
        made = make_records(nodes, rows, persons)
        root = Organisation.get(Organisation.parent.is_null())
        subtrees = {node.id: Organisation.get_by_id(node.id).path for node in nodes} | {root.id: root.path}
        assert_counted_once(made, subtrees, nodes)
        # The counts a date reads are kept by the database: moves, new or
        # removed citizen IDs, departures and deletes must all reach them.
        assert_counted_once(edit_records(made, nodes, persons, edits), subtrees, nodes)
        txn.rollback()


# --- through the pages -------------------------------------------------------------------

def overlapping_members():
    """Hoa is in PHUNU and NONGDAN; Út has no citizen ID; Lan left; Mai only in PHUNU."""
    phunu, nongdan = org("PHUNU"), org("NONGDAN")
    branch = Organisation.create(code="PN-CH1", name="Chi hội Ia Kha", kind="phunu", level="chi_hoi",
                                 parent=phunu)
    hoa_pn = member(branch, SHARED_ID)
    hoa_nd = member(nongdan, SHARED_ID)
    member(nongdan, None, name="Đặng Văn Út")
    member(nongdan, "064185000999", name="Siu Lan", left=datetime.date(2021, 3, 1))
    member(phunu, "064185000777", name="Ksor H'Mai")
    return hoa_pn, hoa_nd


def figures(page, unit):
    """{figure: text} of one row of the people table."""
    start = page.index(f'data-unit="{unit}"')
    row = page[start:page.index("</tr>", start)]
    return {name: row.split(f'data-figure="{name}">', 1)[1].split("<", 1)[0]
            for name in ("memberships", "people", "without_id")}


def test_the_totals_page_shows_people_counted_once(app, login):
    with app.app_context():
        overlapping_members()
    client = login("vanphong", role="secretariat")
    totals = client.get("/admin/totals/").get_data(as_text=True)
    assert 'data-people-src="/admin/totals/people/' in totals
    response = client.get("/admin/totals/people/")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    # Five records, one left: four memberships, three people (Hoa once, Út without an ID).
    assert figures(page, "TOTAL") == {"memberships": "4", "people": "3", "without_id": "1"}
    assert figures(page, "PHUNU") == {"memberships": "2", "people": "2", "without_id": "0"}
    assert figures(page, "NONGDAN") == {"memberships": "2", "people": "2", "without_id": "1"}
    assert "mỗi hồ sơ được tính là một người" in page


def test_the_count_is_as_of_the_chosen_quarter(app, login):
    with app.app_context():
        overlapping_members()
    client = login("vanphong", role="secretariat")
    # At the end of 2020 Lan (left 2021) was a member; everyone joined on 01/01/2020.
    page = client.get("/admin/totals/people/?year=2020&quarter=4").get_data(as_text=True)
    assert figures(page, "TOTAL") == {"memberships": "5", "people": "4", "without_id": "1"}
    assert "31/12/2020" in page
    page = client.get("/admin/totals/people/?year=2019&quarter=4").get_data(as_text=True)
    assert figures(page, "TOTAL") == {"memberships": "0", "people": "0", "without_id": "0"}


def test_an_editor_counts_only_its_own_section(app, login):
    with app.app_context():
        overlapping_members()
    client = login("phunu", role="editor", org="PHUNU")
    page = client.get("/admin/totals/people/").get_data(as_text=True)
    assert figures(page, "TOTAL") == {"memberships": "2", "people": "2", "without_id": "0"}
    assert 'data-unit="NONGDAN"' not in page
    assert client.get("/admin/totals/people/?parent=NONGDAN").status_code == 404
    assert client.get("/admin/totals/people/?parent=KHOI").status_code == 404


def test_a_bad_period_is_refused_in_vietnamese(app, login):
    client = login("vanphong", role="secretariat")
    response = client.get("/admin/totals/people/?quarter=7")
    assert response.status_code == 400
    assert "Quý phải là 1, 2, 3 hoặc 4." in response.get_data(as_text=True)


def test_only_the_secretariat_and_admin_open_the_list(app, login):
    with app.app_context():
        overlapping_members()
    for username, role, code in (("phunu", "editor", "PHUNU"), ("lanhdao", "viewer", None),
                                 ("lanhdao_pn", "viewer", "PHUNU")):
        client = login(username, role=role, org=code)
        for query in ("", "?unit=PHUNU", "?unit=NONGDAN", "?unit=KHOI&page=1"):
            response = client.get(f"/admin/people/{query}")
            assert response.status_code == 403, (username, query)
            assert SHARED_ID not in response.get_data(as_text=True)
    assert AuditLog.select().where(AuditLog.action == "read_personal").count() == 0
    client.post("/logout")
    assert client.get("/admin/people/").status_code == 302


def list_reads():
    return list(AuditLog.select().where(AuditLog.action == "read_personal", AuditLog.record_table == "member"))


def test_the_secretariat_sees_people_in_several_organisations_and_is_audited(app, login):
    with app.app_context():
        hoa_pn, hoa_nd = overlapping_members()
    client = login("vanphong", role="secretariat")
    page = client.get("/admin/people/").get_data(as_text=True)
    assert SHARED_ID in page
    assert f'data-member="{hoa_pn.id}"' in page and f'data-member="{hoa_nd.id}"' in page
    # Mai is only in PHUNU, Lan has left: neither is listed.
    assert "064185000777" not in page and "064185000999" not in page
    assert "<strong>1</strong> người" in page
    reads = list_reads()
    assert len(reads) == 1 and reads[0].username == "vanphong"
    assert json.loads(reads[0].changes)["hoi_vien"] == sorted([hoa_pn.id, hoa_nd.id])

    narrowed = client.get("/admin/people/?unit=NONGDAN").get_data(as_text=True)
    assert SHARED_ID in narrowed
    assert len(list_reads()) == 2
    admin_page = login("quantri", role="admin").get("/admin/people/?unit=phunu").get_data(as_text=True)
    assert SHARED_ID in admin_page


def test_a_forged_filter_is_not_found_and_reads_nothing(app, login):
    with app.app_context():
        overlapping_members()
    client = login("vanphong", role="secretariat")
    # Not a provincial unit, no such unit, a page past the end, not a page number.
    for query in ("?unit=PN-CH1", "?unit=KHOI", "?unit=KHONGCO", "?page=2", "?page=0", "?page=-1", "?page=x"):
        response = client.get(f"/admin/people/{query}")
        assert response.status_code == 404, query
        assert SHARED_ID not in response.get_data(as_text=True)
    assert list_reads() == []
    # Narrowed to a unit where nobody is shared: nobody.
    page = client.get("/admin/people/?unit=CCB").get_data(as_text=True)
    assert SHARED_ID not in page and "<strong>0</strong> người" in page


def test_the_api_gives_the_pages_counts_within_the_tokens_scope(app, client, make_user):
    with app.app_context():
        overlapping_members()
    token = issue(app, make_user, "vanphong", "secretariat")
    body = client.get("/api/v1/people-reached", headers=bearer(token)).json
    assert body["total"]["unit"]["code"] == "KHOI"
    assert (body["total"]["memberships"], body["total"]["people"], body["total"]["without_id"]) == (4, 3, 1)
    rows = {row["unit"]["code"]: (row["memberships"], row["people"]) for row in body["rows"]}
    assert rows["PHUNU"] == (2, 2) and rows["NONGDAN"] == (2, 2) and rows["CCB"] == (0, 0)
    assert SHARED_ID not in json.dumps(body)
    assert client.get("/api/v1/people-reached?year=2020&quarter=4",
                      headers=bearer(token)).json["total"]["people"] == 4

    editor = issue(app, make_user, "phunu", "editor", "PHUNU")
    own = client.get("/api/v1/people-reached", headers=bearer(editor)).json
    assert own["total"]["unit"]["code"] == "PHUNU" and own["total"]["people"] == 2
    for query in ("?parent=NONGDAN", "?parent=KHOI"):
        response = client.get(f"/api/v1/people-reached{query}", headers=bearer(editor))
        assert response.status_code == 404
        assert "memberships" not in response.get_data(as_text=True)
    response = client.get("/api/v1/people-reached?quarter=9", headers=bearer(token))
    assert response.status_code == 400 and response.json["message"] == "Quý phải là 1, 2, 3 hoặc 4."
    assert client.get("/api/v1/people-reached").status_code == 401


# --- in a browser: the totals page fetches the panel after it has shown ----------------

@pytest.mark.browser
def test_the_totals_page_brings_in_the_people_panel(browser_page):
    today = datetime.date.today()
    log_in(browser_page, "kt_vanphong",
           target=f"/admin/totals/?year={today.year}&quarter={(today.month - 1) // 3 + 1}")
    panel = browser_page.locator("#people-slot #people-reached")
    panel.wait_for()
    total = browser_page.locator('#people-slot tr[data-unit="TOTAL"]')
    memberships = int(total.locator('[data-figure="memberships"]').inner_text().replace(".", ""))
    people_count = int(total.locator('[data-figure="people"]').inner_text().replace(".", ""))
    # The demo puts some Women's Union members in the Farmers' Union too.
    assert 0 < people_count < memberships
    assert "Đang đếm" not in browser_page.inner_text("#people-slot")
    assert "mỗi hồ sơ được tính là một người" in browser_page.inner_text("#people-slot")
