"""Keyset pagination: a page starts after the last row of the one before.

The cursor holds that row's sort values and id and the sort it was made for,
as signed JSON (itsdangerous, which Flask already uses for its session): a
client cannot forge or edit one, and one made for another sort or resource
is refused. The next page is `WHERE (key, id) > (last key, last id) ORDER BY
key, id LIMIT n`, which both databases answer from the (key, id) index at any
depth; OFFSET would read and skip every row before the page.
"""
import datetime
import decimal
import functools
import operator

from flask import current_app
from itsdangerous import BadData, URLSafeSerializer
from peewee import (
    BlobField, BooleanField, CharField, DateField, DateTimeField, DecimalField, FloatField, IntegerField,
    TextField, Tuple,
)

from portal.api.problems import ApiError

INVALID = "Con trỏ trang (cursor) không hợp lệ hoặc không dùng được cho danh sách và cách sắp xếp này."


def _serializer():
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="api-cursor")


def order_by(order):
    """ORDER BY terms for [(field, descending), …]; NULLs last in either direction."""
    terms = []
    for field, descending in order:
        nulls = "LAST" if field.null else None
        terms.append(field.desc(nulls=nulls) if descending else field.asc(nulls=nulls))
    return terms


def encode(resource, sort, order, row):
    values = [_plain(row.__data__.get(field.name)) for field, _ in order]
    return _serializer().dumps({"r": resource, "s": sort, "v": values})


def decode(resource, sort, order, token):
    """The sort values of the row a page continues after; 400 for anything else."""
    try:
        payload = _serializer().loads(token)
    except BadData:
        raise ApiError(400, "invalid_cursor", INVALID) from None
    if not (isinstance(payload, dict) and payload.get("r") == resource and payload.get("s") == sort
            and isinstance(payload.get("v"), list) and len(payload["v"]) == len(order)):
        raise ApiError(400, "invalid_cursor", INVALID)
    try:
        return [_typed(field, value) for (field, _), value in zip(order, payload["v"])]
    except (TypeError, ValueError, decimal.InvalidOperation):
        raise ApiError(400, "invalid_cursor", INVALID) from None


def after(order, values):
    """Rows after `values` in `order` (the last term of which is the id)."""
    fields = [field for field, _ in order]
    directions = {descending for _, descending in order}
    if len(directions) == 1 and not any(f.null for f in fields) and None not in values:
        # One row-value comparison: what the (key, id) index answers directly.
        left, right = Tuple(*fields), Tuple(*values)
        return left < right if directions == {True} else left > right
    terms, same = [], []
    for (field, descending), value in zip(order, values):
        if value is not None:
            beyond = field < value if descending else field > value
            if field.null:
                beyond = beyond | field.is_null()
            terms.append(functools.reduce(operator.and_, same + [beyond]))
        same.append(field.is_null() if value is None else field == value)
    return functools.reduce(operator.or_, terms)


def _plain(value):
    if isinstance(value, (bytes, memoryview)):
        return bytes(value).hex()
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    return value


def _typed(field, value):
    if value is None:
        if not field.null:
            raise ValueError("null")
        return None
    if isinstance(field, BlobField):
        return bytes.fromhex(value)
    if isinstance(field, DateTimeField):
        return datetime.datetime.fromisoformat(value)
    if isinstance(field, DateField):
        return datetime.date.fromisoformat(value)
    if isinstance(field, DecimalField):
        return decimal.Decimal(value)
    if isinstance(field, BooleanField):
        if not isinstance(value, bool):
            raise TypeError("bool")
        return value
    if isinstance(field, (IntegerField, FloatField)):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise TypeError("number")
        return value
    if isinstance(field, (CharField, TextField)) and not isinstance(value, str):
        raise TypeError("text")
    return value
