"""Quarterly reporting: indicators, reporting quarters, reports and their figures."""
# Generated from a schema diff on 2026-11-21 22:09.
from peewee import *
import datetime

def up(migrator, db):
    class Organisation(Model):
        class Meta:
            database = db
            table_name = 'organisation'

    class Indicator(Model):
        version = IntegerField(default=1)
        search_text = TextField(default='')
        code = CharField(unique=True, max_length=40)
        label = CharField(max_length=200)
        unit = CharField(max_length=40, default='')
        kind = CharField(max_length=10)
        numerator = ForeignKeyField('self', null=True, on_delete='RESTRICT')
        denominator = ForeignKeyField('self', null=True, on_delete='RESTRICT')
        scale = IntegerField(default=1)
        group = CharField(max_length=100, default='')
        position = IntegerField(default=0)
        reported_by = CharField(max_length=200, default='')
        derived_from = CharField(null=True, max_length=20)
        retired_on = DateField(null=True)
        class Meta:
            database = db
            table_name = 'indicator'
    db.create_tables([Indicator])

    class ReportingPeriod(Model):
        version = IntegerField(default=1)
        year = IntegerField()
        quarter = IntegerField()
        deadline = DateField(null=True)
        status = CharField(max_length=10, default='open')
        opened_at = DateTimeField(default=datetime.datetime.now)
        note = TextField(null=True)
        class Meta:
            database = db
            table_name = 'reporting_period'
            indexes = ((('year', 'quarter'), True),)
    db.create_tables([ReportingPeriod])

    class QuarterlyReport(Model):
        version = IntegerField(default=1)
        organisation = ForeignKeyField(Organisation, on_delete='RESTRICT')
        period = ForeignKeyField(ReportingPeriod, on_delete='RESTRICT')
        status = CharField(index=True, max_length=10, default='draft')
        submitted_at = DateTimeField(null=True)
        approved_at = DateTimeField(null=True)
        note = TextField(null=True)
        class Meta:
            database = db
            table_name = 'quarterly_report'
            indexes = ((('organisation', 'period'), True),)
    db.create_tables([QuarterlyReport])

    class ReportValue(Model):
        report = ForeignKeyField(QuarterlyReport, on_delete='RESTRICT')
        indicator = ForeignKeyField(Indicator, on_delete='RESTRICT')
        value = BigIntegerField()
        class Meta:
            database = db
            table_name = 'report_value'
            indexes = ((('report', 'indicator'), True),)
    db.create_tables([ReportValue])


    _search_index(db)


def _search_index(db):
    """The indicator catalogue is searched like every other (see 0002)."""
    if isinstance(db, SqliteDatabase):
        for statement in (
            "CREATE VIRTUAL TABLE indicator_search USING fts5(search_text, content='indicator', "
            "content_rowid='id', tokenize='unicode61 remove_diacritics 0', prefix='1 2 3')",
            "CREATE TRIGGER indicator_search_ai AFTER INSERT ON indicator BEGIN "
            "INSERT INTO indicator_search(rowid, search_text) VALUES (new.id, new.search_text); END",
            "CREATE TRIGGER indicator_search_ad AFTER DELETE ON indicator BEGIN "
            "INSERT INTO indicator_search(indicator_search, rowid, search_text) "
            "VALUES ('delete', old.id, old.search_text); END",
            "CREATE TRIGGER indicator_search_au AFTER UPDATE OF search_text ON indicator BEGIN "
            "INSERT INTO indicator_search(indicator_search, rowid, search_text) "
            "VALUES ('delete', old.id, old.search_text); "
            "INSERT INTO indicator_search(rowid, search_text) VALUES (new.id, new.search_text); END",
        ):
            db.execute_sql(statement)
    else:
        db.execute_sql("CREATE INDEX indicator_search_trgm ON indicator USING gin (search_text gin_trgm_ops)")


def down(migrator, db):
    if isinstance(db, SqliteDatabase):
        db.execute_sql("DROP TABLE IF EXISTS indicator_search")
    migrator.migrate(migrator.drop_table('report_value'))
    migrator.migrate(migrator.drop_table('quarterly_report'))
    migrator.migrate(migrator.drop_table('reporting_period'))
    migrator.migrate(migrator.drop_table('indicator'))
