"""The initial schema: every record type of the first release."""
# Generated from a schema diff on 2026-11-21 21:39.
from peewee import *
import datetime
import secrets


def up(migrator, db):
    class AdministrativeUnit(Model):
        version = IntegerField(default=1)
        search_text = TextField(default='')
        code = CharField(unique=True, max_length=20)
        name = CharField(max_length=150)
        kind = CharField(max_length=20)
        parent = ForeignKeyField('self', null=True, on_delete='RESTRICT')
        active_from = DateField(null=True)
        active_to = DateField(null=True)
        merged_into = ForeignKeyField('self', null=True, on_delete='RESTRICT')
        class Meta:
            database = db
            table_name = 'administrative_unit'
    db.create_tables([AdministrativeUnit])

    class Organisation(Model):
        version = IntegerField(default=1)
        search_text = TextField(default='')
        code = CharField(unique=True, max_length=30)
        name = CharField(max_length=200)
        kind = CharField(max_length=20)
        level = CharField(max_length=20)
        parent = ForeignKeyField('self', null=True, on_delete='RESTRICT')
        path = CharField(index=True, max_length=400, default='')
        commune = ForeignKeyField(AdministrativeUnit, null=True, on_delete='RESTRICT')
        active_from = DateField(null=True)
        active_to = DateField(null=True)
        merged_into = ForeignKeyField('self', null=True, on_delete='RESTRICT')
        class Meta:
            database = db
            table_name = 'organisation'
    db.create_tables([Organisation])

    class Directive(Model):
        version = IntegerField(default=1)
        search_text = TextField(default='')
        number = CharField(max_length=50)
        kind = CharField(max_length=40)
        issuer = CharField(max_length=120)
        issued_on = DateField()
        title = TextField()
        attachment = CharField(null=True)
        implements = ForeignKeyField('self', null=True, on_delete='RESTRICT')
        class Meta:
            database = db
            table_name = 'directive'
    db.create_tables([Directive])

    class Campaign(Model):
        version = IntegerField(default=1)
        search_text = TextField(default='')
        name = CharField(max_length=300)
        kind = CharField(max_length=20)
        leading_organisation = ForeignKeyField(Organisation, on_delete='RESTRICT')
        starts_on = DateField()
        ends_on = DateField(null=True)
        directive = ForeignKeyField(Directive, null=True, on_delete='RESTRICT')
        description = TextField(null=True)
        class Meta:
            database = db
            table_name = 'campaign'
    db.create_tables([Campaign])

    class CampaignParticipant(Model):
        campaign = ForeignKeyField(Campaign, on_delete='RESTRICT')
        organisation = ForeignKeyField(Organisation, on_delete='RESTRICT')
        class Meta:
            database = db
            table_name = 'campaign_participant'
            indexes = ((('campaign', 'organisation'), True),)
    db.create_tables([CampaignParticipant])

    class CampaignResult(Model):
        campaign = ForeignKeyField(Campaign, on_delete='RESTRICT')
        organisation = ForeignKeyField(Organisation, on_delete='RESTRICT')
        year = IntegerField()
        quarter = IntegerField()
        models_built = IntegerField(default=0)
        funds_mobilised = BigIntegerField(default=0)
        houses_built = IntegerField(default=0)
        houses_repaired = IntegerField(default=0)
        people_supported = IntegerField(default=0)
        workdays = IntegerField(default=0)
        note = TextField(null=True)
        class Meta:
            database = db
            table_name = 'campaign_result'
            indexes = ((('campaign', 'organisation', 'year', 'quarter'), True),)
    db.create_tables([CampaignResult])

    class DirectiveAssignment(Model):
        directive = ForeignKeyField(Directive, on_delete='RESTRICT')
        organisation = ForeignKeyField(Organisation, on_delete='RESTRICT')
        deadline = DateField()
        recurrence = CharField(max_length=10, default='once')
        class Meta:
            database = db
            table_name = 'directive_assignment'
            indexes = ((('directive', 'organisation'), True),)
    db.create_tables([DirectiveAssignment])

    class ImplementationReport(Model):
        directive = ForeignKeyField(Directive, on_delete='RESTRICT')
        organisation = ForeignKeyField(Organisation, on_delete='RESTRICT')
        reported_on = DateField()
        content = TextField()
        status = CharField(max_length=20, default='in_progress')
        attachment = CharField(null=True)
        class Meta:
            database = db
            table_name = 'implementation_report'
            indexes = ((('directive', 'organisation'), False),)
    db.create_tables([ImplementationReport])

    class Village(Model):
        version = IntegerField(default=1)
        search_text = TextField(default='')
        code = CharField(unique=True, max_length=20)
        name = CharField(max_length=150)
        kind = CharField(max_length=20, default='thon')
        commune = ForeignKeyField(AdministrativeUnit, on_delete='RESTRICT')
        ethnic_minority = BooleanField(default=False)
        ethnic_groups = CharField(null=True, max_length=200)
        active_from = DateField(null=True)
        active_to = DateField(null=True)
        merged_into = ForeignKeyField('self', null=True, on_delete='RESTRICT')
        class Meta:
            database = db
            table_name = 'village'
    db.create_tables([Village])

    class Member(Model):
        version = IntegerField(default=1)
        search_text = TextField(default='')
        full_name = CharField(max_length=120)
        gender = CharField(max_length=3)
        date_of_birth = DateField(null=True)
        ethnicity = CharField(null=True, max_length=30)
        religion = CharField(null=True, max_length=20)
        citizen_id = CharField(index=True, null=True, max_length=12)
        phone = CharField(null=True, max_length=15)
        village = ForeignKeyField(Village, null=True, on_delete='RESTRICT')
        branch = ForeignKeyField(Organisation, on_delete='RESTRICT')
        card_number = CharField(null=True, max_length=30)
        joined_on = DateField(null=True)
        status = CharField(index=True, max_length=10, default='active')
        left_on = DateField(null=True)
        leave_reason = TextField(null=True)
        party_introduced_on = DateField(null=True)
        party_admitted_on = DateField(null=True)
        class Meta:
            database = db
            table_name = 'member'
            indexes = ((('branch', 'full_name'), False),)
    db.create_tables([Member])

    class OrganisationChange(Model):
        organisation = ForeignKeyField(Organisation, on_delete='RESTRICT')
        change = CharField(max_length=20)
        effective_on = DateField()
        old_parent = ForeignKeyField(Organisation, null=True, on_delete='RESTRICT')
        new_parent = ForeignKeyField(Organisation, null=True, on_delete='RESTRICT')
        note = TextField(null=True)
        recorded_at = DateTimeField(default=datetime.datetime.now)
        class Meta:
            database = db
            table_name = 'organisation_change'
    db.create_tables([OrganisationChange])

    class Setting(Model):
        key = CharField(unique=True, max_length=60)
        value = TextField(default='')
        class Meta:
            database = db
            table_name = 'setting'
    db.create_tables([Setting])

    class TwinningLink(Model):
        version = IntegerField(default=1)
        search_text = TextField(default='')
        organisation = ForeignKeyField(Organisation, on_delete='RESTRICT')
        partner_name = CharField(null=True, max_length=200)
        village = ForeignKeyField(Village, on_delete='RESTRICT')
        directive = ForeignKeyField(Directive, null=True, on_delete='RESTRICT')
        signed_on = DateField()
        status = CharField(index=True, max_length=10, default='active')
        responsible_person = CharField(null=True, max_length=120)
        note = TextField(null=True)
        class Meta:
            database = db
            table_name = 'twinning_link'
    db.create_tables([TwinningLink])

    class TwinningActivity(Model):
        link = ForeignKeyField(TwinningLink, on_delete='RESTRICT')
        held_on = DateField()
        description = TextField()
        support_value = BigIntegerField(default=0)
        people_reached = IntegerField(default=0)
        class Meta:
            database = db
            table_name = 'twinning_activity'
    db.create_tables([TwinningActivity])

    class User(Model):
        username = CharField(unique=True, max_length=60)
        full_name = CharField(max_length=120, default='')
        password_hash = CharField()
        role = CharField(max_length=20)
        organisation = ForeignKeyField(Organisation, null=True, on_delete='RESTRICT')
        is_enabled = BooleanField(default=True)
        session_token = CharField(max_length=64, default=lambda: secrets.token_hex(16))
        created_at = DateTimeField(default=datetime.datetime.now)
        last_login_at = DateTimeField(null=True)
        class Meta:
            database = db
            table_name = 'portal_user'
    db.create_tables([User])


def down(migrator, db):
    migrator.migrate(migrator.drop_table('portal_user'))
    migrator.migrate(migrator.drop_table('twinning_activity'))
    migrator.migrate(migrator.drop_table('twinning_link'))
    migrator.migrate(migrator.drop_table('setting'))
    migrator.migrate(migrator.drop_table('organisation_change'))
    migrator.migrate(migrator.drop_table('member'))
    migrator.migrate(migrator.drop_table('village'))
    migrator.migrate(migrator.drop_table('implementation_report'))
    migrator.migrate(migrator.drop_table('directive_assignment'))
    migrator.migrate(migrator.drop_table('campaign_result'))
    migrator.migrate(migrator.drop_table('campaign_participant'))
    migrator.migrate(migrator.drop_table('campaign'))
    migrator.migrate(migrator.drop_table('directive'))
    migrator.migrate(migrator.drop_table('organisation'))
    migrator.migrate(migrator.drop_table('administrative_unit'))
