"""Member records per branch on a date, from the kept counts and the few who were not members then.

People counted once (portal/reporting/people.py) need, per branch, the records
of members on a date and how many of them hold a citizen ID. 0015 read them
by grouping every record through a (branch_id, joined_on, left_on,
citizen_id) index: 0,2 s at a million members, 0,8-1,0 s at five million.

The counts of 0020 already hold every record per branch. They now also keep
`with_id`, the records holding a citizen ID, and the records of a date are
those counts less the records that were not members then: joined after it
(few, for a recent quarter) or left by it (one record in twenty). Two new
indexes read just those: (joined_on, branch_id, citizen_id), and
(left_on, branch_id, joined_on, citizen_id) over the records that left.
0015's per-branch index had no other reader and goes.

The triggers of 0020 are replaced by ones that also count `with_id`; a
change of citizen ID to or from none now fires the row trigger too. A row
trigger's two changes (old branch -1, new branch +1) are summed per branch
before the upsert: an ID added without a move is one row, +0 and +1.
"""
from peewee import SqliteDatabase

SQLITE_TRIGGERS = ("ai", "ad", "au")
SQLITE = [
    """CREATE TRIGGER member_count_ai AFTER INSERT ON member BEGIN
         INSERT INTO member_count (organisation_id, members, with_id)
           VALUES (new.branch_id, 1, new.citizen_id IS NOT NULL)
           ON CONFLICT (organisation_id) DO UPDATE
           SET members = members + 1, with_id = with_id + (new.citizen_id IS NOT NULL);
       END""",
    """CREATE TRIGGER member_count_ad AFTER DELETE ON member BEGIN
         UPDATE member_count SET members = members - 1, with_id = with_id - (old.citizen_id IS NOT NULL)
           WHERE organisation_id = old.branch_id;
       END""",
    """CREATE TRIGGER member_count_au AFTER UPDATE OF branch_id, citizen_id ON member
       WHEN old.branch_id IS NOT new.branch_id
            OR (old.citizen_id IS NULL) IS NOT (new.citizen_id IS NULL) BEGIN
         UPDATE member_count SET members = members - 1, with_id = with_id - (old.citizen_id IS NOT NULL)
           WHERE organisation_id = old.branch_id;
         INSERT INTO member_count (organisation_id, members, with_id)
           VALUES (new.branch_id, 1, new.citizen_id IS NOT NULL)
           ON CONFLICT (organisation_id) DO UPDATE
           SET members = members + 1, with_id = with_id + (new.citizen_id IS NOT NULL);
       END""",
]

# As in 0020: one upsert per change, in organisation order, so that
# transactions changing the same counts lock their rows in the same order.
UPSERT = """INSERT INTO member_count AS kept (organisation_id, members, with_id) {rows}
           ON CONFLICT (organisation_id) DO UPDATE
           SET members = kept.members + EXCLUDED.members, with_id = kept.with_id + EXCLUDED.with_id"""

POSTGRES = [
    f"""CREATE OR REPLACE FUNCTION member_count_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         {UPSERT.format(rows="SELECT branch_id, COUNT(*), COUNT(citizen_id) FROM member_count_new "
                             "GROUP BY branch_id ORDER BY branch_id")};
         RETURN NULL;
       END $$""",
    f"""CREATE OR REPLACE FUNCTION member_count_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         {UPSERT.format(rows="SELECT branch_id, -COUNT(*), -COUNT(citizen_id) FROM member_count_old "
                             "GROUP BY branch_id ORDER BY branch_id")};
         RETURN NULL;
       END $$""",
    f"""CREATE OR REPLACE FUNCTION member_count_moved() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         {UPSERT.format(rows="SELECT organisation_id, SUM(change), SUM(id_change) FROM (VALUES "
                             "(OLD.branch_id, -1, -(OLD.citizen_id IS NOT NULL)::int), "
                             "(NEW.branch_id, 1, (NEW.citizen_id IS NOT NULL)::int)) "
                             "AS moved (organisation_id, change, id_change) "
                             "GROUP BY organisation_id ORDER BY organisation_id")};
         RETURN NULL;
       END $$""",
    "DROP TRIGGER member_count_move ON member",
    """CREATE TRIGGER member_count_move AFTER UPDATE OF branch_id, citizen_id ON member
       FOR EACH ROW WHEN (OLD.branch_id IS DISTINCT FROM NEW.branch_id
                          OR (OLD.citizen_id IS NULL) <> (NEW.citizen_id IS NULL))
       EXECUTE FUNCTION member_count_moved()""",
]

# 0020's triggers, put back by down() (migrations do not import each other).
BEFORE_SQLITE = [
    """CREATE TRIGGER member_count_ai AFTER INSERT ON member BEGIN
         INSERT INTO member_count (organisation_id, members) VALUES (new.branch_id, 1)
           ON CONFLICT (organisation_id) DO UPDATE SET members = members + 1;
       END""",
    """CREATE TRIGGER member_count_ad AFTER DELETE ON member BEGIN
         UPDATE member_count SET members = members - 1 WHERE organisation_id = old.branch_id;
       END""",
    """CREATE TRIGGER member_count_au AFTER UPDATE OF branch_id ON member
       WHEN old.branch_id IS NOT new.branch_id BEGIN
         UPDATE member_count SET members = members - 1 WHERE organisation_id = old.branch_id;
         INSERT INTO member_count (organisation_id, members) VALUES (new.branch_id, 1)
           ON CONFLICT (organisation_id) DO UPDATE SET members = members + 1;
       END""",
]
BEFORE_UPSERT = """INSERT INTO member_count AS kept (organisation_id, members) {rows}
           ON CONFLICT (organisation_id) DO UPDATE SET members = kept.members + EXCLUDED.members"""
BEFORE_POSTGRES = [
    f"""CREATE OR REPLACE FUNCTION member_count_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         {BEFORE_UPSERT.format(rows="SELECT branch_id, COUNT(*) FROM member_count_new "
                                    "GROUP BY branch_id ORDER BY branch_id")};
         RETURN NULL;
       END $$""",
    f"""CREATE OR REPLACE FUNCTION member_count_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         {BEFORE_UPSERT.format(rows="SELECT branch_id, -COUNT(*) FROM member_count_old "
                                    "GROUP BY branch_id ORDER BY branch_id")};
         RETURN NULL;
       END $$""",
    f"""CREATE OR REPLACE FUNCTION member_count_moved() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         {BEFORE_UPSERT.format(rows="SELECT organisation_id, change FROM (VALUES (OLD.branch_id, -1), "
                                    "(NEW.branch_id, 1)) AS moved (organisation_id, change) "
                                    "ORDER BY organisation_id")};
         RETURN NULL;
       END $$""",
    """CREATE TRIGGER member_count_move AFTER UPDATE OF branch_id ON member
       FOR EACH ROW WHEN (OLD.branch_id IS DISTINCT FROM NEW.branch_id)
       EXECUTE FUNCTION member_count_moved()""",
]

BACK_FILL = """UPDATE member_count SET with_id = counted.with_id
               FROM (SELECT branch_id, COUNT(citizen_id) AS with_id FROM member GROUP BY branch_id) AS counted
               WHERE member_count.organisation_id = counted.branch_id"""


def up(migrator, db):
    sqlite = isinstance(db, SqliteDatabase)
    if not sqlite:
        db.execute_sql("LOCK TABLE member IN SHARE MODE")
    db.execute_sql("ALTER TABLE member_count ADD COLUMN with_id INTEGER NOT NULL DEFAULT 0")
    # Counted while no trigger can change the counts: SQLite's write lock, or
    # PostgreSQL's share lock on member, held from here to the commit.
    if sqlite:
        for name in SQLITE_TRIGGERS:
            db.execute_sql(f"DROP TRIGGER member_count_{name}")
    db.execute_sql(BACK_FILL)
    for statement in SQLITE if sqlite else POSTGRES:
        db.execute_sql(statement)
    migrator.migrate(
        migrator.drop_index('member', 'member_branch_id_joined_on_left_on_citizen_id'),
        migrator.add_index('member', ('joined_on', 'branch_id', 'citizen_id')),
    )
    db.execute_sql("CREATE INDEX member_left_on_people ON member (left_on, branch_id, joined_on, citizen_id) "
                   "WHERE left_on IS NOT NULL")


def down(migrator, db):
    sqlite = isinstance(db, SqliteDatabase)
    db.execute_sql("DROP INDEX IF EXISTS member_left_on_people")
    migrator.migrate(
        migrator.drop_index('member', 'member_joined_on_branch_id_citizen_id'),
        migrator.add_index('member', ('branch_id', 'joined_on', 'left_on', 'citizen_id')),
    )
    if sqlite:
        for name in SQLITE_TRIGGERS:
            db.execute_sql(f"DROP TRIGGER member_count_{name}")
    else:
        db.execute_sql("DROP TRIGGER member_count_move ON member")
    for statement in BEFORE_SQLITE if sqlite else BEFORE_POSTGRES:
        db.execute_sql(statement)
    migrator.migrate(migrator.drop_column('member_count', 'with_id'))
