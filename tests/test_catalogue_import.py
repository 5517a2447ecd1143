"""Importing villages and organisations in the portal: upload → preview → confirm."""
import datetime
import io
import json

import openpyxl
import pytest
from peewee import IntegrityError

from models import AdministrativeUnit, AuditLog, Organisation, Village
from portal.excel import organisation_import, village_import
from tests.test_member_import import places, token_of, xlsx_file  # noqa: F401 (fixture)

VILLAGE_HEADER = ["Mã thôn", "Tên thôn", "Loại", "Mã xã", "Vùng đồng bào dân tộc thiểu số",
                  "Dân tộc chủ yếu"]
ORG_HEADER = ["Mã tổ chức", "Tên tổ chức", "Loại tổ chức", "Cấp", "Mã tổ chức cấp trên", "Mã xã",
              "Ngày thành lập"]


def villages():
    return [["T02", "Plei Ơi", "Plei", "X01", "Có", "Jrai"],
            ["T03", "Thôn 3", "", "x01", "", ""]]


def organisations(parent="PHUNU"):
    return [["PNXA1", "Hội Phụ nữ xã Ia Grai", "Hội Liên hiệp Phụ nữ", "Cấp xã (cơ sở)", parent, "X01",
             datetime.datetime(2020, 1, 1)],
            ["CHPN2", "Chi hội Phụ nữ Plei Ơi", "phunu", "chi_hoi", "PNXA1", "", "15/03/2021"]]


def upload(client, kind, data, name="tep.xlsx"):
    return client.post(f"/admin/import-{kind}/", data={"file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def confirm(client, kind, token):
    return client.post(f"/admin/import-{kind}/confirm", data={"token": token}, follow_redirects=True)


def imports():
    return AuditLog.select().where(AuditLog.action == "import").count()


def test_village_preview_lists_bad_rows_and_writes_nothing(places, login):
    client = login("vanphong", role="secretariat")
    bad = villages() + [["T02", "Trùng", "Thôn", "X99", "Có lẽ", ""],
                        ["T01", "Đã có", "Ấp lạ", "X01", "", ""],
                        ["", "Không mã", "", "", "", ""]]
    page = upload(client, "villages", xlsx_file(bad, header=VILLAGE_HEADER)).get_data(as_text=True)
    assert "Tệp có 7 lỗi; chưa ghi gì" in page
    for row in ("<td>4</td><td>Mã thôn</td><td>trùng mã với dòng 2</td>",
                "<td>4</td><td>Mã xã</td><td>không có xã mã «X99»</td>",
                "<td>4</td><td>Vùng đồng bào dân tộc thiểu số</td><td>ghi Có hoặc Không</td>",
                "<td>5</td><td>Mã thôn</td><td>đã có thôn mã «T01»</td>",
                "<td>5</td><td>Loại</td><td>không có loại «Ấp lạ»",
                "<td>6</td><td>Mã thôn</td><td>để trống</td>",
                "<td>6</td><td>Mã xã</td><td>để trống</td>"):
        assert row in page, row
    assert 'name="token"' not in page
    assert Village.select().count() == 1 and imports() == 0


def test_village_preview_shows_matches_then_confirm_writes_all_and_audits(places, login, app):
    client = login("vanphong", role="secretariat")
    page = upload(client, "villages", xlsx_file(villages(), header=VILLAGE_HEADER)).get_data(as_text=True)
    assert "2 thôn, làng sẽ được nhập" in page
    assert "Xã: Xã Ia Grai (X01) — theo mã" in page
    assert "Loại: Plei" in page and "Loại: Thôn (để trống: mặc định)" in page
    assert "Thôn, làng đồng bào dân tộc thiểu số" in page
    assert Village.select().count() == 1
    token = token_of(page)
    page = confirm(client, "villages", token).get_data(as_text=True)
    assert "Đã nhập 2 thôn, làng từ tệp tep.xlsx" in page
    assert Village.get(Village.code == "T02").ethnic_minority
    assert Village.get(Village.code == "T03").commune.code == "X01"
    entry = AuditLog.get(AuditLog.action == "import")
    assert (entry.username, entry.record_table) == ("vanphong", "village")
    assert json.loads(entry.changes) == {"ghi_chu": "Tệp tep.xlsx: 2 thôn, làng", "ma": ["T02", "T03"]}
    # The same upload cannot be confirmed twice.
    assert "Không tìm thấy tệp đã tải lên" in confirm(client, "villages", token).get_data(as_text=True)
    assert Village.select().count() == 3 and imports() == 1


def test_organisation_preview_then_confirm_parents_first(places, login):
    client = login("vanphong", role="secretariat")
    page = upload(client, "organisations", xlsx_file(organisations(), header=ORG_HEADER)).get_data(as_text=True)
    assert "2 tổ chức sẽ được nhập" in page
    assert "Cấp trên: Hội Liên hiệp Phụ nữ tỉnh (PHUNU) — theo mã" in page
    assert "Cấp trên: PNXA1 — tổ chức mới ở dòng 2 của tệp" in page
    assert "Ngày thành lập: 01/01/2020" in page and "Ngày thành lập: 15/03/2021" in page
    assert "Cấp: Cấp xã (cơ sở)" in page and "Xã: Xã Ia Grai (X01) — theo mã" in page
    assert Organisation.get_or_none(Organisation.code == "PNXA1") is None
    page = confirm(client, "organisations", token_of(page)).get_data(as_text=True)
    assert "Đã nhập 2 tổ chức" in page
    child = Organisation.get(Organisation.code == "CHPN2")
    phunu = Organisation.get(Organisation.code == "PHUNU")
    assert child.is_descendant_of(phunu) and child.parent.code == "PNXA1"
    assert child.active_from == datetime.date(2021, 3, 15)
    entry = AuditLog.get(AuditLog.action == "import")
    assert entry.record_table == "organisation" and entry.username == "vanphong"
    assert json.loads(entry.changes)["ma"] == ["PNXA1", "CHPN2"]


def test_confirm_checks_the_file_again_and_writes_nothing_when_it_no_longer_fits(places, login):
    client = login("vanphong", role="secretariat")
    token = token_of(upload(client, "villages", xlsx_file(villages(), header=VILLAGE_HEADER))
                     .get_data(as_text=True))
    # Between preview and confirmation someone adds a village with one of the codes.
    Village.create(code="T03", name="Thôn 3 (đã thêm tay)", commune=AdministrativeUnit.get(code="X01"))
    page = confirm(client, "villages", token).get_data(as_text=True)
    assert "<td>3</td><td>Mã thôn</td><td>đã có thôn mã «T03»</td>" in page
    assert Village.get_or_none(Village.code == "T02") is None and imports() == 0


def second_organisation_clashes(monkeypatch):
    """Writing CHPN2, the second row of organisations(), meets a code added meanwhile."""
    create = Organisation.create

    def second_fails(**data):
        if data["code"] == "CHPN2":
            raise IntegrityError("UNIQUE constraint failed: organisation.code")
        return create(**data)

    monkeypatch.setattr(Organisation, "create", second_fails)


def test_a_failure_half_way_leaves_nothing_written(places, login, monkeypatch):
    client = login("vanphong", role="secretariat")
    token = token_of(upload(client, "organisations", xlsx_file(organisations(), header=ORG_HEADER))
                     .get_data(as_text=True))
    second_organisation_clashes(monkeypatch)
    page = confirm(client, "organisations", token).get_data(as_text=True)
    assert "Chưa ghi gì" in page
    assert Organisation.get_or_none(Organisation.code == "PNXA1") is None and imports() == 0


def test_a_forged_or_someone_elses_token_is_refused(places, login):
    client = login("vanphong", role="secretariat")
    token = token_of(upload(client, "villages", xlsx_file(villages(), header=VILLAGE_HEADER))
                     .get_data(as_text=True))
    for forged in ("../" + token, token[:-1] + ("A" if token[-1] != "A" else "B"), "x" * 32, ""):
        assert "Không tìm thấy tệp đã tải lên" in confirm(client, "villages", forged).get_data(as_text=True)
    # A token of the village page means nothing on the organisation page.
    assert "Không tìm thấy" in confirm(client, "organisations", token).get_data(as_text=True)
    other = login("quantri2")
    assert "Không tìm thấy" in confirm(other, "villages", token).get_data(as_text=True)
    assert Village.select().count() == 1
    # Still its owner's to confirm.
    client = login("vanphong")
    assert "Đã nhập 2 thôn, làng" in confirm(client, "villages", token).get_data(as_text=True)
    assert AuditLog.get(AuditLog.action == "import").username == "vanphong"


def password_protected():
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512


@pytest.mark.parametrize("kind, name, data, message", [
    ("villages", "to-chuc.xlsx", lambda: xlsx_file(organisations(), header=ORG_HEADER),
     "Tệp này có vẻ là danh sách tổ chức, không phải danh sách thôn, làng. Hãy nhập ở trang «Nhập tổ chức từ tệp»"),
    ("organisations", "thon.xlsx", lambda: xlsx_file(villages(), header=VILLAGE_HEADER),
     "Dòng 1 (tiêu đề) có cột không nhận ra: Mã thôn, Tên thôn, Loại"),
    ("members", "thon.xlsx", lambda: xlsx_file(villages(), header=VILLAGE_HEADER),
     "Tệp này có vẻ là danh sách thôn, làng, không phải danh sách hội viên."),
    ("villages", "hong.xlsx", lambda: b"PK\x03\x04 hong roi", "Không đọc được tệp Excel: tệp bị hỏng"),
    ("villages", "doi-duoi.xlsx", lambda: b"Ma thon,Ten thon\n", "không phải tệp Excel .xlsx hợp lệ"),
    ("organisations", "mat-khau.xlsx", password_protected, "Tệp Excel được đặt mật khẩu"),
    ("villages", "thon.xls", lambda: b"anything", "Định dạng .xls (Excel 97–2003) không được hỗ trợ"),
    ("villages", "thon.pdf", lambda: b"%PDF-1.4", "Chỉ nhận tệp .csv hoặc .xlsx"),
    ("villages", "trong.csv", lambda: b"", "Tệp trống"),
    ("organisations", "chi-tieu-de.xlsx", lambda: xlsx_file([], header=ORG_HEADER),
     "Tệp chỉ có dòng tiêu đề, không có dòng dữ liệu nào"),
    ("villages", "cong-thuc.xlsx",
     lambda: xlsx_file(villages(), header=VILLAGE_HEADER, formulas=[("B3", '="Thôn "&A3')]),
     "<td>3</td><td>Tên thôn</td><td>ô chứa công thức"),
    ("organisations", "gop-o.xlsx", lambda: xlsx_file(organisations(), header=ORG_HEADER, merge="C2:C3"),
     "Trang tính có ô gộp trong vùng dữ liệu (C2:C3)"),
])
def test_unusable_files_are_refused_in_vietnamese(places, login, kind, name, data, message):
    client = login("admin")
    page = upload(client, kind, data(), name=name).get_data(as_text=True)
    assert message in page, page[-3000:]
    assert 'name="token"' not in page
    assert Village.select().count() == 1 and imports() == 0
    assert Organisation.get_or_none(Organisation.code == "PNXA1") is None


def test_an_oversized_upload_is_refused(places, login, app):
    client = login("admin")
    app.config["MAX_CONTENT_LENGTH"] = 1024
    response = upload(client, "villages", xlsx_file(villages() * 20, header=VILLAGE_HEADER))
    assert response.status_code == 413
    assert "Tệp quá lớn" in response.get_data(as_text=True)
    assert Village.select().count() == 1


@pytest.mark.parametrize("role, org, villages_status, organisations_status", [
    ("admin", None, 200, 200),
    ("secretariat", None, 200, 200),
    ("editor", "PHUNU", 403, 200),
    ("viewer", None, 403, 403),
    ("viewer", "PHUNU", 403, 403),
])
def test_only_those_who_may_create_the_records_may_import_them(places, login, role, org,
                                                               villages_status, organisations_status):
    client = login(f"{role}-{org or 'tinh'}".lower(), role=role, org=org)
    for kind, status in (("villages", villages_status), ("organisations", organisations_status)):
        assert client.get(f"/admin/import-{kind}/").status_code == status, kind
        assert client.get(f"/admin/import-{kind}/template.xlsx").status_code == status, kind
        response = upload(client, kind, xlsx_file(villages(), header=VILLAGE_HEADER))
        assert response.status_code == status, kind
        menu = client.get("/admin/").get_data(as_text=True)
        assert (f"/admin/import-{kind}/" in menu) == (status == 200), kind
    assert Village.select().count() == 1


def test_the_pages_are_behind_login(client):
    for kind in ("members", "villages", "organisations"):
        response = client.get(f"/admin/import-{kind}/")
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/login?next=")


def test_an_editor_adds_organisations_only_below_its_own(places, login):
    client = login("phunu", role="editor", org="PHUNU")
    page = upload(client, "organisations", xlsx_file(organisations("NONGDAN"), header=ORG_HEADER)
                  ).get_data(as_text=True)
    # Another section's unit answers like one that does not exist.
    assert "<td>2</td><td>Mã tổ chức cấp trên</td><td>không có tổ chức mã «NONGDAN»" in page
    assert 'name="token"' not in page
    page = upload(client, "organisations", xlsx_file(organisations("CHPN1"), header=ORG_HEADER)
                  ).get_data(as_text=True)
    assert "Cấp trên: Chi hội Phụ nữ làng Dơ (CHPN1) — theo mã" in page
    page = confirm(client, "organisations", token_of(page)).get_data(as_text=True)
    assert "Đã nhập 2 tổ chức" in page
    unit = Organisation.get(Organisation.code == "PNXA1")
    assert unit.is_descendant_of(Organisation.get(Organisation.code == "CHPN1"))
    # The import lands in the editor's own section of the audit trail.
    entry = AuditLog.get(AuditLog.action == "import")
    assert entry.organisation_id == unit.id and entry.username == "phunu"
    assert f"details/?id={entry.id}" in client.get("/admin/auditlog/").get_data(as_text=True)


def test_a_dissolved_parent_or_commune_takes_no_new_rows(places, login):
    yesterday = datetime.date.today() - datetime.timedelta(days=1)
    Organisation.update(active_to=yesterday).where(Organisation.code == "CHPN1").execute()
    AdministrativeUnit.update(active_to=yesterday).where(AdministrativeUnit.code == "X01").execute()
    client = login("admin")
    page = upload(client, "organisations", xlsx_file(organisations("CHPN1"), header=ORG_HEADER)
                  ).get_data(as_text=True)
    assert "tổ chức CHPN1 đã ngừng hoạt động" in page and "xã X01 đã hết hiệu lực" in page
    page = upload(client, "villages", xlsx_file(villages(), header=VILLAGE_HEADER)).get_data(as_text=True)
    assert "<td>2</td><td>Mã xã</td><td>xã X01 đã hết hiệu lực" in page


@pytest.mark.parametrize("kind, module, row", [
    ("villages", village_import, ["T09", "Buôn Mới", "Buôn", "X01", "Không", ""]),
    ("organisations", organisation_import, ["CHND9", "Chi hội Nông dân 9", "Hội Nông dân",
                                            "Chi hội / chi đoàn / công đoàn cơ sở", "NONGDAN", "", ""]),
])
def test_templates_download_with_vietnamese_headers_and_import_when_filled(places, login, kind, module, row):
    client = login("admin")
    response = client.get(f"/admin/import-{kind}/template.xlsx")
    assert response.status_code == 200
    assert module.TEMPLATE_NAME in response.headers["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(response.data))
    header = [c.value for c in book.active[1]]
    assert header == [h for _, h in module.COLUMNS]
    assert header[:2] in (["Mã thôn", "Tên thôn"], ["Mã tổ chức", "Tên tổ chức"])
    book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    page = upload(client, kind, out.getvalue(), name=module.TEMPLATE_NAME).get_data(as_text=True)
    assert "1 " + module.WHAT + " sẽ được nhập" in page, page[-2000:]
    assert "Đã nhập 1 " + module.WHAT in confirm(client, kind, token_of(page)).get_data(as_text=True)
    assert module.MODEL.get_or_none(module.MODEL.code == row[0]) is not None
