"""List export rows straight from the cursor, for lists of plain columns.

A million members through peewee model instances spend more time building
the instances than xlsxwriter spends writing the cells. When every exported
column is a plain field of the model (no export formatter, no dotted path),
the rows are read as bare tuples and each column gets one small function
that turns its value into the right kind of cell, written a row at a time
(sheet_rows.py): the same cells as the model path in exporting.py.
"""
import datetime
import decimal
from functools import partial

from peewee import (
    BooleanField, DateField, DateTimeField, DecimalField, FloatField, ForeignKeyField, IntegerField,
    PostgresqlDatabase,
)

from admin_views.sheet_rows import SheetRows

CHUNK = 2000
# Excel's day 0 in the 1900 date system, for dates after the 29/02/1900 it
# counts but that never was (earlier dates go through xlsxwriter's own sum).
EXCEL_EPOCH = datetime.datetime(1899, 12, 30)
EXCEL_LEAP_DAY = datetime.datetime(1900, 3, 1)
EXCEL_LEAP_DATE = EXCEL_LEAP_DAY.date()
EXCEL_EPOCH_ORDINAL = EXCEL_EPOCH.toordinal()


def plain_fields(view, names):
    """The model fields behind `names`, or None when a column needs the model path."""
    formatters = view.column_formatters_export or {}
    fields = []
    for name in names:
        field = view.model._meta.fields.get(name)
        if field is None or name in formatters:
            return None
        fields.append(field)
    return fields


def write_rows(view, sheets, styles, fields, query, covered, sensitive, on_rows):
    """Write every row of `query` from the first sheet's row 1 on, going on in
    the next sheet when one is full (export_sheets.Sheets); the number of rows written."""
    owner = view.scope_field if covered is not None else None
    selected = list(fields) + ([owner] if owner is not None else [])
    names = {field: {} for field in fields if isinstance(field, ForeignKeyField)}
    columns = [_column(view, field, sheets.first, styles, names.get(field)) for field in fields]
    cells = [to_cell for to_cell, _is_text, _style in columns]
    kinds = [(is_text, style) for _to_cell, is_text, style in columns]
    masked = [field.name in sensitive for field in fields]
    # Positions by identity: a peewee field's == builds an expression.
    positions = {field: col for col, field in enumerate(fields) if field in names}
    row_number = 0
    sheet = rows = None
    for chunk in _chunks(query.clone().select(*selected)):
        for field, known in names.items():
            _load_names(field, known, {row[positions[field]] for row in chunk})
        for row in chunk:
            row_number += 1
            placed, row_here = sheets.place(row_number)
            if placed is not sheet:  # the first row, or the last sheet is full
                sheet, rows = placed, SheetRows(placed, kinds)
            hide = owner is not None and row[-1] not in covered
            # zip stops at the exported columns: the owner's id, last, is not one.
            rows.write(row_here, [
                None if value is None or (hide and mask) else to_cell(value)
                for to_cell, value, mask in zip(cells, row, masked)])
        if on_rows is not None:
            on_rows(row_number)
    return row_number


def open_cursor(query):
    """A cursor running `query` that never holds the whole result in memory.

    SQLite's cursor steps through the result. psycopg2's ordinary cursor
    fetches all of it into the client, so on PostgreSQL the query runs in a
    server-side (named) cursor.

    PostgreSQL plans a cursor for its first tenth of rows (cursor_tuple_fraction),
    but an export reads them all: for a unit's 220.000 of a million members that
    plan walked the whole name index and picked the unit's rows from it (7 s),
    where reading them all and sorting them takes 2 s. Planned here for every
    row, inside a transaction of its own so that the setting ends with it (the
    cursor, held, outlives the transaction).
    """
    database = getattr(query._database, "obj", query._database)
    if not isinstance(database, PostgresqlDatabase):
        cursor = database.cursor()
        cursor.execute(*query.sql())
        return cursor
    cursor = database._adapter.server_side_cursor(database.connection())
    with database.atomic():
        database.execute_sql("SET LOCAL cursor_tuple_fraction = 1")
        cursor.execute(*query.sql())
    return cursor


def _chunks(query):
    """Raw tuples, CHUNK at a time."""
    cursor = open_cursor(query)
    try:
        while True:
            chunk = cursor.fetchmany(CHUNK)
            if not chunk:
                return
            yield chunk
    finally:
        cursor.close()


def _load_names(field, known, ids):
    missing = [i for i in ids if i is not None and i not in known]
    if missing:
        related = field.rel_model
        for target in related.select().where(related.id.in_(missing)):
            known[target.id] = str(target)


def _column(view, field, sheet, styles, known=None):
    """(raw value → cell value, whether the cell is text, its format) for `field`.

    `known` holds the names of a foreign key's targets, loaded chunk by chunk.
    Dates become the serial number xlsxwriter's write_datetime computes, in
    the same date format: the same cell.
    """
    text = styles["text"]
    choices = dict(view.column_choices.get(field.name) or field.choices or ())
    if isinstance(field, ForeignKeyField):
        return (lambda value: known[value] if value in known else str(value)), True, text
    if isinstance(field, BooleanField):
        return (lambda value: "Có" if value else "Không"), True, text
    if choices:
        return (lambda value: str(choices.get(value, value))), True, text
    if isinstance(field, DateTimeField):
        return partial(_datetime_serial, sheet), False, styles["datetime"]
    if isinstance(field, DateField):
        return partial(_date_serial, sheet), False, styles["date"]
    if isinstance(field, (IntegerField, FloatField, DecimalField)):
        return (lambda value: float(value) if isinstance(value, decimal.Decimal) else value,
                False, styles["number"])
    return str, True, text


def _datetime_serial(sheet, value):
    if isinstance(value, str):
        value = datetime.datetime.fromisoformat(value)
    value = value.replace(tzinfo=None)
    if value < EXCEL_LEAP_DAY:
        return sheet._convert_date_time(value)
    since = value - EXCEL_EPOCH
    return since.days + since.seconds / 86400 + since.microseconds / 864e8


def _date_serial(sheet, value):
    if isinstance(value, str):
        value = datetime.date.fromisoformat(value[:10])
    if value < EXCEL_LEAP_DATE:
        return sheet._convert_date_time(value)
    return value.toordinal() - EXCEL_EPOCH_ORDINAL
