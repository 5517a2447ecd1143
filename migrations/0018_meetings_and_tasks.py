"""The giao ban meeting (with the figures frozen at it) and the tasks it assigns."""
from peewee import *
import datetime

# Searched like every other searchable table (0002, 0014): an FTS5 table on
# SQLite, the prefix index on PostgreSQL (its function made by 0014).
SEARCHED = ('meeting', 'task')


def _search_indexes(db):
    if isinstance(db, SqliteDatabase):
        for table in SEARCHED:
            index = f'{table}_search'
            for statement in (
                f"CREATE VIRTUAL TABLE {index} USING fts5(search_text, content='{table}', "
                f"content_rowid='id', tokenize='unicode61 remove_diacritics 0', prefix='1 2 3')",
                f"CREATE TRIGGER {index}_ai AFTER INSERT ON {table} BEGIN "
                f"INSERT INTO {index}(rowid, search_text) VALUES (new.id, new.search_text); END",
                f"CREATE TRIGGER {index}_ad AFTER DELETE ON {table} BEGIN "
                f"INSERT INTO {index}({index}, rowid, search_text) VALUES ('delete', old.id, old.search_text); END",
                f"CREATE TRIGGER {index}_au AFTER UPDATE OF search_text ON {table} BEGIN "
                f"INSERT INTO {index}({index}, rowid, search_text) VALUES ('delete', old.id, old.search_text); "
                f"INSERT INTO {index}(rowid, search_text) VALUES (new.id, new.search_text); END",
            ):
                db.execute_sql(statement)
    else:
        for table in SEARCHED:
            db.execute_sql(f"CREATE INDEX {table}_search_prefixes ON {table} "
                           "USING gin (search_prefixes(search_text)) WITH (fastupdate = off)")


def up(migrator, db):
    class User(Model):
        class Meta:
            database = db
            table_name = 'portal_user'

    class Organisation(Model):
        class Meta:
            database = db
            table_name = 'organisation'

    class Meeting(Model):
        version = IntegerField(default=1)
        search_text = TextField(default='')
        year = IntegerField()
        quarter = IntegerField()
        title = CharField(max_length=255)
        held_on = DateField()
        place = CharField(max_length=255, default='')
        chair = CharField(max_length=255, default='')
        attendees = TextField(default='')
        agenda = TextField(default='')
        assessment = TextField(default='')
        conclusions = TextField(default='')
        report_number = CharField(max_length=50, default='')
        notice_number = CharField(max_length=50, default='')
        frozen_at = DateTimeField(null=True)
        frozen_by = ForeignKeyField(User, null=True, on_delete='SET NULL')
        snapshot = TextField(null=True)

        class Meta:
            database = db
            table_name = 'meeting'
            indexes = ((('year', 'quarter'), True),)

    class MeetingUnit(Model):
        meeting = ForeignKeyField(Meeting, on_delete='CASCADE')
        organisation = ForeignKeyField(Organisation, on_delete='RESTRICT')

        class Meta:
            database = db
            table_name = 'meeting_unit'
            indexes = ((('meeting', 'organisation'), True),)

    class Task(Model):
        version = IntegerField(default=1)
        search_text = TextField(default='')
        meeting = ForeignKeyField(Meeting, on_delete='RESTRICT')
        position = IntegerField(default=0)
        title = TextField()
        deadline = DateField()

        class Meta:
            database = db
            table_name = 'task'
            indexes = ((('meeting', 'position'), False), (('deadline',), False))

    class TaskAssignment(Model):
        version = IntegerField(default=1)
        task = ForeignKeyField(Task, on_delete='RESTRICT')
        organisation = ForeignKeyField(Organisation, on_delete='RESTRICT')
        status = CharField(max_length=12, default='not_started')
        note = TextField(default='')
        attachment = CharField(max_length=255, null=True)
        updated_at = DateTimeField(null=True)

        class Meta:
            database = db
            table_name = 'task_assignment'
            indexes = ((('task', 'organisation'), True), (('organisation', 'status'), False))

    class TaskUpdate(Model):
        assignment = ForeignKeyField(TaskAssignment, on_delete='RESTRICT')
        organisation = ForeignKeyField(Organisation, on_delete='RESTRICT')
        status = CharField(max_length=12)
        note = TextField(default='')
        attachment = CharField(max_length=255, null=True)
        author = ForeignKeyField(User, null=True, on_delete='SET NULL')
        created_at = DateTimeField(default=datetime.datetime.now)

        class Meta:
            database = db
            table_name = 'task_update'
            indexes = ((('assignment', 'created_at'), False),)

    db.create_tables([Meeting, MeetingUnit, Task, TaskAssignment, TaskUpdate])
    _search_indexes(db)


def down(migrator, db):
    for table in SEARCHED:
        if isinstance(db, SqliteDatabase):
            db.execute_sql(f'DROP TABLE IF EXISTS {table}_search')
            for suffix in ('ai', 'ad', 'au'):
                db.execute_sql(f'DROP TRIGGER IF EXISTS {table}_search_{suffix}')
        else:
            db.execute_sql(f'DROP INDEX IF EXISTS {table}_search_prefixes')
    for table in ('task_update', 'task_assignment', 'task', 'meeting_unit', 'meeting'):
        migrator.migrate(migrator.drop_table(table))
