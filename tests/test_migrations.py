from playhouse.schema_diff import diff_models

from models import ALL_MODELS, Organisation, Setting, db
from portal import migrate


def test_migrations_build_exactly_the_models(app):
    diff = diff_models(db.obj, ALL_MODELS)
    # The search indexes (0002: FTS5 tables on SQLite, trigram indexes on
    # PostgreSQL) and the path pattern index (0008, PostgreSQL) live outside the
    # models' declarations.
    diff = diff._replace(drop_indexes=[
        index for index in diff.drop_indexes
        if not index.name.endswith(("_search_trgm", "_path_pattern"))
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
