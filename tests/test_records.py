"""Every other record type through the screens: trees, children, deletes, files."""
import io
import re

import pytest

from models import (
    AdministrativeUnit, Campaign, CampaignResult, Directive, DirectiveAssignment,
    ImplementationReport, Member, Organisation, OrganisationChange, Setting, TwinningActivity,
    TwinningLink, Village,
)
from portal.admin import REGISTRY


def org(code):
    return Organisation.get(Organisation.code == code)


def version_of(client, url):
    page = client.get(url).get_data(as_text=True)
    return re.search(r'name="version" type="hidden" value="(\d+)"', page).group(1)


def add_org(client, code, parent, level="xa"):
    response = client.post("/admin/organisation/new/", data={
        "code": code, "name": f"Hội {code}", "kind": parent.kind, "level": level,
        "parent": str(parent.id),
    }, follow_redirects=True)
    assert "Đã thêm bản ghi" in response.get_data(as_text=True)
    return org(code)


@pytest.mark.parametrize("view_class, model, name, category", REGISTRY)
def test_every_screen_lists_searches_and_offers_a_form(login, view_class, model, name, category):
    client = login("admin")
    endpoint = model.__name__.lower()
    listing = client.get(f"/admin/{endpoint}/")
    assert listing.status_code == 200
    assert name in listing.get_data(as_text=True)
    if hasattr(model, "search_text"):
        assert client.get(f"/admin/{endpoint}/?search=gia+lai").status_code == 200
    if getattr(view_class, "can_create", True):
        form = client.get(f"/admin/{endpoint}/new/").get_data(as_text=True)
        assert "Lưu" in form and "Save" not in form


def test_moving_a_unit_moves_its_whole_subtree_and_keeps_history(login):
    client = login("admin")
    commune = add_org(client, "PN-IAGRAI", org("PHUNU"))
    branch = add_org(client, "PN-IAGRAI-01", commune, level="chi_hoi")
    form = {"code": "PN-IAGRAI", "name": "Hội PN-IAGRAI", "kind": "phunu", "level": "xa",
            "parent": str(org("NONGDAN").id), "effective_on": "01/07/2025",
            "change_note": "Sắp xếp đơn vị hành chính",
            "version": version_of(client, f"/admin/organisation/edit/?id={commune.id}")}
    response = client.post(f"/admin/organisation/edit/?id={commune.id}", data=form, follow_redirects=True)
    assert "Đã lưu bản ghi" in response.get_data(as_text=True)
    assert org("PN-IAGRAI-01").path == f"{org('NONGDAN').path}{commune.id}/{branch.id}/"
    change = OrganisationChange.get(OrganisationChange.organisation == commune)
    assert (change.change, change.effective_on.isoformat()) == ("moved", "2025-07-01")
    assert change.old_parent_id == org("PHUNU").id


def test_a_unit_cannot_move_under_its_own_descendant(login):
    client = login("admin")
    commune = add_org(client, "PN-A", org("PHUNU"))
    branch = add_org(client, "PN-A-1", commune, level="chi_hoi")
    form = {"code": "PN-A", "name": "Hội PN-A", "kind": "phunu", "level": "xa",
            "parent": str(branch.id),
            "version": version_of(client, f"/admin/organisation/edit/?id={commune.id}")}
    page = client.post(f"/admin/organisation/edit/?id={commune.id}", data=form,
                       follow_redirects=True).get_data(as_text=True)
    assert "trực thuộc chính nó hoặc một đơn vị cấp dưới" in page
    assert org("PN-A").parent_id == org("PHUNU").id


def test_merging_needs_a_date_and_is_recorded(login):
    client = login("admin")
    one = add_org(client, "PN-B", org("PHUNU"))
    other = add_org(client, "PN-C", org("PHUNU"))
    form = {"code": "PN-B", "name": "Hội PN-B", "kind": "phunu", "level": "xa",
            "parent": str(org("PHUNU").id), "merged_into": str(other.id),
            "version": version_of(client, f"/admin/organisation/edit/?id={one.id}")}
    page = client.post(f"/admin/organisation/edit/?id={one.id}", data=form,
                       follow_redirects=True).get_data(as_text=True)
    assert "cần ghi ngày ngừng hoạt động" in page
    form["active_to"] = "15/01/2019"
    client.post(f"/admin/organisation/edit/?id={one.id}", data=form)
    change = OrganisationChange.get(OrganisationChange.organisation == one)
    assert change.change == "merged" and change.new_parent_id == other.id
    # A dissolved unit is no longer offered in pickers.
    lookup = client.get("/admin/member/ajax/lookup/?name=branch&query=pn").get_json()
    assert [row[0] for row in lookup] == [other.id]


def test_duplicate_code_gets_a_message(login):
    client = login("admin")
    page = client.post("/admin/organisation/new/", data={
        "code": "PHUNU", "name": "Trùng", "kind": "phunu", "level": "xa",
        "parent": str(org("KHOI").id)}).get_data(as_text=True)
    assert "“PHUNU” đã được dùng" in page
    assert Organisation.select().where(Organisation.name == "Trùng").count() == 0


def test_delete_refuses_a_record_with_dependants_and_names_them(login):
    client = login("admin")
    Member.create(full_name="Siu Blơng", gender="nu", branch=org("PHUNU"), status="active")
    page = client.post("/admin/organisation/delete/", data={"id": org("PHUNU").id},
                       follow_redirects=True).get_data(as_text=True)
    assert "Không thể xoá" in page and "1 hội viên" in page
    assert org("PHUNU")


def test_mass_delete_removes_unused_rows_and_refuses_the_rest(login):
    client = login("admin")
    spare = add_org(client, "PN-SPARE", org("PHUNU"))
    page = client.post("/admin/organisation/action/", data={
        "action": "delete", "rowid": [str(spare.id), str(org("PHUNU").id)],
    }, follow_redirects=True).get_data(as_text=True)
    assert "Đã xoá 1 bản ghi" in page
    assert "Không thể xoá" in page
    assert Organisation.get_or_none(Organisation.code == "PN-SPARE") is None
    assert org("PHUNU")


def directive_form(**extra):
    form = {"number": "11-CT/TU", "kind": "Chỉ thị", "issuer": "Tỉnh ủy",
            "issued_on": "15/03/2022", "title": "Về tăng cường công tác dân vận"}
    form.update(extra)
    return form


def test_directive_with_new_children_in_one_save(login):
    client = login("admin")
    form = directive_form(**{
        "assignments-0-organisation": str(org("PHUNU").id),
        "assignments-0-deadline": "30/06/2024", "assignments-0-recurrence": "yearly",
        "assignments-1-organisation": str(org("NONGDAN").id),
        "assignments-1-deadline": "30/06/2024", "assignments-1-recurrence": "once",
        "reports-0-organisation": str(org("PHUNU").id), "reports-0-reported_on": "20/06/2024",
        "reports-0-status": "done", "reports-0-content": "Đã quán triệt đến 100% chi hội",
    })
    response = client.post("/admin/directive/new/", data=form, follow_redirects=True)
    assert "Đã thêm bản ghi" in response.get_data(as_text=True)
    directive = Directive.get(Directive.number == "11-CT/TU")
    assert {a.organisation.code for a in directive.assignments} == {"PHUNU", "NONGDAN"}
    assert directive.reports.get().status == "done"


def test_a_failing_child_leaves_nothing_half_saved(login):
    client = login("admin")
    form = directive_form(**{
        "assignments-0-organisation": str(org("PHUNU").id), "assignments-0-deadline": "30/06/2024",
        "assignments-0-recurrence": "once",
        "assignments-1-organisation": str(org("PHUNU").id), "assignments-1-deadline": "30/09/2024",
        "assignments-1-recurrence": "once",
    })
    page = client.post("/admin/directive/new/", data=form, follow_redirects=True).get_data(as_text=True)
    assert "Chưa có gì được lưu" in page
    assert Directive.select().count() == 0 and DirectiveAssignment.select().count() == 0


def test_campaign_and_twinning_keep_their_children(login):
    client = login("admin")
    client.post("/admin/campaign/new/", data={
        "name": "Mái ấm công đoàn", "kind": "cuoc_van_dong",
        "leading_organisation": str(org("LDLD").id), "starts_on": "01/01/2024",
        "participants-0-organisation": str(org("LDLD").id),
        "results-0-organisation": str(org("LDLD").id), "results-0-year": "2024",
        "results-0-quarter": "2", "results-0-houses_built": "22",
        "results-0-funds_mobilised": "915.000.000",
    })
    result = CampaignResult.get()
    assert (result.houses_built, result.funds_mobilised) == (22, 915_000_000)
    assert "915.000.000" in client.get("/admin/campaignresult/").get_data(as_text=True)

    province = AdministrativeUnit.create(code="GL", name="Gia Lai", kind="tinh")
    commune = AdministrativeUnit.create(code="XA01", name="Ia Grai", kind="xa", parent=province)
    village = Village.create(code="TH01", name="Plei Ko Tu", kind="plei", commune=commune,
                             ethnic_minority=True, ethnic_groups="Jrai")
    client.post("/admin/twinninglink/new/", data={
        "organisation": str(org("PHUNU").id), "village": str(village.id), "signed_on": "05/12/2023",
        "status": "active", "activities-0-held_on": "10/01/2024",
        "activities-0-description": "Tặng quà Tết", "activities-0-support_value": "25.000.000",
        "activities-0-people_reached": "40",
    })
    link = TwinningLink.get()
    assert link.activities.get().support_value == 25_000_000
    assert "Plei Ko Tu" in client.get("/admin/twinninglink/").get_data(as_text=True)


def test_malformed_numbers_are_explained(login):
    client = login("admin")
    campaign = Campaign.create(name="Dân vận khéo", kind="phong_trao",
                               leading_organisation=org("MTTQ"), starts_on="2024-01-01")
    page = client.post("/admin/campaignresult/new/", data={
        "campaign": str(campaign.id), "organisation": str(org("MTTQ").id), "year": "2024",
        "quarter": "2", "funds_mobilised": "809 triệu"}).get_data(as_text=True)
    assert "Phải là số nguyên không âm" in page
    assert CampaignResult.select().count() == 0


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_directive_attachment_is_checked_stored_and_served(login, app):
    client = login("admin")

    def post(name, content):
        data = directive_form(attachment=(io.BytesIO(content), name))
        return client.post("/admin/directive/new/", data=data, content_type="multipart/form-data",
                           follow_redirects=True).get_data(as_text=True)

    assert "Chỉ nhận tệp PDF" in post("virus.exe", b"MZ\x90\x00")
    assert "không phải là tệp .pdf hợp lệ" in post("fake.pdf", b"<html>hello</html>")
    app.config["ATTACHMENT_MAX_BYTES"] = 1024
    assert "Tệp quá lớn" in post("big.pdf", PDF + b"0" * 2048)
    assert Directive.select().count() == 0

    app.config["ATTACHMENT_MAX_BYTES"] = 20 * 1024 * 1024
    assert "Đã thêm bản ghi" in post("chi-thi-11.pdf", PDF)
    stored = Directive.get().attachment
    with client.get(f"/files/{stored}") as download:
        assert download.status_code == 200 and download.data == PDF
    assert client.get("/files/directives/../../portal.db").status_code == 404


def test_province_name_is_a_setting(login):
    client = login("admin")
    setting = Setting.get(Setting.key == "province_name")
    form = {"value": "Gia Lai mới",
            "version": "1"}
    client.post(f"/admin/setting/edit/?id={setting.id}", data=form)
    assert "Gia Lai mới" in client.get("/admin/").get_data(as_text=True)
