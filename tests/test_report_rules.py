"""One set of rules for a quarterly figure, whichever way it comes in: the
entry grid, the upload page and the command line; the audited back-fill of
approved history; the totals' period choice on the page and the command line."""
import io
import json

import openpyxl
import pytest

from models import AuditLog, Organisation, QuarterlyReport, ReportingPeriod
from portal.demo import figures
from tests.test_report_entry import grid_url, post_grid, text
from tests.test_report_import import csv_file, import_cli, report, state, stored

COVERAGE_MESSAGE = ("Tổng số đoàn viên, hội viên cuối kỳ (3.000) lớn hơn số đối tượng tập hợp (2.867): "
                    "tỷ lệ tập hợp (%) không thể vượt 100%.")
REASON = "Nhập bù số liệu 2019 từ sổ giao ban lưu trữ"


def upload(client, data, name="a.csv", **form):
    return client.post("/admin/import-reports/", data={"file": (io.BytesIO(data), name), **form},
                       content_type="multipart/form-data", follow_redirects=True)


def open_quarter(year=2019, quarter=2, status="open"):
    return ReportingPeriod.create(year=year, quarter=quarter, status=status)


# --- the same checks on every way in --------------------------------------------------

def test_a_percentage_numerator_above_its_denominator_is_refused_as_the_grid_refuses_it(runner, tmp_path):
    rows = [("PHUNU", 2019, 2, "members_total", "3.000"), ("PHUNU", 2019, 2, "eligible_population", "2867")]
    before = state()
    result = import_cli(runner, tmp_path, "a.csv", csv_file(rows))
    assert result.exit_code == 1
    assert f"Dòng 2, cột value: {COVERAGE_MESSAGE}" in result.output
    assert state() == before


def test_the_part_already_in_the_draft_counts_against_the_part_in_the_file(runner, tmp_path):
    report("PHUNU", 2019, 2, "draft", eligible_population=2867)
    before = state()
    result = import_cli(runner, tmp_path, "a.csv", csv_file([("PHUNU", 2019, 2, "members_total", "3000")]))
    assert result.exit_code == 1 and COVERAGE_MESSAGE in result.output
    assert state() == before
    equal = import_cli(runner, tmp_path, "b.csv", csv_file([("PHUNU", 2019, 2, "members_total", "2867")]))
    assert equal.exit_code == 0, equal.output


def test_the_grid_says_the_same_words(login):
    ReportingPeriod.create(year=2024, quarter=2)
    page = text(post_grid(login("bt_phunu", role="editor", org="PHUNU"), grid_url(),
                          members_total="3.000", eligible_population="2.867"))
    assert COVERAGE_MESSAGE in page


@pytest.mark.parametrize("value", ["1234567890123456", "1.234.567.890.123.456"])
def test_a_sixteen_digit_figure_is_refused_as_the_grid_refuses_it(runner, tmp_path, value):
    before = state()
    result = import_cli(runner, tmp_path, "a.csv", csv_file([("PHUNU", 2019, 2, "field_visits", value)]))
    assert result.exit_code == 1
    assert "Dòng 2, cột value: số quá lớn: tối đa 15 chữ số" in result.output
    assert state() == before
    biggest = import_cli(runner, tmp_path, "b.csv", csv_file([("PHUNU", 2019, 2, "field_visits", "9" * 15)]))
    assert biggest.exit_code == 0, biggest.output


def test_the_bloc_root_files_no_report_on_any_way_in(runner, tmp_path, app, make_user):
    before = state()
    result = import_cli(runner, tmp_path, "a.csv", csv_file([("KHOI", 2019, 2, "field_visits", "3")]))
    assert result.exit_code == 1
    assert "Dòng 2, cột org_code: Khối không lập báo cáo quý riêng" in result.output
    assert state() == before
    # The workflow itself refuses too, for any caller that forgets the page's check.
    from flask_login import login_user

    from admin_views import report_workflow
    admin = make_user("bt_quantri")
    with app.test_request_context():
        login_user(admin)
        period = open_quarter(2024, 2)
        with pytest.raises(report_workflow.Refused, match="Khối không lập báo cáo quý riêng"):
            report_workflow.save(None, Organisation.get(code="KHOI"), period, {}, None, 0)


def test_a_year_outside_2000_to_2100_is_refused_as_the_totals_page_refuses_it(runner, tmp_path):
    before = state()
    result = import_cli(runner, tmp_path, "a.csv", csv_file([("PHUNU", 1999, 4, "field_visits", "3")]))
    assert result.exit_code == 1
    assert "Dòng 2, cột year: Năm phải từ 2000 đến 2100." in result.output
    assert state() == before


def test_an_editor_import_does_not_open_a_quarter(login):
    client = login("phunu", role="editor", org="PHUNU")
    before = state()
    page = upload(client, csv_file([("PHUNU", 2019, 2, "field_visits", "23")])).get_data(as_text=True)
    assert ("<td>2</td><td>quarter</td><td>Quý II/2019 chưa được mở để báo cáo: chỉ văn phòng Khối "
            "mở kỳ báo cáo</td>") in page
    assert state() == before and not ReportingPeriod.select().exists()
    open_quarter()
    page = upload(client, csv_file([("PHUNU", 2019, 2, "field_visits", "23")])).get_data(as_text=True)
    assert "Đã nhập 1 số liệu vào 1 báo cáo (0 kỳ mới mở)" in page
    assert stored() == {("PHUNU", 2019, 2, "field_visits"): 23}


def test_an_editor_cannot_import_for_another_organisations_unit(login):
    open_quarter()
    client = login("phunu", role="editor", org="PHUNU")
    before = state()
    page = upload(client, csv_file([("NONGDAN", 2019, 2, "field_visits", "14")])).get_data(as_text=True)
    assert "<td>2</td><td>org_code</td><td>không có tổ chức mã «NONGDAN»</td>" in page
    page = upload(client, csv_file([("NONGDAN", 2019, 2, "field_visits", "14")]),
                  approve="1", reason=REASON).get_data(as_text=True)
    assert "không có tổ chức mã «NONGDAN»" not in page  # refused before the rows are read
    assert state() == before


# --- back-filling approved history ----------------------------------------------------

BACKFILL = [("PHUNU", 2019, 2, "members_new", "1.548"), ("CCB", 2019, 2, "members_new", "224"),
            ("PHUNU", 2019, 3, "field_visits", "23")]


def test_the_command_line_back_fills_approved_reports_with_an_audited_reason(runner, tmp_path):
    result = import_cli(runner, tmp_path, "luu-tru.csv", csv_file(BACKFILL), "--approve", "--reason", REASON)
    assert result.exit_code == 0, result.output
    assert "Đã nhập 3 số liệu vào 3 báo cáo (2 kỳ mới mở)" in result.output and "đã duyệt" in result.output
    assert {r.status for r in QuarterlyReport.select()} == {"approved"}
    assert all(r.approved_at is not None for r in QuarterlyReport.select())
    entry = AuditLog.get(AuditLog.action == "import")
    changes = json.loads(entry.changes)
    assert changes["ly_do"] == REASON and "đã duyệt" in changes["ghi_chu"]
    # Counted at once by the workbook, which counts no drafts.
    figures_out = tmp_path / "gb.xlsx"
    exported = runner.invoke(args=["export", "giao-ban", "--year", "2019", "--quarter", "2",
                                   "-o", str(figures_out)])
    assert exported.exit_code == 0, exported.output


def test_an_approved_back_fill_needs_a_reason_and_never_overwrites_a_report(runner, tmp_path):
    before = state()
    result = import_cli(runner, tmp_path, "a.csv", csv_file(BACKFILL), "--approve")
    assert result.exit_code != 0 and "Cần ghi lý do" in result.output
    result = import_cli(runner, tmp_path, "a.csv", csv_file(BACKFILL), "--approve", "--reason", "  ")
    assert result.exit_code != 0 and "Cần ghi lý do" in result.output
    result = import_cli(runner, tmp_path, "a.csv", csv_file(BACKFILL), "--reason", REASON)
    assert result.exit_code != 0 and "--reason chỉ dùng cùng --approve" in result.output
    assert state() == before
    report("PHUNU", 2019, 2, "draft", members_new=3)
    before = state()
    result = import_cli(runner, tmp_path, "a.csv", csv_file(BACKFILL), "--approve", "--reason", REASON)
    assert result.exit_code == 1
    assert ("Dòng 2, cột org_code: Báo cáo PHUNU Quý II/2019 đã có (bản nháp): nhập bù dạng đã duyệt "
            "chỉ tạo báo cáo chưa có") in result.output
    assert state() == before


def test_the_secretariat_back_fills_on_the_page_with_a_reason(login):
    client = login("vanphong", role="secretariat")
    page = client.get("/admin/import-reports/").get_data(as_text=True)
    assert 'name="approve"' in page and 'name="reason"' in page
    before = state()
    refused = upload(client, csv_file(BACKFILL), approve="1", reason="").get_data(as_text=True)
    assert "Cần ghi lý do" in refused and state() == before
    page = upload(client, csv_file(BACKFILL), approve="1", reason=REASON).get_data(as_text=True)
    assert "Đã nhập 3 số liệu vào 3 báo cáo (2 kỳ mới mở)" in page
    assert {r.status for r in QuarterlyReport.select()} == {"approved"}
    entry = AuditLog.get(AuditLog.action == "import")
    assert entry.username == "vanphong" and json.loads(entry.changes)["ly_do"] == REASON


def test_the_secretariat_writes_no_units_draft_through_the_import(login):
    # Issue 11: the secretariat cannot edit a unit's figures on the grid, so
    # the import must not let it either; only the explicit back-fill.
    open_quarter()
    report("PHUNU", 2019, 2, "draft", members_new=3)
    client = login("vanphong", role="secretariat")
    before = state()
    page = upload(client, csv_file(BACKFILL[:1])).get_data(as_text=True)
    assert "Văn phòng Khối không sửa số liệu của đơn vị" in page
    assert state() == before
    assert "Văn phòng Khối không sửa số liệu của đơn vị" in upload(
        client, csv_file(BACKFILL[:1]), dry_run="1").get_data(as_text=True)


def test_editors_get_no_approve_path(login):
    client = login("phunu", role="editor", org="PHUNU")
    page = client.get("/admin/import-reports/").get_data(as_text=True)
    assert 'name="approve"' not in page and 'name="reason"' not in page
    open_quarter(2019, 2)
    open_quarter(2019, 3)
    before = state()
    mine = [row for row in BACKFILL if row[0] == "PHUNU"]
    page = upload(client, csv_file(mine), approve="1", reason=REASON).get_data(as_text=True)
    assert "Chỉ quản trị và văn phòng Khối nhập số liệu dạng đã duyệt" in page
    assert state() == before


# --- the totals page and the command-line workbook choose periods alike ----------------

@pytest.mark.parametrize("path", ["/admin/totals/", "/admin/totals/workbook/"])
def test_a_range_without_its_ends_gets_a_vietnamese_message(login, path):
    client = login("vanphong", role="secretariat")
    for query, message in [("mode=range", "Cần chọn quý bắt đầu"),
                           ("mode=range&from=2024-1", "Cần chọn quý kết thúc"),
                           ("mode=range&to=2024-1", "Cần chọn quý bắt đầu")]:
        response = client.get(f"{path}?{query}")
        assert response.status_code == 400, query
        assert message in response.get_data(as_text=True), query


def test_the_totals_page_opens_on_the_latest_quarter_with_counted_reports(login):
    figures.load()  # Quý II/2019, approved
    ReportingPeriod.create(year=2019, quarter=4, status="open")  # opened, nothing reported yet
    report("PHUNU", 2019, 4, "draft", field_visits=5)  # a draft does not count
    page = login("vanphong", role="secretariat").get("/admin/totals/").get_data(as_text=True)
    assert "Quý II/2019" in page and "2.407" in page
    assert "Quý IV/2019" not in page


def test_the_command_line_workbook_takes_the_pages_choices(runner, tmp_path):
    figures.load()
    report("PHUNU", 2019, 3, "draft", members_new=100)
    target = tmp_path / "gb.xlsx"

    def export(*options):
        return runner.invoke(args=["export", "giao-ban", "-o", str(target), *options])

    result = export("--mode", "range", "--from", "2019-2", "--to", "2019-3", "--drafts")
    assert result.exit_code == 0, result.output
    assert "Quý II/2019 – Quý III/2019" in result.output
    book = openpyxl.load_workbook(target, data_only=True)
    assert any(1648 in row for row in book["Tổng hợp"].iter_rows(values_only=True))  # 1.548 + 100
    without = export("--mode", "range", "--from", "2019-2", "--to", "2019-3")
    assert without.exit_code == 0, without.output
    book = openpyxl.load_workbook(target, data_only=True)
    assert not any(1648 in row for row in book["Tổng hợp"].iter_rows(values_only=True))
    assert export("--mode", "year", "--year", "2019").exit_code == 0
    assert "Năm 2019" in export("--mode", "year", "--year", "2019").output
    # The page's words for the page's mistakes.
    for options, message in [(("--mode", "range"), "Cần chọn quý bắt đầu"),
                             (("--mode", "range", "--from", "x", "--to", "2019-3"), "NĂM-QUÝ"),
                             (("--mode", "range", "--from", "2019-3", "--to", "2019-1"), "phải trước"),
                             (("--year", "1999", "--quarter", "1"), "Năm phải từ 2000 đến 2100.")]:
        bad = export(*options)
        assert bad.exit_code != 0 and message in bad.output, options
    # No quarter named: the latest quarter with counted reports, as on the page.
    latest = export()
    assert latest.exit_code == 0 and "Quý II/2019" in latest.output
