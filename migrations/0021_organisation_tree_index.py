"""organisation (parent_id, id, active_to): the tree read from an index alone.

The totals page, the dashboard and the workbook read every organisation's
parent and end date on each request (portal/reporting/data.py:tree). The
table's rows are wide (names, search text, paths: 409 pages for 10.000
units); this index holds just those three columns, so the read is an
index-only scan on PostgreSQL and a covering-index scan on SQLite (the
query itself 3 → 1 ms on the generated province on PostgreSQL).
"""


def up(migrator, db):
    migrator.migrate(migrator.add_index('organisation', ('parent_id', 'id', 'active_to')))


def down(migrator, db):
    migrator.migrate(migrator.drop_index('organisation', 'organisation_parent_id_id_active_to'))
