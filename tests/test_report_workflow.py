"""Draft → submitted → approved, for each role: who may write, submit,
approve and reopen a quarterly report, and what nobody may reach."""
import datetime
import json
import re

import pytest

from models import QuarterlyReport, ReportingPeriod
from tests.test_report_entry import (  # noqa: F401  (fixtures used by name)
    audit_entries, field, grid_url, phunu, post_grid, quarter, report_of, stored, text, unit, version_on,
)


def entry_of(report):
    return f"/admin/quarterlyreport/entry/?id={report.id}"


def approve(client, report, version=None):
    """Press "Duyệt" on the page as it shows now (or as it showed at `version`)."""
    if version is None:
        version = version_on(text(client.get(entry_of(report))))
    return text(client.post(entry_of(report), data={"action": "approve", "version": str(version)},
                            follow_redirects=True))


def reopen(client, report, reason, version=None):
    if version is None:
        version = version_on(text(client.get(entry_of(report))))
    return text(client.post(entry_of(report), data={"action": "reopen", "version": str(version),
                                                     "reason": reason}, follow_redirects=True))


def editable(page):
    """Does the grid offer inputs to type into and the buttons to save them?"""
    inputs = re.findall(r'<input[^>]*name="v\d+"[^>]*>', page)
    return bool(inputs) and not any(" disabled" in i for i in inputs) and "Lưu nháp" in page


@pytest.fixture
def submitted(phunu):
    """PHUNU's report for Quý II/2024, filled in and sent."""
    page = text(post_grid(phunu, grid_url(), action="submit", field_visits="23", members_new="1.548"))
    assert "Đã gửi báo cáo PHUNU – Quý II/2024. Văn phòng Khối sẽ xem và duyệt." in page
    return report_of()


def test_submitting_marks_the_report_sent_and_audits_the_status(submitted, phunu):
    assert submitted.status == "submitted" and submitted.submitted_at is not None
    (status,) = audit_entries("status")
    assert json.loads(status.changes) == {"status": ["Bản nháp", "Đã gửi"]}
    page = text(phunu.get(entry_of(submitted)))
    assert "Đã gửi, chờ duyệt" in page and editable(page)
    # Sent after the deadline (15/07/2024): late.
    assert '<span class="badge badge-danger late">Nộp muộn</span>' in page


def test_an_editor_corrects_a_submitted_report_until_it_is_approved(submitted, phunu):
    first_sent = submitted.submitted_at
    # "Gửi báo cáo" again: still submitted, with the corrected figure.
    post_grid(phunu, entry_of(submitted), action="submit", field_visits="24", members_new="1.548")
    report = report_of()
    assert report.status == "submitted" and stored()["field_visits"] == 24
    assert report.submitted_at == first_sent  # the first submission counts for the deadline
    # "Lưu nháp" withdraws it: the secretariat cannot approve a draft.
    page = text(post_grid(phunu, entry_of(submitted), action="save", field_visits="25", members_new="1.548"))
    assert "Đã lưu bản nháp" in page and report_of().status == "draft"
    assert [json.loads(e.changes)["status"] for e in audit_entries("status")] == [
        ["Bản nháp", "Đã gửi"], ["Đã gửi", "Bản nháp"]]


def test_the_secretariat_approves_and_the_editor_can_no_longer_change_it(submitted, login):
    office = login("bt_vanphong", role="secretariat")
    page = text(office.get(entry_of(submitted)))
    assert not editable(page) and "Bạn chỉ có quyền xem số liệu của báo cáo này." in page
    assert 'value="approve"' in page and 'value="reopen"' not in page
    page = approve(office, submitted)
    assert "Đã duyệt báo cáo PHUNU – Quý II/2024. Báo cáo đã được khoá." in page
    report = report_of()
    assert report.status == "approved" and report.approved_at is not None
    assert json.loads(audit_entries("status")[-1].changes) == {"status": ["Đã gửi", "Đã duyệt (khoá)"]}

    editor = login("bt_phunu", role="editor", org="PHUNU")
    page = text(editor.get(entry_of(report)))
    assert "Báo cáo đã được duyệt và đã khoá. Chỉ văn phòng Khối mở lại được báo cáo đã duyệt." in page
    assert not editable(page) and 'value="reopen"' not in page
    for action in ("save", "submit"):
        page = text(post_grid(editor, entry_of(report), action=action, version=str(report.version),
                              field_visits="99", members_new="1"))
        assert "Báo cáo đã được duyệt và đã khoá" in page
    page = reopen(editor, report, "Tự mở lại")
    assert "Chỉ văn phòng Khối mở lại báo cáo đã duyệt." in page
    assert report_of().status == "approved" and stored() == {"field_visits": 23, "members_new": 1548}


def test_only_a_submitted_report_is_approved_and_only_by_the_secretariat(phunu, login):
    post_grid(phunu, grid_url(), action="save", field_visits="5")
    draft = report_of()
    page = approve(phunu, draft, version=draft.version)
    assert "Chỉ văn phòng Khối duyệt báo cáo." in page and report_of().status == "draft"
    office = login("bt_vanphong", role="secretariat")
    assert 'value="approve"' not in text(office.get(entry_of(draft)))
    page = approve(office, draft, version=draft.version)
    assert "Chỉ duyệt được báo cáo đã gửi." in page and report_of().status == "draft"


def test_reopening_needs_a_reason_and_is_audited(submitted, login):
    office = login("bt_vanphong", role="secretariat")
    approve(office, submitted)
    approved = report_of()
    page = text(office.get(entry_of(approved)))
    assert 'value="reopen"' in page and "Lý do mở lại (bắt buộc)" in page
    page = reopen(office, approved, "   ")
    assert "Cần ghi lý do mở lại báo cáo." in page and report_of().status == "approved"

    page = reopen(office, approved, "Số kết nạp mới chưa khớp với danh sách")
    assert "Đã mở lại báo cáo PHUNU – Quý II/2024; báo cáo trở về bản nháp để đơn vị sửa." in page
    report = report_of()
    assert report.status == "draft" and report.approved_at is None
    # A draft again: no longer sent, so neither on time nor late from its first sending.
    assert report.submitted_at is None and report.return_reason == "Số kết nạp mới chưa khớp với danh sách"
    assert json.loads(audit_entries("status")[-1].changes) == {
        "status": ["Đã duyệt (khoá)", "Bản nháp"], "ly_do": "Số kết nạp mới chưa khớp với danh sách"}

    # The editor sees why, corrects and sends it again.
    editor = login("bt_phunu", role="editor", org="PHUNU")
    page = text(editor.get(entry_of(report)))
    assert "Văn phòng Khối đã trả lại báo cáo này" in page
    assert "Lý do: <strong>Số kết nạp mới chưa khớp với danh sách</strong>" in page
    assert editable(page)
    post_grid(editor, entry_of(report), action="submit", field_visits="23", members_new="1.550")
    assert report_of().status == "submitted" and stored()["members_new"] == 1550


def test_a_stale_approval_is_refused(submitted, login, phunu):
    office = login("bt_vanphong", role="secretariat")
    seen = version_on(text(office.get(entry_of(submitted))))
    editor = login("bt_phunu", role="editor", org="PHUNU")
    post_grid(editor, entry_of(submitted), action="submit", field_visits="30", members_new="1.548")
    office = login("bt_vanphong", role="secretariat")
    page = approve(office, submitted, version=seen)
    assert "vừa được người khác sửa" in page and report_of().status == "submitted"


def test_an_editor_cannot_reach_another_sections_report(login, quarter):
    nongdan = QuarterlyReport.create(organisation=unit("NONGDAN"), period=quarter, status="draft")
    editor = login("bt_phunu", role="editor", org="PHUNU")
    missing = editor.get("/admin/quarterlyreport/entry/?id=999999")
    assert missing.status_code == 302
    elsewhere = editor.get(entry_of(nongdan))
    assert (elsewhere.status_code, elsewhere.headers["Location"]) == (302, missing.headers["Location"])
    assert "Bản ghi không tồn tại." in text(editor.get(entry_of(nongdan), follow_redirects=True))
    for action in ("save", "submit", "fill"):
        response = editor.post(entry_of(nongdan),
                               data={"action": action, "version": "1", field("field_visits"): "7"})
        assert response.status_code == 302 and response.headers["Location"] == missing.headers["Location"]
    assert stored("NONGDAN") == {} and QuarterlyReport.get_by_id(nongdan.id).status == "draft"

    # Forging the unit in the address does not create a report for it either.
    forged = editor.post(grid_url("NONGDAN", quarter=2), data={"action": "save", "version": "0",
                                                              field("field_visits"): "7"})
    nowhere = editor.post("/admin/quarterlyreport/entry/?org=999999&year=2024&quarter=2",
                          data={"action": "save", "version": "0", field("field_visits"): "7"})
    assert forged.status_code == nowhere.status_code == 302
    assert forged.headers["Location"] == nowhere.headers["Location"]
    assert editor.get(grid_url("CCB")).headers["Location"] == missing.headers["Location"]
    assert QuarterlyReport.select().count() == 2 and stored("NONGDAN") == {}  # with PHUNU's Quý I
    # Nor does the list or the details page show it.
    assert "NONGDAN" not in text(editor.get("/admin/quarterlyreport/"))
    assert editor.get(f"/admin/quarterlyreport/details/?id={nongdan.id}").status_code == 302


@pytest.mark.parametrize("role, org", [("viewer", None), ("viewer", "PHUNU"), ("secretariat", None)])
def test_readers_change_no_figures(login, submitted, role, org):
    reader = login(f"bt_{role}_{org}", role=role, org=org)
    page = text(reader.get(entry_of(submitted)))
    assert "Bạn chỉ có quyền xem số liệu của báo cáo này." in page and not editable(page)
    page = text(post_grid(reader, entry_of(submitted), action="submit", version=str(submitted.version),
                          field_visits="1", members_new="1"))
    assert "Bạn chỉ có quyền xem số liệu của báo cáo này." in page
    page = text(post_grid(reader, grid_url("NONGDAN"), version="0", field_visits="1"))
    assert QuarterlyReport.select().count() == 2  # Quý I's and PHUNU's: nothing new
    assert stored() == {"field_visits": 23, "members_new": 1548}
    if role == "viewer":
        assert 'value="approve"' not in text(reader.get(entry_of(submitted)))
        approve(reader, submitted, version=submitted.version)
        assert report_of().status == "submitted"


def test_flask_admins_own_create_and_edit_are_off_but_details_stay(submitted, login):
    admin = login("bt_quantri")
    assert admin.get("/admin/quarterlyreport/new/").status_code == 302
    assert admin.get(f"/admin/quarterlyreport/edit/?id={submitted.id}").status_code == 302
    details = text(admin.get(f"/admin/quarterlyreport/details/?id={submitted.id}"))
    assert "Lượt đi cơ sở" in details and "1.548" in details
    assert f"entry/?id={submitted.id}" in details
    listing = text(admin.get("/admin/quarterlyreport/"))
    assert f"entry/?id={submitted.id}" in listing and "Nộp muộn" in listing
    assert "Nhập báo cáo" in listing


def test_the_submission_overview_shows_late_and_missing_units(login, quarter):
    on_time = datetime.datetime(2024, 7, 10, 8, 0)
    late = datetime.datetime(2024, 7, 20, 8, 0)
    QuarterlyReport.create(organisation=unit("PHUNU"), period=quarter, status="approved",
                           submitted_at=on_time, approved_at=late)
    QuarterlyReport.create(organisation=unit("NONGDAN"), period=quarter, status="submitted", submitted_at=late)
    QuarterlyReport.create(organisation=unit("CCB"), period=quarter, status="draft")
    office = login("bt_vanphong", role="secretariat")
    page = text(office.get("/admin/quarterlyreport/submissions/"))
    assert "Tình hình nộp báo cáo Quý II/2024" in page
    assert "Đã gửi 2/6 đơn vị · nộp muộn 1 · chưa gửi 4 (quá hạn 4)" in page

    def row(code):
        return re.search(rf'<tr id="unit-{code}">.*?</tr>', page, re.S).group(0)

    assert "Đúng hạn" in row("PHUNU") and "Đã duyệt" in row("PHUNU")
    assert "Nộp muộn" in row("NONGDAN")
    assert "Bản nháp, chưa gửi" in row("CCB") and "Quá hạn, chưa gửi" in row("CCB")
    assert "Chưa có báo cáo" in row("MTTQ") and "Quá hạn, chưa gửi" in row("MTTQ")

    # Before the deadline nothing is overdue yet.
    ReportingPeriod.update(deadline=datetime.date.today() + datetime.timedelta(days=5)).execute()
    page = text(office.get(f"/admin/quarterlyreport/submissions/?period={quarter.id}"))
    assert "(quá hạn" not in page and "Chưa đến hạn" in page


def test_an_editor_sees_only_its_section_in_the_overview(login, quarter):
    QuarterlyReport.create(organisation=unit("NONGDAN"), period=quarter, status="submitted",
                           submitted_at=datetime.datetime(2024, 7, 1))
    editor = login("bt_phunu", role="editor", org="PHUNU")
    page = text(editor.get("/admin/quarterlyreport/submissions/"))
    assert '<tr id="unit-PHUNU">' in page and "NONGDAN" not in page and "unit-MTTQ" not in page
    missing = editor.get("/admin/quarterlyreport/submissions/?parent=999999")
    forged = editor.get(f"/admin/quarterlyreport/submissions/?parent={unit('KHOI').id}")
    assert forged.status_code == missing.status_code == 302
    assert forged.headers["Location"] == missing.headers["Location"]


def down_links(page):
    """{unit name: href} of the overview's rows that lead to the units below them."""
    return {name: href for href, name in
            re.findall(r'<a href="([^"]+)" title="Xem các đơn vị trực thuộc">([^<]+)</a>', page)}


def trail(page):
    """[(unit name, href)] of the overview's way back up, top first."""
    found = re.search(r'<ol class="breadcrumb[^"]*" id="trail">(.*?)</ol>', page, re.S)
    return [(name, href) for href, name in re.findall(r'<a href="([^"]+)">([^<]+)</a>', found.group(1))]


def test_the_overview_goes_down_the_tree_by_its_rows_and_back_by_its_trail(login, quarter):
    from models import Organisation
    huyen = Organisation.create(code="PHUNU-H1", name="Hội Phụ nữ huyện Một", kind="phunu", level="huyen",
                                parent=unit("PHUNU"))
    xa = Organisation.create(code="PHUNU-X1", name="Hội Phụ nữ xã Một", kind="phunu", level="xa", parent=huyen)
    Organisation.create(code="PHUNU-C1", name="Chi hội Một", kind="phunu", level="chi_hoi", parent=xa)
    QuarterlyReport.create(organisation=xa, period=quarter, status="submitted",
                           submitted_at=datetime.datetime(2024, 7, 1, 8, 0))
    office = login("bt_vanphong", role="secretariat")
    overview = f"/admin/quarterlyreport/submissions/?period={quarter.id}"

    page = text(office.get(overview))
    # The bloc's units: the one with units below leads down; no list of every unit in the province.
    assert down_links(page) == {"Hội Liên hiệp Phụ nữ tỉnh": f"{overview}&parent={unit('PHUNU').id}"}
    assert "PHUNU-H1" not in page and "<option" not in page.split('id="period"')[1].split("</select>")[1]

    page = text(office.get(down_links(page)["Hội Liên hiệp Phụ nữ tỉnh"]))
    assert down_links(page) == {"Hội Phụ nữ huyện Một": f"{overview}&parent={huyen.id}"}
    page = text(office.get(down_links(page)["Hội Phụ nữ huyện Một"]))
    assert [name for name, _ in trail(page)] == [unit("KHOI").name, "Hội Liên hiệp Phụ nữ tỉnh"]
    assert "Đã gửi 1/2 đơn vị" in page  # the district itself and its commune
    row = re.search(r'<tr id="unit-PHUNU-X1">.*?</tr>', page, re.S).group(0)
    assert "Đã gửi, chờ duyệt" in row and "Hội Phụ nữ xã Một" in down_links(row)
    # Choosing another quarter keeps the unit.
    assert f'name="parent" value="{huyen.id}"' in page

    page = text(office.get(trail(page)[0][1]))
    assert down_links(page) == {"Hội Liên hiệp Phụ nữ tỉnh": f"{overview}&parent={unit('PHUNU').id}"}


def test_an_editor_s_trail_stops_at_its_own_section(login, quarter):
    from models import Organisation
    huyen = Organisation.create(code="PHUNU-H1", name="Hội Phụ nữ huyện Một", kind="phunu", level="huyen",
                                parent=unit("PHUNU"))
    Organisation.create(code="PHUNU-X1", name="Hội Phụ nữ xã Một", kind="phunu", level="xa", parent=huyen)
    editor = login("bt_huyen", role="editor", org="PHUNU-H1")
    page = text(editor.get(f"/admin/quarterlyreport/submissions/?period={quarter.id}&parent={huyen.id}"))
    assert trail(page) == [] and "Hội Liên hiệp Phụ nữ tỉnh" not in page
    assert '<tr id="unit-PHUNU-X1">' in page
    # A unit above its section, asked for by hand, answers as one that does not exist.
    above = editor.get(f"/admin/quarterlyreport/submissions/?period={quarter.id}&parent={unit('PHUNU').id}")
    missing = editor.get(f"/admin/quarterlyreport/submissions/?period={quarter.id}&parent=999999")
    assert above.status_code == missing.status_code == 302
    assert above.headers["Location"] == missing.headers["Location"]


def test_the_secretariat_opens_and_closes_quarters_and_editors_cannot(login, quarter):
    editor = login("bt_phunu", role="editor", org="PHUNU")
    editor.post("/admin/reportingperiod/new/", data={"year": "2024", "quarter": "3", "status": "open"})
    assert ReportingPeriod.find(2024, 3) is None
    editor.post(f"/admin/reportingperiod/edit/?id={quarter.id}",
                data={"year": "2024", "quarter": "2", "status": "closed", "version": str(quarter.version)})
    assert ReportingPeriod.get_by_id(quarter.id).is_open

    office = login("bt_vanphong", role="secretariat")
    page = text(office.post("/admin/reportingperiod/new/", follow_redirects=True, data={
        "year": "2024", "quarter": "3", "deadline": "15/10/2024", "status": "open"}))
    assert "Đã thêm bản ghi" in page and ReportingPeriod.find(2024, 3).is_open
    listing = text(office.get("/admin/reportingperiod/"))
    assert f"submissions/?period={quarter.id}" in listing
    office.post(f"/admin/reportingperiod/edit/?id={quarter.id}", data={
        "year": "2024", "quarter": "2", "deadline": "15/07/2024", "status": "closed",
        "version": str(quarter.version)})
    assert not ReportingPeriod.get_by_id(quarter.id).is_open


def test_a_closed_quarter_freezes_its_drafts_but_approval_goes_on(submitted, login, phunu, quarter):
    post_grid(phunu, grid_url(year=2024, quarter=2), action="submit", field_visits="23", members_new="1.548")
    ReportingPeriod.update(status="closed").where(ReportingPeriod.id == quarter.id).execute()
    page = text(phunu.get(entry_of(submitted)))
    assert "Kỳ báo cáo Quý II/2024 đã khoá: không sửa hay gửi báo cáo được nữa." in page
    assert not editable(page)
    page = text(post_grid(phunu, entry_of(submitted), action="save", version=str(report_of().version),
                          field_visits="1", members_new="1"))
    assert "đã khoá" in page and report_of().status == "submitted" and stored()["field_visits"] == 23

    office = login("bt_vanphong", role="secretariat")
    assert "Đã duyệt báo cáo" in approve(office, submitted)
