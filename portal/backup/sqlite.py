"""SQLite: an online copy by `VACUUM INTO`, a restore by replacing the file.

`VACUUM INTO` reads the database in one read transaction, so the copy is one
consistent moment even while the portal writes (WAL readers never block
writers), and it writes a compacted file without the WAL. The copy is then
counted, so the manifest's row counts are exactly those of the copy.
"""
import gzip
import os
import secrets
import shutil
import sqlite3

from portal.backup.errors import BackupError, RestoreRefused

PART = "database.sqlite3.gz"
CHUNK = 1024 * 1024


def path_of(url):
    """The file of a sqlite:///… URL (what portal.database.open_database opens)."""
    path = url.split("///", 1)[1] if "///" in url else ""
    if path in ("", ":memory:"):
        raise BackupError("Cơ sở dữ liệu SQLite trong bộ nhớ không sao lưu được "
                          "(in-memory SQLite cannot be backed up).")
    return os.path.abspath(path)


def _connect(path):
    connection = sqlite3.connect(path, timeout=30)
    connection.execute("PRAGMA busy_timeout = 30000")
    return connection


def tables(connection):
    return [name for (name,) in connection.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]


def row_counts(connection):
    return {name: connection.execute(f'SELECT COUNT(*) FROM "{name}"').fetchone()[0]
            for name in tables(connection)}


def migrations(connection):
    if "schema_migration" not in tables(connection):
        return []
    return [name for (name,) in connection.execute("SELECT name FROM schema_migration ORDER BY name")]


def dump(url, staging):
    """Copy the database into `staging`; (part name, part path, row counts, migrations, details)."""
    source = path_of(url)
    if not os.path.exists(source):
        raise BackupError(f"Không có tệp cơ sở dữ liệu {source} (database file not found).")
    copy = os.path.join(staging, "copy.sqlite3")
    connection = _connect(source)
    try:
        connection.execute("VACUUM INTO ?", (copy,))
    except sqlite3.Error as error:
        raise BackupError(f"Không sao chép được cơ sở dữ liệu SQLite ({error}).") from None
    finally:
        connection.close()
    connection = _connect(copy)
    try:
        counts, applied = row_counts(connection), migrations(connection)
    finally:
        connection.close()
    packed = os.path.join(staging, PART)
    # Level 1: most of the gain on database pages, at a fraction of level 6's time.
    with open(copy, "rb") as raw, gzip.open(packed, "wb", compresslevel=1) as out:
        shutil.copyfileobj(raw, out, CHUNK)
    os.remove(copy)
    return PART, packed, counts, applied, {"sqlite_version": sqlite3.sqlite_version}


def has_data(url):
    """What the target already holds, in words, or "" when it is empty."""
    path = path_of(url)
    if not os.path.exists(path) or os.path.getsize(path) == 0:
        return ""
    connection = _connect(path)
    try:
        found = tables(connection)
    except sqlite3.DatabaseError as error:
        return f"tệp {path} không phải cơ sở dữ liệu SQLite trống ({error})"
    finally:
        connection.close()
    return f"tệp {path} đã có {len(found)} bảng" if found else ""


def restore(url, archive_member, expected_counts, replace):
    """Unpack the copy beside the target, check it, then move it into place in one rename."""
    target = path_of(url)
    os.makedirs(os.path.dirname(target), exist_ok=True)
    unpacked = f"{target}.restoring-{secrets.token_hex(4)}"
    try:
        with gzip.open(archive_member, "rb") as packed, open(unpacked, "wb") as out:
            shutil.copyfileobj(packed, out, CHUNK)
        connection = _connect(unpacked)
        try:
            [verdict] = connection.execute("PRAGMA quick_check").fetchone()
            counts = row_counts(connection)
        finally:
            connection.close()
        if verdict != "ok":
            raise RestoreRefused(f"Bản sao cơ sở dữ liệu bị hỏng ({verdict}); chưa thay đổi gì.")
        if counts != expected_counts:
            raise RestoreRefused("Số dòng trong bản sao khác với bản kê của tệp sao lưu; chưa thay đổi gì.")
        if not replace and has_data(url):
            raise RestoreRefused(f"Cơ sở dữ liệu đích không trống ({has_data(url)}); chưa thay đổi gì.")
        # The old file's WAL would be replayed onto the new file: it goes first.
        for suffix in ("-wal", "-shm", "-journal"):
            if os.path.exists(target + suffix):
                os.remove(target + suffix)
        os.replace(unpacked, target)
    except (OSError, EOFError, gzip.BadGzipFile, sqlite3.DatabaseError) as error:
        raise RestoreRefused(f"Không khôi phục được tệp cơ sở dữ liệu ({error}); chưa thay đổi gì.") from None
    finally:
        if os.path.exists(unpacked):
            os.remove(unpacked)
