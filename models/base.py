"""The one database handle and the base every model inherits."""
from peewee import DatabaseProxy, IntegerField, Model, TextField

from models.text import search_document

db = DatabaseProxy()


class BaseModel(Model):
    # Field names shown in error messages about records that depend on this one.
    verbose_name = "bản ghi"

    class Meta:
        database = db
        legacy_table_names = False

    def __str__(self):
        return f"{self.verbose_name} #{self.id}"


class VersionedModel(BaseModel):
    """A record edited through forms: optimistic locking by version number."""

    version = IntegerField(default=1)


class SearchableModel(VersionedModel):
    """A record found by accent-insensitive search over `search_fields`.

    `search_text` is derived on every save; bulk writers call
    `search_document_for(row)` themselves.
    """

    search_fields = ()
    search_text = TextField(default="")

    @classmethod
    def search_document_for(cls, data):
        return search_document(*(data.get(name) for name in cls.search_fields))

    def save(self, *args, **kwargs):
        self.search_text = search_document(
            *(getattr(self, name) for name in self.search_fields)
        )
        return super().save(*args, **kwargs)
