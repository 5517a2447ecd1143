"""Writing through forms never damages the tree, and follows each row's own rights."""
import datetime

import pytest

from models import Organisation, OrganisationChange
from tests.forms import rendered_form


def org(code):
    return Organisation.get(Organisation.code == code)


def edit_form(client, url):
    """The fields of an edit form exactly as rendered: what a browser posts back."""
    return rendered_form(client.get(url).get_data(as_text=True))


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
    assert change.effective_on == datetime.date.today()


def _directive_with_a_report():
    from models import Directive, ImplementationReport

    directive = Directive.create(number="11-CT/TU", kind="Chỉ thị", issuer="Tỉnh ủy",
                                 issued_on=datetime.date(2022, 3, 15), title="Về công tác dân vận")
    report = ImplementationReport.create(directive=directive, organisation=org("PHUNU"),
                                         reported_on=datetime.date(2024, 6, 20), status="done",
                                         content="Đã quán triệt đến 100% chi hội")
    return directive, report


def _campaign_with_a_result():
    from models import Campaign, CampaignResult

    campaign = Campaign.create(name="Mái ấm công đoàn", kind="cuoc_van_dong",
                               leading_organisation=org("LDLD"), starts_on=datetime.date(2024, 1, 1))
    result = CampaignResult.create(campaign=campaign, organisation=org("LDLD"), year=2024,
                                   quarter=2, houses_built=22)
    return campaign, result


def _inline_case(kind):
    from models import CampaignResult, ImplementationReport

    if kind == "directive":
        parent, child = _directive_with_a_report()
        return parent, child, "reports", ImplementationReport, {"content": "SỬA TRÁI PHÉP"}, {
            "organisation": str(org("NONGDAN").id), "reported_on": "01/07/2024",
            "status": "done", "content": "Báo cáo giả"}
    parent, child = _campaign_with_a_result()
    return parent, child, "results", CampaignResult, {"houses_built": "999"}, {
        "organisation": str(org("NONGDAN").id), "year": "2024", "quarter": "3", "houses_built": "5"}


@pytest.mark.parametrize("kind", ["directive", "campaign"])
def test_a_catalogue_form_offers_the_units_records_only_to_who_writes_them(login, kind):
    parent, _, backref, *_ = _inline_case(kind)
    url = f"/admin/{kind}/edit/?id={parent.id}"
    # The rows are the units' own: the secretariat reads them on their own screens.
    page = login("kt_vanphong", role="secretariat").get(url).get_data(as_text=True)
    assert f'name="{backref}-0-id"' not in page
    assert f"{backref}-button" not in page
    # An admin, who writes those rows directly, still has them in the form.
    assert f'name="{backref}-0-id"' in login("quantri").get(url).get_data(as_text=True)


@pytest.mark.parametrize("kind", ["directive", "campaign"])
def test_the_secretariat_writes_no_units_records_through_a_catalogue_form(login, kind):
    parent, child, backref, Child, changed, added = _inline_case(kind)
    client = login("kt_vanphong", role="secretariat")
    url = f"/admin/{kind}/edit/?id={parent.id}"
    form = rendered_form(client.get(url).get_data(as_text=True))
    # Forged: the existing row changed, a second one added, and each way round a delete.
    form.update({f"{backref}-0-id": str(child.id)})
    form.update({f"{backref}-0-{name}": value for name, value in changed.items()})
    form.update({f"{backref}-1-{name}": value for name, value in added.items()})
    before = {row.id: dict(row.__data__) for row in Child.select()}
    client.post(url, data=form)
    client.post(url, data=dict(form, **{f"del-{backref}-0": "y"}))
    assert {row.id: dict(row.__data__) for row in Child.select()} == before


def test_the_secretariat_still_keeps_a_directives_assignments(login):
    from models import DirectiveAssignment

    directive, _ = _directive_with_a_report()
    client = login("kt_vanphong", role="secretariat")
    url = f"/admin/directive/edit/?id={directive.id}"
    form = rendered_form(client.get(url).get_data(as_text=True))
    form.update({"assignments-0-organisation": str(org("PHUNU").id),
                 "assignments-0-deadline": "30/06/2024", "assignments-0-recurrence": "once"})
    page = client.post(url, data=form, follow_redirects=True).get_data(as_text=True)
    assert "Đã lưu bản ghi" in page
    assert DirectiveAssignment.get().organisation_id == org("PHUNU").id


def test_a_taken_code_is_named_only_inside_the_section(login):
    add_unit("PHUNU-IAGRAI", org("PHUNU"))
    client = login("kt_phunu", role="editor", org="PHUNU")
    count = Organisation.select().count()
    for code, answer in (("PHUNU-IAGRAI", "đã được dùng cho Hội PHUNU-IAGRAI (PHUNU-IAGRAI)"),
                         ("NONGDAN", "Mã “NONGDAN” đã có trong hệ thống.")):
        page = client.post("/admin/organisation/new/", data={
            "code": code, "name": "Hội mới", "kind": "phunu", "level": "xa",
            "parent": str(org("PHUNU").id)}).get_data(as_text=True)
        assert answer in page
    assert "Hội Nông dân tỉnh" not in page and "tổ chức khác" not in page
    assert Organisation.select().count() == count


def test_the_organisation_import_names_a_taken_code_only_inside_the_section(login):
    from tests.test_catalogue_import import ORG_HEADER, upload
    from tests.test_member_import import xlsx_file

    add_unit("PHUNU-IAGRAI", org("PHUNU"))
    client = login("kt_phunu", role="editor", org="PHUNU")
    rows = [["PHUNU-IAGRAI", "Hội mới 1", "Hội Liên hiệp Phụ nữ", "Cấp xã (cơ sở)", "PHUNU", "", ""],
            ["NONGDAN", "Hội mới 2", "Hội Liên hiệp Phụ nữ", "Cấp xã (cơ sở)", "PHUNU", "", ""]]
    page = upload(client, "organisations", xlsx_file(rows, header=ORG_HEADER)).get_data(as_text=True)
    assert "đã có tổ chức mã «PHUNU-IAGRAI»" in page
    assert "mã «NONGDAN» đã có trong hệ thống" in page
    assert "đã có tổ chức mã «NONGDAN»" not in page


def test_a_number_too_large_for_its_column_is_refused_in_words(login):
    """PostgreSQL's integer column holds 32 bits: a larger number was a 500 there."""
    from models import Indicator

    indicator = Indicator.select().order_by(Indicator.id).first()
    client = login("admin")
    url = f"/admin/indicator/edit/?id={indicator.id}"
    form = edit_form(client, url)
    form["position"] = "999.999.999.999.999"
    response = client.post(url, data=form)
    assert response.status_code == 200
    assert "Số quá lớn: tối đa 2.147.483.647." in response.get_data(as_text=True)
    assert Indicator.get_by_id(indicator.id).position == indicator.position
    form["position"] = "2.147.483.647"
    assert client.post(url, data=form).status_code == 302
    assert Indicator.get_by_id(indicator.id).position == 2147483647


def test_a_closed_list_refuses_an_empty_value(login):
    """A forged empty status was saved as "" (a default made the select optional)."""
    from models import ReportingPeriod

    period = ReportingPeriod.create(year=2026, quarter=3)
    client = login("admin")
    url = f"/admin/reportingperiod/edit/?id={period.id}"
    form = edit_form(client, url)
    form["status"] = ""
    response = client.post(url, data=form)
    assert response.status_code == 200
    assert "Lựa chọn không hợp lệ." in response.get_data(as_text=True)
    assert ReportingPeriod.get_by_id(period.id).status == "open"
