"""List exports: the Excel file holds exactly the list on screen, safely."""
import datetime
import io
import json
import re

import openpyxl
import pytest

from models import AuditLog, Member, Organisation


def branch(code):
    return Organisation.get(Organisation.code == code)


def add(name, code="PHUNU", born=None, status="active", **extra):
    values = dict(full_name=name, gender="nu", branch=branch(code), status=status,
                  date_of_birth=born, joined_on=datetime.date(2005, 5, 1))
    if status != "active":
        values["left_on"] = datetime.date(2020, 1, 1)
    values.update(extra)
    member = Member(**values)
    member.save()
    return member


@pytest.fixture
def members(app):
    return {
        "an": add("Nguyễn Văn An", born=datetime.date(1980, 1, 2), phone="0905111222",
                  religion="phat_giao"),
        "binh": add("Nguyễn Thị Bình", born=datetime.date(1990, 3, 4)),
        "cuc": add("Nguyễn Thị Cúc", born=datetime.date(1985, 6, 7), status="left"),
        "dung": add("Trần Văn Dũng", born=datetime.date(1975, 8, 9)),
        "nong": add("Nguyễn Văn Nông", code="NONGDAN", born=datetime.date(1970, 10, 11)),
    }


def member_view(app):
    return next(v for v in app.extensions["admin"][0]._views if getattr(v, "endpoint", "") == "member")


def filter_arg(app, name, operation="equals"):
    view = member_view(app)
    with app.test_request_context():
        for index, flt in enumerate(view._filters):
            if flt.name == name and (operation is None or str(flt.operation()) in (operation, "bằng")):
                return f"flt0_{index}"
    raise AssertionError(name)


def workbook(response):
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.mimetype.endswith("spreadsheetml.sheet")
    return openpyxl.load_workbook(io.BytesIO(response.data)).active


def listed_names(client, query):
    html = client.get(f"/admin/member/?{query}").get_data(as_text=True)
    ids = [int(i) for i in re.findall(r"details/\?id=(\d+)", html)]
    ids = list(dict.fromkeys(ids))
    return [Member.get_by_id(i).full_name for i in ids]


def test_export_is_the_filtered_searched_sorted_list(app, login, members):
    client = login("quantri")
    status = filter_arg(app, "Tình trạng")
    # Sorted by date of birth (third list column), newest first.
    query = f"search=nguyen&{status}=active&sort=2&desc=1"
    sheet = workbook(client.get(f"/admin/member/export/xlsx/?{query}"))
    rows = list(sheet.iter_rows())

    view = member_view(app)
    header = [cell.value for cell in rows[0]]
    on_screen = [label for _name, label in view._list_columns]
    assert header[:len(on_screen)] == on_screen
    assert header == ["Họ và tên", "Giới tính", "Ngày sinh", "Chi hội / chi đoàn",
                      "Thôn, làng nơi ở", "Số thẻ", "Ngày vào tổ chức", "Tình trạng",
                      "Dân tộc", "Tôn giáo", "Số CCCD", "Điện thoại",
                      "Ngày giới thiệu cho Đảng (quần chúng ưu tú)", "Ngày kết nạp Đảng"]

    names = [row[0].value for row in rows[1:]]
    assert names == ["Nguyễn Thị Bình", "Nguyễn Văn An", "Nguyễn Văn Nông"]
    assert names == listed_names(client, query)

    an = rows[2]
    born = an[2]
    assert born.is_date and born.value == datetime.datetime(1980, 1, 2)
    assert born.number_format == "dd/mm/yyyy"
    assert an[1].value == "Nữ"                      # choice shown by its label
    assert an[3].value == "Hội Liên hiệp Phụ nữ tỉnh" or an[3].value == str(branch("PHUNU"))
    assert an[7].value == "Đang sinh hoạt"
    assert an[9].value == "Phật giáo"
    assert an[11].value == "0905111222" and an[11].data_type == "s"
    assert an[4].value is None                      # no village


def test_text_never_becomes_a_formula_or_a_link(app, login):
    add('=HYPERLINK("http://x","y")', phone="+84905123456", card_number="http://example.com")
    add("+84 Người Dấu Cộng", card_number="-12")
    client = login("quantri")
    sheet = workbook(client.get("/admin/member/export/xlsx/"))
    cells = [cell for row in sheet.iter_rows(min_row=2) for cell in row if cell.value is not None]
    texts = {cell.value: cell for cell in cells}
    for value in ('=HYPERLINK("http://x","y")', "+84905123456", "http://example.com",
                  "+84 Người Dấu Cộng", "-12"):
        assert texts[value].data_type == "s", value
        assert texts[value].hyperlink is None, value
    assert not any(cell.data_type == "f" for cell in cells)


def test_an_editor_exports_only_its_own_section(app, login, members):
    client = login("kt_phunu", role="editor", org="PHUNU")
    sheet = workbook(client.get("/admin/member/export/xlsx/"))
    names = {row[0] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert names == {"Nguyễn Văn An", "Nguyễn Thị Bình", "Nguyễn Thị Cúc", "Trần Văn Dũng"}

    subtree = filter_arg(app, "Tổ chức", operation=None)
    for forged in (f"{subtree}=NONGDAN", "search=nong", f"search=nong&{subtree}=KHOI",
                   "page_size=100000&page=0", "sort=1&desc=1", "sort=99"):
        sheet = workbook(client.get(f"/admin/member/export/xlsx/?{forged}"))
        names = {row[0] for row in sheet.iter_rows(min_row=2, values_only=True)}
        assert "Nguyễn Văn Nông" not in names, forged


def test_every_export_is_audited(app, login, members):
    client = login("quantri")
    status = filter_arg(app, "Tình trạng")
    workbook(client.get(f"/admin/member/export/xlsx/?search=nguyen&{status}=active"))
    entry = AuditLog.select().where(AuditLog.action == "export").get()
    assert entry.username == "quantri" and entry.record_table == "member"
    note = json.loads(entry.changes)["ghi_chu"]
    assert "nguyen" in note and "Tình trạng" in note and "3 dòng" in note
    assert "Số CCCD" in note  # personal data went out: the trail says so

    workbook(client.get("/admin/organisation/export/xlsx/"))
    assert AuditLog.select().where(AuditLog.action == "export",
                                   AuditLog.record_table == "organisation").exists()


def test_every_list_offers_the_excel_export(app, login):
    client = login("quantri")
    for view in app.extensions["admin"][0]._views:
        if not hasattr(view, "model") or not view.can_export:
            continue
        base = f"/admin/{view.endpoint}/"
        assert "Xuất Excel" in client.get(base).get_data(as_text=True), base
        sheet = workbook(client.get(f"{base}export/xlsx/"))
        assert sheet.cell(1, 1).value, base
    assert client.get("/admin/member/export/csv/").status_code == 302


def test_plain_rows_stream_from_the_cursor_a_chunk_at_a_time(app, login, members, monkeypatch,
                                                              is_postgres):
    from admin_views import export_rows

    monkeypatch.setattr(export_rows, "CHUNK", 2)
    chunks, named = [], []
    read = export_rows._chunks

    def spy(query):
        for chunk in read(query):
            chunks.append(len(chunk))
            yield chunk
    monkeypatch.setattr(export_rows, "_chunks", spy)
    if is_postgres:
        from models import db

        open_cursor = db.obj._adapter.server_side_cursor
        monkeypatch.setattr(db.obj._adapter, "server_side_cursor",
                            lambda connection: named.append(1) or open_cursor(connection))
    sheet = workbook(login("quantri").get("/admin/member/export/xlsx/"))
    assert sheet.max_row == 1 + 5
    assert chunks == [2, 2, 1]
    assert sheet.cell(2, 4).value  # the branch's name, loaded for its chunk
    # PostgreSQL reads through a server-side cursor; SQLite steps its own.
    assert len(named) == (1 if is_postgres else 0)


def test_rows_needing_the_model_stream_a_chunk_at_a_time(app, login, members, monkeypatch,
                                                         is_postgres):
    from admin_views import export_rows, exporting

    # As for a list with an export formatter: the rows go through peewee models.
    monkeypatch.setattr(export_rows, "plain_fields", lambda view, names: None)
    chunks, cursors = [], []
    monkeypatch.setattr(exporting, "CHUNK", 2)
    view = member_view(app)
    original = view.attach_export_related
    monkeypatch.setattr(view, "attach_export_related",
                        lambda rows: chunks.append(len(rows)) or original(rows))
    fetch_many = exporting.FetchManyCursor
    monkeypatch.setattr(exporting, "FetchManyCursor",
                        lambda *a: cursors.append(a) or fetch_many(*a))
    sheet = workbook(login("quantri").get("/admin/member/export/xlsx/"))
    assert sheet.max_row == 1 + 5
    assert chunks == [2, 2, 1]
    # PostgreSQL reads through a server-side cursor; SQLite steps its own.
    assert len(cursors) == (1 if is_postgres else 0)


def test_dates_are_the_cells_xlsxwriter_itself_writes(app, login, members):
    # Including the first two months of 1900, before Excel's phantom 29/02/1900.
    add("Lê Thị Cụ", born=datetime.date(1900, 1, 15))
    sheet = workbook(login("quantri").get("/admin/member/export/xlsx/?search=le+thi+cu"))
    assert sheet.cell(2, 3).value == datetime.datetime(1900, 1, 15)
    assert sheet.cell(2, 3).number_format == "dd/mm/yyyy"
    sheet = workbook(login("quantri").get("/admin/member/export/xlsx/"))
    born = {row[0]: row[2] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert born["Nguyễn Văn An"] == datetime.datetime(1980, 1, 2)
    assert born["Lê Thị Cụ"] == datetime.datetime(1900, 1, 15)


def test_plain_rows_hold_the_cells_of_the_model_path(app, login, members, monkeypatch):
    from admin_views import export_rows

    # Text xlsxwriter escapes or keeps apart goes out as it does through the models.
    add(" Khoảng trắng & <ký tự> ", card_number="_x0041_", phone="0905\x01111 ",
        citizen_id='"0791234567"', born=datetime.date(1900, 2, 1))
    client = login("quantri")

    def cells():
        sheet = workbook(client.get("/admin/member/export/xlsx/"))
        return [[(cell.value, cell.data_type, cell.number_format) for cell in row]
                for row in sheet.iter_rows()]

    plain = cells()
    monkeypatch.setattr(export_rows, "plain_fields", lambda view, names: None)
    assert cells() == plain
    assert len(plain) == 1 + 6


def test_postgresql_plans_the_export_for_every_row_and_the_connection_keeps_its_setting(
        app, login, members, is_postgres, monkeypatch):
    if not is_postgres:
        pytest.skip("a PostgreSQL planner setting")
    from models import db

    database = db.obj
    seen = []
    execute_sql = database.execute_sql

    def spy(sql, params=None, *args, **kwargs):
        if "cursor_tuple_fraction" in sql:
            seen.append((sql, database.in_transaction()))
        return execute_sql(sql, params, *args, **kwargs)
    monkeypatch.setattr(database, "execute_sql", spy)
    usual = execute_sql("SHOW cursor_tuple_fraction").fetchone()[0]
    sheet = workbook(login("quantri").get("/admin/member/export/xlsx/"))
    assert sheet.max_row == 1 + 5
    assert seen == [("SET LOCAL cursor_tuple_fraction = 1", True)]
    assert execute_sql("SHOW cursor_tuple_fraction").fetchone()[0] == usual


@pytest.mark.parametrize("path", ["plain", "models"])
def test_a_list_longer_than_a_sheet_goes_on_in_the_next_sheets(app, login, members, monkeypatch, path):
    # Excel's 1.048.575 rows a sheet, as 2 here: the five members take three sheets.
    from admin_views import export_rows
    from admin_views.export_sheets import Sheets

    monkeypatch.setattr(Sheets, "capacity", 2)
    if path == "models":
        monkeypatch.setattr(export_rows, "plain_fields", lambda view, names: None)
    client = login("quantri")
    response = client.get("/admin/member/export/xlsx/")
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.data))
    assert book.sheetnames == ["Hội viên, đoàn viên", "Hội viên, đoàn viên (2)", "Hội viên, đoàn viên (3)"]
    header = [cell.value for cell in book.worksheets[0][1]]
    rows = []
    for sheet in book.worksheets:
        assert [cell.value for cell in sheet[1]] == header  # every sheet reads as the list does
        assert sheet.freeze_panes == "A2"
        assert sheet.auto_filter.ref == f"A1:{openpyxl.utils.get_column_letter(len(header))}{sheet.max_row}"
        rows += [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert [len(list(sheet.iter_rows(min_row=2))) for sheet in book.worksheets] == [2, 2, 1]
    # The list's order, across the sheets, and every row once.
    assert rows == listed_names(client, "")


def test_an_editors_export_over_several_sheets_holds_only_its_section(app, login, members, monkeypatch):
    from admin_views.export_sheets import Sheets

    monkeypatch.setattr(Sheets, "capacity", 1)
    client = login("kt_phunu", role="editor", org="PHUNU")
    book = openpyxl.load_workbook(io.BytesIO(client.get("/admin/member/export/xlsx/").data))
    names = [row[0] for sheet in book.worksheets for row in sheet.iter_rows(min_row=2, values_only=True)]
    # One member a sheet: four sheets, NONGDAN's member on none of them.
    assert len(book.worksheets) == 4
    assert sorted(names) == sorted(["Nguyễn Văn An", "Nguyễn Thị Bình", "Nguyễn Thị Cúc", "Trần Văn Dũng"])
