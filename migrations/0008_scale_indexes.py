"""Indexes for a province of a million members.

member (full_name, id): the member list's default order is walked, not sorted.
organisation path on PostgreSQL: text_pattern_ops serves the plain LIKE
'prefix%' of Organisation.under() in any collation (SQLite's GLOB uses the
existing path index).
"""
from peewee import PostgresqlDatabase


def up(migrator, db):
    migrator.migrate(migrator.add_index('member', ('full_name', 'id')))
    if isinstance(db, PostgresqlDatabase):
        db.execute_sql("CREATE INDEX organisation_path_pattern ON organisation (path text_pattern_ops)")


def down(migrator, db):
    if isinstance(db, PostgresqlDatabase):
        db.execute_sql("DROP INDEX IF EXISTS organisation_path_pattern")
    migrator.migrate(migrator.drop_index('member', 'member_full_name_id'))
