"""Twinning links (kết nghĩa) between an organisation and a village."""
from peewee import BigIntegerField, CharField, DateField, ForeignKeyField, IntegerField, TextField

from models.base import BaseModel, SearchableModel
from models.directive import Directive
from models.geography import Village
from models.organisation import Organisation

STATUS_CHOICES = [("active", "Đang thực hiện"), ("paused", "Tạm dừng"), ("ended", "Đã kết thúc")]


class TwinningLink(SearchableModel):
    verbose_name = "quan hệ kết nghĩa"
    search_fields = ("partner_name", "responsible_person")

    organisation = ForeignKeyField(Organisation, backref="twinning_links", on_delete="RESTRICT")
    # An agency outside the bloc that twins alongside the organisation, if any.
    partner_name = CharField(max_length=200, null=True)
    village = ForeignKeyField(Village, backref="twinning_links", on_delete="RESTRICT")
    directive = ForeignKeyField(Directive, null=True, backref="twinning_links", on_delete="RESTRICT")
    signed_on = DateField()
    status = CharField(max_length=10, choices=STATUS_CHOICES, default="active", index=True)
    responsible_person = CharField(max_length=120, null=True)
    note = TextField(null=True)

    class Meta:
        table_name = "twinning_link"

    def __str__(self):
        return f"{self.organisation.code} ↔ {self.village.name}"


class TwinningActivity(BaseModel):
    verbose_name = "hoạt động kết nghĩa"

    link = ForeignKeyField(TwinningLink, backref="activities", on_delete="RESTRICT")
    held_on = DateField()
    description = TextField()
    support_value = BigIntegerField(default=0)
    people_reached = IntegerField(default=0)

    class Meta:
        table_name = "twinning_activity"

    def __str__(self):
        return f"{self.held_on:%d/%m/%Y}"
