"""The small gaps of issue 13, used through the real pages as each role:
the secretariat sends a submitted report back with a reason; a report sent
back or reopened is no longer "Đã gửi" and its next submission decides
whether it was late; each directive shows each unit's deadline and standing,
the late units, and an editor's home page lists its own duties."""
import datetime
import json
import re

import pytest

from models import (
    Directive, DirectiveAssignment, ImplementationReport, QuarterlyReport, ReportingPeriod,
    Webhook, WebhookDelivery, db,
)
from portal import migrate
from tests.test_api_auth import issue
from tests.test_api_reports import headers, url
from tests.test_report_entry import (  # noqa: F401  (fixtures used by name)
    audit_entries, grid_url, phunu, post_grid, quarter, report_of, stored, text, unit, version_on,
)
from tests.test_report_workflow import approve, editable, entry_of, reopen

D = datetime.date
REASON = "Số hội viên giảm chưa khớp với danh sách thôi sinh hoạt"
OVERVIEW = "/admin/quarterlyreport/submissions/"


def send_back(client, report, reason, version=None):
    """Press "Trả lại cho đơn vị sửa" on the report's page as it shows now (or at `version`)."""
    if version is None:
        version = version_on(text(client.get(entry_of(report))))
    return text(client.post(entry_of(report), data={"action": "send_back", "version": str(version),
                                                     "reason": reason}, follow_redirects=True))


def row(page, code):
    return re.search(rf'<tr id="unit-{code}">.*?</tr>', page, re.S).group(0)


def summary(page):
    return re.search(r'<span id="summary">(.*?)</span>', page, re.S).group(1)


@pytest.fixture
def submitted(phunu):
    """PHUNU's Quý II/2024 report, filled in and sent by its editor."""
    page = text(post_grid(phunu, grid_url(), action="submit", field_visits="23", members_new="1.548"))
    assert "Đã gửi báo cáo PHUNU – Quý II/2024" in page
    return report_of()


def as_office(login):
    """The one test client, signed in as the secretariat (from now on)."""
    return login("bt_vanphong", role="secretariat")


def as_phunu(login):
    return login("bt_phunu", role="editor", org="PHUNU")


def sent_on(report, when):
    """As if the report had been sent at `when` (the tests cannot wait for a deadline)."""
    QuarterlyReport.update(submitted_at=when).where(QuarterlyReport.id == report.id).execute()


def set_deadline(day):
    ReportingPeriod.update(deadline=day).where(ReportingPeriod.year == 2024, ReportingPeriod.quarter == 2).execute()


# --- sending back -------------------------------------------------------------------

def test_the_secretariat_sends_a_submitted_report_back_with_a_reason(submitted, login):
    office = as_office(login)
    page = text(office.get(entry_of(submitted)))
    assert 'value="send_back"' in page and "Lý do trả lại (bắt buộc)" in page
    assert "Đã gửi 1/6 đơn vị" in summary(text(office.get(OVERVIEW)))

    page = send_back(office, submitted, "   ")
    assert "Cần ghi lý do trả lại báo cáo để đơn vị biết cần sửa gì." in page
    assert report_of().status == "submitted" and report_of().version == submitted.version

    page = send_back(office, submitted, "x" * 2001)
    assert "Lý do dài quá: tối đa 2.000 ký tự." in page and report_of().status == "submitted"

    page = send_back(office, submitted, REASON)
    assert "Đã trả lại báo cáo PHUNU – Quý II/2024 cho đơn vị sửa" in page
    report = report_of()
    assert (report.status, report.submitted_at, report.return_reason) == ("draft", None, REASON)
    assert report.returned_at is not None and stored() == {"field_visits": 23, "members_new": 1548}
    entry = audit_entries("status")[-1]
    assert json.loads(entry.changes) == {"status": ["Đã gửi", "Bản nháp"], "ly_do": REASON}
    assert entry.username == "bt_vanphong"
    # No longer sent: the overview counts it with the units still to send.
    page = text(office.get(OVERVIEW))
    assert "Đã gửi 0/6 đơn vị" in summary(page)
    assert "Bị trả lại, chưa gửi lại" in row(page, "PHUNU") and REASON in row(page, "PHUNU")
    assert "Quá hạn, chưa gửi" in row(page, "PHUNU") and "Trả lại" not in row(page, "NONGDAN")

    # The editor sees why on the grid, the details page and the list, and can correct it.
    editor = as_phunu(login)
    page = text(editor.get(entry_of(report)))
    assert "Văn phòng Khối đã trả lại báo cáo này" in page and f"Lý do: <strong>{REASON}</strong>" in page
    assert "Bị trả lại, chưa gửi lại" in page and editable(page)
    details = text(editor.get(f"/admin/quarterlyreport/details/?id={report.id}"))
    assert "Lý do trả lại" in details and REASON in details
    listing = text(editor.get("/admin/quarterlyreport/"))
    assert "Bị trả lại" in listing and f"Lý do: {REASON}" in listing
    post_grid(editor, entry_of(report), action="submit", field_visits="23", members_new="1.550")
    again = report_of()
    assert (again.status, again.return_reason, again.returned_at) == ("submitted", None, None)
    assert again.submitted_at is not None and stored()["members_new"] == 1550
    assert "Văn phòng Khối đã trả lại" not in text(editor.get(entry_of(report)))


def test_the_overview_offers_send_back_to_the_secretariat_only(submitted, login):
    office = as_office(login)
    page = text(office.get(OVERVIEW))
    assert 'value="send_back"' in row(page, "PHUNU") and 'value="send_back"' not in row(page, "NONGDAN")
    # Its form posts to the report's own page, with the version it showed.
    form = re.search(r'<form method="post" action="([^"]+)"', row(page, "PHUNU")).group(1)
    assert form == entry_of(submitted)
    for reader in (login("bt_phunu", role="editor", org="PHUNU"), login("bt_xem", role="viewer")):
        assert 'value="send_back"' not in text(reader.get(OVERVIEW))


@pytest.mark.parametrize("role, org", [("editor", "PHUNU"), ("viewer", None), ("viewer", "PHUNU")])
def test_an_editor_or_viewer_cannot_send_back(submitted, login, role, org):
    user = login(f"bt_{role}_{org}", role=role, org=org)
    page = text(user.get(entry_of(submitted)))
    assert 'value="send_back"' not in page
    page = send_back(user, submitted, "Tự trả lại", version=submitted.version)
    assert "Chỉ văn phòng Khối trả lại báo cáo." in page
    report = report_of()
    assert (report.status, report.version, report.return_reason) == ("submitted", submitted.version, None)
    assert [e for e in audit_entries("status") if "ly_do" in e.changes] == []


def test_only_a_submitted_report_is_sent_back(phunu, login):
    post_grid(phunu, grid_url(), action="save", field_visits="5")
    draft = report_of()
    page = send_back(as_office(login), draft, REASON, version=draft.version)
    assert "Chỉ trả lại được báo cáo đã gửi, đang chờ duyệt." in page and report_of().return_reason is None
    post_grid(as_phunu(login), entry_of(draft), action="submit", field_visits="5")
    office = as_office(login)
    approve(office, report_of())
    approved = report_of()
    page = text(office.get(entry_of(approved)))
    assert 'value="send_back"' not in page and 'value="reopen"' in page
    page = send_back(office, approved, REASON, version=approved.version)
    assert "Chỉ trả lại được báo cáo đã gửi" in page and report_of().status == "approved"


def test_forged_and_foreign_report_ids_change_nothing(submitted, login, quarter):
    office = as_office(login)
    theirs = QuarterlyReport.create(organisation=unit("NONGDAN"), period=quarter, status="submitted",
                                    submitted_at=datetime.datetime(2024, 7, 1, 8, 0))
    missing = office.post("/admin/quarterlyreport/entry/?id=999999",
                          data={"action": "send_back", "version": "1", "reason": REASON})
    garbage = office.post("/admin/quarterlyreport/entry/?id=abc",
                          data={"action": "send_back", "version": "1", "reason": REASON})
    assert missing.status_code == garbage.status_code == 302
    editor = login("bt_phunu", role="editor", org="PHUNU")
    foreign = editor.post(entry_of(theirs), data={"action": "send_back", "version": str(theirs.version),
                                                  "reason": REASON})
    assert (foreign.status_code, foreign.headers["Location"]) == (302, missing.headers["Location"])
    fresh = QuarterlyReport.get_by_id(theirs.id)
    assert (fresh.status, fresh.version, fresh.return_reason) == ("submitted", theirs.version, None)
    assert report_of().status == "submitted"


def test_a_stale_send_back_and_one_without_csrf_change_nothing(submitted, login, app):
    seen = version_on(text(as_office(login).get(entry_of(submitted))))
    post_grid(as_phunu(login), entry_of(submitted), action="submit", field_visits="30", members_new="1.548")
    office = as_office(login)
    page = send_back(office, submitted, REASON, version=seen)
    assert "vừa được người khác sửa" in page
    assert (report_of().status, report_of().return_reason) == ("submitted", None)

    app.config["WTF_CSRF_ENABLED"] = True
    try:
        response = office.post(entry_of(submitted), data={"action": "send_back", "reason": REASON,
                                                          "version": str(report_of().version)})
        assert response.status_code == 400
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert report_of().status == "submitted"


def test_a_closed_quarter_is_not_sent_back(submitted, login, quarter):
    office = as_office(login)
    ReportingPeriod.update(status="closed").where(ReportingPeriod.id == quarter.id).execute()
    page = send_back(office, submitted, REASON)
    assert "Kỳ báo cáo Quý II/2024 đã khoá: đơn vị không sửa được báo cáo bị trả lại." in page
    assert report_of().status == "submitted"


def test_sending_back_tells_the_webhooks_as_a_reopening_with_the_reason(submitted, login):
    Webhook.create(url="https://bang-dieu-khien.example/hooks/", events="report.reopened")
    send_back(as_office(login), submitted, REASON)
    (delivery,) = WebhookDelivery.select()
    payload = json.loads(delivery.payload)
    assert delivery.event == "report.reopened" and payload["data"]["reason"] == REASON
    assert payload["data"]["report"]["status"] == "draft" and payload["data"]["report"]["submitted_at"] is None


# --- sent means sent now ------------------------------------------------------------

def test_a_report_sent_on_time_then_sent_back_is_late_when_sent_again_after_the_deadline(submitted, login):
    sent_on(submitted, datetime.datetime(2024, 7, 10, 9, 0))  # before 15/07/2024
    office = as_office(login)
    page = text(office.get(OVERVIEW))
    assert "Đúng hạn" in row(page, "PHUNU") and "nộp muộn 0" in summary(page)
    send_back(office, submitted, REASON)
    page = text(office.get(OVERVIEW))
    assert "Quá hạn, chưa gửi" in row(page, "PHUNU") and "Đúng hạn" not in row(page, "PHUNU")
    # Sent again today, long after 15/07/2024: late, whatever the first sending was.
    phunu = as_phunu(login)
    post_grid(phunu, entry_of(submitted), action="submit", field_visits="23", members_new="1.548")
    assert report_of().submitted_at.date() == datetime.date.today()
    assert '<span class="badge badge-danger late">Nộp muộn</span>' in text(phunu.get(entry_of(submitted)))
    page = text(as_office(login).get(OVERVIEW))
    assert "Nộp muộn" in row(page, "PHUNU") and "Đã gửi 1/6 đơn vị · nộp muộn 1" in summary(page)


def test_a_report_sent_late_then_sent_back_is_on_time_when_sent_again_within_a_new_deadline(submitted, login):
    sent_on(submitted, datetime.datetime(2024, 7, 20, 9, 0))  # after 15/07/2024
    office = as_office(login)
    approve(office, submitted)
    assert "Nộp muộn" in row(text(office.get(OVERVIEW)), "PHUNU")
    reopen(office, report_of(), REASON)
    assert "Đã gửi 0/6" in summary(text(office.get(OVERVIEW)))
    set_deadline(datetime.date.today() + datetime.timedelta(days=5))  # the secretariat gave more time
    post_grid(as_phunu(login), entry_of(submitted), action="submit", field_visits="23", members_new="1.548")
    office = as_office(login)
    page = text(office.get(OVERVIEW))
    assert "Đúng hạn" in row(page, "PHUNU") and "Đã gửi 1/6 đơn vị · nộp muộn 0" in summary(page)
    assert "Nộp muộn" not in text(office.get("/admin/quarterlyreport/"))


def test_withdrawing_a_submitted_report_unsends_it_but_a_correction_keeps_the_first_sending(submitted, phunu):
    first = submitted.submitted_at
    post_grid(phunu, entry_of(submitted), action="submit", field_visits="24", members_new="1.548")
    assert report_of().submitted_at == first  # still waiting: a correction is not a new sending
    post_grid(phunu, entry_of(submitted), action="save", field_visits="25", members_new="1.548")
    assert (report_of().status, report_of().submitted_at) == ("draft", None)


def test_the_home_page_lists_a_sent_back_report_with_its_reason_to_its_own_editor(login, app):
    year, number = datetime.date.today().year, (datetime.date.today().month - 1) // 3 + 1
    period = ReportingPeriod.create(year=year, quarter=number, deadline=datetime.date.today() + datetime.timedelta(days=9))
    for code in ("PHUNU", "NONGDAN"):
        QuarterlyReport.create(organisation=unit(code), period=period, status="submitted",
                               submitted_at=datetime.datetime.now())
    office = login("bt_vanphong", role="secretariat")
    send_back(office, QuarterlyReport.find(unit("PHUNU").id, year, number), REASON)
    home = text(login("bt_phunu", role="editor", org="PHUNU").get("/admin/"))
    returned = re.search(rf'<ul id="returned-{period.id}">(.*?)</ul>', home, re.S).group(1)
    assert "(PHUNU)" in returned and REASON in returned
    home = text(login("bt_nongdan", role="editor", org="NONGDAN").get("/admin/"))
    assert f'id="returned-{period.id}"' not in home and REASON not in home


# --- the API ------------------------------------------------------------------------

def test_the_api_sends_back_with_the_same_rights_and_words(submitted, app, make_user, client):
    office = issue(app, make_user, "api_vanphong", "secretariat")
    editor = issue(app, make_user, "api_phunu", "editor", "PHUNU")
    etag = f'"{submitted.version}"'
    assert client.post(url(submitted, "send-back"), json={"reason": REASON},
                       headers=headers(office)).status_code == 428
    refused = client.post(url(submitted, "send-back"), json={"reason": REASON}, headers=headers(editor, etag))
    assert refused.status_code == 403 and refused.json["message"] == "Chỉ văn phòng Khối trả lại báo cáo."
    blank = client.post(url(submitted, "send-back"), json={"reason": " "}, headers=headers(office, etag))
    assert blank.status_code == 422
    assert blank.json["message"] == "Cần ghi lý do trả lại báo cáo để đơn vị biết cần sửa gì."
    stale = client.post(url(submitted, "send-back"), json={"reason": REASON}, headers=headers(office, '"99"'))
    assert stale.status_code == 412 and report_of().status == "submitted"
    done = client.post(url(submitted, "send-back"), json={"reason": REASON}, headers=headers(office, etag))
    assert done.status_code == 200, done.json
    assert (done.json["status"], done.json["submitted_at"], done.json["return_reason"]) == ("draft", None, REASON)
    assert done.headers["ETag"] == f'"{submitted.version + 1}"'
    # The unit reads why, through its own token.
    read = client.get(url(submitted), headers=headers(editor))
    assert read.json["return_reason"] == REASON and read.json["editable"] is True
    again = client.post(url(submitted, "send-back"), json={"reason": REASON},
                        headers=headers(office, done.headers["ETag"]))
    assert again.status_code == 422 and again.json["message"] == "Chỉ trả lại được báo cáo đã gửi, đang chờ duyệt."


# --- the migration ------------------------------------------------------------------

def test_0016_unsends_drafts_that_kept_a_first_submission(app, quarter):
    rolled_back = migrate.runner().down("0016_report_returns")
    assert rolled_back[-1] == "0016_report_returns"
    mark, first = db.param, datetime.datetime(2024, 7, 10, 9, 0)
    rows = {"PHUNU": "draft", "NONGDAN": "draft", "CCB": "submitted", "LDLD": "draft"}
    ids = {}
    for code, status in rows.items():
        sent = None if code == "LDLD" else first
        db.execute_sql(f"INSERT INTO quarterly_report (organisation_id, period_id, status, submitted_at, version) "
                       f"VALUES ({mark}, {mark}, {mark}, {mark}, 2)", (unit(code).id, quarter.id, status, sent))
        ids[code] = QuarterlyReport.select(QuarterlyReport.id).where(
            QuarterlyReport.organisation == unit(code).id, QuarterlyReport.period == quarter.id).scalar()
    # PHUNU's was reopened by the secretariat (with a reason); NONGDAN withdrew its own.
    for code, changes in (("PHUNU", {"status": ["Đã duyệt (khoá)", "Bản nháp"], "ly_do": REASON}),
                          ("NONGDAN", {"status": ["Đã gửi", "Bản nháp"]})):
        # The trail as it was at 0015: later migrations add columns the model knows.
        db.execute_sql(f"INSERT INTO audit_log (at, username, address, action, record_table, record_id, "
                       f"record_label, via, changes) VALUES ({mark}, '', '', 'status', 'quarterly_report', "
                       f"{mark}, '', '', {mark})", (first, ids[code], json.dumps(changes, ensure_ascii=False)))
    assert migrate.upgrade() == rolled_back[::-1]
    found = {code: QuarterlyReport.get_by_id(pk) for code, pk in ids.items()}
    assert (found["PHUNU"].submitted_at, found["PHUNU"].return_reason) == (None, REASON)
    assert found["PHUNU"].returned_at is not None and found["PHUNU"].is_returned
    assert (found["NONGDAN"].submitted_at, found["NONGDAN"].return_reason) == (None, None)
    assert found["CCB"].submitted_at == first and found["CCB"].return_reason is None
    assert found["LDLD"].submitted_at is None


# --- directives ---------------------------------------------------------------------

@pytest.fixture
def directive(app):
    """11-CT/TU assigned to five units: PHUNU overdue, NONGDAN answered on
    time, LDLD answered late, CCB not yet due, DOAN yearly (answered this year)."""
    made = Directive.create(number="11-CT/TU", kind="Chỉ thị", issuer="Tỉnh ủy", issued_on=D(2023, 12, 5),
                            title="Về tăng cường công tác dân vận trong vùng đồng bào dân tộc thiểu số")
    past, future = datetime.date.today() - datetime.timedelta(days=20), datetime.date.today() + datetime.timedelta(days=12)
    for code, deadline, recurrence in (("PHUNU", past, "once"), ("NONGDAN", past, "once"),
                                       ("LDLD", past, "once"), ("CCB", future, "once"),
                                       ("DOAN", datetime.date.today() - datetime.timedelta(days=400), "yearly")):
        DirectiveAssignment.create(directive=made, organisation=unit(code), deadline=deadline,
                                   recurrence=recurrence)
    for code, day in (("NONGDAN", past - datetime.timedelta(days=3)), ("LDLD", past + datetime.timedelta(days=4)),
                      ("DOAN", datetime.date.today() - datetime.timedelta(days=40))):
        ImplementationReport.create(directive=made, organisation=unit(code), reported_on=day,
                                    content="Đã quán triệt đến các chi hội", status="in_progress")
    return made


def standings_on(page, directive):
    table = re.search(rf'<table[^>]*id="standings-{directive.id}">(.*?)</table>', page, re.S).group(1)
    return dict(re.findall(r'<tr data-unit="(\w+)" data-state="(\w+)">', table))


def test_a_directive_shows_each_units_deadline_standing_and_the_late_units(directive, login):
    office = as_office(login)
    page = text(office.get(f"/admin/directive/details/?id={directive.id}"))
    assert standings_on(page, directive) == {"PHUNU": "overdue", "NONGDAN": "reported", "LDLD": "reported_late",
                                             "CCB": "pending", "DOAN": "pending"}
    past = (datetime.date.today() - datetime.timedelta(days=20)).strftime("%d/%m/%Y")
    phunu_row = re.search(r'<tr data-unit="PHUNU".*?</tr>', page, re.S).group(0)
    assert past in phunu_row and "Quá hạn 20 ngày, chưa báo cáo" in phunu_row
    assert "Chưa đến hạn, còn 12 ngày" in page
    late = re.search(r'<p class="mb-1" id="late-units">(.*?)</p>', page, re.S).group(1)
    assert "Đơn vị chậm báo cáo (1)" in late and "(PHUNU)" in late and "NONGDAN" not in late
    # The overdue unit comes first.
    assert list(standings_on(page, directive))[0] == "PHUNU"

    # A report from PHUNU takes it off the late list.
    ImplementationReport.create(directive=directive, organisation=unit("PHUNU"), reported_on=datetime.date.today(),
                                content="Đã triển khai", status="in_progress")
    page = text(office.get(f"/admin/directive/details/?id={directive.id}"))
    assert standings_on(page, directive)["PHUNU"] == "reported_late"
    assert "Không có đơn vị nào quá hạn báo cáo." in page


def test_the_late_page_lists_overdue_units_within_the_users_section(directive, login):
    office = as_office(login)
    page = text(office.get("/admin/directive/late/"))
    table = re.search(r'<table[^>]*id="late-units">(.*?)</table>', page, re.S).group(1)
    assert re.findall(r'data-unit="(\w+)"', table) == ["PHUNU"] and "11-CT/TU" in table
    assert "20 ngày" in table
    assert 'id="late-link"' in text(office.get("/admin/directive/"))
    page = text(login("bt_phunu", role="editor", org="PHUNU").get("/admin/directive/late/"))
    assert 'data-unit="PHUNU"' in page
    page = text(login("bt_nongdan", role="editor", org="NONGDAN").get("/admin/directive/late/"))
    assert 'data-unit="PHUNU"' not in page and "Không có đơn vị nào chậm báo cáo." in page


def test_an_editor_sees_only_its_sections_standings_on_a_directive(directive, login):
    editor = login("bt_phunu", role="editor", org="PHUNU")
    page = text(editor.get(f"/admin/directive/details/?id={directive.id}"))
    assert standings_on(page, directive) == {"PHUNU": "overdue"}
    for other in ("NONGDAN", "LDLD", "CCB", "Hội Nông dân"):
        assert other not in page.split('id="standings-')[1], other
    # A unit with nothing assigned is told so, not shown the others.
    viewer = login("bt_xem_mttq", role="viewer", org="MTTQ")
    page = text(viewer.get(f"/admin/directive/details/?id={directive.id}"))
    assert "Văn bản chưa giao cho đơn vị nào trong phạm vi của bạn." in page and "PHUNU" not in page


def test_the_home_page_of_phunus_editor_lists_its_directive_deadlines_not_nongdans(directive, login):
    second = Directive.create(number="137/NQ-HĐND", kind="Nghị quyết", issuer="HĐND tỉnh",
                              issued_on=D(2019, 7, 12), title="Sắp xếp, sáp nhập thôn, tổ dân phố")
    DirectiveAssignment.create(directive=second, organisation=unit("PHUNU"),
                               deadline=datetime.date.today() + datetime.timedelta(days=3))
    DirectiveAssignment.create(directive=second, organisation=unit("NONGDAN"),
                               deadline=datetime.date.today() - datetime.timedelta(days=2))
    page = text(login("bt_phunu", role="editor", org="PHUNU").get("/admin/"))
    card = re.search(r'<section class="card mb-3" id="directive-work">(.*?)</section>', page, re.S).group(1)
    assert "Văn bản chỉ đạo được giao" in card and "1 quá hạn" in card
    rows = re.findall(r'<tr data-directive="([^"]+)" data-unit="(\w+)" data-state="(\w+)">', card)
    # Overdue first, then the nearest deadline.
    assert rows == [("11-CT/TU", "PHUNU", "overdue"), ("137/NQ-HĐND", "PHUNU", "pending")]
    assert (datetime.date.today() + datetime.timedelta(days=3)).strftime("%d/%m/%Y") in card and "còn 3 ngày" in card
    assert "NONGDAN" not in card

    page = text(login("bt_nongdan", role="editor", org="NONGDAN").get("/admin/"))
    card = re.search(r'id="directive-work">(.*?)</section>', page, re.S).group(1)
    rows = re.findall(r'data-directive="([^"]+)" data-unit="(\w+)" data-state="(\w+)"', card)
    assert rows == [("137/NQ-HĐND", "NONGDAN", "overdue"), ("11-CT/TU", "NONGDAN", "reported")]
    assert "PHUNU" not in card


def test_the_secretariats_home_page_lists_the_late_units(directive, login):
    page = text(as_office(login).get("/admin/"))
    card = re.search(r'id="directive-work">(.*?)</section>', page, re.S).group(1)
    assert "Đơn vị chậm báo cáo thực hiện văn bản chỉ đạo" in card
    assert re.findall(r'data-unit="(\w+)" data-state="(\w+)"', card) == [("PHUNU", "overdue")]


# --- where a unit stands: the rule itself ---------------------------------------------

def _standing(deadline, reported, today, recurrence="once"):
    assignment = DirectiveAssignment(deadline=deadline, recurrence=recurrence, organisation_id=1)
    reports = [ImplementationReport(reported_on=day, id=n) for n, day in enumerate(reported, 1)]
    found = assignment.standing(reports, today)
    return found.due, found.state


@pytest.mark.parametrize("deadline, reported, today, recurrence, expected", [
    (D(2024, 6, 30), [], D(2024, 6, 30), "once", (D(2024, 6, 30), "pending")),
    (D(2024, 6, 30), [], D(2024, 7, 1), "once", (D(2024, 6, 30), "overdue")),
    (D(2024, 6, 30), [D(2024, 6, 30)], D(2025, 1, 1), "once", (D(2024, 6, 30), "reported")),
    (D(2024, 6, 30), [D(2024, 7, 2), D(2024, 6, 1)], D(2025, 1, 1), "once", (D(2024, 6, 30), "reported")),
    (D(2024, 6, 30), [D(2024, 7, 2)], D(2025, 1, 1), "once", (D(2024, 6, 30), "reported_late")),
    # Yearly: before its first deadline, like a one-off.
    (D(2024, 6, 30), [], D(2024, 5, 1), "yearly", (D(2024, 6, 30), "pending")),
    # The 2024 deadline passed unanswered: overdue for it, not waiting for 2025.
    (D(2024, 6, 30), [], D(2024, 9, 1), "yearly", (D(2024, 6, 30), "overdue")),
    # Answered in 2024 on time: stands by 2025's deadline, nothing sent for it yet.
    (D(2024, 6, 30), [D(2024, 6, 20)], D(2024, 9, 1), "yearly", (D(2025, 6, 30), "pending")),
    # Answered late for 2024: that report is 2024's, 2025's is still to come.
    (D(2024, 6, 30), [D(2024, 8, 1)], D(2024, 9, 1), "yearly", (D(2025, 6, 30), "pending")),
    (D(2024, 6, 30), [D(2024, 6, 20), D(2024, 8, 1)], D(2024, 9, 1), "yearly", (D(2025, 6, 30), "reported")),
    # 2025's deadline passed and the only report is 2024's: overdue for 2025.
    (D(2024, 6, 30), [D(2024, 6, 20)], D(2025, 7, 5), "yearly", (D(2025, 6, 30), "overdue")),
    # 29/02 falls on 28/02 in a common year.
    (D(2024, 2, 29), [D(2024, 2, 1)], D(2024, 3, 10), "yearly", (D(2025, 2, 28), "pending")),
])
def test_where_a_unit_stands(deadline, reported, today, recurrence, expected):
    assert _standing(deadline, reported, today, recurrence) == expected
