"""List export rows straight from the cursor, for lists of plain columns.

A million members through peewee model instances spend more time building
the instances than xlsxwriter spends writing the cells. When every exported
column is a plain field of the model (no export formatter, no dotted path),
the rows are read as bare tuples and each column gets one small function
that writes its value as the right kind of cell: the same cells as the model
path in exporting.py, a little over the bare xlsxwriter floor.
"""
import datetime
import decimal

from peewee import (
    BooleanField, DateField, DateTimeField, DecimalField, FloatField, ForeignKeyField, IntegerField,
    PostgresqlDatabase,
)

CHUNK = 2000
# Excel's day 0 in the 1900 date system, for dates after the 29/02/1900 it
# counts but that never was (earlier dates go through xlsxwriter's own sum).
EXCEL_EPOCH = datetime.datetime(1899, 12, 30)
EXCEL_LEAP_DAY = datetime.datetime(1900, 3, 1)
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


def write_rows(view, sheet, styles, fields, query, covered, sensitive, on_rows):
    """Write every row of `query` from row 1 on; the number of rows written."""
    owner = view.scope_field if covered is not None else None
    selected = list(fields) + ([owner] if owner is not None else [])
    names = {field: {} for field in fields if isinstance(field, ForeignKeyField)}
    cells = [_cell(view, field, sheet, styles, names.get(field)) for field in fields]
    masked = [field.name in sensitive for field in fields]
    # Positions by identity: a peewee field's == builds an expression.
    positions = {field: col for col, field in enumerate(fields) if field in names}
    row_number = 0
    for chunk in _chunks(query.clone().select(*selected)):
        for field, known in names.items():
            _load_names(field, known, {row[positions[field]] for row in chunk})
        for row in chunk:
            row_number += 1
            hide = owner is not None and row[-1] not in covered
            for col, write in enumerate(cells):
                value = row[col]
                if value is None or (hide and masked[col]):
                    continue
                write(row_number, col, value)
        if on_rows is not None:
            on_rows(row_number)
    return row_number


def open_cursor(query):
    """A cursor running `query` that never holds the whole result in memory.

    SQLite's cursor steps through the result. psycopg2's ordinary cursor
    fetches all of it into the client, so on PostgreSQL the query runs in a
    server-side (named) cursor.
    """
    database = getattr(query._database, "obj", query._database)
    if isinstance(database, PostgresqlDatabase):
        cursor = database._adapter.server_side_cursor(database.connection())
    else:
        cursor = database.cursor()
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


def _cell(view, field, sheet, styles, known=None):
    """A function (row, col, raw value) writing one cell of `field` into `sheet`.

    `known` holds the names of a foreign key's targets, loaded chunk by chunk.
    The cells go to xlsxwriter's own _write_string/_write_number (pinned
    3.3.1): the public methods only add a check for "A1"-style addresses,
    and a unit's 3 million cells are the export's whole cost. Dates are
    written as the serial number xlsxwriter's write_datetime would compute,
    with the same date format: the same cell.
    """
    put_string, put_number = sheet._write_string, sheet._write_number
    text, number = styles["text"], styles["number"]
    choices = dict(view.column_choices.get(field.name) or field.choices or ())
    if isinstance(field, ForeignKeyField):
        return lambda row, col, value: put_string(row, col, known.get(value, str(value)), text)
    if isinstance(field, BooleanField):
        return lambda row, col, value: put_string(row, col, "Có" if value else "Không", text)
    if choices:
        return lambda row, col, value: put_string(row, col, str(choices.get(value, value)), text)
    if isinstance(field, DateTimeField):
        style = styles["datetime"]

        def write(row, col, value):
            if isinstance(value, str):
                value = datetime.datetime.fromisoformat(value)
            value = value.replace(tzinfo=None)
            if value < EXCEL_LEAP_DAY:
                sheet.write_datetime(row, col, value, style)
                return
            since = value - EXCEL_EPOCH
            put_number(row, col, since.days + since.seconds / 86400 + since.microseconds / 864e8, style)
        return write
    if isinstance(field, DateField):
        style = styles["date"]

        def write(row, col, value):
            if isinstance(value, str):
                value = datetime.date.fromisoformat(value[:10])
            if value < EXCEL_LEAP_DAY.date():
                sheet.write_datetime(row, col, value, style)
                return
            put_number(row, col, value.toordinal() - EXCEL_EPOCH_ORDINAL, style)
        return write
    if isinstance(field, (IntegerField, FloatField, DecimalField)):
        return lambda row, col, value: put_number(
            row, col, float(value) if isinstance(value, decimal.Decimal) else value, number)
    return lambda row, col, value: put_string(row, col, str(value), text)
