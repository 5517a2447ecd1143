"""Installation settings editable in the portal (the province's name, …)."""
from peewee import CharField, TextField

from models.base import BaseModel

DEFAULTS = {"province_name": "Gia Lai"}
LABELS = {"province_name": "Tên tỉnh"}


class Setting(BaseModel):
    verbose_name = "cấu hình"

    key = CharField(max_length=60, unique=True)
    value = TextField(default="")

    class Meta:
        table_name = "setting"

    def __str__(self):
        return LABELS.get(self.key, self.key)

    @classmethod
    def get_value(cls, key):
        row = cls.get_or_none(cls.key == key)
        return row.value if row else DEFAULTS.get(key, "")
