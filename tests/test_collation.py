"""Vietnamese alphabetical order: the key, its save paths and the lists that use it."""
import datetime
import io
import random
import re

import openpyxl
import pytest

from models import AdministrativeUnit, Member, Organisation, Village
from models.text import sort_key

# A dictionary's order, written by hand: ă â đ ê ô ơ ư are letters of their
# own, tones (none, huyền, hỏi, ngã, sắc, nặng) count only between names
# whose letters are all equal, case last. ICU's `vi` collator agrees
# (test_the_key_orders_as_icu_vi).
DICTIONARY = [
    "An", "Ánh", "Ăng", "Âu Cơ", "Bạch Thị Mai", "Bế Văn Lợi", "Bùi", "Bùi Đình Tuấn",
    "Bùi Thị Ánh", "Bùi Xuân Phái", "Chu Văn An", "Dung", "Dương Thị Vân", "Đàm Thị Loan",
    "Đặng Văn Út", "Đinh Y Niê", "Đỗ Hữu Hòa", "Giang", "Hà", "Hạ", "Hải", "Hiếu", "Hoàng",
    "Hồ Sĩ Tân", "Hờ A Páo", "Ksor H'Mai", "Ksor H’Mai", "Ksor Ha", "Ksor Hơ", "Lê",
    "Lệ", "Lê Thị Hồng", "Nguyễn Thị Hoa", "Nguyễn Thị Hòa", "Nguyễn Thị Hóa", "Nguyễn Văn An",
    "Ông Ích Khiêm", "Ơn", "Phạm", "Quách", "Rah Lan Chung", "Siu Blơng", "Tạ", "Trần",
    "Trương", "Ung", "Ưng", "Võ", "Vũ", "Y Điêng", "Yên",
]


def shuffled(names, seed=11):
    names = list(names)
    random.Random(seed).shuffle(names)
    return names


def test_the_three_examples_of_the_issue():
    assert sorted(["Bùi", "Bế"], key=sort_key) == ["Bế", "Bùi"]
    assert sorted(["Bùi Đình", "Bùi Xuân"], key=sort_key) == ["Bùi Đình", "Bùi Xuân"]
    assert sorted(["Hiếu", "Hải"], key=sort_key) == ["Hải", "Hiếu"]


def test_letters_and_tones_in_dictionary_order():
    assert sorted(shuffled("aăâbcdđeêghiklmnoôơpqrstuưvxy"), key=sort_key) == \
        list("aăâbcdđeêghiklmnoôơpqrstuưvxy")
    assert sorted(shuffled(["ma", "mà", "mả", "mã", "má", "mạ"]), key=sort_key) == \
        ["ma", "mà", "mả", "mã", "má", "mạ"]
    assert sorted(shuffled(DICTIONARY), key=sort_key) == DICTIONARY


def test_the_key_ignores_how_the_text_was_composed():
    decomposed = "Nguye\u0302\u0303n Thi\u0323 Hoa"  # as some keyboards and Macs send it
    assert sort_key(decomposed) == sort_key("Nguyễn Thị Hoa")
    assert sort_key("") == sort_key(None) == b""


def test_the_key_orders_as_icu_vi():
    icu = pytest.importorskip("icu")
    collator = icu.Collator.createInstance(icu.Locale("vi"))
    assert sorted(shuffled(DICTIONARY), key=collator.getSortKey) == DICTIONARY
    # Random names and codes over every Vietnamese letter, tone and case,
    # with the spaces, digits and punctuation of names and unit codes.
    rng = random.Random(7)
    letters = list("aăâbcdđeêghiklmnoôơpqrstuưvxyfjwzĕŏŭ") + list(" -'‘’\"“”.()0123456789")
    vowels = "aăâeêioôơuưy"
    tones = ["\u0300", "\u0309", "\u0303", "\u0301", "\u0323"]

    def text():
        chars = []
        for _ in range(rng.randint(0, 9)):
            char = rng.choice(letters) if rng.random() < 0.6 else rng.choice(vowels) + rng.choice(tones)
            chars.append(char.upper() if rng.random() < 0.3 else char)
        return "".join(chars)

    texts = [text() for _ in range(20000)]
    ours = sorted(texts, key=lambda t: (sort_key(t), t))
    theirs = sorted(texts, key=lambda t: (collator.getSortKey(t), t))
    assert ours == theirs


# --- through the real pages -------------------------------------------------------------

def add(name, code="PHUNU"):
    member = Member(full_name=name, gender="nu", branch=Organisation.get(Organisation.code == code),
                    status="active", joined_on=datetime.date(2010, 5, 1))
    member.save()
    return member


def listed_names(client, query=""):
    html = client.get(f"/admin/member/?{query}").get_data(as_text=True)
    ids = list(dict.fromkeys(int(i) for i in re.findall(r"details/\?id=(\d+)", html)))
    names = {m.id: m.full_name for m in Member.select().where(Member.id.in_(ids))}
    return [names[i] for i in ids]


def exported_names(client, query=""):
    response = client.get(f"/admin/member/export/xlsx/?{query}")
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    sheet = openpyxl.load_workbook(io.BytesIO(response.data)).active
    return [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]


def test_the_member_list_and_its_export_are_in_vietnamese_order(app, login):
    for name in shuffled(DICTIONARY):
        add(name)
    client = login("quantri")
    pages = listed_names(client, "page_size=100")
    assert pages == DICTIONARY  # the default order
    assert listed_names(client, "sort=0&page_size=100") == DICTIONARY  # the name heading
    assert listed_names(client, "sort=0&desc=1&page_size=100") == DICTIONARY[::-1]
    assert listed_names(client, "page_size=20&page=1") == DICTIONARY[20:40]
    assert exported_names(client) == DICTIONARY
    assert exported_names(client, "sort=0&desc=1") == DICTIONARY[::-1]
    # A search lists its matches in the same order.
    assert listed_names(client, "search=bui") == ["Bùi", "Bùi Đình Tuấn", "Bùi Thị Ánh",
                                                  "Bùi Xuân Phái"]


def test_an_editor_sees_and_exports_only_its_section_in_order(app, login):
    ours = ["Bế Văn Lợi", "Bùi Xuân Phái", "Đặng Văn Út", "Hải", "Hiếu"]
    theirs = ["Bùi Đình Tuấn", "Hà", "An"]
    for name in shuffled(ours):
        add(name, "PHUNU")
    for name in theirs:
        add(name, "NONGDAN")
    client = login("kt_phunu", role="editor", org="PHUNU")
    assert listed_names(client) == ours
    assert listed_names(client, "sort=0&desc=1") == ours[::-1]
    assert exported_names(client) == ours
    assert exported_names(client, "sort=0&desc=1&search=bui") == ["Bùi Xuân Phái"]


def test_a_renamed_member_moves_to_its_new_place(app, login):
    for name in ("Bế Văn Lợi", "Hải", "Hiếu"):
        add(name)
    client = login("quantri")
    member = Member.get(Member.full_name == "Hiếu")
    form = {"full_name": "Âu Thị Hiếu", "gender": "nu", "branch": str(member.branch_id),
            "joined_on": "01/05/2010", "status": "active", "version": str(member.version)}
    response = client.post(f"/admin/member/edit/?id={member.id}", data=form)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    assert listed_names(client) == ["Âu Thị Hiếu", "Bế Văn Lợi", "Hải"]
    assert Member.get_by_id(member.id).full_name_key == sort_key("Âu Thị Hiếu")


def test_organisations_villages_and_communes_list_in_vietnamese_order(app, login):
    client = login("quantri")
    province = AdministrativeUnit.create(code="GL", name="Gia Lai", kind="tinh")
    communes = ["Xã Ia Băng", "Xã Ia Bă", "Phường Đông Gia", "Phường Diên Hồng"]
    for index, name in enumerate(communes):
        AdministrativeUnit.create(code=f"X{index}", name=name, kind="xa", parent=province)
    commune = AdministrativeUnit.get(AdministrativeUnit.code == "X0")
    villages = ["Thôn Ân Hậu", "Thôn An Lộc", "Làng Đê Tar", "Làng Dơk", "Plei Ơi", "Plei Ô"]
    for index, name in enumerate(villages):
        Village.create(code=f"T{index}", name=name, commune=commune)
    unit = Organisation.get(Organisation.code == "PHUNU")
    branches = ["Chi hội Ưng Hòa", "Chi hội Ung Văn", "Chi hội Đồng Tâm", "Chi hội Dốc Đá"]
    for index, name in enumerate(branches):
        Organisation.create(code=f"CH{index}", name=name, kind="phunu", level="chi_hoi",
                            parent=unit)

    def names(base, query, model):
        html = client.get(f"{base}?{query}").get_data(as_text=True)
        ids = list(dict.fromkeys(int(i) for i in re.findall(r"details/\?id=(\d+)", html)))
        by_id = {row.id: row.name for row in model.select().where(model.id.in_(ids))}
        return [by_id[i] for i in ids]

    listed = names("/admin/village/", "", Village)
    assert listed == ["Làng Dơk", "Làng Đê Tar", "Plei Ô", "Plei Ơi", "Thôn An Lộc", "Thôn Ân Hậu"]
    listed = names("/admin/administrativeunit/", "", AdministrativeUnit)
    assert listed == ["Gia Lai", "Phường Diên Hồng", "Phường Đông Gia", "Xã Ia Bă", "Xã Ia Băng"]
    # The organisation list keeps its tree order; its name heading sorts by dictionary.
    listed = names("/admin/organisation/", "sort=1&page_size=100", Organisation)
    assert [name for name in listed if name.startswith("Chi hội")] == \
        ["Chi hội Dốc Đá", "Chi hội Đồng Tâm", "Chi hội Ung Văn", "Chi hội Ưng Hòa"]
    assert listed == sorted(listed, key=sort_key)


def test_the_organisation_picker_offers_only_the_section_in_order(app, login):
    unit = Organisation.get(Organisation.code == "PHUNU")
    for index, name in enumerate(["Chi hội Ưng Hòa", "Chi hội Ung Văn", "Chi hội Đồng Tâm"]):
        Organisation.create(code=f"CH{index}", name=name, kind="phunu", level="chi_hoi", parent=unit)
    Organisation.create(code="ND1", name="Chi hội Dốc Đá", kind="nongdan", level="chi_hoi",
                        parent=Organisation.get(Organisation.code == "NONGDAN"))
    client = login("kt_phunu", role="editor", org="PHUNU")
    picked = client.get("/admin/member/ajax/lookup/?name=branch&query=chi+hoi").get_json()
    assert [label for _pk, label in picked] == [
        "Chi hội Đồng Tâm (CH2)", "Chi hội Ung Văn (CH1)", "Chi hội Ưng Hòa (CH0)"]


# --- every way a record is written keeps its key ---------------------------------------

def keys_agree(model, source, key):
    rows = list(model.select())
    assert rows
    return {getattr(r, source): bytes(getattr(r, key)) for r in rows} == \
        {getattr(r, source): sort_key(getattr(r, source)) for r in rows}


def test_the_demo_keeps_every_key(app, runner):
    result = runner.invoke(args=["seed-demo", "--members", "120"])
    assert result.exit_code == 0, result.output
    assert keys_agree(Member, "full_name", "full_name_key")
    assert keys_agree(Organisation, "name", "name_key")
    assert keys_agree(Village, "name", "name_key")
    assert keys_agree(AdministrativeUnit, "name", "name_key")


def test_the_member_import_keeps_every_key(app):
    from portal.excel import member_import

    lines = ["Họ và tên,Giới tính,Mã chi hội,Tình trạng",
             *(f"{name},Nữ,PHUNU,Đang sinh hoạt" for name in ("Bùi Xuân Phái", "Bế Văn Lợi"))]
    records, problems = member_import.read("hv.csv", "\n".join(lines).encode())
    rows, problems = member_import.check(records)
    assert problems == [] and len(rows) == 2
    member_import.save(rows, "hv.csv")
    assert keys_agree(Member, "full_name", "full_name_key")
    assert [m.full_name for m in Member.select().order_by(Member.full_name_key)] == \
        ["Bế Văn Lợi", "Bùi Xuân Phái"]
