"""PostgreSQL keeps each member's words beside its sort key (migration 0023):
they always equal the words of the member table, whoever writes, and a
one-word search read from them shows exactly the rule's matches, counted,
in name order, in the searcher's section only. SQLite has no such table."""
import os
import re
from urllib.parse import quote_plus

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from models import Member, Organisation, db
from models.search import HeldMatches, WORD_MAX, word_matches
from models.text import search_terms, sort_key
from portal import migrate
from tests.test_member_counts import add, listed_total, org, units  # noqa: F401  (fixture)
from tests.test_search_postgres import LETTERS, DIGITS, SCREEN_NAMES, listed, matches_by_rule, member_view


@pytest.fixture(autouse=True)
def postgres_only(is_postgres):
    if not is_postgres:
        pytest.skip("SQLite answers from its FTS5 index; the kept words are PostgreSQL's")


def expected_words():
    """The words 0023 keeps, from the member table, computed here in Python."""
    kept = set()
    for member_id, text, key, branch in db.execute_sql(
            "SELECT id, search_text, full_name_key, branch_id FROM member").fetchall():
        words = sorted({word[:WORD_MAX] for word in text.split() if word[0].isalpha()})
        for before, word in zip([None] + words, words):
            kept.add((word, bytes(key), member_id, branch, common_prefix_length(before, word)))
    return kept


def common_prefix_length(before, word):
    if before is None:
        return 0
    return len(os.path.commonprefix([before, word]))


def kept_words():
    rows = [(word, bytes(key), *rest) for word, key, *rest in db.execute_sql(
        "SELECT word, sort_key, member_id, branch_id, shared FROM member_word").fetchall()]
    assert len(rows) == len(set(rows)), "a word kept twice"
    return set(rows)


def assert_words_true():
    assert kept_words() == expected_words()


def default_order(app):
    from admin_views.listing import default_order as order_of
    return order_of(member_view(app))


def by_rule(text):
    """The rule's matches of `text` in list order, computed in Python."""
    rows = [(bytes(key), member_id, document) for member_id, document, key in db.execute_sql(
        "SELECT id, search_text, full_name_key FROM member").fetchall()]
    return [member_id for key, member_id, document in sorted(rows) if matches_by_rule(document, text)]


# --- kept true ---------------------------------------------------------------------

def test_every_kind_of_write_keeps_the_words_true(units):
    hoa = add("PHUNU", "Nguyễn Thị Hoa", card_number="PN-0042", citizen_id="064190001234")
    add("NONGDAN", "Đặng Văn Đăng")
    assert ("dang", bytes(sort_key("Đặng Văn Đăng")), hoa.id + 1, org("NONGDAN").id, 0) in kept_words()
    assert not any(word.startswith(("0", "6")) for word, *_ in kept_words())  # ids and numbers stay out
    assert_words_true()

    hoa.full_name = "Trần Thị Hòa"
    hoa.save()
    assert_words_true()
    assert not any(word == "nguyen" for word, _, member_id, *_ in kept_words() if member_id == hoa.id)
    hoa.phone = "0905000111"  # not a searched column: nothing rewritten
    hoa.save()
    assert_words_true()
    hoa.branch = org("PN-X1-CH1")
    hoa.save()
    assert_words_true()
    Member.update(branch=org("CCB")).where(Member.branch == org("NONGDAN")).execute()
    assert_words_true()

    names = [{"full_name": f"Hội viên số {i} Ksor"} for i in range(40)]
    with db.atomic():  # one statement, as the importer and the generator write
        Member.insert_many([{**name, "gender": "nam", "status": "active", "branch": org("CCB").id,
                             **Member.sort_keys_for(name), "search_text": Member.search_document_for(name)}
                            for name in names]).execute()
    assert_words_true()
    before = kept_words()
    with db.atomic() as transaction:
        add("PHUNU", "Lê Thị Bé")
        Member.delete().where(Member.branch == org("CCB")).execute()
        Member.update(search_text=" x y ").where(Member.id == hoa.id).execute()
        assert_words_true()
        transaction.rollback()
    assert kept_words() == before
    Member.delete().where(Member.branch == org("CCB")).execute()
    assert_words_true()
    db.execute_sql("TRUNCATE member")
    assert kept_words() == set()


def test_a_word_too_long_for_an_index_entry_is_kept_cut_and_found(units, app):
    # A name holds 120 characters at most, but `search_text` is open to any
    # writer: a word over a B-tree entry's 2.700 bytes must not refuse the write.
    long_word = "x" * 2000 + "y" * 1000
    member = add("PHUNU", "Nguyễn " + "x" * 110)
    Member.update(search_text=f" nguyen {long_word} ").where(Member.id == member.id).execute()
    assert_words_true()
    for text in ("x" * WORD_MAX, "xxx", "nguyen"):
        assert word_matches(Member, text, default_order(app), None).ids == [member.id]
    # A query word longer than the kept words goes to the prefix index instead.
    assert word_matches(Member, "x" * (WORD_MAX + 1), default_order(app), None) is None


STEPS = st.lists(st.one_of(
    st.tuples(st.just("add"), st.text(alphabet=LETTERS + DIGITS + " ", max_size=30)),
    st.tuples(st.just("rename"), st.integers(0, 20), st.text(alphabet=LETTERS + " ", max_size=30)),
    st.tuples(st.just("delete"), st.integers(0, 20)),
    st.tuples(st.just("move"), st.integers(0, 20), st.sampled_from(["PHUNU", "PN-X1-CH1", "CCB"])),
), max_size=10)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=STEPS)
def test_any_sequence_of_writes_keeps_the_words_true(units, steps):
    try:
        for kind, *args in steps:
            ids = [m for m, in Member.select(Member.id).order_by(Member.id).tuples()]
            if kind == "add":
                add("PN-X1-CH1", args[0].strip() or "A")
            elif ids and kind == "rename":
                member = Member.get_by_id(ids[args[0] % len(ids)])
                member.full_name = args[1].strip() or "B"
                member.save()
            elif ids and kind == "move":
                member = Member.get_by_id(ids[args[0] % len(ids)])
                member.branch = org(args[1])
                member.save()
            elif ids:
                Member.get_by_id(ids[args[0] % len(ids)]).delete_instance()
            assert_words_true()
    finally:
        Member.delete().execute()
    assert kept_words() == set()


def test_the_migration_keeps_the_words_of_members_already_there(units):
    add("PHUNU", "Đặng Thị Hoa")
    migrate.runner().down("0023_member_words")
    add("NONGDAN", "Nguyễn Văn Bình")
    assert migrate.upgrade()[0] == "0023_member_words"
    assert len({member_id for _, _, member_id, *_ in kept_words()}) == 2
    assert_words_true()


def test_a_generated_province_keeps_its_words(app, runner):
    # Written by COPY, the member table's own indexes set aside.
    result = runner.invoke(args=["generate", "--members", "2000", "--communes", "12"])
    assert result.exit_code == 0, result.output
    assert len({member_id for _, _, member_id, *_ in kept_words()}) == 2000
    assert_words_true()


# --- what a search reads from them -------------------------------------------------

NAME = st.lists(st.text(alphabet=LETTERS + DIGITS, min_size=1, max_size=10), min_size=1, max_size=4).map(" ".join)


@settings(max_examples=60, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(names=st.lists(NAME, min_size=1, max_size=10), data=st.data())
def test_a_one_word_search_reads_exactly_the_rule_s_matches_in_list_order(units, app, names, data):
    order = default_order(app)
    with db.atomic() as transaction:
        for name in names:
            add("PHUNU", name)
        for _ in range(4):
            word = data.draw(st.sampled_from([w for name in names for w in search_terms(name)] or ["a"]))
            text = word[:data.draw(st.integers(1, len(word)))]
            matches = word_matches(Member, text, order, None)
            if not text[0].isalpha():
                assert matches is None  # a number: the prefix index answers
                continue
            wanted = by_rule(text)
            assert (matches.count, matches.ids) == (len(wanted), wanted), (text, names)
        transaction.rollback()


def test_a_member_holding_two_words_of_a_search_is_counted_once(units, app):
    hoa = add("PHUNU", "Hoa Hoài Hoàng")
    ho = add("PHUNU", "Ho Hoa Nam")
    order = default_order(app)
    for text, wanted in [("h", [hoa.id, ho.id]), ("ho", [hoa.id, ho.id]), ("hoa", [hoa.id, ho.id]),
                         ("hoai", [hoa.id]), ("hoan", [hoa.id]), ("hoang", [hoa.id]), ("n", [ho.id])]:
        matches = word_matches(Member, text, order, None)
        assert (matches.count, sorted(matches.ids)) == (len(wanted), sorted(wanted)), text


def test_only_a_one_word_search_in_list_order_is_read_from_the_words(units, app):
    add("PHUNU", "Đặng Thị Hoa")
    order = default_order(app)
    assert word_matches(Member, "đặng", order, None).ids == by_rule("dang")
    assert word_matches(Member, "Dang dang", order, None).count == 1  # the same word twice
    assert word_matches(Member, "dang hoa", order, None) is None
    assert word_matches(Member, "0641", order, None) is None
    assert word_matches(Member, "", order, None) is None
    assert word_matches(Member, "dang", [(Member.full_name_key, True), (Member.id, True)], None) is None
    assert word_matches(Organisation, "hoi", order, None) is None


@pytest.mark.parametrize("held", [1000, 25, 3])
def test_the_secretariat_s_one_word_list_pages_come_from_the_words(app, login, units, monkeypatch, held):
    monkeypatch.setattr(HeldMatches, "HELD", held)
    names = [f"{name} {extra}" for name in SCREEN_NAMES for extra in ("", "Một", "Hai", "Ba")]
    for name in names:
        add("PN-X1-CH1" if len(name) % 2 else "NONGDAN", name)
    # The list reads the words only: the prefix index's count is not run.
    monkeypatch.setattr(HeldMatches, "read", classmethod(lambda *a: pytest.fail("counted by the prefix index")))
    client = login("tk_vanphong", role="secretariat")
    for text in ("dang", "Đ", "hoa", "nguyen", "xyz"):
        wanted = by_rule(text)
        shown = []
        for page in range(len(wanted) // member_view(app).page_size + 1):
            ids, html = listed(client, f"{quote_plus(text)}&page={page}")
            shown += ids
        assert shown == wanted, text
        if wanted:
            assert re.search(rf"\b{len(wanted)}\b", re.sub(r"<[^>]+>", " ", html)), text


def in_section(code):
    return {m.id for m in Member.select(Member.id).join(Organisation).where(
        Organisation.path.startswith(org(code).path))}


def test_an_editor_s_one_word_search_reads_its_own_section_from_the_words(app, login, units, monkeypatch):
    for code in ("PN-X1-CH1", "NONGDAN", "PHUNU", "CCB", "PN-X1"):
        add(code, "Đặng Thị Hoa")
        add(code, "Đặng Văn Nam")
        add(code, "Trần Thị Đào")
    client = login("tk_phunu", role="editor", org="PHUNU")
    monkeypatch.setattr(HeldMatches, "read", classmethod(lambda *a: pytest.fail("counted by the prefix index")))
    ids, _html = listed(client, "dang")
    wanted = [member_id for member_id in by_rule("dang") if member_id in in_section("PHUNU")]
    assert ids == wanted and len(ids) == 6
    assert listed_total(client, "?search=dang") == 6
    assert listed(client, "dao")[0] == [member_id for member_id in by_rule("dao")
                                        if member_id in in_section("PHUNU")]

    # A member moved out of the section leaves its search at once.
    moved = Member.get_by_id(wanted[0])
    moved.branch = org("NONGDAN")
    moved.save()
    assert listed(client, "dang")[0] == wanted[1:]


def test_a_filter_beside_the_search_is_answered_by_the_prefix_index(app, login, units):
    left = add("PHUNU", "Đặng Thị Lan", status="left")
    add("PHUNU", "Đặng Thị Mai")
    add("NONGDAN", "Đặng Thị Lụa", status="left")
    client = login("tk_phunu", role="editor", org="PHUNU")
    view = member_view(app)
    status = next(i for i, f in enumerate(view._filters) if f.column is Member.status)
    response = client.get(f"/admin/member/?search=dang&flt0_{status}=left")
    ids = [int(i) for i in re.findall(r"/admin/member/details/\?id=(\d+)", response.get_data(as_text=True))]
    assert ids == [left.id]
    assert listed_total(client, f"?search=dang&flt0_{status}=left") == 1


def test_an_editor_with_no_organisation_finds_no_one(app, login, units):
    add("PHUNU", "Đặng Thị Hoa")
    client = login("tk_lost", role="editor")
    assert listed(client, "dang")[0] == []


def test_the_words_answer_only_for_the_list_s_own_section(units, app):
    add("PHUNU", "Đặng Thị Hoa")
    add("NONGDAN", "Đặng Văn Nam")
    order = default_order(app)
    phunu = Organisation.subtree_ids(org("PHUNU"))
    assert word_matches(Member, "dang", order, None, (Member.branch, phunu)).ids == \
        [member_id for member_id in by_rule("dang") if member_id in in_section("PHUNU")]
    # Any other column than the kept branch: not answered from the words.
    assert word_matches(Member, "dang", order, None, (Member.village, phunu)) is None
