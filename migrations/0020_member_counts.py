"""Member counts kept per organisation, so that a list's total is a sum, not a scan.

The member list's first page on PostgreSQL spent most of its time counting:
COUNT(*) over a million members (or a unit's 220.000) reads them all, as
PostgreSQL keeps no row count. `member_count` holds, per organisation, how
many member records name it as their branch; a list that nothing narrows
sums the rows of the organisations the user reaches (about 10.000 at most).

Kept by triggers, in the transaction of the write itself, rather than by the
application: members are written by the form, the API, the importer, the bulk
generator (executemany / COPY), the demo seed and plain SQL, and a trigger
is the one place every one of them passes. A write rolled back takes its
count with it.

SQLite: row triggers (it has no others). PostgreSQL: inserts and deletes by
statement triggers over the transition tables, so that a COPY of 20.000
rows is one grouped upsert instead of 20.000; a move to another branch by
a row trigger that fires only when the branch changes, so that an ordinary
edit costs nothing. TRUNCATE empties the counts too.

No foreign key to organisation: an organisation is deleted only when no
member names it (member.branch_id is RESTRICT), so a row left behind holds 0
and is counted in no one's subtree; a key would make every count row a
"dependant" that refuses the delete of an organisation once its last member
has gone.
"""
from peewee import SqliteDatabase

SQLITE = [
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

# Every change is one upsert of (organisation, +n or -n) rows in organisation
# order, so that transactions changing the same counts lock their rows in the
# same order (two opposite moves at once would otherwise deadlock). A row
# taking away members always exists already: it counted them.
UPSERT = """INSERT INTO member_count AS kept (organisation_id, members) {rows}
           ON CONFLICT (organisation_id) DO UPDATE SET members = kept.members + EXCLUDED.members"""

POSTGRES = [
    f"""CREATE FUNCTION member_count_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         {UPSERT.format(rows="SELECT branch_id, COUNT(*) FROM member_count_new "
                             "GROUP BY branch_id ORDER BY branch_id")};
         RETURN NULL;
       END $$""",
    f"""CREATE FUNCTION member_count_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         {UPSERT.format(rows="SELECT branch_id, -COUNT(*) FROM member_count_old "
                             "GROUP BY branch_id ORDER BY branch_id")};
         RETURN NULL;
       END $$""",
    f"""CREATE FUNCTION member_count_moved() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         {UPSERT.format(rows="SELECT organisation_id, change FROM (VALUES (OLD.branch_id, -1), "
                             "(NEW.branch_id, 1)) AS moved (organisation_id, change) "
                             "ORDER BY organisation_id")};
         RETURN NULL;
       END $$""",
    """CREATE FUNCTION member_count_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         DELETE FROM member_count;
         RETURN NULL;
       END $$""",
    """CREATE TRIGGER member_count_insert AFTER INSERT ON member
       REFERENCING NEW TABLE AS member_count_new
       FOR EACH STATEMENT EXECUTE FUNCTION member_count_inserted()""",
    """CREATE TRIGGER member_count_delete AFTER DELETE ON member
       REFERENCING OLD TABLE AS member_count_old
       FOR EACH STATEMENT EXECUTE FUNCTION member_count_deleted()""",
    """CREATE TRIGGER member_count_move AFTER UPDATE OF branch_id ON member
       FOR EACH ROW WHEN (OLD.branch_id IS DISTINCT FROM NEW.branch_id)
       EXECUTE FUNCTION member_count_moved()""",
    """CREATE TRIGGER member_count_truncate AFTER TRUNCATE ON member
       FOR EACH STATEMENT EXECUTE FUNCTION member_count_truncated()""",
]

BACK_FILL = """INSERT INTO member_count (organisation_id, members)
               SELECT branch_id, COUNT(*) FROM member GROUP BY branch_id"""


def up(migrator, db):
    db.execute_sql("CREATE TABLE member_count (organisation_id INTEGER NOT NULL PRIMARY KEY, "
                   "members INTEGER NOT NULL DEFAULT 0)")
    # Counted before the triggers exist, in the migration's own transaction:
    # no member written in between can be counted twice or missed.
    if not isinstance(db, SqliteDatabase):
        db.execute_sql("LOCK TABLE member IN SHARE MODE")
    db.execute_sql(BACK_FILL)
    for statement in SQLITE if isinstance(db, SqliteDatabase) else POSTGRES:
        db.execute_sql(statement)


def down(migrator, db):
    if isinstance(db, SqliteDatabase):
        for name in ("ai", "ad", "au"):
            db.execute_sql(f"DROP TRIGGER IF EXISTS member_count_{name}")
    else:
        for name in ("insert", "delete", "move", "truncate"):
            db.execute_sql(f"DROP TRIGGER IF EXISTS member_count_{name} ON member")
        for name in ("inserted", "deleted", "moved", "truncated"):
            db.execute_sql(f"DROP FUNCTION IF EXISTS member_count_{name}()")
    db.execute_sql("DROP TABLE IF EXISTS member_count")
