"""The database could not answer: busy, or out of reach.

Two faults a user can do nothing about but wait and try again:
- busy: SQLite's write lock held by another writer longer than the busy
  timeout ("database is locked"), PostgreSQL giving up a transaction to a
  deadlock or a serialisation conflict, or every pooled connection in use;
- down: the PostgreSQL server restarting or unreachable (refused, or a pooled
  connection cut under the request), a SQLite file that cannot be opened or
  written (disk full, I/O error).

Both are a 503 with Retry-After, never a 500 traceback (portal/unavailable.py
serves the page and the API's problem). Any other OperationalError (SQLite
reports a missing table that way too) is a defect and stays a 500.

Here rather than in portal/: the record views keep the user's form input on a
busy save (admin_views/base.py), and views never import the portal package.
"""
from flask import flash, g
from peewee import InterfaceError, OperationalError
from playhouse.pool import MaxConnectionsExceeded

BUSY, DOWN = "busy", "down"
RETRY_AFTER_SECONDS = 5

TEXT = {
    BUSY: ("Cơ sở dữ liệu đang bận",
           "Cơ sở dữ liệu đang bận, vui lòng thử lại sau ít giây. Thao tác vừa rồi chưa được lưu."),
    DOWN: ("Cơ sở dữ liệu tạm thời không truy cập được",
           "Máy chủ cơ sở dữ liệu đang khởi động lại hoặc không kết nối được. Thao tác vừa rồi "
           "chưa được lưu; vui lòng thử lại sau ít giây. Nếu lỗi kéo dài, hãy liên hệ quản trị."),
}

ERRORS = (OperationalError, InterfaceError, MaxConnectionsExceeded)

_SQLITE_BUSY = ("database is locked", "database table is locked", "database is busy")
_SQLITE_DOWN = ("unable to open database file", "disk i/o error", "database or disk is full",
                "readonly database")
# psycopg2's OperationalError subclasses that mean "try again", not "server gone".
_PG_RETRY = ("TransactionRollbackError", "QueryCanceledError", "LockNotAvailable",
             "SerializationFailure", "DeadlockDetected")


def classify(error):
    """BUSY, DOWN, or None for an error that is not the database's availability."""
    if isinstance(error, MaxConnectionsExceeded):
        return BUSY
    if not isinstance(error, (OperationalError, InterfaceError)):
        return None
    cause = _original(error)
    module = type(cause).__module__ or ""
    text = str(cause).lower()
    if module.startswith("sqlite3") or module.startswith("apsw"):
        if any(part in text for part in _SQLITE_BUSY):
            return BUSY
        if any(part in text for part in _SQLITE_DOWN):
            return DOWN
        return None
    if module.startswith("psycopg"):
        names = {kind.__name__ for kind in type(cause).__mro__}
        return BUSY if names & set(_PG_RETRY) else DOWN
    return None


def _original(error):
    """The driver's error that peewee wrapped (peewee keeps it as `orig`)."""
    cause = getattr(error, "orig", None)
    return cause if isinstance(cause, Exception) else error


def cause_of(error):
    cause = _original(error)
    return f"{type(cause).__module__}.{type(cause).__name__}: {str(cause).strip()}"


def keep_form_on_busy(error):
    """In a form's save: a busy database re-shows the form with the user's input,
    the message and a 503 (portal/unavailable.py turns the flag into the status);
    True when handled. Anything else is the caller's to raise."""
    if classify(error) != BUSY:
        return False
    flash(TEXT[BUSY][1], "error")
    g.database_busy = True
    return True
