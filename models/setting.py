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
        return cls.value_or_default(key, cls.value_query(key).scalar())

    @classmethod
    def value_query(cls, key):
        """The stored value of `key` (no row: None), as a query."""
        return cls.select(cls.value).where(cls.key == key)

    @staticmethod
    def value_or_default(key, stored):
        return stored if stored is not None else DEFAULTS.get(key, "")
