"""Big-list query strategies change how a page is found, never which rows it shows."""
import re

import pytest
from peewee import PostgresqlDatabase

from admin_views import listing
from models import Member, Organisation, db
from models.search import search_condition
from models.text import search_terms

PAGE = 20


@pytest.fixture
def province(app, runner):
    result = runner.invoke(args=["generate", "--members", "1500", "--communes", "12", "--seed", "5"])
    assert result.exit_code == 0, result.output


def listed_ids(client, query):
    html = client.get(f"/admin/member/?{query}").get_data(as_text=True)
    # One details link per row, in the order shown.
    return [int(i) for i in re.findall(r'/admin/member/details/\?id=(\d+)', html)]


def every_page(client, query, pages):
    return [row for page in range(pages) for row in listed_ids(client, f"{query}&page={page}")]


def expected(condition=None):
    query = Member.select(Member.id).order_by(Member.full_name_key, Member.id)
    if condition is not None:
        query = query.where(condition)
    return [m.id for m in query]


@pytest.mark.parametrize("walk", [False, True])
def test_an_editors_pages_are_its_section_in_name_order(province, login, monkeypatch, walk):
    # walk=True: as for a large section, the sort index is walked (SQLite).
    monkeypatch.setattr(listing, "WALK_MIN_ROWS", 1 if walk else 10**9)
    monkeypatch.setattr(listing, "WALK_SHARE", 0.0)
    client = login("bt_phunu", role="editor", org="PHUNU")
    section = expected(Member.branch.in_(Organisation.subtree_ids(
        Organisation.get(Organisation.code == "PHUNU"))))
    assert len(section) > 3 * PAGE
    pages = -(-len(section) // PAGE)
    # Every row once, none skipped, none repeated, though many share a name.
    assert every_page(client, "", pages) == section


@pytest.mark.parametrize("text", ["nguyen thi", "dang", "ksor h", "siu"])
def test_a_search_counts_and_lists_exactly_its_matches(province, login, text):
    client = login("bt_vanphong", role="secretariat")
    matches = expected(search_condition(Member, text))
    assert matches, text
    html = client.get(f"/admin/member/?search={text.replace(' ', '+')}").get_data(as_text=True)
    assert listed_ids(client, f"search={text.replace(' ', '+')}") == matches[:PAGE]
    assert f"{len(matches)}" in html.replace(".", "")  # the pager's count
    pages = -(-len(matches) // PAGE)
    assert every_page(client, f"search={text.replace(' ', '+')}", pages) == matches


def test_a_search_with_more_matches_than_held_still_pages_right(province, login, monkeypatch):
    from models import search

    monkeypatch.setattr(search, "MATCHES_HELD", 5)
    client = login("bt_vanphong", role="secretariat")
    matches = expected(search_condition(Member, "nguyen"))
    assert len(matches) > 5
    assert listed_ids(client, "search=nguyen") == matches[:PAGE]


def test_the_subtree_condition_uses_the_path_index(app):
    unit = Organisation.get(Organisation.code == "PHUNU")
    sql, params = Organisation.subtree_ids(unit).sql()
    plan = " ".join(str(row) for row in db.execute_sql(
        ("EXPLAIN " if isinstance(db.obj, PostgresqlDatabase) else "EXPLAIN QUERY PLAN ") + sql,
        params).fetchall())
    # A full scan on a large tree would read every node for every scoped page.
    assert "organisation_path" in plan or "Seq Scan" in plan  # tiny tables may be scanned on PostgreSQL
    assert search_terms("Đặng") == ["dang"]
