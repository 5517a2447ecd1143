"""How values look in lists and detail pages: Vietnamese conventions."""
import datetime

from flask_admin.model import typefmt
from markupsafe import Markup


def format_number(value):
    return f"{value:,}".replace(",", ".")


def _date(view, value, name=None):
    # A datetime is a date too, and Flask-Admin takes the first formatter
    # whose type matches: without this, times were cut to the day.
    if isinstance(value, datetime.datetime):
        return _datetime(view, value, name)
    return value.strftime("%d/%m/%Y")


def _datetime(view, value, name=None):
    return value.strftime("%d/%m/%Y %H:%M")


def _bool(view, value, name=None):
    return Markup('<span title="Có">✔</span>') if value else Markup('<span title="Không">—</span>')


def number_column(view, context, model, name):
    value = getattr(model, name)
    return format_number(value) if value is not None else ""


FORMATTERS = dict(typefmt.BASE_FORMATTERS)
FORMATTERS.update({
    type(None): typefmt.empty_formatter,
    datetime.date: _date,
    datetime.datetime: _datetime,
    bool: _bool,
})
