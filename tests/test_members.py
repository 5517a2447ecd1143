"""Members through the real admin screens: create, search, edit, conflicts."""
import re

from models import Member, Organisation, db


def branch(code="PHUNU"):
    return Organisation.get(Organisation.code == code)


def member_form(**overrides):
    form = {
        "full_name": "Nguyễn Thị Hoa", "gender": "nu", "date_of_birth": "12/03/1985",
        "ethnicity": "Kinh", "religion": "khong", "citizen_id": "064185000123",
        "phone": "0905123456", "branch": str(branch().id), "card_number": "PN-0001",
        "joined_on": "01/05/2005", "status": "active",
    }
    form.update(overrides)
    return form


def test_member_created_through_the_form(login):
    client = login("admin")
    response = client.post("/admin/member/new/", data=member_form(), follow_redirects=True)
    assert "Đã thêm bản ghi" in response.get_data(as_text=True)
    member = Member.get(Member.full_name == "Nguyễn Thị Hoa")
    assert member.date_of_birth.isoformat() == "1985-03-12"
    assert member.search_text == " nguyen thi hoa pn 0001 064185000123 "


def test_bad_input_is_refused_in_vietnamese_and_nothing_saved(login):
    client = login("admin")
    cases = {
        "citizen_id": ("06418500012", "12 chữ số"),
        "date_of_birth": ("31/02/1990", "dd/mm/yyyy"),
        "joined_on": ("01/01/2999", "không được sau hôm nay"),
        "branch": ("999999", "Không tìm thấy lựa chọn"),
        "full_name": ("", "bắt buộc"),
    }
    for field, (value, message) in cases.items():
        response = client.post("/admin/member/new/", data=member_form(**{field: value}))
        page = response.get_data(as_text=True)
        assert response.status_code == 200, field
        assert message in page, (field, page[:3000])
    assert Member.select().count() == 0


def test_leaving_needs_a_date_and_dates_must_follow_birth(login):
    client = login("admin")
    page = client.post("/admin/member/new/", data=member_form(status="left")).get_data(as_text=True)
    assert "Cần ghi ngày thôi sinh hoạt" in page
    page = client.post("/admin/member/new/", data=member_form(joined_on="01/01/1980")).get_data(as_text=True)
    assert "không được trước ngày sinh" in page
    assert Member.select().count() == 0


def test_same_citizen_id_twice_in_one_organisation_is_refused(login):
    client = login("admin")
    client.post("/admin/member/new/", data=member_form())
    page = client.post("/admin/member/new/", data=member_form(full_name="Khác")).get_data(as_text=True)
    assert "Số CCCD đã có ở hội viên Nguyễn Thị Hoa" in page
    # The same person may also belong to the Farmers' Union.
    client.post("/admin/member/new/", data=member_form(branch=str(branch("NONGDAN").id)))
    assert Member.select().count() == 2


def create_members(*names):
    for name in names:
        Member.create(full_name=name, gender="nu", branch=branch(), status="active")


def listed_names(client, query):
    page = client.get(f"/admin/member/?search={query}").get_data(as_text=True)
    return {name for name in ("Nguyễn Thị Hoa", "Đặng Văn Út", "Ksor H'Mai", "Nguyễn Văn Khoa")
            if name.replace("'", "&#39;") in page}


def test_search_ignores_accents_case_and_the_d_stroke(login):
    create_members("Nguyễn Thị Hoa", "Đặng Văn Út", "Ksor H'Mai", "Nguyễn Văn Khoa")
    client = login("admin")
    assert listed_names(client, "nguyen thi hoa") == {"Nguyễn Thị Hoa"}
    assert listed_names(client, "dang") == {"Đặng Văn Út"}
    assert listed_names(client, "ĐẶNG") == {"Đặng Văn Út"}
    assert listed_names(client, "mai") == {"Ksor H'Mai"}
    assert listed_names(client, "nguyen") == {"Nguyễn Thị Hoa", "Nguyễn Văn Khoa"}
    # Words match from their start: "hoa" is not found inside "Khoa".
    assert listed_names(client, "hoa") == {"Nguyễn Thị Hoa"}


def test_search_follows_an_edit(login):
    create_members("Nguyễn Thị Hoa")
    member = Member.get()
    member.full_name = "Trần Thị Hoà"
    member.save()
    client = login("admin")
    page = client.get("/admin/member/?search=tran hoa").get_data(as_text=True)
    assert "Trần Thị Hoà" in page


def edit_form(client, member_id):
    page = client.get(f"/admin/member/edit/?id={member_id}").get_data(as_text=True)
    version = re.search(r'name="version" type="hidden" value="(\d+)"', page)
    assert version, page[:2000]
    return member_form(version=version.group(1))


def test_edit_saves_and_a_stale_form_is_refused(login):
    create_members("Nguyễn Thị Hoa")
    member = Member.get()
    client = login("admin")
    first = edit_form(client, member.id)
    second = dict(first)

    first["phone"] = "0911111111"
    response = client.post(f"/admin/member/edit/?id={member.id}", data=first, follow_redirects=True)
    assert "Đã lưu bản ghi" in response.get_data(as_text=True)

    second["phone"] = "0922222222"
    page = client.post(f"/admin/member/edit/?id={member.id}", data=second,
                       follow_redirects=True).get_data(as_text=True)
    assert "vừa được người khác sửa" in page
    assert Member.get_by_id(member.id).phone == "0911111111"


def test_list_page_runs_a_fixed_number_of_queries(login, app):
    for i in range(30):
        Member.create(full_name=f"Hội viên {i}", gender="nam", branch=branch(), status="active")
    client = login("admin")
    statements = []
    original = db.obj.execute_sql

    def counting(sql, params=None, *args, **kwargs):
        statements.append(sql)
        return original(sql, params, *args, **kwargs)

    db.obj.execute_sql = counting
    try:
        page = client.get("/admin/member/?page_size=20").get_data(as_text=True)
    finally:
        db.obj.execute_sql = original
    assert "Hội viên 1" in page
    member_queries = [s for s in statements if 'FROM "member"' in s]
    assert len(member_queries) <= 3, member_queries
    assert len(statements) <= 10, statements
