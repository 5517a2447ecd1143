"""The one database handle and the base every model inherits."""
from peewee import BlobField, DatabaseProxy, IntegerField, Model, TextField

from models.text import search_document, sort_key

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


class SortKeyField(BlobField):
    """Bytes of sort_key(): a BLOB on SQLite, bytea on PostgreSQL, both
    compared byte by byte whatever the database's locale."""

    def __init__(self, **options):
        options.setdefault("default", b"")
        super().__init__(**options)

    def python_value(self, value):
        # psycopg2 reads bytea as a memoryview; bytes compare and print alike everywhere.
        return bytes(value) if isinstance(value, memoryview) else value


class NameOrdered:
    """A record listed in Vietnamese alphabetical order.

    `sort_keys` maps each SortKeyField to the text it orders, derived on
    every save; bulk writers call `sort_keys_for(row)` themselves.
    """

    sort_keys = {}

    @classmethod
    def sort_keys_for(cls, data):
        return {key: sort_key(data.get(source)) for key, source in cls.sort_keys.items()}

    def save(self, *args, **kwargs):
        for key, source in self.sort_keys.items():
            setattr(self, key, sort_key(getattr(self, source)))
        return super().save(*args, **kwargs)
