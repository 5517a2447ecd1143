"""PostgreSQL: how many member records hold each citizen ID.

People are counted once by citizen ID (portal/reporting/people.py): the IDs
held by more than one record, about one record in a hundred, are all the
arithmetic needs besides the per-branch counts. 0015's index finds them by
grouping every record with an ID, which is a walk of the whole index: 0,4 s
at a million members, 1,3 s at five million, on every totals page's people
panel and every page of the list of people in several organisations.

`citizen_record` keeps, per citizen ID, how many member records hold it,
whatever their dates; a partial index holds the IDs with more than one. An
ID held twice on a given day is held twice in all, so the day's shared IDs
are found among these few, and only their records are read.

Kept by triggers, in the transaction of the write itself, as the member
counts of 0020 are (every writer passes them): inserts and deletes by
statement triggers over the transition tables, a change of ID by a row
trigger that fires only then, TRUNCATE too. Each change is one upsert of
(ID, +n or -n) rows in ID order: two editors adding the same person at
once queue on that ID's row, so neither can miss the other, and
transactions lock the rows they share in the same order. A row whose count
falls to 0 stays (it is in no one's list); deleting it could race with an
insert of the same ID.

SQLite: nothing (its grouping of the same index takes 0,18 s at a million
members, within its targets, and a row trigger per insert would slow its
bulk loads).
"""
from peewee import SqliteDatabase

UPSERT = """INSERT INTO citizen_record AS kept (citizen_id, records) {rows}
           ON CONFLICT (citizen_id) DO UPDATE SET records = kept.records + EXCLUDED.records"""

POSTGRES = [
    f"""CREATE FUNCTION citizen_record_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         {UPSERT.format(rows="SELECT citizen_id, COUNT(*) FROM citizen_record_new "
                             "WHERE citizen_id IS NOT NULL GROUP BY citizen_id ORDER BY citizen_id")};
         RETURN NULL;
       END $$""",
    f"""CREATE FUNCTION citizen_record_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         {UPSERT.format(rows="SELECT citizen_id, -COUNT(*) FROM citizen_record_old "
                             "WHERE citizen_id IS NOT NULL GROUP BY citizen_id ORDER BY citizen_id")};
         RETURN NULL;
       END $$""",
    f"""CREATE FUNCTION citizen_record_changed() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         {UPSERT.format(rows="SELECT citizen_id, change FROM (VALUES (OLD.citizen_id, -1), "
                             "(NEW.citizen_id, 1)) AS changed (citizen_id, change) "
                             "WHERE citizen_id IS NOT NULL ORDER BY citizen_id")};
         RETURN NULL;
       END $$""",
    """CREATE FUNCTION citizen_record_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         TRUNCATE citizen_record;
         RETURN NULL;
       END $$""",
    """CREATE TRIGGER citizen_record_insert AFTER INSERT ON member
       REFERENCING NEW TABLE AS citizen_record_new
       FOR EACH STATEMENT EXECUTE FUNCTION citizen_record_inserted()""",
    """CREATE TRIGGER citizen_record_delete AFTER DELETE ON member
       REFERENCING OLD TABLE AS citizen_record_old
       FOR EACH STATEMENT EXECUTE FUNCTION citizen_record_deleted()""",
    """CREATE TRIGGER citizen_record_change AFTER UPDATE OF citizen_id ON member
       FOR EACH ROW WHEN (OLD.citizen_id IS DISTINCT FROM NEW.citizen_id)
       EXECUTE FUNCTION citizen_record_changed()""",
    """CREATE TRIGGER citizen_record_truncate AFTER TRUNCATE ON member
       FOR EACH STATEMENT EXECUTE FUNCTION citizen_record_truncated()""",
]


def up(migrator, db):
    if isinstance(db, SqliteDatabase):
        return
    # No foreign key: an ID is not a row of any table.
    db.execute_sql("CREATE TABLE citizen_record (citizen_id text NOT NULL PRIMARY KEY, "
                   "records integer NOT NULL)")
    # Counted before the triggers exist, in the migration's own transaction:
    # no member written in between can be counted twice or missed.
    db.execute_sql("LOCK TABLE member IN SHARE MODE")
    db.execute_sql("INSERT INTO citizen_record (citizen_id, records) SELECT citizen_id, COUNT(*) "
                   "FROM member WHERE citizen_id IS NOT NULL GROUP BY citizen_id")
    db.execute_sql("CREATE INDEX citizen_record_shared ON citizen_record (citizen_id) WHERE records > 1")
    for statement in POSTGRES:
        db.execute_sql(statement)
    db.execute_sql("ANALYZE citizen_record")


def down(migrator, db):
    if isinstance(db, SqliteDatabase):
        return
    for name in ("insert", "delete", "change", "truncate"):
        db.execute_sql(f"DROP TRIGGER IF EXISTS citizen_record_{name} ON member")
    for name in ("inserted", "deleted", "changed", "truncated"):
        db.execute_sql(f"DROP FUNCTION IF EXISTS citizen_record_{name}()")
    db.execute_sql("DROP TABLE IF EXISTS citizen_record")
