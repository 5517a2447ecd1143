"""Access control: the audit trail and login attempts (for throttling)."""
# Generated from a schema diff on 2026-11-21 21:56.
from peewee import *
import datetime

def up(migrator, db):
    class AuditLog(Model):
        at = DateTimeField(index=True, default=datetime.datetime.now)
        user_id = IntegerField(null=True)
        username = CharField(max_length=60, default='')
        address = CharField(max_length=64, default='')
        action = CharField(index=True, max_length=20)
        record_table = CharField(index=True, max_length=60, default='')
        record_id = IntegerField(null=True)
        record_label = CharField(default='')
        organisation_id = IntegerField(index=True, null=True)
        changes = TextField(default='')
        class Meta:
            database = db
            table_name = 'audit_log'
    db.create_tables([AuditLog])

    class LoginAttempt(Model):
        username = CharField(max_length=60)
        address = CharField(max_length=64)
        succeeded = BooleanField(default=False)
        at = DateTimeField(default=datetime.datetime.now)
        class Meta:
            database = db
            table_name = 'login_attempt'
            indexes = ((('username', 'at'), False), (('address', 'at'), False))
    db.create_tables([LoginAttempt])


def down(migrator, db):
    migrator.migrate(migrator.drop_table('login_attempt'))
    migrator.migrate(migrator.drop_table('audit_log'))
