"""Emulation campaigns (phong trào thi đua / cuộc vận động) and their results."""
from peewee import BigIntegerField, CharField, DateField, ForeignKeyField, IntegerField, TextField

from models.base import BaseModel, SearchableModel
from models.choices import QUARTER_CHOICES
from models.directive import Directive
from models.organisation import Organisation

KIND_CHOICES = [("phong_trao", "Phong trào thi đua"), ("cuoc_van_dong", "Cuộc vận động")]


class Campaign(SearchableModel):
    verbose_name = "phong trào"
    search_fields = ("name",)

    name = CharField(max_length=300)
    kind = CharField(max_length=20, choices=KIND_CHOICES)
    leading_organisation = ForeignKeyField(Organisation, backref="led_campaigns", on_delete="RESTRICT")
    starts_on = DateField()
    ends_on = DateField(null=True)
    directive = ForeignKeyField(Directive, null=True, backref="campaigns", on_delete="RESTRICT")
    description = TextField(null=True)

    class Meta:
        table_name = "campaign"

    def __str__(self):
        return self.name


class CampaignParticipant(BaseModel):
    verbose_name = "đơn vị tham gia"

    campaign = ForeignKeyField(Campaign, backref="participants", on_delete="RESTRICT")
    organisation = ForeignKeyField(Organisation, backref="campaign_participations", on_delete="RESTRICT")

    class Meta:
        table_name = "campaign_participant"
        indexes = ((("campaign", "organisation"), True),)

    def __str__(self):
        return self.organisation.name


class CampaignResult(BaseModel):
    verbose_name = "kết quả phong trào"

    campaign = ForeignKeyField(Campaign, backref="results", on_delete="RESTRICT")
    organisation = ForeignKeyField(Organisation, backref="campaign_results", on_delete="RESTRICT")
    year = IntegerField()
    quarter = IntegerField(choices=QUARTER_CHOICES)
    models_built = IntegerField(default=0)
    funds_mobilised = BigIntegerField(default=0)
    houses_built = IntegerField(default=0)
    houses_repaired = IntegerField(default=0)
    people_supported = IntegerField(default=0)
    workdays = IntegerField(default=0)
    note = TextField(null=True)

    class Meta:
        table_name = "campaign_result"
        indexes = ((("campaign", "organisation", "year", "quarter"), True),)

    def __str__(self):
        return f"{self.organisation.code} Quý {self.quarter}/{self.year}"
