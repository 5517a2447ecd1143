"""List filters that Flask-Admin's peewee backend cannot derive by itself."""
import datetime

from flask_admin.contrib.peewee.filters import BasePeeweeFilter, FilterEqual

from models import Organisation


def choice_filter(field, name):
    """Equality on a field with a closed list, offered as that list."""
    return FilterEqual(field, name, options=field.choices)


class InSubtreeFilter(BasePeeweeFilter):
    """Rows whose organisation is the given code or anywhere below it."""

    def clean(self, value):
        return (value or "").strip().upper()

    def apply(self, query, value):
        root = Organisation.get_or_none(Organisation.code == value)
        if root is None:
            return query.where(self.column.is_null(True) & self.column.is_null(False))
        return query.where(self.column.in_(Organisation.subtree_ids(root)))

    def operation(self):
        return "thuộc mã tổ chức (gồm cấp dưới)"


class ActiveFilter(BasePeeweeFilter):
    """Still in force today, or dissolved/merged already."""

    def __init__(self, column, name):
        super().__init__(column, name, options=(("1", "Đang hoạt động"), ("0", "Đã giải thể / sáp nhập")))

    def apply(self, query, value):
        today = datetime.date.today()
        active = self.column.is_null() | (self.column > today)
        return query.where(active if value == "1" else ~active)

    def operation(self):
        return "là"
