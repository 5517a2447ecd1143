"""Search gives the same rows on SQLite (FTS5) and PostgreSQL (migration 0014's prefix index).

Both databases are held to one rule, written here in plain Python: every
word of the query, folded, starts a word of the record's folded text. A
database that agrees with the rule for every generated name and query agrees
with the other one. The rows are written in bulk, as the generator and the
import write them, so `search_text` is what the application derives.
"""
import datetime
import re
from urllib.parse import quote_plus

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from models import Directive, Member, Organisation, db
from models.search import search_condition
from models.text import search_terms, sort_key

# Letters a Vietnamese name is made of (both cases, every tone, Đ/đ), a few
# of Bahnar and Jrai (ŏ ĕ, H'), digits, and the characters that mean
# something to LIKE, FTS5 or tsquery syntax.
LETTERS = "aăâbcdđeêghiklmnoôơpqrstuưvxyĐƠƯÂĂÊÔAEIOUYàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵŏĕ"
DIGITS = "0123456789"
MARKS = " -.'’&|!:*()<>\\\"%_~@#,/"
WORD = st.text(alphabet=LETTERS + DIGITS, min_size=1, max_size=12)
NAME = st.lists(WORD, min_size=1, max_size=5).map(" ".join)
FREE_TEXT = st.text(alphabet=LETTERS[:20] + DIGITS[:3] + MARKS, max_size=20)


def matches_by_rule(document, text):
    """The rule: every query word starts a word of the folded record."""
    words = document.split()
    terms = search_terms(text)
    return bool(terms) and all(any(word.startswith(term) for word in words) for term in terms)


@pytest.fixture
def branch(app):
    return Organisation.get(Organisation.code == "PHUNU").id


def write_members(branch, names):
    rows = [{"full_name": name, "gender": "nu", "branch": branch, "status": "active",
             **Member.sort_keys_for({"full_name": name}),
             "search_text": Member.search_document_for({"full_name": name})} for name in names]
    Member.insert_many(rows).execute()
    return {m.id: m.search_text for m in Member.select(Member.id, Member.search_text)}


def found(model, text):
    condition = search_condition(model, text)
    if condition is None:
        return set()
    return {row.id for row in model.select(model.id).where(condition)}


def query_for(data, names):
    """A query a user might type: a piece of a stored name (its start, a
    word's first letters, with its accents or without) or any text at all."""
    name = data.draw(st.sampled_from(names))
    words = name.split()
    kind = data.draw(st.sampled_from(["prefixes", "start", "free"]))
    if kind == "prefixes":
        picked = data.draw(st.lists(st.sampled_from(words), min_size=1, max_size=3))
        cut = [word[:data.draw(st.integers(1, len(word)))] for word in picked]
        return " ".join(cut).upper() if data.draw(st.booleans()) else " ".join(cut)
    if kind == "start":
        return name[:data.draw(st.integers(1, len(name)))]
    return data.draw(FREE_TEXT)


@settings(max_examples=120, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(st.lists(NAME, min_size=1, max_size=8), st.data())
def test_every_database_finds_exactly_the_records_whose_words_the_query_starts(branch, names, data):
    with db.atomic() as transaction:
        documents = write_members(branch, names)
        for _ in range(4):
            text = query_for(data, names)
            wanted = {id for id, document in documents.items() if matches_by_rule(document, text)}
            assert found(Member, text) == wanted, (text, names)
        transaction.rollback()


@pytest.mark.parametrize("text", [
    "a & b:* | !", "'", "''", "\\", "!(nguyen)", "nguyen:*", "nguyen <-> thi", "thi:A", "(", "&",
    "dang | tran", "hoa' OR '1'='1", "%", "_", "*", "\"nguyen\"", "đ-ặ.n'g", "NGUYỄN   THỊ",
])
def test_query_syntax_typed_by_a_user_is_an_ordinary_search(branch, text):
    documents = write_members(branch, ["Nguyễn Thị Hoa", "Đặng Văn Bình", "Trần Thị A", "Hoàng Bé"])
    wanted = {id for id, document in documents.items() if matches_by_rule(document, text)}
    assert found(Member, text) == wanted


def test_the_seven_letter_boundary_of_the_prefix_index(branch):
    # Up to 7 characters a query word is a prefix the index holds; from 8 on
    # it is matched against whole words. Both sides of the boundary, in
    # names, card numbers and citizen ids.
    documents = write_members(branch, ["Nghiêng Nguyễn", "Khuyếnh Abcdefgh", "Abcdefghij Ba"])
    for text in ["nghieng", "nghien", "abcdefg", "abcdefgh", "abcdefghi", "abcdefghij",
                 "abcdefghijk", "khuyenh", "khuyenhx", "a b", "n n"]:
        wanted = {id for id, document in documents.items() if matches_by_rule(document, text)}
        assert found(Member, text) == wanted, text


def test_words_longer_than_the_index_holds_are_stored_and_found(branch, is_postgres):
    # tsvector refuses a lexeme over 2047 bytes: the index cuts it, so the
    # record is written all the same and found by its start.
    long_word = "x" * 2000 + "y" * 1000
    Directive.create(number="01/LONG", kind="Hướng dẫn", issuer="Khối", issued_on=datetime.date(2025, 1, 1),
                     title=f"Hướng dẫn {long_word} số một")
    assert len(found(Directive, long_word[:2500])) == 1
    assert len(found(Directive, long_word)) == 1
    assert found(Directive, "x" * 2000 + "z") == set()
    assert len(found(Directive, "huong so mot")) == 1


def test_a_record_with_megabytes_of_words_is_stored_and_found_by_its_first_words(branch):
    # tsvector holds at most 1 MB of lexemes: words past that are left out of
    # the PostgreSQL index rather than the record being refused.
    words = [f"w{number:07d}" for number in range(150000)]
    Directive.create(number="02/HUGE", kind="Kế hoạch", issuer="Khối", issued_on=datetime.date(2025, 1, 1),
                     title="Kế hoạch " + " ".join(words))
    assert len(found(Directive, "ke hoach w0000001")) == 1
    assert len(found(Directive, "w0001")) == 1


def test_the_other_searchable_records_follow_the_same_rule(app, runner):
    import models

    result = runner.invoke(args=["seed-demo", "--members", "30"])
    assert result.exit_code == 0, result.output
    for model in ("Organisation", "Village", "AdministrativeUnit", "Indicator", "Directive",
                  "Campaign", "TwinningLink"):
        record_type = getattr(models, model)
        rows = {row.id: row.search_text
                for row in record_type.select(record_type.id, record_type.search_text)}
        assert rows, model
        # Queries from the records' own words: one cut short, two whole, a single letter.
        first = sorted(rows.values())[len(rows) // 2].split()
        for text in (first[0][:3], " ".join(first[-2:]), "d", "t"):
            wanted = {id for id, document in rows.items() if matches_by_rule(document, text)}
            assert found(record_type, text) == wanted, (model, text)


# --- through the list screen ---------------------------------------------------------

SCREEN_NAMES = [
    "Nguyễn Thị Hoa", "Nguyễn Thị Hoài", "Nguyễn Thị Hoàng Anh", "Nguyễn Văn Hòa", "Đặng Thị Hoa",
    "Dặng Văn Đức", "Đặng Đình Dũng", "Dương Thị Hoa", "Ksor H'Mai", "Siu H’Nhung", "Trần Nguyên Thi",
    "Nguyênthihoa Bảy", "Phạm Thị Hoa-Lan", "Lê Thị 0123456789",
]


def listed(client, query):
    size = "" if "&page=" in query else "&page_size=100"
    response = client.get(f"/admin/member/?search={query}{size}")
    assert response.status_code == 200, query
    html = response.get_data(as_text=True)
    return [int(i) for i in re.findall(r"/admin/member/details/\?id=(\d+)", html)], html


@pytest.mark.parametrize("text", [
    "nguyen thi hoa", "dang", "đặng", "Đ", "hoa", "h'mai", "nguyen:* & thi", "a & b:* | !", "'",
    "thi hoa-lan", "01234567", "0123456789", "xyz",
])
def test_the_member_list_shows_and_counts_exactly_the_rule_s_matches_in_name_order(
        login, branch, text):
    documents = write_members(branch, SCREEN_NAMES)
    names = {m.id: m.full_name for m in Member.select(Member.id, Member.full_name)}
    client = login("tk_vanphong", role="secretariat")
    # A query without a word (only marks) is no search: the whole list.
    wanted = sorted((id for id, document in documents.items()
                     if matches_by_rule(document, text) or not search_terms(text)),
                    key=lambda id: (sort_key(names[id]), id))
    ids, html = listed(client, quote_plus(text))
    assert ids == wanted
    if wanted:
        assert re.search(rf"\b{len(wanted)}\b", re.sub(r"<[^>]+>", " ", html))


def member_view(app):
    return next(v for v in app.extensions["admin"][0]._views if getattr(v, "endpoint", None) == "member")


@pytest.mark.parametrize("held", [1000, 25, 3])
def test_every_page_of_a_search_in_either_order_past_the_matches_held(app, login, branch, monkeypatch, held):
    # PostgreSQL counts a search and keeps its first ids in one query
    # (HeldMatches); pages past those, and any other order, are read as before.
    from models.search import HeldMatches

    monkeypatch.setattr(HeldMatches, "HELD", held)  # 25: the first page held, the second not
    documents = write_members(branch, [f"{name} {extra}" for name in SCREEN_NAMES
                                       for extra in ("", "Một", "Hai", "Ba")])
    names = {m.id: m.full_name for m in Member.select(Member.id, Member.full_name)}
    client = login("tk_vanphong", role="secretariat")
    name_column = [name for name, _label in member_view(app)._list_columns].index("full_name")
    for text in ("nguyen", "thi hoa", "h"):
        wanted = sorted((id for id, document in documents.items() if matches_by_rule(document, text)),
                        key=lambda id: (sort_key(names[id]), id))
        assert len(wanted) > 20, text
        for sort, rows in (("", wanted), (f"&sort={name_column}&desc=1", wanted[::-1])):
            pages = [listed(client, f"{quote_plus(text)}{sort}&page={page}")[0]
                     for page in range(-(-len(rows) // 20) + 1)]
            assert [id for page in pages for id in page] == rows, (text, sort)
            assert len(pages[0]) == 20 and pages[-1] == []


def test_an_editor_s_search_finds_only_its_own_section(login, app):
    phunu = Organisation.get(Organisation.code == "PHUNU").id
    nongdan = Organisation.get(Organisation.code == "NONGDAN").id
    write_members(phunu, ["Nguyễn Thị Hoa Phụ Nữ"])
    write_members(nongdan, ["Nguyễn Thị Hoa Nông Dân"])
    own = {m.id for m in Member.select(Member.id).where(Member.branch == phunu)}
    client = login("tk_phunu", role="editor", org="PHUNU")
    for text in ("nguyen thi hoa", "nong dan", "hoa"):
        ids, _html = listed(client, quote_plus(text))
        assert set(ids) <= own, text
    assert listed(client, "nong+dan")[0] == []
    assert len(listed(client, "nguyen+thi+hoa")[0]) == 1


# --- the migration ---------------------------------------------------------------------

def test_0014_indexes_members_written_before_it(app, is_postgres):
    from portal import migrate

    if not is_postgres:
        pytest.skip("migration 0014 changes nothing on SQLite")
    branch = Organisation.get(Organisation.code == "PHUNU").id
    migrate.runner().down("0014_postgres_search")
    write_members(branch, ["Đặng Thị Trước Khi Nâng Cấp"])
    migrate.upgrade()
    assert len(found(Member, "dang thi truoc khi nang cap")) == 1
    indexes = {name for (name,) in db.execute_sql(
        "SELECT indexname FROM pg_indexes WHERE indexname LIKE '%%_search_%%'").fetchall()}
    assert "member_search_prefixes" in indexes
    assert not {name for name in indexes if name.endswith("_search_trgm")}
