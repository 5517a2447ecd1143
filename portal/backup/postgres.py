"""PostgreSQL: `pg_dump -Fc` of one exported snapshot; a restore as one transaction.

The row counts of the manifest are taken in the transaction whose snapshot
pg_dump is given (`--snapshot`), so they are exactly the dump's, whatever the
portal writes meanwhile. A restore pipes `pg_restore`'s script into `psql
--single-transaction`, followed by a check of every table's row count: any
error or mismatch rolls the whole restore back.
"""
import glob
import os
import re
import shutil
import subprocess
import threading
from urllib.parse import unquote, urlsplit, urlunsplit

from portal.backup.errors import BackupError, RestoreRefused

PART = "database.pgdump"
CHUNK = 1024 * 1024
TAIL = 2000  # characters of a client's error output worth showing

TABLES = "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"


def connection_info(url):
    """(libpq URI without its password, environment carrying the password)."""
    parts = urlsplit(url)
    scheme = "postgresql"
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    netloc = host + (f":{parts.port}" if parts.port else "")
    if parts.username:
        netloc = f"{parts.username}@{netloc}"
    env = dict(os.environ)
    if parts.password:
        env["PGPASSWORD"] = unquote(parts.password)
    return urlunsplit((scheme, netloc, parts.path, parts.query, "")), env


def _connect(url):
    import psycopg2

    uri, env = connection_info(url)
    try:
        return psycopg2.connect(uri, password=env.get("PGPASSWORD")) if "PGPASSWORD" in env \
            else psycopg2.connect(uri)
    except psycopg2.Error as error:
        raise BackupError(f"Không kết nối được PostgreSQL ({str(error).strip()}).") from None


def _server_major(connection):
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version_num")
        return int(cursor.fetchone()[0]) // 10000


def _client_major(path):
    try:
        output = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=30).stdout
    except OSError:
        return None
    found = re.search(r"(\d+)(?:\.\d+)?", output)
    return int(found.group(1)) if found else None


def client(name, server_major, bin_dir=""):
    """The path of `name` (pg_dump, pg_restore, psql) no older than the server.

    A pg_dump older than the server refuses it; Debian installs each major
    version under /usr/lib/postgresql/N/bin, and /usr/bin holds a wrapper."""
    candidates = []
    if bin_dir:
        candidates.append(os.path.join(bin_dir, name))
    candidates.append(f"/usr/lib/postgresql/{server_major}/bin/{name}")
    candidates += sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)
    if shutil.which(name):
        candidates.append(shutil.which(name))
    seen = []
    for path in candidates:
        if not os.access(path, os.X_OK):
            continue
        major = _client_major(path)
        if major is not None and major >= server_major:
            return path
        seen.append(f"{path} ({major})")
    found = f" Đã thấy: {', '.join(seen)}." if seen else ""
    raise BackupError(
        f"Không tìm thấy {name} phiên bản {server_major} trở lên cho máy chủ PostgreSQL {server_major}."
        f"{found} Cài gói postgresql-client-{server_major} hoặc đặt PG_BIN_DIR. "
        f"({name} {server_major} or newer not found: install postgresql-client-{server_major} "
        "or set PG_BIN_DIR.)")


def _run(command, env, what):
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise BackupError(f"{what} không thành công: {done.stderr.strip()[-TAIL:]}")


def dump(url, staging, bin_dir=""):
    """pg_dump into `staging`; (part name, part path, row counts, migrations, details)."""
    import psycopg2

    try:
        return _dump(url, staging, bin_dir)
    except psycopg2.Error as error:
        raise BackupError(f"PostgreSQL báo lỗi khi sao lưu ({str(error).strip()}).") from None


def _dump(url, staging, bin_dir):
    connection = _connect(url)
    try:
        major = _server_major(connection)
        pg_dump = client("pg_dump", major, bin_dir)
        connection.rollback()
        connection.set_session(isolation_level="REPEATABLE READ", readonly=True)
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_export_snapshot()")
            [snapshot] = cursor.fetchone()
            counts = row_counts(cursor)
            applied = migrations(cursor, counts)
        path = os.path.join(staging, PART)
        uri, env = connection_info(url)
        # The snapshot lives as long as this transaction: pg_dump runs inside it.
        _run([pg_dump, "--format=custom", f"--snapshot={snapshot}", f"--file={path}", f"--dbname={uri}"],
             env, "pg_dump")
    finally:
        connection.close()
    return PART, path, counts, applied, {"server_major": major}


def row_counts(cursor):
    cursor.execute(TABLES)
    names = [name for (name,) in cursor.fetchall()]
    counts = {}
    for name in names:
        cursor.execute(f'SELECT COUNT(*) FROM public."{name}"')
        counts[name] = cursor.fetchone()[0]
    return counts


def migrations(cursor, counts):
    if "schema_migration" not in counts:
        return []
    cursor.execute("SELECT name FROM public.schema_migration ORDER BY name")
    return [name for (name,) in cursor.fetchall()]


def has_data(url):
    """What the target already holds, in words, or "" when it is empty."""
    connection = _connect(url)
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*), count(*) FILTER (WHERE relkind IN ('r', 'p')) FROM pg_class"
                           " WHERE relnamespace = 'public'::regnamespace")
            objects, tables = cursor.fetchone()
    finally:
        connection.close()
    if not objects:
        return ""
    return f"lược đồ public đã có {tables} bảng" if tables else f"lược đồ public đã có {objects} đối tượng"


def _count_check(expected):
    """A DO block that raises (and so rolls the restore back) unless every table has its rows."""
    lines = ["DO $check$ DECLARE n bigint; BEGIN"]
    for table, count in sorted(expected.items()):
        quoted = table.replace('"', '""')
        lines.append(f'  SELECT count(*) INTO n FROM public."{quoted}";')
        lines.append(f"  IF n <> {int(count)} THEN RAISE EXCEPTION 'row count of %: % instead of {int(count)}',"
                     f" {_literal(table)}, n; END IF;")
    lines.append("END $check$;")
    return "\n".join(lines) + "\n"


def _literal(text):
    return "'" + text.replace("'", "''") + "'"


def restore(url, dump_path, expected_counts, replace, bin_dir=""):
    """Restore the dump as one transaction; with `replace`, the public schema is emptied in it first."""
    try:
        connection = _connect(url)
        try:
            major = _server_major(connection)
        finally:
            connection.close()
        pg_restore = client("pg_restore", major, bin_dir)
        psql = client("psql", major, bin_dir)
    except BackupError as error:
        raise RestoreRefused(str(error)) from None
    if not replace and has_data(url):
        raise RestoreRefused(f"Cơ sở dữ liệu đích không trống ({has_data(url)}); chưa thay đổi gì.")
    uri, env = connection_info(url)
    # Owners and grants of the old server need not exist here: the restoring role owns everything.
    errors = {}
    with subprocess.Popen([pg_restore, "--no-owner", "--no-privileges", "--file=-", dump_path],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env) as script, \
            subprocess.Popen([psql, "-X", "-q", "-v", "ON_ERROR_STOP=1", "--single-transaction",
                              f"--dbname={uri}", "--file=-"],
                             stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                             env=env) as runner:
        readers = [threading.Thread(target=lambda: errors.__setitem__("pg_restore", script.stderr.read())),
                   threading.Thread(target=lambda: errors.__setitem__("psql", runner.stderr.read()))]
        for reader in readers:
            reader.start()
        try:
            if replace:
                runner.stdin.write(b"DROP SCHEMA public CASCADE;\nCREATE SCHEMA public;\n")
            while chunk := script.stdout.read(CHUNK):
                runner.stdin.write(chunk)
            if script.wait() != 0:
                # A script cut short must never commit: psql dies inside its transaction,
                # which the server then rolls back.
                runner.kill()
            else:
                runner.stdin.write(_count_check(expected_counts).encode())
            runner.stdin.close()
        except BrokenPipeError:
            script.kill()  # psql stopped at an error; its message says which
        script.wait()
        runner.wait()
        for reader in readers:
            reader.join()
    if script.returncode != 0 or runner.returncode != 0:
        said = (errors.get("psql") or errors.get("pg_restore") or b"").decode(errors="replace").strip()
        raise RestoreRefused(f"Khôi phục PostgreSQL không thành công, đã hoàn tác toàn bộ; chưa thay đổi gì. "
                             f"({said[-TAIL:]})")
