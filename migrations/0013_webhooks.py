"""Webhooks: registered receivers, each event's deliveries and every try."""
from peewee import *
import datetime


def up(migrator, db):
    class Webhook(Model):
        version = IntegerField(default=1)
        url = CharField(max_length=500)
        description = CharField(max_length=200, default='')
        events = CharField(max_length=200, default='')
        secret = CharField(max_length=64)
        is_active = BooleanField(default=True)
        created_at = DateTimeField(default=datetime.datetime.now)
        secret_rotated_at = DateTimeField(null=True)
        class Meta:
            database = db
            table_name = 'webhook'

    class WebhookDelivery(Model):
        webhook = ForeignKeyField(Webhook, on_delete='CASCADE')
        event_id = CharField(max_length=32)
        event = CharField(max_length=40)
        payload = TextField()
        status = CharField(max_length=10, default='pending')
        attempts = IntegerField(default=0)
        created_at = DateTimeField(default=datetime.datetime.now)
        last_attempt_at = DateTimeField(null=True)
        next_attempt_at = DateTimeField(null=True)
        delivered_at = DateTimeField(null=True)
        last_status_code = IntegerField(null=True)
        last_error = TextField(default='')
        class Meta:
            database = db
            table_name = 'webhook_delivery'
            indexes = ((('webhook', 'created_at'), False), (('status', 'created_at'), False))

    class WebhookAttempt(Model):
        delivery = ForeignKeyField(WebhookDelivery, on_delete='CASCADE')
        number = IntegerField()
        started_at = DateTimeField(default=datetime.datetime.now)
        status_code = IntegerField(null=True)
        error = TextField(default='')
        duration_ms = IntegerField(default=0)
        class Meta:
            database = db
            table_name = 'webhook_attempt'
            indexes = ((('delivery', 'number'), True),)

    db.create_tables([Webhook, WebhookDelivery, WebhookAttempt])


def down(migrator, db):
    migrator.migrate(migrator.drop_table('webhook_attempt'))
    migrator.migrate(migrator.drop_table('webhook_delivery'))
    migrator.migrate(migrator.drop_table('webhook'))
