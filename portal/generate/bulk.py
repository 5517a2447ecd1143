"""Writing many rows fast, on SQLite and on PostgreSQL.

peewee builds a query per row or per small batch; a million members need the
driver's own bulk path instead: one parameterised INSERT run by `executemany`
on SQLite, COPY on PostgreSQL. Rows are plain tuples of database values (ids
for foreign keys), computed by the caller, `search_text` included.

During a load a table's secondary indexes, and on SQLite the triggers that
keep its FTS5 search index in step, are dropped; afterwards they are created
again from the definitions the database itself stored (sqlite_master,
pg_get_indexdef), so they come back exactly as the migrations made them, and
the FTS5 index is rebuilt from `search_text` in one pass. All of it runs in
the caller's transaction: SQLite and PostgreSQL both roll DDL back, so a
failure leaves neither rows nor missing triggers behind.
"""
import contextlib
import datetime
import io

from peewee import PostgresqlDatabase

from portal.database import SQLITE_PRAGMAS

COPY_ROWS = 20000
# PostgreSQL: tables kept by a table's triggers (migrations 0023, 0024) whose
# indexes, all but the primary key an upsert needs, wait for the load too.
KEPT_FROM = {"member": ("member_word", "citizen_record")}


class BulkWriter:
    def __init__(self, database):
        self.database = database
        self.postgres = isinstance(database, PostgresqlDatabase)

    # --- the session -----------------------------------------------------

    @contextlib.contextmanager
    def session(self):
        """Settings for a long load, on this connection only, restored afterwards.

        SQLite: no fsync while loading (the WAL still protects against a crash
        of the process) and a large page cache for the index builds.
        """
        if self.postgres:
            yield
            return
        self.database.execute_sql("PRAGMA synchronous = OFF")
        self.database.execute_sql("PRAGMA cache_size = -524288")  # 512 MB
        self.database.execute_sql("PRAGMA temp_store = MEMORY")
        try:
            yield
        finally:
            self.database.execute_sql(f"PRAGMA synchronous = {SQLITE_PRAGMAS['synchronous']}")
            self.database.execute_sql(f"PRAGMA cache_size = {SQLITE_PRAGMAS['cache_size']}")
            self.database.execute_sql("PRAGMA temp_store = DEFAULT")

    def tune_transaction(self):
        """PostgreSQL: memory for index builds, no wait for the WAL flush at
        commit; both end with the transaction."""
        if self.postgres:
            self.database.execute_sql("SET LOCAL maintenance_work_mem = '256MB'")
            self.database.execute_sql("SET LOCAL synchronous_commit = off")

    # --- rows ------------------------------------------------------------

    def insert(self, model, fields, rows):
        """Write `rows` (tuples of values for `fields`, model field names) into
        `model`'s table; return how many were written."""
        table = model._meta.table_name
        columns = [model._meta.fields[name].column_name for name in fields]
        counted = _Counter(rows)
        if self.postgres:
            self._copy(table, columns, counted)
        else:
            names = ", ".join(f'"{c}"' for c in columns)
            marks = ", ".join("?" for _ in columns)
            cursor = self.database.cursor()
            cursor.executemany(f'INSERT INTO "{table}" ({names}) VALUES ({marks})', counted)
        if "id" in fields:
            self.reset_sequence(model)
        return counted.count

    def _copy(self, table, columns, rows):
        names = ", ".join(f'"{c}"' for c in columns)
        sql = f'COPY "{table}" ({names}) FROM STDIN'
        cursor = self.database.cursor()
        buffer, pending = io.StringIO(), 0
        for row in rows:
            buffer.write("\t".join([_copy_text(value) for value in row]))
            buffer.write("\n")
            pending += 1
            if pending == COPY_ROWS:
                buffer.seek(0)
                cursor.copy_expert(sql, buffer)
                buffer, pending = io.StringIO(), 0
        if pending:
            buffer.seek(0)
            cursor.copy_expert(sql, buffer)

    def next_id(self, model):
        """The first free id of `model`'s table, for rows written with their ids."""
        return (model.select(model.id).order_by(model.id.desc()).scalar() or 0) + 1

    def reset_sequence(self, model):
        """PostgreSQL: after rows written with explicit ids, the next id the
        table hands out follows them (SQLite does that by itself)."""
        if not self.postgres:
            return
        table = model._meta.table_name
        self.database.execute_sql(
            f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
            f"COALESCE((SELECT MAX(id) FROM \"{table}\"), 0) + 1, false)")

    # --- indexes -----------------------------------------------------------

    @contextlib.contextmanager
    def indexes_suspended(self, model):
        """Load `model`'s table without maintaining its indexes row by row."""
        table = model._meta.table_name
        if self.postgres:
            # The tables the loaded one's triggers write (member_word, 0023) get
            # their rows from the same statements: their indexes wait too.
            tables = [table] + [kept for kept in KEPT_FROM.get(table, ()) if self._has_table(kept)]
            saved = self.database.execute_sql(
                "SELECT c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i "
                "JOIN pg_class c ON c.oid = i.indexrelid "
                "WHERE i.indrelid = ANY(%s::regclass[]) AND NOT EXISTS "
                "(SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid) "
                "ORDER BY c.relname", ([f'"{name}"' for name in tables],)).fetchall()
            for name, _ in saved:
                self.database.execute_sql(f'DROP INDEX "{name}"')
            yield
            for _, definition in saved:
                self.database.execute_sql(definition)
            for name in tables:
                self.database.execute_sql(f'ANALYZE "{name}"')
            return
        index = f"{table}_search"
        # Only the search triggers: their work is redone below by 'rebuild'.
        # Any other trigger keeps firing for every row.
        saved = [
            (kind, name, sql) for kind, name, sql in self.database.execute_sql(
                "SELECT type, name, sql FROM sqlite_master WHERE tbl_name = ? AND sql IS NOT NULL "
                "AND type IN ('index', 'trigger') ORDER BY type, name", (table,))
            if kind == "index" or name.startswith(f"{index}_")
        ]
        for kind, name, _ in saved:
            self.database.execute_sql(f'DROP {kind.upper()} "{name}"')
        yield
        for kind, _, sql in saved:
            if kind == "index":
                self.database.execute_sql(sql)
        if self._has_table(index):
            self.database.execute_sql(f"INSERT INTO {index}({index}) VALUES ('rebuild')")
        for kind, _, sql in saved:
            if kind == "trigger":
                self.database.execute_sql(sql)

    def _has_table(self, name):
        return self.database.table_exists(name)


class _Counter:
    """Passes rows through, counting them."""

    def __init__(self, rows):
        self.rows = iter(rows)
        self.count = 0

    def __iter__(self):
        return self

    def __next__(self):
        row = next(self.rows)
        self.count += 1
        return row


_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_text(value):
    """A value in COPY's text format."""
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, str):
        return value.translate(_ESCAPES)
    if isinstance(value, bytes):
        return "\\\\x" + value.hex()  # bytea's hex input, its backslash escaped for COPY
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    return str(value)
