"""Background jobs: large exports and imports run outside the request."""
# Generated from a schema diff on 2026-11-22 00:19.
from peewee import *
import datetime

def up(migrator, db):
    class User(Model):
        class Meta:
            database = db
            table_name = 'portal_user'

    class Job(Model):
        user = ForeignKeyField(User, on_delete='CASCADE')
        kind = CharField(max_length=20)
        title = CharField()
        params = TextField(default='{}')
        status = CharField(max_length=10, default='queued')
        total = IntegerField(default=0)
        done = IntegerField(default=0)
        message = TextField(default='')
        stored_name = CharField(max_length=64, default='')
        file_name = CharField(default='')
        created_at = DateTimeField(default=datetime.datetime.now)
        started_at = DateTimeField(null=True)
        finished_at = DateTimeField(null=True)
        class Meta:
            database = db
            table_name = 'job'
            indexes = ((('user', 'created_at'), False),)
    db.create_tables([Job])


def down(migrator, db):
    migrator.migrate(migrator.drop_table('job'))

