import pytest
from playhouse.schema_diff import diff_models

from models import ALL_MODELS, Organisation, Setting, db
from portal import migrate

# These tests are about migrating: each starts from an empty database, not the
# fixtures' migrated template.
pytestmark = pytest.mark.fresh_database


def test_migrations_build_exactly_the_models(app):
    diff = diff_models(db.obj, ALL_MODELS)
    # The search indexes (0002: FTS5 tables on SQLite; 0014: prefix indexes on
    # PostgreSQL) and the path pattern index (0008, PostgreSQL) live outside the
    # models' declarations.
    diff = diff._replace(drop_indexes=[
        index for index in diff.drop_indexes
        if not index.name.endswith(("_search_prefixes", "_path_pattern"))
    ])
    assert not diff, str(diff)


def test_fresh_installation_holds_the_bloc_and_its_six_units(app):
    root = Organisation.get(Organisation.code == "KHOI")
    units = {o.code for o in Organisation.select().where(Organisation.parent == root)}
    assert units == {"MTTQ", "DOAN", "PHUNU", "NONGDAN", "CCB", "LDLD"}
    assert Setting.get_value("province_name") == "Gia Lai"
    assert all(o.path == f"{root.path}{o.id}/" for o in root.children)


def test_upgrade_twice_applies_nothing_more(app, runner):
    assert migrate.upgrade() == []
    result = runner.invoke(args=["db", "upgrade"])
    assert result.exit_code == 0
    assert "mới nhất" in result.output


def test_status_exits_non_zero_while_a_migration_is_pending(app, runner):
    assert runner.invoke(args=["db", "status"]).exit_code == 0
    history = migrate.runner().History
    history.delete().where(history.name == "0003_bloc_units").execute()
    result = runner.invoke(args=["db", "status"])
    assert result.exit_code == 1
    assert "0003_bloc_units" in result.output


def test_0011_fills_in_the_sort_keys_of_rows_written_before_it(app):
    from models import Member
    from models.text import sort_key

    unit = Organisation.get(Organisation.code == "PHUNU")
    rolled_back = migrate.runner().down("0011_vietnamese_order")
    assert rolled_back[-1] == "0011_vietnamese_order"
    mark = db.param
    names = [f"{family} Thị {given}" for family in ("Bùi", "Bế", "Đặng", "Dương", "Hà", "Hải")
             for given in ("Hiếu", "Hải", "Ánh", "An", "Út")] * 70  # more than one batch
    for start in range(0, len(names), 300):
        chunk = names[start:start + 300]
        db.execute_sql(
            "INSERT INTO member (full_name, gender, branch_id, status, version, search_text) VALUES "
            + ", ".join([f"({mark}, 'nu', {mark}, 'active', 1, '')"] * len(chunk)),
            [value for name in chunk for value in (name, unit.id)])
    assert migrate.upgrade() == rolled_back[::-1]
    members = list(Member.select())
    assert len(members) == len(names) > 2000
    assert all(m.full_name_key == sort_key(m.full_name) for m in members)
    assert all(o.name_key == sort_key(o.name) for o in Organisation.select())
    ordered = [m.full_name for m in Member.select().order_by(Member.full_name_key, Member.id)]
    assert ordered == sorted(names, key=sort_key)
    assert ordered[0] == "Bế Thị An" and ordered[-1] == "Hải Thị Út"


def test_0011_keeps_the_key_it_was_written_with():
    """The migration's frozen key is the models' key: a change to one needs a new migration."""
    import importlib.util
    import random

    from models.text import sort_key

    path = migrate.DIRECTORY + "/0011_vietnamese_order.py"
    spec = importlib.util.spec_from_file_location("frozen_0011", path)
    frozen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(frozen)
    rng = random.Random(3)
    alphabet = "aAàẢãÁạăẮâẦbBdĐđeêỆgGhHiÍoÔơỢuƯưyỸ -'’“”.0123456789ĕŏßж\u0301\u00a0\U0001e002"
    texts = ["", None, "Nguyễn Thị Hoa", "Ksor H'Mai"] + [
        "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 12))) for _ in range(5000)]
    assert [frozen._sort_key(t) for t in texts] == [sort_key(t) for t in texts]
