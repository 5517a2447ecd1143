"""Personal API tokens, and which token made an audited change."""
from peewee import *
import datetime


def up(migrator, db):
    class User(Model):
        class Meta:
            database = db
            table_name = 'portal_user'

    class ApiToken(Model):
        user = ForeignKeyField(User, on_delete='CASCADE')
        label = CharField(max_length=80)
        token_hash = CharField(max_length=64, unique=True)
        hint = CharField(max_length=16)
        read_only = BooleanField(default=False)
        created_at = DateTimeField(default=datetime.datetime.now)
        expires_at = DateTimeField(null=True)
        last_used_at = DateTimeField(null=True)
        revoked_at = DateTimeField(null=True)
        class Meta:
            database = db
            table_name = 'api_token'
    db.create_tables([ApiToken])
    migrator.migrate(migrator.add_column('audit_log', 'via', CharField(max_length=100, default='')))


def down(migrator, db):
    migrator.migrate(migrator.drop_column('audit_log', 'via'))
    migrator.migrate(migrator.drop_table('api_token'))
