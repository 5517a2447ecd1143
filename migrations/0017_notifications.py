"""Notifications (the bell and its page, reminders, e-mail), and users' e-mail addresses."""
from peewee import *
import datetime


def up(migrator, db):
    class User(Model):
        class Meta:
            database = db
            table_name = 'portal_user'

    class Notification(Model):
        user = ForeignKeyField(User, on_delete='CASCADE')
        kind = CharField(max_length=20)
        title = CharField(max_length=255)
        body = TextField(default='')
        link = CharField(max_length=500, default='')
        key = CharField(max_length=120, null=True)
        created_at = DateTimeField(default=datetime.datetime.now)
        read_at = DateTimeField(null=True)
        email_status = CharField(max_length=10, default='')
        email_attempts = IntegerField(default=0)
        next_email_at = DateTimeField(null=True)
        email_error = TextField(default='')
        class Meta:
            database = db
            table_name = 'notification'
            indexes = (
                (('user', 'read_at'), False),
                (('user', 'created_at'), False),
                (('user', 'key'), True),
                (('email_status', 'next_email_at'), False),
            )
    db.create_tables([Notification])
    migrator.migrate(migrator.add_column('portal_user', 'email', CharField(max_length=254, default='')))


def down(migrator, db):
    migrator.migrate(migrator.drop_column('portal_user', 'email'))
    migrator.migrate(migrator.drop_table('notification'))
