"""The report entry grid, used as a unit's editor uses it: one screen per
unit and quarter, every figure on it, checked before anything is saved."""
import datetime
import html
import json
import re

import pytest

from models import AuditLog, Indicator, Member, Organisation, QuarterlyReport, ReportingPeriod, ReportValue

D = datetime.date


# --- helpers shared with test_report_workflow.py ---------------------------------

def unit(code):
    return Organisation.get(Organisation.code == code)


def field(code):
    return f"v{Indicator.get(Indicator.code == code).id}"


def grid_url(code="PHUNU", year=2024, quarter=2):
    return f"/admin/quarterlyreport/entry/?org={unit(code).id}&year={year}&quarter={quarter}"


def text(response):
    return html.unescape(response.get_data(as_text=True))


def version_on(page):
    found = re.search(r'<input id="version" name="version" type="hidden" value="(\d*)"', page)
    return found.group(1) if found else None


def post_grid(client, url, action="save", version=None, note="", **figures):
    """Fill the grid as the page shows it and press a button; the page that follows."""
    if version is None:
        version = version_on(text(client.get(url)))
    data = {"action": action, "version": version, "note": note}
    data.update({field(code): value for code, value in figures.items()})
    return client.post(url, data=data, follow_redirects=True)


def stored(code="PHUNU", year=2024, quarter=2):
    """{indicator code: value} of the unit's report, or None when it has none."""
    report = QuarterlyReport.find(unit(code).id, year, quarter)
    if report is None:
        return None
    return {v.indicator.code: v.value for v in ReportValue.select().where(ReportValue.report == report.id)}


def report_of(code="PHUNU", year=2024, quarter=2):
    return QuarterlyReport.find(unit(code).id, year, quarter)


def audit_entries(action):
    return list(AuditLog.select().where(AuditLog.action == action, AuditLog.record_table == "quarterly_report")
                .order_by(AuditLog.id))


def input_value(page, code):
    found = re.search(rf'<input[^>]*name="{field(code)}"[^>]*>', page)
    assert found, f"no input for {code}"
    value = re.search(r'value="([^"]*)"', found.group(0))
    return value.group(1) if value else ""


def marked_rows(page):
    """Codes of the grid rows that carry the "differs from the records" marker."""
    return re.findall(r'<tr id="row-(\w+)">(?:(?!</tr>).)*Khác số nhập', page, re.S)


@pytest.fixture
def quarter(app):
    """Quý II/2024 open (due 15/07/2024); Quý I/2024 closed with PHUNU's approved report."""
    first = ReportingPeriod.create(year=2024, quarter=1, deadline=D(2024, 4, 15), status="closed")
    earlier = QuarterlyReport.create(organisation=unit("PHUNU"), period=first, status="approved",
                                     submitted_at=datetime.datetime(2024, 4, 10, 9, 0),
                                     approved_at=datetime.datetime(2024, 4, 12, 9, 0))
    for code, value in (("members_total", 1000), ("eligible_population", 1300), ("field_visits", 17)):
        ReportValue.create(report=earlier, indicator=Indicator.get(Indicator.code == code), value=value)
    return ReportingPeriod.create(year=2024, quarter=2, deadline=D(2024, 7, 15))


@pytest.fixture
def members(app):
    """PHUNU's member records: in Quý II/2024 two joined, one left, one was
    admitted to the Party; three are members at the quarter's end."""
    branch = Organisation.create(code="PHUNU-CH1", name="Chi hội Phụ nữ thôn 1", kind="phunu",
                                 level="chi_hoi", parent=unit("PHUNU"))
    for name, joined, left, status, admitted in (
        ("Nguyễn Thị Hoa", D(2020, 1, 1), None, "active", None),
        ("Ksor H'Mai", D(2024, 4, 10), None, "active", D(2024, 5, 1)),
        ("Rah Lan Chung", D(2024, 5, 20), None, "active", None),
        ("Đặng Thị Út", D(2019, 3, 1), D(2024, 6, 1), "left", None),
        ("Siu Blơng", D(2024, 8, 1), None, "active", None),
    ):
        Member.create(full_name=name, gender="nu", branch=branch, joined_on=joined, left_on=left,
                      status=status, party_admitted_on=admitted)


@pytest.fixture
def phunu(login, quarter):
    return login("bt_phunu", role="editor", org="PHUNU")


# --- what the grid shows ------------------------------------------------------------

def test_the_grid_lists_only_what_the_unit_reports(phunu, login):
    Indicator.update(retired_on=D(2024, 1, 1)).where(Indicator.code == "volunteer_activities").execute()
    page = text(phunu.get(grid_url()))
    assert "Báo cáo Quý II/2024 · Hội Liên hiệp Phụ nữ tỉnh (PHUNU)" in page
    for label in ("Kết nạp mới đoàn viên, hội viên", "Tổng số đoàn viên, hội viên cuối kỳ",
                  "Lượt đi cơ sở", "Kinh phí vận động (đồng)"):
        assert label in page
    assert "Hoạt động tình nguyện" not in page  # retired before the quarter
    for group in ("Tổ chức, hội viên", "Công tác xây dựng Đảng", "Vận động, an sinh xã hội"):
        assert f'<th colspan="5">{group}</th>' in page
    # Coverage is computed, never typed.
    assert f'name="{field("coverage_rate")}"' not in page
    assert "tự tính, không nhập" in page

    # The Fatherland Front keeps no members: no member indicators on its grid.
    admin = login("bt_quantri")
    mttq = text(admin.get(grid_url("MTTQ")))
    assert "Lượt đi cơ sở" in mttq
    assert "Kết nạp mới đoàn viên, hội viên" not in mttq and "Tỷ lệ tập hợp" not in mttq


def test_the_previous_quarter_is_shown_beside_each_figure(phunu):
    page = text(phunu.get(grid_url()))
    assert "Quý I/2024" in page
    row = re.search(r'<tr id="row-field_visits">.*?</tr>', page, re.S).group(0)
    assert '<td class="text-right previous">17</td>' in row
    row = re.search(r'<tr id="row-members_total">.*?</tr>', page, re.S).group(0)
    assert '<td class="text-right previous">1.000</td>' in row


def test_a_draft_is_saved_with_vietnamese_numbers_and_audited_once(phunu):
    page = text(post_grid(phunu, grid_url(), members_new="1.548", members_left="325",
                          members_total="2.223", eligible_population="2.867", field_visits="23",
                          funds_mobilised="809.000.000", note="Số liệu sơ bộ"))
    assert "Đã lưu bản nháp báo cáo PHUNU – Quý II/2024." in page
    assert stored() == {"members_new": 1548, "members_left": 325, "members_total": 2223,
                        "eligible_population": 2867, "field_visits": 23, "funds_mobilised": 809000000}
    report = report_of()
    assert report.status == "draft" and report.note == "Số liệu sơ bộ"
    # The grid shows the figures back as written, and coverage computed from them.
    assert input_value(page, "members_new") == "1.548"
    assert "77,5%" in page
    created = audit_entries("create")
    assert len(created) == 1 and created[0].organisation_id == unit("PHUNU").id
    assert json.loads(created[0].changes)["members_new"] == [None, 1548]

    # A second save records only what changed; a blank input removes its figure.
    post_grid(phunu, grid_url(), members_new="1.548", members_left="325", members_total="2.223",
              eligible_population="2.867", field_visits="24", funds_mobilised="", note="Số liệu sơ bộ")
    assert stored()["field_visits"] == 24 and "funds_mobilised" not in stored()
    (updated,) = audit_entries("update")
    assert json.loads(updated.changes) == {"field_visits": [23, 24], "funds_mobilised": [809000000, None]}


@pytest.mark.parametrize("typed, message", [
    ("-5", "Số liệu không được âm."),
    ("abc", "Phải là số nguyên không âm, ví dụ 1.548 hoặc 1548."),
    ("2,5", "«2,5» không phải số nguyên"),
    ("1.5", "«1.5» không phải số nguyên"),
])
def test_bad_figures_are_refused_beside_their_field_and_nothing_is_saved(phunu, typed, message):
    page = text(post_grid(phunu, grid_url(), field_visits=typed, members_new="12"))
    assert "Chưa lưu: có số liệu chưa hợp lệ, xem thông báo bên cạnh từng ô." in page
    row = re.search(r'<tr id="row-field_visits">.*?</tr>', page, re.S).group(0)
    assert message in row and "is-invalid" in row
    assert input_value(page, "field_visits") == typed
    assert input_value(page, "members_new") == "12"  # what was typed stays on the page
    assert report_of() is None and audit_entries("create") == []


def test_coverage_above_100_percent_is_refused(phunu):
    page = text(post_grid(phunu, grid_url(), members_total="3.000", eligible_population="2.867"))
    assert ("Tổng số đoàn viên, hội viên cuối kỳ (3.000) lớn hơn số đối tượng tập hợp (2.867): "
            "tỷ lệ tập hợp (%) không thể vượt 100%.") in page
    assert report_of() is None

    # Equal is 100%: allowed.
    page = text(post_grid(phunu, grid_url(), members_total="2.867", eligible_population="2.867"))
    assert "Đã lưu bản nháp" in page and "100,0%" in page


def test_a_break_in_the_member_count_warns_but_still_saves(phunu):
    # Quý I ended with 1.000; 1.000 + 50 − 20 = 1.030, but 1.100 is entered.
    page = text(post_grid(phunu, grid_url(), members_new="50", members_left="20", members_total="1.100"))
    assert "Đã lưu bản nháp" in page
    assert ("Lưu ý: Tổng số cuối kỳ (1.100) khác số tính từ quý trước: 1.000 + 50 kết nạp mới − "
            "20 giảm = 1.030. Hãy kiểm tra lại. Báo cáo vẫn được lưu.") in page
    assert "continuity-warning" in page  # also beside the field while it stays wrong
    assert stored()["members_total"] == 1100

    page = text(post_grid(phunu, grid_url(), members_new="50", members_left="20", members_total="1.030"))
    assert "Lưu ý" not in page and "continuity-warning" not in page


def test_member_derived_figures_are_offered_and_differences_marked(phunu, members):
    page = text(phunu.get(grid_url()))
    assert "Lấy từ hồ sơ hội viên" in page
    derived = {code: re.search(rf'<tr id="row-{code}">.*?<td class="text-right derived">\s*([\d.]+)', page, re.S)
               .group(1) for code in ("members_new", "members_left", "members_total", "party_admitted")}
    assert derived == {"members_new": "2", "members_left": "1", "members_total": "3", "party_admitted": "1"}
    assert marked_rows(page) == [] and "Điền số liệu từ hồ sơ hội viên" in page

    page = text(post_grid(phunu, grid_url(), members_new="2", members_left="4", members_total="3"))
    assert "Đã lưu bản nháp" in page
    assert marked_rows(page) == ["members_left"]
    assert "Có 1 chỉ tiêu khác với số tính từ hồ sơ hội viên" in page

    # The fill button puts the derived figures in the inputs without saving them.
    page = text(post_grid(phunu, grid_url(), action="fill", members_new="", members_left="4",
                          field_visits="9"))
    assert "Đã điền số liệu lấy từ hồ sơ hội viên vào bảng" in page
    assert [input_value(page, c) for c in ("members_new", "members_left", "members_total", "party_admitted")] \
        == ["2", "1", "3", "1"]
    assert input_value(page, "field_visits") == "9"
    assert stored()["members_left"] == 4


def test_a_unit_without_member_records_has_nothing_to_compare(phunu):
    page = text(phunu.get(grid_url()))
    assert "chưa có hồ sơ hội viên trên cổng" in page
    assert "Điền số liệu từ hồ sơ hội viên" not in page


def test_a_stale_page_is_refused_and_nothing_is_overwritten(phunu):
    post_grid(phunu, grid_url(), field_visits="10")
    old_version = version_on(text(phunu.get(grid_url())))
    post_grid(phunu, grid_url(), field_visits="11")  # someone else, from another page
    page = text(post_grid(phunu, grid_url(), version=old_version, field_visits="12"))
    assert "vừa được người khác sửa" in page
    assert input_value(page, "field_visits") == "12"  # the typing is not lost
    assert stored()["field_visits"] == 11
    # Two first saves of the same new report: the second is stale too.
    page = text(post_grid(phunu, grid_url(), version="0", field_visits="13"))
    assert "vừa được người khác sửa" in page and stored()["field_visits"] == 11


def test_a_quarter_not_opened_or_closed_takes_no_new_report(phunu, quarter):
    page = text(phunu.get(grid_url(year=2024, quarter=3)))
    assert "Quý này chưa được mở để báo cáo. Văn phòng Khối cần mở kỳ báo cáo trước." in page
    page = text(post_grid(phunu, grid_url(year=2024, quarter=3), version="0", field_visits="5"))
    assert "chưa được mở" in page
    assert ReportingPeriod.find(2024, 3) is None

    ReportingPeriod.update(status="closed").where(ReportingPeriod.id == quarter.id).execute()
    page = text(phunu.get(grid_url()))
    assert "Kỳ báo cáo Quý II/2024 đã khoá: không nhận báo cáo mới." in page
    assert "Lưu nháp" not in page
    page = text(post_grid(phunu, grid_url(), version="0", field_visits="5"))
    assert "đã khoá: không nhận báo cáo mới" in page and report_of() is None


def test_the_bloc_itself_files_no_report(login, quarter):
    admin = login("bt_quantri")
    page = text(admin.get(grid_url("KHOI"), follow_redirects=True))
    assert "Khối không lập báo cáo quý riêng" in page
    assert QuarterlyReport.select().count() == 1


def test_the_chooser_opens_the_grid_of_a_unit_in_reach(phunu, quarter, login):
    page = text(phunu.get("/admin/quarterlyreport/"))
    assert "Nhập báo cáo" in page and "Tình hình nộp báo cáo" in page
    page = text(phunu.get("/admin/quarterlyreport/entry/"))
    picker = re.search(r'<input[^>]*id="org"[^>]*>', page).group(0)
    # The editor's own unit is already chosen; others are found by typing, within reach only.
    assert f'value="{unit("PHUNU").id}"' in picker and "Hội Liên hiệp Phụ nữ tỉnh (PHUNU)" in picker
    assert "Hội Nông dân tỉnh" not in page and "<option" not in page.split('id="org"')[1].split('id="period"')[0]
    assert "Quý II/2024" in page and "Quý I/2024 (đã khoá)" in page
    lookup = re.search(r'data-url="([^"]+)"', picker).group(1)
    assert phunu.get(f"{lookup}&query=nong+dan").get_json() == []
    assert [name for _, name in phunu.get(f"{lookup}&query=phu+nu").get_json()] == ["Hội Liên hiệp Phụ nữ tỉnh (PHUNU)"]
    # Sent without a unit: the chooser again, saying so.
    page = text(phunu.get(f"/admin/quarterlyreport/entry/?org=&period={quarter.id}", follow_redirects=True))
    assert "Hãy chọn đơn vị báo cáo." in page and 'id="org"' in page
    page = text(phunu.get(f"/admin/quarterlyreport/entry/?org={unit('PHUNU').id}&period={quarter.id}"))
    assert "Báo cáo Quý II/2024 · Hội Liên hiệp Phụ nữ tỉnh" in page and "Lưu nháp" in page

    office = login("bt_vanphong", role="secretariat")
    picker = re.search(r'<input[^>]*id="org"[^>]*>', text(office.get("/admin/quarterlyreport/entry/"))).group(0)
    assert "value=" not in picker  # the secretariat has no unit of its own: it types one
    assert [name for _, name in office.get(f"{lookup}&query=nong+dan").get_json()] == ["Hội Nông dân tỉnh (NONGDAN)"]
