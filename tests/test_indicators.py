"""The secretariat keeps the indicator catalogue through the screens."""
from models import Indicator


def indicator_form(**extra):
    form = {"code": "blood_donations", "label": "Lượt hiến máu tình nguyện", "unit": "lượt",
            "kind": "flow", "scale": "1", "group": "Mô hình, tình nguyện", "position": "200",
            "reported_by": "doan,phunu"}
    form.update(extra)
    return form


def test_a_new_indicator_appears_without_a_code_change(login):
    client = login("vanphong", role="secretariat")
    page = client.post("/admin/indicator/new/", data=indicator_form(), follow_redirects=True)
    assert "Đã thêm bản ghi" in page.get_data(as_text=True)
    added = Indicator.get(Indicator.code == "blood_donations")
    assert added.applies_to("phunu") and not added.applies_to("ccb")
    assert "Lượt hiến máu tình nguyện" in client.get("/admin/totals/?year=2024&quarter=2").get_data(as_text=True)


def test_catalogue_rules_are_explained(login):
    client = login("vanphong", role="secretariat")
    total = Indicator.get(Indicator.code == "members_total")
    cases = [
        (indicator_form(code="Máu"), "chữ thường không dấu"),
        (indicator_form(kind="ratio"), "cần chọn tử số và mẫu số"),
        (indicator_form(kind="ratio", numerator=str(total.id), denominator=str(total.id)), "hai chỉ tiêu khác nhau"),
        (indicator_form(numerator=str(total.id)), "Chỉ chỉ tiêu tỷ lệ"),
        (indicator_form(reported_by="phunu,abc"), "Không có loại tổ chức: abc"),
        (indicator_form(code="members_new"), "đã được dùng"),
    ]
    for form, message in cases:
        page = client.post("/admin/indicator/new/", data=form).get_data(as_text=True)
        assert message in page, message
    assert Indicator.select().where(Indicator.code == "blood_donations").count() == 0


def test_retiring_keeps_history_but_leaves_the_grid(login):
    client = login("vanphong", role="secretariat")
    indicator = Indicator.get(Indicator.code == "volunteer_activities")
    form = indicator_form(code="volunteer_activities", label=indicator.label, kind="flow",
                          reported_by="", retired_on="01/01/2020", version=str(indicator.version))
    client.post(f"/admin/indicator/edit/?id={indicator.id}", data=form)
    assert Indicator.get_by_id(indicator.id).retired_on.year == 2020
    assert "volunteer_activities" not in {i.code for i in Indicator.in_force()}


def test_editors_read_the_catalogue_but_cannot_change_it(login):
    client = login("kt_phunu", role="editor", org="PHUNU")
    assert client.get("/admin/indicator/").status_code == 200
    client.post("/admin/indicator/new/", data=indicator_form())
    assert Indicator.select().where(Indicator.code == "blood_donations").count() == 0
