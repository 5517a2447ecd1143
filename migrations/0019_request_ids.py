"""Audit entries record the id of the request that wrote them.

Adds audit_log.request_id: the X-Request-ID of the request (or of the
request that queued the background job) that wrote the entry, also found in
that request's log lines. Older entries have none (""). No index: an entry
is looked up by its request id alongside its time, which is indexed.
"""
from peewee import *


def up(migrator, db):
    migrator.migrate(
        migrator.add_column('audit_log', 'request_id', CharField(max_length=64, default='')),
    )


def down(migrator, db):
    migrator.migrate(
        migrator.drop_column('audit_log', 'request_id'),
    )
