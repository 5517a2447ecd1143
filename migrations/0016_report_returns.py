"""A report sent back or reopened is a draft again, not a sent report.

Adds quarterly_report.returned_at and return_reason (why the secretariat
last sent it back). Until now a draft kept the time it was first sent, and
that time counted it as sent and decided whether it was late. Existing
drafts lose that time: the unit's next submission decides. A draft that the
secretariat reopened takes its reason from the audit trail (the last status
change recorded with a reason, "ly_do"); a draft the unit withdrew itself
has no reason and is simply a draft.
"""
import json

from peewee import *


def up(migrator, db):
    migrator.migrate(
        migrator.add_column('quarterly_report', 'returned_at', DateTimeField(null=True)),
        migrator.add_column('quarterly_report', 'return_reason', TextField(null=True)),
    )
    mark = db.param
    drafts = db.execute_sql(
        "SELECT id FROM quarterly_report WHERE status = 'draft' AND submitted_at IS NOT NULL").fetchall()
    for (report_id,) in drafts:
        entry = db.execute_sql(
            "SELECT at, changes FROM audit_log WHERE record_table = 'quarterly_report' "
            f"AND record_id = {mark} AND action = 'status' ORDER BY id DESC LIMIT 1",
            (report_id,)).fetchone()
        reason, at = None, None
        if entry is not None:
            try:
                reason = (json.loads(entry[1] or "{}") or {}).get("ly_do")
            except (ValueError, AttributeError):
                reason = None
            at = entry[0] if reason else None
        db.execute_sql(
            f"UPDATE quarterly_report SET submitted_at = NULL, returned_at = {mark}, return_reason = {mark} "
            f"WHERE id = {mark}", (at, reason, report_id))


def down(migrator, db):
    migrator.migrate(
        migrator.drop_column('quarterly_report', 'return_reason'),
        migrator.drop_column('quarterly_report', 'returned_at'),
    )
