"""Importing quarterly figures from CSV and xlsx: whole files or nothing.

The figures are those of seed 000 (Gia Lai): new members, field visits and the
Women's Union's coverage, filed for Quý II/2019, a quarter never opened.
"""
import csv
import datetime
import io
import json
import zipfile

import openpyxl
import pytest

from models import AuditLog, Indicator, Organisation, QuarterlyReport, ReportingPeriod, ReportValue
from portal.reporting import importer
from portal.reporting.importer import whole_number

HEADER = ("org_code", "year", "quarter", "indicator_code", "value")
SEED = [
    ("PHUNU", 2019, 2, "members_new", "1.548"),
    ("NONGDAN", 2019, 2, "members_new", "111"),
    ("CCB", 2019, 2, "members_new", "224"),
    ("LDLD", 2019, 2, "members_new", "524"),
    ("MTTQ", 2019, 2, "field_visits", "24"),
    ("NONGDAN", 2019, 2, "field_visits", "14"),
    ("LDLD", 2019, 2, "field_visits", "22"),
    ("CCB", 2019, 2, "field_visits", "12"),
    ("PHUNU", 2019, 2, "field_visits", "23"),
    ("DOAN", 2019, 2, "field_visits", "25"),
    ("PHUNU", 2019, 2, "members_total", "223.470"),
    ("PHUNU", 2019, 2, "eligible_population", "286750"),
]
EXPECTED = {(org, year, quarter, code): int(value.replace(".", ""))
            for org, year, quarter, code, value in SEED}


def csv_file(rows, header=HEADER, delimiter=",", bom=False):
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter).writerows([header, *rows])
    return (("\ufeff" if bom else "") + out.getvalue()).encode()


def xlsx_file(rows, header=HEADER, formulas=()):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    for cell, formula in formulas:
        sheet[cell] = formula
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def stored():
    """{(org, year, quarter, indicator): value} of every figure in the database."""
    query = (ReportValue.select(Organisation.code, ReportingPeriod.year, ReportingPeriod.quarter,
                                Indicator.code, ReportValue.value)
             .join(QuarterlyReport).join(Organisation)
             .switch(QuarterlyReport).join(ReportingPeriod)
             .switch(ReportValue).join(Indicator))
    return {row[:4]: row[4] for row in query.tuples()}


def state():
    """Everything an import may write: compared before and after a refusal."""
    return (stored(), list(ReportingPeriod.select().tuples()), list(QuarterlyReport.select().tuples()),
            AuditLog.select().where(AuditLog.action == "import").count())


def import_cli(runner, tmp_path, name, data, *options):
    path = tmp_path / name
    path.write_bytes(data)
    return runner.invoke(args=["import", "reports", str(path), *options])


def report(org, year, quarter, status, **values):
    period, _ = ReportingPeriod.get_or_create(year=year, quarter=quarter)
    filed = QuarterlyReport.create(organisation=Organisation.get(code=org), period=period, status=status)
    for code, value in values.items():
        ReportValue.create(report=filed, indicator=Indicator.get(code=code), value=value)
    return filed


# --- the command line ---------------------------------------------------------

@pytest.mark.parametrize("delimiter,bom", [(",", False), (";", True)])
def test_a_good_csv_lands_whole_in_draft_reports_of_a_newly_opened_quarter(runner, tmp_path, delimiter, bom):
    assert not ReportingPeriod.select().exists()
    result = import_cli(runner, tmp_path, "gia-lai-2019.csv", csv_file(SEED, delimiter=delimiter, bom=bom))
    assert result.exit_code == 0, result.output
    assert "Đã nhập 12 số liệu vào 6 báo cáo (1 kỳ mới mở)" in result.output
    assert stored() == EXPECTED
    period = ReportingPeriod.get()
    assert (period.year, period.quarter, period.status) == (2019, 2, "open")
    assert {r.status for r in QuarterlyReport.select()} == {"draft"}
    entry = AuditLog.get(AuditLog.action == "import")
    assert entry.user_id is None
    note = json.loads(entry.changes)["ghi_chu"]
    assert "gia-lai-2019.csv" in note and "12 số liệu" in note
    assert entry.organisation_id == Organisation.get(code="KHOI").id


def test_a_good_xlsx_lands_whole(runner, tmp_path):
    # Numbers as Excel stores them: ints, whole floats, and text with thousands dots.
    rows = [(org, year, quarter, code, int(value.replace(".", ""))) for org, year, quarter, code, value in SEED]
    rows[0] = ("PHUNU", 2019.0, 2.0, "members_new", "1.548")
    rows[2] = ("CCB", 2019, 2, "members_new", 224.0)
    result = import_cli(runner, tmp_path, "gia-lai-2019.xlsx", xlsx_file(rows))
    assert result.exit_code == 0, result.output
    assert stored() == EXPECTED


def test_an_existing_draft_is_updated_and_an_open_quarter_is_not_reopened(runner, tmp_path):
    draft = report("PHUNU", 2019, 2, "draft", members_new=1000, field_visits=9)
    result = import_cli(runner, tmp_path, "a.csv", csv_file(SEED[:1]))
    assert result.exit_code == 0, result.output
    assert "1 số liệu vào 1 báo cáo (0 kỳ mới mở)" in result.output
    assert stored()[("PHUNU", 2019, 2, "members_new")] == 1548
    assert stored()[("PHUNU", 2019, 2, "field_visits")] == 9
    # Any form opened on the draft before the import is now stale.
    assert QuarterlyReport.get_by_id(draft.id).version == draft.version + 1


def test_bad_rows_are_listed_with_row_column_and_reason_and_nothing_is_written(runner, tmp_path):
    Indicator.update(retired_on=datetime.date(2018, 1, 1)).where(
        Indicator.code == "volunteer_activities").execute()
    rows = SEED[:2] + [
        ("HOINGHE", 2019, 2, "members_new", "5"),       # row 4
        ("CCB", 2019, 2, "khong_co", "5"),               # 5
        ("CCB", 2019, 2, "volunteer_activities", "5"),   # 6
        ("PHUNU", 2019, 2, "coverage_rate", "78"),       # 7
        ("CCB", 19, 2, "field_visits", "5"),             # 8
        ("CCB", 2019, 5, "field_visits", "5"),           # 9
        ("CCB", 2019, 3, "field_visits", "1,5"),         # 10
        ("CCB", 2019, 4, "field_visits", "abc"),         # 11
        ("LDLD", 2019, 3, "members_left", "-630"),       # 12
        ("LDLD", 2019, 4, "members_left", ""),           # 13
        ("DOAN", 2019, 3, "field_visits", "=SUM(A1)"),   # 14
        ("MTTQ", 2019, 3, "members_new", "3"),           # 15
        ("CCB", 2042, 1, "field_visits", "3"),           # 16
    ]
    before = state()
    result = import_cli(runner, tmp_path, "loi.csv", csv_file(rows))
    assert result.exit_code == 1
    out = result.output
    for expected in [
        "Dòng 4, cột org_code: không có tổ chức mã «HOINGHE»",
        "Dòng 5, cột indicator_code: không có chỉ tiêu mã «khong_co»",
        "Dòng 6, cột indicator_code: chỉ tiêu «volunteer_activities» đã ngừng dùng từ 01/01/2018",
        "Dòng 7, cột indicator_code: «coverage_rate» là chỉ tiêu tỷ lệ",
        "Dòng 8, cột year: năm phải có 4 chữ số",
        "Dòng 9, cột quarter: quý phải là 1, 2, 3 hoặc 4",
        "Dòng 10, cột value: «1,5» không phải số nguyên",
        "Dòng 11, cột value: «abc» không phải là số",
        "Dòng 12, cột value: «-630» là số âm",
        "Dòng 13, cột value: để trống",
        "Dòng 14, cột value: ô chứa công thức",
        "Dòng 15, cột indicator_code: chỉ tiêu «members_new» không áp dụng cho Mặt trận Tổ quốc",
        "Dòng 16, cột year: Quý I/2042 chưa bắt đầu",
        "Tệp loi.csv có 13 lỗi; chưa ghi gì",
    ]:
        assert expected in out, expected
    assert "Dòng 2" not in out and "Dòng 3" not in out
    assert state() == before


def test_columns_may_come_in_any_order_with_extra_columns(runner, tmp_path):
    header = ("GHI_CHU", "Value", "indicator_code", "quarter", "year", "org_code")
    rows = [("Phụ nữ", value, code, quarter, year, org) for org, year, quarter, code, value in SEED]
    result = import_cli(runner, tmp_path, "a.csv", csv_file(rows, header=header, delimiter=";"))
    assert result.exit_code == 0, result.output
    assert stored() == EXPECTED


def test_a_report_submitted_between_the_check_and_the_write_stops_the_import(app):
    draft = report("PHUNU", 2019, 2, "draft", members_new=1000)
    rows, problems = importer.load("a.csv", csv_file(SEED))
    assert rows and not problems
    QuarterlyReport.update(status="submitted").where(QuarterlyReport.id == draft.id).execute()
    before = state()
    with pytest.raises(importer.ImportConflict, match="PHUNU Quý II/2019 vừa bị thay đổi"):
        importer.save(rows, "a.csv")
    assert state() == before


def test_a_retired_indicator_still_takes_figures_for_quarters_before_its_retirement(runner, tmp_path):
    Indicator.update(retired_on=datetime.date(2025, 1, 1)).where(
        Indicator.code == "volunteer_activities").execute()
    result = import_cli(runner, tmp_path, "a.csv", csv_file([("DOAN", 2019, 2, "volunteer_activities", 7)]))
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("status,reason", [
    ("approved", "Dòng 2, cột org_code: Báo cáo PHUNU Quý II/2019 đã được duyệt (khoá): không nhập đè"),
    ("submitted", "Dòng 2, cột org_code: Báo cáo PHUNU Quý II/2019 đã gửi, đang chờ duyệt: chỉ nhập "
                  "vào báo cáo nháp"),
])
def test_submitted_and_approved_reports_are_refused(runner, tmp_path, status, reason):
    report("PHUNU", 2019, 2, status, members_new=1500)
    before = state()
    result = import_cli(runner, tmp_path, "a.csv", csv_file(SEED))
    assert result.exit_code == 1
    assert reason in result.output
    assert state() == before


def test_a_closed_quarter_takes_no_figures(runner, tmp_path):
    ReportingPeriod.create(year=2019, quarter=2, status="closed")
    result = import_cli(runner, tmp_path, "a.csv", csv_file(SEED[:1]))
    assert result.exit_code == 1
    assert "Dòng 2, cột quarter: kỳ Quý II/2019 đã khoá" in result.output
    assert stored() == {}


def test_duplicates_within_the_file_are_refused(runner, tmp_path):
    rows = SEED[:2] + [("phunu", "2019", "2", "MEMBERS_NEW", "1548")]
    result = import_cli(runner, tmp_path, "a.csv", csv_file(rows))
    assert result.exit_code == 1
    assert ("Dòng 4, cột indicator_code: trùng với dòng 2: cùng đơn vị PHUNU, Quý II/2019 và chỉ "
            "tiêu members_new") in result.output
    assert stored() == {}


def test_a_formula_cell_in_xlsx_is_refused(runner, tmp_path):
    data = xlsx_file(SEED[:3], formulas=[("E3", "=100+11")])
    result = import_cli(runner, tmp_path, "a.xlsx", data)
    assert result.exit_code == 1
    assert "Dòng 3, cột value: ô chứa công thức" in result.output
    assert stored() == {}


PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 40


UNREADABLE = [
    ("anh.xlsx", PNG, "không phải tệp Excel .xlsx hợp lệ"),
    ("anh.csv", PNG, "không phải tệp văn bản CSV"),
    ("ghi-chu.txt", b"org_code,year\n", "Chỉ nhận tệp .csv hoặc .xlsx"),
    ("cu.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "Định dạng .xls"),
    ("mat-khau.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "được đặt mật khẩu"),
    ("hong.xlsx", b"PK\x03\x04" + b"\x00" * 200, "tệp bị hỏng"),
    ("cat-doi.xlsx", xlsx_file(SEED)[:600], "tệp bị hỏng"),
    ("nen.xlsx", None, "không phải .xlsx"),
    ("trong.csv", b"", "Tệp trống"),
    ("trong.xlsx", None, "Tệp trống"),
    ("tieu-de.csv", csv_file([]), "chỉ có dòng tiêu đề"),
    ("thieu-cot.csv", csv_file([("PHUNU", 2019, 2, "x")], header=HEADER[:4]), "thiếu cột bắt buộc: value"),
    ("latin1.csv", "org_code,year,quarter,indicator_code,value\nPHÙNU,2019,2,x,1\n".encode("latin-1"),
     "mã hoá UTF-8"),
]


@pytest.mark.parametrize("name,data,message", UNREADABLE, ids=[case[0] for case in UNREADABLE])
def test_unreadable_files_are_refused_with_a_clear_message(runner, tmp_path, name, data, message):
    if name == "trong.xlsx":
        data = xlsx_file([], header=())
    elif name == "nen.xlsx":  # a zip, but not a workbook
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as archive:
            archive.writestr("so-lieu.txt", "PHUNU 1548")
        data = out.getvalue()
    before = state()
    result = import_cli(runner, tmp_path, name, data)
    assert result.exit_code == 1
    assert message in result.output
    assert state() == before


def test_a_missing_file_exits_non_zero(runner, tmp_path):
    result = runner.invoke(args=["import", "reports", str(tmp_path / "khong-co.csv")])
    assert result.exit_code == 1
    assert "Không mở được tệp" in result.output


def test_dry_run_checks_everything_and_writes_nothing(runner, tmp_path):
    before = state()
    result = import_cli(runner, tmp_path, "a.csv", csv_file(SEED), "--dry-run")
    assert result.exit_code == 0, result.output
    assert "sẽ nhập 12 số liệu vào 6 báo cáo (1 kỳ mới mở)" in result.output
    assert "Chưa ghi gì" in result.output
    assert state() == before
    bad = import_cli(runner, tmp_path, "b.csv", csv_file([("XYZ", 2019, 2, "members_new", 1)]), "--dry-run")
    assert bad.exit_code == 1


@pytest.mark.parametrize("value,expected", [
    (1548, 1548), ("1548", 1548), ("1.548", 1548), ("223.470", 223470), (224.0, 224), (" 0 ", 0),
    ("1,5", None), ("1.5", None), ("abc", None), (-3, None), ("-3", None), ("=A1", None), ("", None),
    (None, None), (1.5, None), (True, None), (datetime.date(2024, 1, 1), None), (2 ** 63, None),
])
def test_whole_numbers_as_spreadsheets_write_them(value, expected):
    number, reason = whole_number(value)
    assert number == expected
    assert (reason is None) == (expected is not None)


# --- the upload page -------------------------------------------------------------

def upload(client, name, data, **form):
    return client.post("/admin/import-reports/", data={"file": (io.BytesIO(data), name), **form},
                       content_type="multipart/form-data", follow_redirects=True)


def test_an_admin_uploads_a_file_and_sees_the_summary(login):
    client = login("quantri")
    assert "Nhập số liệu báo cáo" in client.get("/admin/import-reports/").get_data(as_text=True)
    page = upload(client, "gia-lai.xlsx", xlsx_file(SEED)).get_data(as_text=True)
    assert "Đã nhập 12 số liệu vào 6 báo cáo (1 kỳ mới mở)" in page
    assert stored() == EXPECTED
    entry = AuditLog.get(AuditLog.action == "import")
    assert entry.username == "quantri" and "gia-lai.xlsx" in entry.changes


def test_the_page_lists_bad_rows_and_writes_nothing(login):
    client = login("quantri")
    before = state()
    page = upload(client, "a.csv", csv_file(SEED[:1] + [("CCB", 2019, 2, "field_visits", "1,5")]))
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Tệp có 1 lỗi; chưa ghi gì" in html
    assert "<td>3</td><td>value</td><td>«1,5» không phải số nguyên" in html
    assert state() == before
    checked = upload(client, "a.csv", csv_file(SEED), dry_run="1").get_data(as_text=True)
    assert "Chưa ghi gì" in checked and state() == before


def test_an_editor_imports_only_for_its_own_section(login):
    ReportingPeriod.create(year=2019, quarter=2)  # editors open no quarters
    client = login("phunu", role="editor", org="PHUNU")
    before = state()
    rows = [SEED[0], ("NONGDAN", 2019, 2, "members_new", "111"), ("XYZ", 2019, 2, "members_new", "1")]
    html = upload(client, "a.csv", csv_file(rows)).get_data(as_text=True)
    # Another section's unit reads exactly like a unit that does not exist.
    assert "<td>3</td><td>org_code</td><td>không có tổ chức mã «NONGDAN»</td>" in html
    assert "<td>4</td><td>org_code</td><td>không có tổ chức mã «XYZ»</td>" in html
    assert state() == before
    mine = [row for row in SEED if row[0] == "PHUNU"]
    assert "Đã nhập 4 số liệu vào 1 báo cáo" in upload(client, "b.csv", csv_file(mine)).get_data(as_text=True)
    entry = AuditLog.get(AuditLog.action == "import")
    # Filed in the editor's own section, so the editor reads it in the trail.
    assert entry.username == "phunu" and entry.organisation_id == Organisation.get(code="PHUNU").id


def test_the_secretariat_reaches_the_page_and_viewers_are_refused(login, client):
    assert client.get("/admin/import-reports/").status_code == 302  # to the login page
    secretariat = login("vanphong", role="secretariat")
    assert secretariat.get("/admin/import-reports/").status_code == 200
    viewer = login("lanhdao", role="viewer")
    assert viewer.get("/admin/import-reports/").status_code == 403
    response = viewer.post("/admin/import-reports/", content_type="multipart/form-data",
                           data={"file": (io.BytesIO(csv_file(SEED)), "a.csv")})
    assert response.status_code == 403
    assert viewer.get("/admin/import-reports/template.csv").status_code == 403
    assert stored() == {}


def test_the_template_is_a_csv_with_the_header_row(login):
    response = login("quantri").get("/admin/import-reports/template.csv")
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    assert response.data.decode("utf-8-sig").strip() == ",".join(HEADER)


def test_an_upload_without_a_file_or_over_the_size_limit_is_refused(app, login):
    client = login("quantri")
    html = client.post("/admin/import-reports/", data={}, content_type="multipart/form-data")
    assert "Chưa chọn tệp" in html.get_data(as_text=True)
    app.config["MAX_CONTENT_LENGTH"] = 1024
    big = csv_file(SEED * 20)
    response = client.post("/admin/import-reports/", content_type="multipart/form-data",
                           data={"file": (io.BytesIO(big), "a.csv")})
    assert response.status_code == 413
    assert stored() == {}
