"""Importing members from xlsx and CSV: whole files or nothing, within scope."""
import csv
import datetime
import io
import json
import os

import openpyxl
import pytest

from models import AdministrativeUnit, AuditLog, Member, Organisation, Village
from portal.excel import member_import

HEADER = ["STT", "Họ và tên", "Giới tính", "Ngày sinh", "Dân tộc", "Tôn giáo", "Số CCCD",
          "Điện thoại", "Mã thôn", "Mã chi hội", "Số thẻ", "Ngày vào", "Tình trạng"]


def good_rows():
    return [
        [1, "Nguyễn Thị Hoa", "Nữ", datetime.datetime(1985, 3, 12), "Kinh", "Không", "064185000123",
         "0905123456", "T01", "CHPN1", "PN-0001", datetime.datetime(2005, 5, 1), "Đang sinh hoạt"],
        [2, "Ksor H'Mai", "nữ", "02/09/1990", "Jrai", "Tin Lành", "064190000456", "",
         "T01", "CHPN1", "", "01/01/2010", ""],
        [3, "Đặng Văn Út", "Nam", "", "Ba Na", "", "", "", "", "NONGDAN", "", "", ""],
    ]


def xlsx_file(rows, header=HEADER, merge=None, formulas=()):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    for cell, formula in formulas:
        sheet[cell] = formula
    if merge:
        sheet.merge_cells(merge)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_file(rows, header=HEADER):
    out = io.StringIO()
    csv.writer(out).writerows([header, *rows])
    return ("\ufeff" + out.getvalue()).encode()


@pytest.fixture
def places(app):
    with app.app_context():
        commune = AdministrativeUnit.create(code="X01", name="Xã Ia Grai", kind="xa")
        Village.create(code="T01", name="Làng Dơ", commune=commune)
        phunu = Organisation.get(Organisation.code == "PHUNU")
        Organisation.create(code="CHPN1", name="Chi hội Phụ nữ làng Dơ", kind="phunu",
                            level="chi_hoi", parent=phunu)
        nongdan = Organisation.get(Organisation.code == "NONGDAN")
        Organisation.create(code="CHND1", name="Chi hội Nông dân làng Dơ", kind="nongdan",
                            level="chi_hoi", parent=nongdan)


def run_cli(runner, tmp_path, data, *options, name="hoi-vien.xlsx"):
    path = tmp_path / name
    path.write_bytes(data)
    return runner.invoke(args=["import", "members", str(path), *options])


def test_good_xlsx_lands_whole_with_search(places, runner, tmp_path, login):
    result = run_cli(runner, tmp_path, xlsx_file(good_rows()))
    assert result.exit_code == 0, result.output
    assert "Đã nhập 3 hội viên" in result.output
    hoa = Member.get(Member.full_name == "Nguyễn Thị Hoa")
    assert hoa.date_of_birth == datetime.date(1985, 3, 12)
    assert hoa.joined_on == datetime.date(2005, 5, 1)
    assert hoa.gender == "nu" and hoa.religion == "khong" and hoa.village.code == "T01"
    assert hoa.branch.code == "CHPN1" and hoa.status == "active" and hoa.version == 1
    assert hoa.search_text == " nguyen thi hoa pn 0001 064185000123 "
    mai = Member.get(Member.full_name == "Ksor H'Mai")
    assert mai.ethnicity == "Gia Rai" and mai.religion == "tin_lanh"
    assert mai.date_of_birth == datetime.date(1990, 9, 2)
    client = login("admin")
    page = client.get("/admin/member/?search=dang van").get_data(as_text=True)
    assert "Đặng Văn Út" in page and "Nguyễn Thị Hoa" not in page
    entry = AuditLog.get(AuditLog.action == "import")
    assert entry.record_table == "member" and "3 hội viên" in json.loads(entry.changes)["ghi_chu"]


def test_csv_and_organisation_by_name(places, runner, tmp_path):
    header = ["Họ và tên", "Giới tính", "Ngày sinh", "Tên chi hội"]
    data = csv_file([["Rơ Châm Thuỷ", "Nữ", "5/6/1970", "chi hội phụ nữ làng dơ"]], header)
    result = run_cli(runner, tmp_path, data, name="hv.csv")
    assert result.exit_code == 0, result.output
    assert Member.get(Member.full_name == "Rơ Châm Thuỷ").branch.code == "CHPN1"


def test_bad_rows_are_all_listed_and_nothing_written(places, runner, tmp_path):
    rows = good_rows() + [
        [4, "", "Khác", "31/02/1990", "Martian", "Đạo lạ", "12345", "12", "T99", "NOPE", "", "", ""],
        [5, "Lê Văn A", "Nam", datetime.datetime(2090, 1, 1), "", "", "", "", "", "CHND1", "", "",
         "Chuyển đi"],
        [6, "Lê Văn B" * 20, "Nam", 33000, "", "", 64190000456, 905123456, "", "CHND1", "", "", ""],
    ]
    result = run_cli(runner, tmp_path, xlsx_file(rows, formulas=[("K2", "=A1")]))
    assert result.exit_code != 0
    out = result.output
    for expected in (
        "Dòng 2, cột Số thẻ: ô chứa công thức",
        "Dòng 5, cột Họ và tên: Họ và tên không được để trống.",
        "Dòng 5, cột Giới tính: không có giới tính «Khác»",
        "Dòng 5, cột Ngày sinh: «31/02/1990» không phải ngày có thật",
        "Dòng 5, cột Dân tộc: không có dân tộc «Martian»",
        "Dòng 5, cột Tôn giáo: không có tôn giáo «Đạo lạ»",
        "Dòng 5, cột Số CCCD: Số CCCD phải gồm đúng 12 chữ số.",
        "Dòng 5, cột Điện thoại: Số điện thoại không hợp lệ",
        "Dòng 5, cột Mã thôn: không có thôn mã «T99»",
        "Dòng 5, cột Mã chi hội: không có tổ chức mã «NOPE»",
        "Dòng 6, cột Ngày sinh: Ngày sinh phải sau 01/01/1900 và không sau hôm nay.",
        "Dòng 6, cột Ngày thôi sinh hoạt: Cần ghi ngày thôi sinh hoạt",
        "Dòng 7, cột Họ và tên: dài quá 120 ký tự",
        "Dòng 7, cột Ngày sinh: «33000» là số, không phải ngày",
        "Dòng 7, cột Số CCCD: «64190000456» được lưu dạng số nên đã mất số 0",
        "Dòng 7, cột Điện thoại: «905123456» được lưu dạng số",
        "chưa ghi gì",
    ):
        assert expected in out, (expected, out)
    assert Member.select().count() == 0
    assert AuditLog.select().where(AuditLog.action == "import").count() == 0


def test_whole_file_problems(places, runner, tmp_path):
    merged = xlsx_file(good_rows(), merge="J2:J3")
    result = run_cli(runner, tmp_path, merged)
    assert result.exit_code != 0 and "ô gộp" in result.output
    result = run_cli(runner, tmp_path, xlsx_file(good_rows(), header=["Tên"] + HEADER[1:]))
    assert result.exit_code != 0 and "cột không nhận ra: Tên" in result.output
    result = run_cli(runner, tmp_path, b"not a zip", name="x.xlsx")
    assert result.exit_code != 0 and "không phải tệp Excel" in result.output
    assert Member.select().count() == 0


def test_duplicates_in_file_and_in_database(places, runner, tmp_path):
    rows = good_rows()
    twin = list(rows[0])
    twin[1], twin[10] = "Nguyễn Thị Hoa B", ""
    result = run_cli(runner, tmp_path, xlsx_file(rows + [twin]))
    assert result.exit_code != 0
    assert "Dòng 5, cột Số CCCD: Số CCCD trùng với dòng 2" in result.output
    # The same person in another provincial unit is no duplicate.
    other = list(twin)
    other[9] = "CHND1"
    assert run_cli(runner, tmp_path, xlsx_file(rows + [other])).exit_code == 0
    result = run_cli(runner, tmp_path, xlsx_file([rows[0][:6] + ["064185000123"] + rows[0][7:]]))
    assert result.exit_code != 0
    assert "Số CCCD đã có ở hội viên Nguyễn Thị Hoa của cùng đơn vị cấp tỉnh" in result.output
    assert Member.select().count() == 4


def test_dry_run_writes_nothing(places, runner, tmp_path):
    result = run_cli(runner, tmp_path, xlsx_file(good_rows()), "--dry-run")
    assert result.exit_code == 0, result.output
    assert "sẽ nhập 3 hội viên" in result.output
    assert Member.select().count() == 0
    assert AuditLog.select().where(AuditLog.action == "import").count() == 0


def upload(client, data, name="hoi-vien.xlsx"):
    return client.post("/admin/import-members/", data={"file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def token_of(page):
    marker = 'name="token" value="'
    return page.split(marker, 1)[1].split('"', 1)[0]


def test_preview_then_confirm(places, login, app):
    client = login("admin")
    page = upload(client, xlsx_file(good_rows())).get_data(as_text=True)
    assert "3 hội viên sẽ được nhập" in page
    assert "Chi hội Phụ nữ làng Dơ (CHPN1) — theo mã" in page and "Thôn: Làng Dơ (T01)" in page
    assert "Ngày sinh: 12/03/1985" in page
    assert Member.select().count() == 0
    token = token_of(page)
    # Tampering with the kept file is refused.
    folder = os.path.join(app.config["UPLOAD_FOLDER"], "member-imports")
    with open(os.path.join(folder, token + ".data"), "ab") as fh:
        fh.write(b"x")
    page = client.post("/admin/import-members/confirm", data={"token": token}).get_data(as_text=True)
    assert "Không tìm thấy tệp đã tải lên" in page and Member.select().count() == 0
    token = token_of(upload(client, xlsx_file(good_rows())).get_data(as_text=True))
    assert "Không tìm thấy" in client.post("/admin/import-members/confirm",
                                            data={"token": "../" + token}).get_data(as_text=True)
    response = client.post("/admin/import-members/confirm", data={"token": token},
                           follow_redirects=True)
    assert "Đã nhập 3 hội viên" in response.get_data(as_text=True)
    assert Member.select().count() == 3
    entry = AuditLog.get(AuditLog.action == "import")
    assert entry.username == "admin"
    # A second confirmation of the same upload writes nothing.
    page = client.post("/admin/import-members/confirm", data={"token": token}).get_data(as_text=True)
    assert "Không tìm thấy" in page and Member.select().count() == 3


def test_an_expired_upload_is_refused(places, login, monkeypatch):
    from portal.excel import uploads

    client = login("admin")
    token = token_of(upload(client, xlsx_file(good_rows())).get_data(as_text=True))
    monkeypatch.setattr(uploads, "MAX_AGE", -1)
    page = client.post("/admin/import-members/confirm", data={"token": token}).get_data(as_text=True)
    assert "Không tìm thấy tệp đã tải lên" in page and Member.select().count() == 0


def test_preview_lists_bad_rows(places, login):
    client = login("admin")
    rows = good_rows() + [[4, "X", "Nam", "1/1/1990", "", "", "", "", "", "NOPE", "", "", ""]]
    page = upload(client, xlsx_file(rows)).get_data(as_text=True)
    assert "Tệp có 1 lỗi" in page and "không có tổ chức mã «NOPE»" in page
    assert 'name="token"' not in page


def test_editor_imports_only_into_own_section(places, login, make_user):
    client = login("phunu", role="editor", org="PHUNU")
    page = upload(client, xlsx_file(good_rows())).get_data(as_text=True)
    assert "Dòng 4, cột Mã chi hội" in page or "không có tổ chức mã «NONGDAN»" in page
    assert 'name="token"' not in page
    page = upload(client, xlsx_file(good_rows()[:2])).get_data(as_text=True)
    token = token_of(page)
    # Another user cannot confirm it.
    other = login("admin2")
    assert "Không tìm thấy" in other.post("/admin/import-members/confirm",
                                          data={"token": token}).get_data(as_text=True)
    client = login("phunu")
    client.post("/admin/import-members/confirm", data={"token": token})
    assert Member.select().count() == 2
    assert AuditLog.get(AuditLog.action == "import").username == "phunu"
    client = login("viewer", role="viewer")
    assert client.get("/admin/import-members/").status_code == 403


def test_template_downloads_with_vietnamese_headers(places, login, runner, tmp_path):
    client = login("admin")
    response = client.get("/admin/import-members/template.xlsx")
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.data)).active
    assert [c.value for c in sheet[1]][:3] == ["Họ và tên", "Giới tính", "Ngày sinh"]
    # The template, filled in, imports.
    sheet.append(["Trần Văn Bình", "Nam", "01/02/1980", "Kinh", "Phật giáo", "064180000001",
                  "0912345678", "T01", "CHND1"])
    out = io.BytesIO()
    sheet.parent.save(out)
    result = run_cli(runner, tmp_path, out.getvalue())
    assert result.exit_code == 0, result.output
    assert Member.get(Member.full_name == "Trần Văn Bình").religion == "phat_giao"


def test_villages_import_and_refusal(places, runner, tmp_path):
    header = ["Mã thôn", "Tên thôn", "Loại", "Mã xã", "Vùng đồng bào dân tộc thiểu số", "Dân tộc chủ yếu"]
    good = [["T02", "Plei Ơi", "Plei", "X01", "Có", "Jrai"], ["T03", "Thôn 3", "", "X01", "", ""]]
    bad = good + [["T02", "Trùng", "Thôn", "X99", "Có lẽ", ""], ["T01", "Đã có", "Ấp lạ", "X01", "", ""]]
    (tmp_path / "thon.xlsx").write_bytes(xlsx_file(bad, header=header))
    result = runner.invoke(args=["import", "villages", str(tmp_path / "thon.xlsx")])
    assert result.exit_code != 0
    for expected in ("Dòng 4, cột Mã thôn: trùng mã với dòng 2", "Dòng 4, cột Mã xã: không có xã mã «X99»",
                     "Dòng 4, cột Vùng đồng bào dân tộc thiểu số: ghi Có hoặc Không",
                     "Dòng 5, cột Mã thôn: đã có thôn mã «T01»", "Dòng 5, cột Loại: không có loại «Ấp lạ»"):
        assert expected in result.output, (expected, result.output)
    assert Village.select().count() == 1
    (tmp_path / "thon.xlsx").write_bytes(xlsx_file(good, header=header))
    assert runner.invoke(args=["import", "villages", str(tmp_path / "thon.xlsx"), "--dry-run"]).exit_code == 0
    assert Village.select().count() == 1
    result = runner.invoke(args=["import", "villages", str(tmp_path / "thon.xlsx")])
    assert result.exit_code == 0, result.output
    village = Village.get(Village.code == "T02")
    assert village.kind == "plei" and village.ethnic_minority and village.search_text.strip()
    assert AuditLog.get(AuditLog.action == "import").record_table == "village"


def test_organisations_import_parents_first(places, runner, tmp_path):
    header = ["Mã tổ chức", "Tên tổ chức", "Loại tổ chức", "Cấp", "Mã tổ chức cấp trên", "Ngày thành lập"]
    rows = [["PNXA1", "Hội Phụ nữ xã Ia Grai", "Hội Liên hiệp Phụ nữ", "Cấp xã (cơ sở)", "PHUNU",
             datetime.datetime(2020, 1, 1)],
            ["CHPN2", "Chi hội Phụ nữ Plei Ơi", "phunu", "chi_hoi", "PNXA1", ""]]
    path = tmp_path / "to-chuc.xlsx"
    path.write_bytes(xlsx_file(list(reversed(rows)), header=header))
    result = runner.invoke(args=["import", "organisations", str(path)])
    assert result.exit_code != 0 and "Dòng 2, cột Mã tổ chức cấp trên: không có tổ chức mã «PNXA1»" in result.output
    path.write_bytes(xlsx_file(rows, header=header))
    result = runner.invoke(args=["import", "organisations", str(path)])
    assert result.exit_code == 0, result.output
    child = Organisation.get(Organisation.code == "CHPN2")
    phunu = Organisation.get(Organisation.code == "PHUNU")
    assert child.is_descendant_of(phunu) and child.parent.code == "PNXA1"
    assert child.parent.active_from == datetime.date(2020, 1, 1)


def test_templates_from_the_command_line(runner, tmp_path):
    for kind, first in (("members", "Họ và tên"), ("villages", "Mã thôn"), ("organisations", "Mã tổ chức")):
        out = tmp_path / f"{kind}.xlsx"
        assert runner.invoke(args=["import", "template", kind, "-o", str(out)]).exit_code == 0
        assert openpyxl.load_workbook(out).active["A1"].value == first
