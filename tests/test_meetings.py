"""Giao ban meetings through their real pages, as each role: the record and its
units, one meeting a quarter, freezing the figures as read and showing what
changed after, re-freezing only with a reason, and the tasks carried over."""
import datetime
import json
import re

import pytest
from werkzeug.datastructures import MultiDict

from models import (
    AuditLog, Meeting, MeetingUnit, Organisation, QuarterlyReport, ReportingPeriod, Task, TaskAssignment,
)
from portal.meetings import agenda, snapshot
from tests.forms import rendered_form
from tests.api_helpers import api_as
from tests.test_report_entry import (  # noqa: F401  (fixtures used by name)
    grid_url, post_grid, quarter, report_of, text, unit,
)
from tests.test_report_workflow import approve, reopen

D = datetime.date
NEW = "/admin/meeting/new/"


def details(meeting):
    return f"/admin/meeting/details/?id={meeting.id}"


def freeze_url(meeting):
    return f"/admin/meeting/freeze/?id={meeting.id}"


def meeting_form(**changes):
    data = MultiDict({
        "year": "2024", "quarter": "2", "title": "Hội nghị giao ban Khối quý II năm 2024",
        "held_on": "20/06/2024", "place": "Hội trường Tỉnh ủy", "chair": "Đ/c Phó Bí thư Thường trực",
        "attendees": "Đ/c Nguyễn Thị Hoa, Chủ tịch Hội LHPN tỉnh\r\nĐ/c Rah Lan Chung, Chủ tịch Hội ND tỉnh",
        "agenda": "Đánh giá kết quả quý II", "assessment": "Các đơn vị hoàn thành chỉ tiêu",
        "conclusions": "Tập trung phát triển hội viên", "report_number": "12/BC-KDV",
        "notice_number": "15-TB/KDV",
    })
    for key, value in changes.items():
        if isinstance(value, list):
            data.setlist(key, value)
        else:
            data[key] = value
    return data


def units_of(meeting):
    return sorted(Organisation.get_by_id(u.organisation_id).code
                  for u in MeetingUnit.select().where(MeetingUnit.meeting == meeting.id))


def ids(*codes):
    return [str(unit(code).id) for code in codes]


def as_office(login):
    return login("hn_vanphong", role="secretariat")


def as_phunu(login):
    return login("hn_phunu", role="editor", org="PHUNU")


def ticked(page):
    """The attending units a browser would send: every ticked box."""
    return re.findall(r'<input(?=[^>]*\bchecked\b)(?=[^>]*name="attending_units")[^>]*\bvalue="(\d+)"', page)


def figure(page, code, unit_code):
    """The text of one cell of the meeting's figures table."""
    row = re.search(rf'<tr data-code="{code}">.*?</tr>', page, re.S).group(0)
    cell = re.search(rf'<td class="num[^"]*" data-unit="{unit_code}">(.*?)</td>', row, re.S).group(1)
    return " ".join(re.sub(r"<[^>]+>", " ", cell).split())


@pytest.fixture
def sent(login, quarter):
    """Quý II/2024: PHUNU's and NONGDAN's reports sent by their editors."""
    post_grid(as_phunu(login), grid_url("PHUNU"), action="submit", members_new="1.548", field_visits="23")
    nongdan = login("hn_nongdan", role="editor", org="NONGDAN")
    post_grid(nongdan, grid_url("NONGDAN"), action="submit", members_new="111", field_visits="14")
    assert report_of("PHUNU").status == report_of("NONGDAN").status == "submitted"
    return quarter


@pytest.fixture
def meeting(sent, login):
    office = as_office(login)
    response = office.post(NEW, data=meeting_form(attending_units=ids("PHUNU", "NONGDAN", "MTTQ")))
    assert response.status_code == 302, text(response)[-3000:]
    return Meeting.get(Meeting.year == 2024, Meeting.quarter == 2)


def freeze(client, meeting, action="freeze", reason="", version=None):
    version = Meeting.get_by_id(meeting.id).version if version is None else version
    return text(client.post(freeze_url(meeting), data={"action": action, "reason": reason,
                                                       "version": str(version)}, follow_redirects=True))


# --- the record --------------------------------------------------------------------

def test_the_secretariat_records_a_meeting_with_its_units_in_one_audited_save(meeting, login):
    assert meeting.title == "Hội nghị giao ban Khối quý II năm 2024"
    assert meeting.held_on == D(2024, 6, 20) and meeting.snapshot is None and meeting.frozen_at is None
    assert units_of(meeting) == ["MTTQ", "NONGDAN", "PHUNU"]
    # The browser's CR LF line breaks are stored as plain line breaks.
    assert meeting.attendees == "Đ/c Nguyễn Thị Hoa, Chủ tịch Hội LHPN tỉnh\nĐ/c Rah Lan Chung, Chủ tịch Hội ND tỉnh"
    entry = AuditLog.get(AuditLog.record_table == "meeting", AuditLog.action == "create")
    assert sorted(u["organisation"] for u in json.loads(entry.changes)["units"][1]) == \
        sorted(int(i) for i in ids("PHUNU", "NONGDAN", "MTTQ"))

    office = as_office(login)
    form = text(office.get(NEW))
    # A new meeting offers the bloc's six units, all ticked; no snapshot field anywhere.
    assert form.count('name="attending_units"') == 6 and form.count("checked") >= 6
    for label in ("Thành phần dự họp", "Đơn vị dự họp", "Chương trình", "Đánh giá", "Kết luận",
                  "Số, ký hiệu báo cáo", "Số, ký hiệu thông báo kết luận", "Chủ trì", "Địa điểm"):
        assert label in form
    assert 'name="snapshot"' not in form and 'name="frozen_at"' not in form

    page = text(office.get(details(meeting)))
    assert "Hội Liên hiệp Phụ nữ tỉnh" in re.search(r'id="meeting-units">(.*?)</ul>', page, re.S).group(1)
    assert "Đ/c Nguyễn Thị Hoa, Chủ tịch Hội LHPN tỉnh<br>Đ/c Rah Lan Chung" in page

    # Unticking a unit and ticking another: one save, audited with the units.
    edit = f"/admin/meeting/edit/?id={meeting.id}"
    office.post(edit, data=meeting_form(attending_units=ids("PHUNU", "CCB"), version=str(meeting.version)))
    assert units_of(meeting) == ["CCB", "PHUNU"]
    entry = AuditLog.select().where(AuditLog.record_table == "meeting", AuditLog.action == "update").get()
    assert "units" in json.loads(entry.changes)


@pytest.mark.parametrize("username, role", [("quantri", "admin"), ("hn_vanphong", "secretariat")])
def test_the_edit_form_saved_unchanged_as_each_writer_changes_nothing(meeting, login, username, role):
    client = login(username, role=role)
    before, units = Meeting.get_by_id(meeting.id).__data__.copy(), units_of(meeting)
    page = text(client.get(f"/admin/meeting/edit/?id={meeting.id}"))
    fields = MultiDict(rendered_form(page))
    # A browser sends every ticked box (the parser keeps one value per name).
    fields.setlist("attending_units", ticked(page))
    response = client.post(f"/admin/meeting/edit/?id={meeting.id}", data=fields)
    assert response.status_code == 302, text(response)[-2000:]
    after = Meeting.get_by_id(meeting.id).__data__.copy()
    assert after.pop("version") == before.pop("version") + 1
    assert after == before and units_of(meeting) == units


@pytest.mark.parametrize("role, org", [("editor", "PHUNU"), ("viewer", None), ("viewer", "PHUNU")])
def test_editors_and_viewers_read_meetings_but_cannot_write_or_freeze_them(meeting, login, role, org):
    client = login(f"hn_{role}_{org}", role=role, org=org)
    assert client.get("/admin/meeting/").status_code == 200
    page = text(client.get(details(meeting)))
    assert meeting.title in page and 'id="freeze-form"' not in page
    before = Meeting.get_by_id(meeting.id).__data__.copy()
    client.post(f"/admin/meeting/edit/?id={meeting.id}",
                data=meeting_form(title="Sửa trái phép", version=str(meeting.version)))
    client.post(NEW, data=meeting_form(year="2024", quarter="3", title="Thêm trái phép"))
    client.post("/admin/meeting/delete/", data={"id": meeting.id})
    assert client.post(freeze_url(meeting), data={"action": "freeze", "version": "1"}).status_code == 403
    assert Meeting.get_by_id(meeting.id).__data__ == before
    assert Meeting.select().count() == 1 and units_of(meeting) == ["MTTQ", "NONGDAN", "PHUNU"]


def test_a_second_meeting_for_the_same_quarter_is_refused_in_vietnamese(meeting, login):
    office = as_office(login)
    page = text(office.post(NEW, data=meeting_form(title="Giao ban lần hai"), follow_redirects=True))
    assert "Đã có hội nghị giao ban Quý II/2024" in page and "Mỗi quý chỉ có một hội nghị giao ban" in page
    assert Meeting.select().count() == 1 and MeetingUnit.select().count() == 3
    page = text(office.post(NEW, data=meeting_form(year="1999", quarter="3"), follow_redirects=True))
    assert "Năm" in page and Meeting.select().count() == 1


def test_a_forged_unit_outside_the_bloc_list_is_refused_and_nothing_is_saved(sent, login):
    office = as_office(login)
    branch = Organisation.create(code="PHUNU-X", name="Chi hội X", kind="phunu", level="chi_hoi",
                                 parent=unit("PHUNU"))
    page = text(office.post(NEW, data=meeting_form(attending_units=[str(branch.id)]), follow_redirects=True))
    assert "Đơn vị dự họp" in page and Meeting.select().count() == 0 and MeetingUnit.select().count() == 0


# --- freezing and what changed after ------------------------------------------------

def test_before_freezing_the_page_shows_the_live_totals_marked_not_frozen(meeting, login):
    office = as_office(login)
    page = text(office.get(details(meeting)))
    assert "Chưa chốt số liệu." in page and 'id="freeze-form"' in page
    assert figure(page, "members_new", "PHUNU") == "1.548"
    assert figure(page, "members_new", "TOTAL") == "1.659"
    missing = re.search(r'<div class="mt-1" id="missing-units">(.*?)</div>', page, re.S).group(1)
    assert "Tỉnh đoàn" in missing and "Hội Liên hiệp Phụ nữ tỉnh" not in missing
    # An editor sees its own unit's live figures only, and no live total.
    page = text(as_phunu(login).get(details(meeting)))
    assert figure(page, "members_new", "PHUNU") == "1.548"
    assert "111" not in figure(page, "members_new", "NONGDAN")
    assert "1.659" not in figure(page, "members_new", "TOTAL")


def test_the_snapshot_keeps_the_figures_as_read_and_shows_a_later_change_beside_them(meeting, login):
    office = as_office(login)
    approve(office, report_of("PHUNU"))
    page = freeze(office, meeting)
    assert "Đã chốt số liệu Quý II/2024" in page
    frozen = Meeting.get_by_id(meeting.id)
    data = snapshot.load(frozen)
    assert frozen.frozen_by_id is not None and frozen.frozen_at is not None
    assert [r["code"] for r in data["rows"]] == ["MTTQ", "DOAN", "PHUNU", "NONGDAN", "CCB", "LDLD"]
    assert data["total"]["members_new"] == 1659 and data["label"] == "Quý II/2024"
    assert data["indicators"][0].keys() == {"code", "label", "unit", "kind"}
    phunu_report = report_of("PHUNU")
    assert data["reports"][str(phunu_report.id)] == {
        "organisation_id": unit("PHUNU").id, "status": "approved", "version": phunu_report.version}
    entry = AuditLog.get(AuditLog.record_table == "meeting", AuditLog.action == "freeze")
    assert json.loads(entry.changes)["quy"] == "Quý II/2024" and entry.username == "hn_vanphong"
    page = text(office.get(details(meeting)))
    assert "Số liệu đã chốt tại hội nghị lúc" in page and "data-changed" not in page
    assert "Không có báo cáo nào thay đổi sau khi chốt số liệu." in page

    # After the meeting: PHUNU's report reopened, a figure corrected and sent again.
    reopen(office, phunu_report, "Sai số kết nạp mới")
    post_grid(as_phunu(login), grid_url("PHUNU"), action="submit", members_new="1.600", field_visits="23")
    assert Meeting.get_by_id(meeting.id).snapshot == frozen.snapshot  # never rewritten

    page = text(as_office(login).get(details(meeting)))
    assert figure(page, "members_new", "PHUNU") == "1.548 thay đổi sau giao ban: 1.600 (+52)"
    assert figure(page, "members_new", "TOTAL") == "1.659 thay đổi sau giao ban: 1.711 (+52)"
    assert figure(page, "members_new", "NONGDAN") == "111"
    assert figure(page, "field_visits", "PHUNU") == "23"
    changed = re.search(r'<ul id="changed-reports">(.*?)</ul>', page, re.S).group(1)
    assert f'/admin/quarterlyreport/entry/?id={phunu_report.id}' in changed
    assert "Đã duyệt (khoá) → Đã gửi" in changed and "NONGDAN" not in changed

    # NONGDAN's editor reads the figures as read, but PHUNU's change is not its to see.
    nongdan = login("hn_nongdan", role="editor", org="NONGDAN")
    page = text(nongdan.get(details(meeting)))
    assert figure(page, "members_new", "PHUNU") == "1.548" and 'id="changed-reports"' not in page


def test_a_re_freeze_needs_the_explicit_choice_and_a_reason_and_keeps_the_old_figures(meeting, login):
    office = as_office(login)
    freeze(office, meeting)
    first = Meeting.get_by_id(meeting.id)
    post_grid(login("hn_nongdan", role="editor", org="NONGDAN"), grid_url("NONGDAN"),
              action="submit", members_new="120", field_visits="14")
    office = as_office(login)
    page = freeze(office, meeting)
    assert "Số liệu đã chốt không bị ghi đè" in page
    page = freeze(office, meeting, action="refreeze", reason="   ")
    assert "Cần ghi lý do chốt lại số liệu" in page
    assert Meeting.get_by_id(meeting.id).snapshot == first.snapshot
    assert AuditLog.select().where(AuditLog.action == "freeze").count() == 1

    # A page left open before the first freeze cannot freeze over it either.
    freeze(office, meeting, action="refreeze", reason="Bổ sung số liệu Nông dân", version=first.version - 1)
    assert Meeting.get_by_id(meeting.id).snapshot == first.snapshot

    page = freeze(office, meeting, action="refreeze", reason="Bổ sung số liệu Nông dân")
    assert "Đã chốt lại số liệu Quý II/2024" in page
    assert snapshot.load(Meeting.get_by_id(meeting.id))["total"]["members_new"] == 1668
    entry = AuditLog.select().where(AuditLog.action == "freeze").order_by(AuditLog.id.desc()).get()
    changes = json.loads(entry.changes)
    assert changes["ly_do"] == "Bổ sung số liệu Nông dân"
    assert changes["so_lieu_cu"]["total"]["members_new"] == 1659


def test_freezing_needs_reports_a_csrf_token_and_then_locks_the_quarter(sent, login, app):
    office = as_office(login)
    office.post(NEW, data=meeting_form(year="2024", quarter="3", held_on="20/09/2024"))
    empty = Meeting.get(Meeting.quarter == 3)
    page = freeze(office, empty)
    assert "Chưa có báo cáo nào của Quý III/2024 đã gửi hoặc đã duyệt" in page
    stored = Meeting.get_by_id(empty.id)
    assert stored.snapshot is None and stored.version == empty.version
    # A meeting not frozen, without tasks, is deleted with its units.
    office.post("/admin/meeting/delete/", data={"id": empty.id})
    assert Meeting.get_or_none(Meeting.id == empty.id) is None and MeetingUnit.select().count() == 0

    office.post(NEW, data=meeting_form())
    meeting = Meeting.get(Meeting.quarter == 2)
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        assert office.post(freeze_url(meeting), data={"action": "freeze",
                                                      "version": str(meeting.version)}).status_code == 400
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert Meeting.get_by_id(meeting.id).snapshot is None

    freeze(office, meeting)
    frozen = Meeting.get_by_id(meeting.id)
    page = text(office.post(f"/admin/meeting/edit/?id={meeting.id}",
                            data=meeting_form(quarter="4", version=str(frozen.version),
                                              attending_units=ids("PHUNU")), follow_redirects=True))
    assert "không đổi năm, quý được nữa" in page
    assert (Meeting.get_by_id(meeting.id).quarter, units_of(meeting)) == (2, sorted(units_of(frozen)))
    # What it concluded can still be written after the meeting.
    office.post(f"/admin/meeting/edit/?id={meeting.id}",
                data=meeting_form(conclusions="Kết luận bổ sung", version=str(frozen.version)))
    assert Meeting.get_by_id(meeting.id).conclusions == "Kết luận bổ sung"
    page = text(office.post("/admin/meeting/delete/", data={"id": meeting.id}, follow_redirects=True))
    assert "số liệu đã được chốt tại hội nghị" in page and Meeting.get_or_none(Meeting.id == meeting.id)


# --- the agenda -------------------------------------------------------------------

def test_unfinished_tasks_of_earlier_meetings_go_onto_the_next_agenda_by_themselves(meeting, login):
    assign = [("PHUNU", "done", D(2024, 8, 31)), ("NONGDAN", "in_progress", D(2024, 8, 31)),
              ("CCB", "failed", D(2024, 12, 31)), ("LDLD", "not_started", D(2024, 10, 31))]
    for position, (code, status, deadline) in enumerate(assign):
        task = Task.create(meeting=meeting, position=position, title=f"Nhiệm vụ của {code}", deadline=deadline)
        TaskAssignment.create(task=task, organisation=unit(code), status=status,
                              note="Đang triển khai ở cơ sở" if code == "NONGDAN" else "")
    office = as_office(login)
    office.post(NEW, data=meeting_form(year="2024", quarter="3", held_on="25/09/2024",
                                       title="Giao ban quý III"))
    q3 = Meeting.get(Meeting.quarter == 3)
    Task.create(meeting=q3, title="Nhiệm vụ mới của quý III", deadline=D(2024, 1, 1))

    carried = agenda.carried_over(q3, today=D(2024, 9, 25))
    assert [(a.organisation.code, a.task.title) for a in carried] == [
        ("CCB", "Nhiệm vụ của CCB"), ("NONGDAN", "Nhiệm vụ của NONGDAN")]
    assert [a.overdue for a in carried] == [False, True]
    assert agenda.carried_over(meeting) == []

    page = text(office.get(details(q3)))
    section = re.search(r'<section id="carried-over".*?</section>', page, re.S).group(0)
    assert "Nhiệm vụ chuyển từ kỳ trước" in section
    assert "Nhiệm vụ của NONGDAN" in section and "Đang thực hiện" in section
    assert "Đang triển khai ở cơ sở" in section and "Không hoàn thành" in section
    assert "PHUNU" not in section and "LDLD" not in section and "quý III" not in section
    # The unit marks it done: off the agenda at once, nothing copied.
    TaskAssignment.update(status="done").where(TaskAssignment.organisation == unit("NONGDAN").id).execute()
    assert "Nhiệm vụ của NONGDAN" not in text(office.get(details(q3)))
    # A meeting whose tasks are on record is not deleted under them.
    page = text(office.post("/admin/meeting/delete/", data={"id": meeting.id}, follow_redirects=True))
    assert "còn 4 nhiệm vụ của hội nghị" in page and Meeting.get_or_none(Meeting.id == meeting.id)
    # An editor sees its own section's carried-over tasks only.
    page = text(login("hn_ccb", role="editor", org="NONGDAN").get(details(q3)))
    assert "Nhiệm vụ của CCB" not in page


# --- the API ----------------------------------------------------------------------

def test_the_api_lists_meetings_and_never_writes_the_snapshot(meeting, login, app, client, make_user):
    freeze(as_office(login), meeting)
    frozen = Meeting.get_by_id(meeting.id)
    api = api_as(app, client, make_user, "hn_api", role="secretariat")
    listed = api.get("/meetings")
    assert listed.status_code == 200 and [m["id"] for m in listed.json["data"]] == [meeting.id]
    read = api.get(f"/meetings/{meeting.id}")
    assert json.loads(read.json["snapshot"]) == snapshot.load(frozen)
    response = api.send("PATCH", f"/meetings/{meeting.id}",
                        {"snapshot": "{}", "frozen_at": None, "title": "Giao ban quý II (sửa)"},
                        if_match=read.headers["ETag"])
    assert response.status_code == 200, response.json
    stored = Meeting.get_by_id(meeting.id)
    assert stored.title == "Giao ban quý II (sửa)"
    assert (stored.snapshot, stored.frozen_at) == (frozen.snapshot, frozen.frozen_at)
    assert units_of(stored) == ["MTTQ", "NONGDAN", "PHUNU"]
    body = {k: v for k, v in read.json.items() if k not in ("id", "version", "snapshot", "frozen_at",
                                                            "frozen_by")}
    duplicate = api.send("POST", "/meetings", dict(body, title="Trùng quý"))
    assert duplicate.status_code == 422 and "Mỗi quý chỉ có một hội nghị giao ban" in duplicate.json["message"]
    assert "snapshot" not in json.dumps(app.test_client().get("/api/v1/openapi.json").json
                                        ["components"]["schemas"].get("MeetingsInput", {}))
    editor = api_as(app, client, make_user, "hn_api_phunu", role="editor", org="PHUNU")
    assert editor.get(f"/meetings/{meeting.id}").status_code == 200
    assert editor.send("PATCH", f"/meetings/{meeting.id}", {"title": "x"},
                       if_match=f'"{stored.version}"').status_code == 403
    assert QuarterlyReport.select().count() >= 2


def test_the_list_finds_a_meeting_by_its_words_without_accents(meeting, login):
    office = as_office(login)
    found = text(office.get("/admin/meeting/?search=hoi+truong+tinh+uy"))
    assert details(meeting) in found
    assert details(meeting) not in text(office.get("/admin/meeting/?search=dak+lak"))


def test_the_demo_holds_the_seed_quarters_meeting_with_its_figures_frozen(app, runner, login):
    assert runner.invoke(args=["seed-demo", "--members", "50"]).exit_code == 0
    meeting = Meeting.get(Meeting.year == 2019, Meeting.quarter == 2)
    data = snapshot.load(meeting)
    # Seed 000: "phát triển được 2.407 hội viên mới", PHUNU 77,9% coverage.
    assert data["total"]["members_new"] == 2407
    assert round(next(r for r in data["rows"] if r["code"] == "PHUNU")["values"]["coverage_rate"], 1) == 77.9
    assert units_of(meeting) == sorted(["MTTQ", "DOAN", "PHUNU", "NONGDAN", "CCB", "LDLD"])
    page = text(as_office(login).get(details(meeting)))
    assert figure(page, "members_new", "TOTAL") == "2.407" and figure(page, "coverage_rate", "PHUNU") == "77,9%"
    assert "Chốt lại số liệu" in page and "data-changed" not in page


def test_a_year_reads_as_a_year_in_the_forms(meeting, login):
    """A year is written 2024 on the meeting's and the quarter's forms, never "2.024";
    counts keep their thousands dot."""
    office = as_office(login)
    page = text(office.get(f"/admin/meeting/edit/?id={meeting.id}"))
    assert re.search(r'name="year"[^>]*value="2024"', page), re.findall(r'<input[^>]*name="year"[^>]*>', page)
    period = ReportingPeriod.get(ReportingPeriod.year == 2024, ReportingPeriod.quarter == 2)
    page = text(office.get(f"/admin/reportingperiod/edit/?id={period.id}"))
    assert re.search(r'name="year"[^>]*value="2024"', page)
    # The meeting saved back unchanged keeps its year.
    form = rendered_form(text(office.get(f"/admin/meeting/edit/?id={meeting.id}")))
    assert office.post(f"/admin/meeting/edit/?id={meeting.id}", data=form).status_code == 302
    assert Meeting.get_by_id(meeting.id).year == 2024
