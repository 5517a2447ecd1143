"""The fixtures' databases: every test starts on the template's data, whatever the
test before it did, and a `fresh_database` test starts on an empty database."""
import pytest
from playhouse.db_url import connect

from models import Member, Organisation, Setting, User, db
from portal import migrate


def snapshot(database):
    """The tables and every row in them."""
    tables = sorted(database.get_tables())
    rows = {table: sorted(repr(tuple(bytes(v) if isinstance(v, memoryview) else v for v in row))
                          for row in database.execute_sql(f'SELECT * FROM "{table}"'))
            for table in tables}
    return tables, rows


def scribble(database):
    """What tests do: add, change and delete rows of the template, use up ids."""
    with database.atomic():
        database.execute_sql("UPDATE setting SET value = 'Kon Tum' WHERE key = 'province_name'")
        database.execute_sql("INSERT INTO login_attempt (username, address, succeeded, at) "
                             "VALUES ('x', '127.0.0.1', false, '2026-01-01')")
        database.execute_sql("DELETE FROM indicator")  # a template table emptied
        database.execute_sql("UPDATE organisation SET name = name")  # every row moves


def test_a_postgres_copy_is_the_template_again_after_any_test(postgres_copy):
    first = connect(postgres_copy.fresh())
    with first.connection_context():
        before = snapshot(first)
        first_rows = list(first.execute_sql("SELECT * FROM organisation"))
        ids_before = first.execute_sql("SELECT nextval('login_attempt_id_seq'), "
                                       "nextval('organisation_id_seq')").fetchone()
        scribble(first)
        first.execute_sql("DROP INDEX member_full_name_key_id")
        first.execute_sql("ALTER TABLE member ADD COLUMN nickname text")
    first.close()

    for _ in range(2):  # the schema changed (the database is made again), then only the rows
        again = connect(postgres_copy.fresh())
        with again.connection_context():
            assert snapshot(again) == before
            assert again.execute_sql("SELECT nextval('login_attempt_id_seq'), "
                                     "nextval('organisation_id_seq')").fetchone() == ids_before
            assert "member_full_name_key_id" in {i.name for i in again.get_indexes("member")}
            assert "nickname" not in {c.name for c in again.get_columns("member")}
            # Rows come back without ORDER BY in the order they were written, as in a new
            # database (tests/test_records.py's mass delete relies on it).
            again.execute_sql("INSERT INTO organisation (code, name, kind, level, path, name_key, "
                              "search_text, version) SELECT 'PN-SPARE', 'Hội', kind, 'xa', '/x/', "
                              "name_key, '', 1 FROM organisation WHERE code = 'PHUNU'")
            codes = [code for code, in again.execute_sql("SELECT code FROM organisation")]
            assert codes == [row[3] for row in first_rows] + ["PN-SPARE"]
            scribble(again)
        again.close()


def test_each_test_gets_its_own_copy_of_the_migrated_template(app):
    assert migrate.pending() == []
    assert Setting.get_value("province_name") == "Gia Lai"
    assert User.select().count() == 0 and Member.select().count() == 0
    assert Organisation.select().count() == 7


@pytest.mark.fresh_database
def test_a_fresh_database_test_starts_on_an_empty_database(database_url):
    database = connect(database_url)
    with database.connection_context():
        assert database.get_tables() == []
    database.close()


@pytest.mark.fresh_database
def test_the_app_fixture_migrates_a_fresh_database(app):
    assert migrate.pending() == []
    assert isinstance(db.obj.get_tables(), list) and "member" in db.obj.get_tables()
