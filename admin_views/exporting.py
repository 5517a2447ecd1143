"""List exports: the list a user sees, as an Excel workbook.

Every list screen's "Xuất Excel" button keeps the screen's query string, so the
export goes through the same `get_list` as the screen: the user's scope
(`get_query`), the search, the filters and the sort. Columns are the view's
export columns with their Vietnamese labels; dates are real Excel dates,
numbers real numbers, choices their Vietnamese names and foreign keys their
names. Text is always written as text (`write_string`): a cell that starts
with "=", "+" or "http" never becomes a formula or a link.

Rows are written as they come from the database, a chunk at a time, into a
constant-memory workbook on disk, so memory stays flat whatever the size. A
list larger than EXPORT_MAX_SYNC_ROWS would outlast the request (gunicorn
kills a worker after 30 s), so a POST of the button makes it a background job
(portal/jobs; a GET only points to the button) that
replays the same query string as the same user, with a progress bar and a
download link when it is ready.
"""
import contextlib
import datetime
import decimal
import itertools
import json
import tempfile
import time
import unicodedata
from urllib.parse import quote

import xlsxwriter
from flask import Response, current_app, flash, redirect, request, url_for
from flask_admin.model.helpers import get_mdict_item_or_list
from flask_login import current_user
from peewee import ForeignKeyField, PostgresqlDatabase, SqliteDatabase
from playhouse.postgres_ext import FetchManyCursor
from werkzeug.utils import secure_filename

from admin_views import auditing, export_rows
from admin_views.access import organisations_in_scope, scope_root
from admin_views.export_sheets import Sheets
from admin_views.formatters import format_number
from models import Job, Organisation, db
from portal.excel.styles import formats

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
WORKBOOK_OPTIONS = {
    "constant_memory": True,
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
}
DEFAULT_MAX_SYNC_ROWS = 50000
EXPORT_CACHE_KB = 8 * 1024
CHUNK = 500
DATETIME = "dd/mm/yyyy hh:mm"


def export_xlsx(view):
    """The response for /export/xlsx/ of `view`: the workbook, or a background job for it."""
    args, sort_column, count, query = _prepare(view)
    if count > current_app.config.get("EXPORT_MAX_SYNC_ROWS", DEFAULT_MAX_SYNC_ROWS):
        if request.method != "POST":
            # A link, a prefetch or a crawler must not start a job: only the list's button does.
            flash(f"Danh sách có {format_number(count)} dòng nên được xuất ở chế độ nền: hãy bấm "
                  "“Xuất Excel” trên trang danh sách.", "info")
            return redirect(view.get_url(".index_view", **_list_args()))
        return _export_in_background(view, count)

    columns = list(view._export_columns)
    output = tempfile.TemporaryFile()
    try:
        written = write_workbook(view, output, columns, query)
    except BaseException:
        output.close()
        raise
    _audit(view, args, sort_column, written)
    size = output.seek(0, 2)
    output.seek(0)
    response = Response(_read_and_close(output), mimetype=XLSX_MIMETYPE, direct_passthrough=True)
    response.content_length = size
    response.headers["Content-Disposition"] = content_disposition(_file_name(view))
    return response


def _prepare(view):
    """(list args, sort column, row count, query) of the list as the user sees it."""
    args = view._get_list_extra_args()
    sort_column = view._get_column_by_idx(args.sort)
    sort_column = sort_column[0] if sort_column is not None else None
    if sort_column not in view._sortable_columns:
        sort_column = None  # a forged ?sort= falls back to the default order
    count, query = view.get_list(0, sort_column, args.sort_desc, args.search, args.filters,
                                 execute=False, page_size=0)
    if count is None:
        count = query.count()
    return args, sort_column, count, query


def _audit(view, args, sort_column, written):
    root = scope_root()
    auditing.record(
        "export", table=view.model._meta.table_name,
        organisation_id=root.id if root is not None else None,
        note=describe(view, args, sort_column, written),
    )


def _file_name(view):
    return f"{view.name}_{time.strftime('%Y-%m-%d_%H-%M')}.xlsx"


# --- exports too large for a request ---------------------------------------------------

def _export_in_background(view, count):
    """Queue the export as a job and send the user to its progress page."""
    from portal import jobs  # the portal package builds the admin site from these views

    problem = jobs.folder_problem()
    if problem:  # said now, rather than by a job that could never write its file
        flash(problem, "error")
        return redirect(view.get_url(".index_view", **_list_args()))
    query_string = request.query_string.decode("utf-8", "replace")
    with db.atomic():
        job = Job.create(
            user=current_user.id, kind="export", total=count,
            title=f"Xuất Excel danh sách {view.name} ({format_number(count)} dòng)",
            params=json.dumps({"endpoint": view.endpoint, "path": request.path,
                               "query": query_string}),
        )
    jobs.submit(job)
    flash(f"Danh sách có {format_number(count)} dòng: tệp Excel đang được tạo ở chế độ nền. "
          "Bạn có thể làm việc khác; tệp sẽ có ở mục “Tác vụ nền” khi xong.", "info")
    return redirect(url_for("jobs.job", job_id=job.id))


@contextlib.contextmanager
def _small_page_cache():
    """One pass over the rows gains nothing from a large page cache; memory stays flat.

    The connection goes back to the pool afterwards, with its usual cache.
    """
    if not isinstance(db.obj, SqliteDatabase):
        yield
        return
    usual = db.execute_sql("PRAGMA cache_size").fetchone()[0]
    db.execute_sql(f"PRAGMA cache_size = -{EXPORT_CACHE_KB}")
    try:
        yield
    finally:
        db.execute_sql(f"PRAGMA cache_size = {int(usual)}")


def run_export_job(job, progress):
    """The job: the same export, as its user, with the list's query string of the time."""
    from portal import jobs

    params = json.loads(job.params)
    view = jobs.view_for(params.get("endpoint"))
    if view is None or not getattr(view, "can_export", False):
        raise jobs.JobRefused("Danh sách này không còn xuất được.")
    with _small_page_cache(), jobs.as_its_user(job, params["path"] + "?" + params.get("query", ""),
                          "Tài khoản đã bị khoá; không xuất tệp."):
        if not view.is_accessible():
            raise jobs.JobRefused("Tài khoản không còn quyền xem danh sách này.")
        args, sort_column, count, query = _prepare(view)
        progress.update(0, count)
        # The file is named only once written and audited: a worker killed
        # mid-export leaves nothing to download (portal/jobs/storage.py).
        with jobs.result_file(job) as (stored, output):
            written = write_workbook(view, output, list(view._export_columns), query,
                                     on_rows=progress.update)
            with db.atomic():
                _audit(view, args, sort_column, written)
    return f"Đã xuất {format_number(written)} dòng.", stored, _file_name(view)


def _read_and_close(output, block=64 * 1024):
    """Stream the workbook file to the client, then drop it."""
    try:
        while True:
            data = output.read(block)
            if not data:
                return
            yield data
    finally:
        output.close()


def content_disposition(filename):
    """An attachment header with the Vietnamese name and an ASCII fallback."""
    ascii_name = unicodedata.normalize("NFKD", filename.replace("đ", "d").replace("Đ", "D"))
    ascii_name = secure_filename(ascii_name.encode("ascii", "ignore").decode()) or "danh_sach.xlsx"
    return f"attachment; filename={ascii_name}; filename*=UTF-8''{quote(filename)}"


def write_workbook(view, output, columns, query, on_rows=None):
    """Write the header and every row of `query` into `output`; the row count.

    A list longer than a sheet goes on in further sheets (export_sheets).
    on_rows(count) is told how many rows are written so far, after each chunk.
    """
    workbook = xlsxwriter.Workbook(output, WORKBOOK_OPTIONS)
    styles = formats(workbook)
    styles["datetime"] = workbook.add_format(
        {"font_name": "Times New Roman", "font_size": 11, "valign": "vcenter",
         "border": 1, "num_format": DATETIME})
    sheets = Sheets(workbook, _sheet_name(view.name), columns,
                    [_width(view.model, name, label) for name, label in columns], styles["header"])

    names = [name for name, _ in columns]
    fields = export_rows.plain_fields(view, names)
    if fields is not None:
        sensitive = set(getattr(view, "sensitive_columns", ()) or ()) & set(names)
        row_number = export_rows.write_rows(view, sheets, styles, fields, query,
                                            _covered(view) if sensitive else None, sensitive, on_rows)
        sheets.finish(row_number)
        workbook.close()
        return row_number

    cells = [_cell_writer(view, name) for name, _label in columns]
    hidden = _sensitive_hider(view, names)
    row_number = 0
    for chunk in _chunks(stream(query), CHUNK):
        view.attach_export_related(chunk)
        for model in chunk:
            row_number += 1
            sheet, row = sheets.place(row_number)
            masked = hidden(model)
            for index, write in enumerate(cells):
                if columns[index][0] in masked:
                    continue
                write(sheet, row, index, model, styles)
        if on_rows is not None:
            on_rows(row_number)
    sheets.finish(row_number)
    workbook.close()
    return row_number


def stream(query):
    """The rows of `query` as models one at a time, never all of them in memory
    (export_rows.open_cursor); on PostgreSQL read CHUNK rows at a time."""
    database = getattr(query._database, "obj", query._database)
    if not isinstance(database, PostgresqlDatabase):
        return query.iterator()
    cursor = export_rows.open_cursor(query)
    return query._get_cursor_wrapper(FetchManyCursor(cursor, CHUNK)).iterator()


def _cell_writer(view, name):
    """A function writing column `name` of one row as the right kind of cell."""
    field = view.model._meta.fields.get(name)
    choices = dict(view.column_choices.get(name) or ())
    export_formatter = (view.column_formatters_export or {}).get(name)

    def write(sheet, row, col, model, styles):
        if export_formatter is not None:
            value = view.get_export_value(model, name)
        else:
            value = _value_of(model, name)
        if value is None or value == "":
            sheet.write_blank(row, col, None, styles["text"])
        elif choices and not isinstance(value, bool):
            sheet.write_string(row, col, str(choices.get(value, value)), styles["text"])
        elif isinstance(field, ForeignKeyField) or hasattr(value, "_meta"):
            sheet.write_string(row, col, str(value), styles["text"])
        elif isinstance(value, bool):
            sheet.write_string(row, col, "Có" if value else "Không", styles["text"])
        elif isinstance(value, datetime.datetime):
            sheet.write_datetime(row, col, value.replace(tzinfo=None), styles["datetime"])
        elif isinstance(value, datetime.date):
            sheet.write_datetime(row, col, value, styles["date"])
        elif isinstance(value, (int, float, decimal.Decimal)):
            sheet.write_number(row, col, float(value) if isinstance(value, decimal.Decimal) else value,
                               styles["number"])
        else:
            sheet.write_string(row, col, str(value), styles["text"])

    return write


def _value_of(model, name):
    value = model
    for part in name.split("."):
        value = getattr(value, part, None)
        if value is None:
            return None
    return value


def _sensitive_hider(view, names):
    """row → the sensitive columns to leave empty for it (those of rows out of scope)."""
    sensitive = set(getattr(view, "sensitive_columns", ()) or ()) & set(names)
    covered = _covered(view) if sensitive else None
    if covered is None:
        return lambda model: ()
    return lambda model: () if view.owner_id(model) in covered else sensitive


def _covered(view):
    """Ids of the organisations whose rows may show personal data; None: all of them."""
    ids = organisations_in_scope()
    if ids is None or view.scope_field is None or view.scope_field.model is not view.model:
        return None
    return {o.id for o in Organisation.select(Organisation.id).where(Organisation.id.in_(ids))}


def _chunks(iterable, size):
    iterator = iter(iterable)
    while True:
        chunk = list(itertools.islice(iterator, size))
        if not chunk:
            return
        yield chunk


def _width(model, name, label):
    field = model._meta.fields.get(name)
    kind = type(field).__name__ if field is not None else ""
    if kind == "DateField":
        return 12
    if kind == "DateTimeField":
        return 17
    if kind in ("IntegerField", "BigIntegerField", "DecimalField", "FloatField"):
        return max(10, min(len(str(label)) + 2, 18))
    return max(14, min(len(str(label)) + 4, 40))


def _sheet_name(name):
    cleaned = "".join(ch for ch in str(name) if ch not in "[]:*?/\\")
    return (cleaned or "Danh sách")[:31]


def _list_args():
    return {key: get_mdict_item_or_list(request.args, key) for key in request.args}


def describe(view, args, sort_column, rows):
    """What was exported, in words, for the audit trail."""
    parts = []
    if args.search:
        parts.append(f"Tìm: “{args.search}”")
    for index, _name, value in args.filters or ():
        flt = view._filters[index]
        parts.append(f"Lọc: {flt.name} {flt.operation()} “{value}”")
    if sort_column is not None:
        label = view.get_column_name(sort_column) if isinstance(sort_column, str) else sort_column
        parts.append(f"Sắp xếp: {label}{' giảm dần' if args.sort_desc else ''}")
    personal = [view.get_column_name(name) for name, _ in view._export_columns
                if name in (getattr(view, "sensitive_columns", ()) or ())]
    if personal:
        parts.append("gồm dữ liệu cá nhân: " + ", ".join(personal))
    parts.append(f"{rows} dòng")
    return f"Xuất Excel danh sách {view.name}. " + "; ".join(parts)

