"""Test databases: one migrated template per session, a fresh copy for each test.

SQLite: the template is a migrated file; each test copies it.

PostgreSQL: each worker has its own databases on the TEST_DATABASE_URL server,
named after that database and the xdist worker (`test_gw0_template`,
`test_gw0_test`, …) and dropped at session end. The per-test database is made
from the template once (`CREATE DATABASE … TEMPLATE`); before every later test
it is put back to the template's state: the tables the test wrote to (and the
tables referring to them) are emptied with TRUNCATE, the template's rows are
copied back (COPY, kept in memory) and every sequence is set back. Measured on
the shared 2-core machine under load (medians): 10–30 ms for that, against
430–810 ms for DROP DATABASE + CREATE DATABASE … TEMPLATE (it writes the whole
8 MB database, catalogues included, to the WAL, and dropping waits for a
checkpoint) and 740 ms for wiping the schema and migrating. DELETE instead of
TRUNCATE took 5 ms but let rows come back in another physical order, which
changed the outcome of a mass delete (tests/test_records.py). A test that
changed the schema itself (dropped an index, added a column, dropped the
public schema…) is caught by a fingerprint of the schema's definitions, and
the database is then made again from the template.

Demo templates: a test marked `demo(members=N)` starts on the migrated
template with `seed-demo --members N` already applied, seeded once a session
(per worker, per backend, per N) and copied or put back as above. Seeding
takes 2–3 s (five demo accounts' scrypt hashes among it), which hundreds of
tests paid each; the browser modules' servers start from such a copy too.
"""
import io
import os
import shutil
import sqlite3

from models import db
from portal import migrate
from portal.database import open_database

# "gw0", "gw1"… under pytest-xdist: the names of this process's databases.
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "main")

# Names and definitions of everything in the public schema, but not their OIDs:
# a schema dropped and migrated again gives the same fingerprint.
SCHEMA_FINGERPRINT = """
SELECT md5(string_agg(x, E'\\n' ORDER BY x)) FROM (
  SELECT 'r ' || relname || ' ' || relkind::text FROM pg_class
   WHERE relnamespace = 'public'::regnamespace
  UNION ALL
  SELECT 'c ' || attrelid::regclass || ' ' || attname || ' ' || format_type(atttypid, atttypmod)
         || ' ' || attnotnull::text
    FROM pg_attribute
   WHERE attnum > 0 AND NOT attisdropped
     AND attrelid IN (SELECT oid FROM pg_class WHERE relnamespace = 'public'::regnamespace)
  UNION ALL
  SELECT 'd ' || adrelid::regclass || ' ' || adnum || ' ' || pg_get_expr(adbin, adrelid)
    FROM pg_attrdef WHERE adrelid IN (SELECT oid FROM pg_class WHERE relnamespace = 'public'::regnamespace)
  UNION ALL
  SELECT 'i ' || indexdef FROM pg_indexes WHERE schemaname = 'public'
  UNION ALL
  SELECT 'k ' || conrelid::regclass || ' ' || conname || ' ' || pg_get_constraintdef(oid)
    FROM pg_constraint WHERE connamespace = 'public'::regnamespace
  UNION ALL
  SELECT 't ' || pg_get_triggerdef(oid) FROM pg_trigger
   WHERE NOT tgisinternal
     AND tgrelid IN (SELECT oid FROM pg_class WHERE relnamespace = 'public'::regnamespace)
  UNION ALL
  SELECT 'p ' || oid::regprocedure::text FROM pg_proc WHERE pronamespace = 'public'::regnamespace
  UNION ALL
  SELECT 'e ' || extname || ' ' || extversion FROM pg_extension
  UNION ALL
  SELECT 'n ' || nspname FROM pg_namespace
) AS definitions(x)
"""


def migrate_into(url):
    """Apply every migration to the database at `url` and leave no connection open."""
    database = open_database(url)
    db.initialize(database)
    try:
        migrate.upgrade(database)
    finally:
        database.close_all()


def sqlite_template(path):
    """Migrate a new SQLite file at `path`, with everything in the main file."""
    migrate_into(f"sqlite:///{path}")
    return checkpoint_sqlite(path)


def checkpoint_sqlite(path):
    """Everything of the SQLite file at `path` in its main file, so that a copy of it is whole."""
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()
    for suffix in ("-wal", "-shm"):
        if os.path.exists(f"{path}{suffix}"):
            os.remove(f"{path}{suffix}")
    return path


def sqlite_copy(template, path):
    shutil.copyfile(template, path)
    return f"sqlite:///{path}"


def app_config(url, folder):
    """The configuration of an app under test on the database at `url`, its files in `folder`."""
    folder = str(folder)
    return {
        "TESTING": True,
        "DATABASE_URL": url,
        "SECRET_KEY": "test-secret",
        "WTF_CSRF_ENABLED": False,
        "UPLOAD_FOLDER": os.path.join(folder, "uploads"),
        # Jobs run when a test says so (jobs.run_pending), not in a thread.
        "JOB_QUEUE_FILE": os.path.join(folder, "jobs.sqlite3"),
        "JOBS_FOLDER": os.path.join(folder, "jobs"),
        "JOB_WORKER_THREADS": 0,
    }


def seed_demo(url, members, folder, users=()):
    """`seed-demo --members N` into the migrated database at `url`, then the
    accounts `users` ((username, password, role, organisation code or None))
    by `users create`: the CLI's own commands, in this process; no connection
    is left open."""
    from portal import create_app

    os.makedirs(folder, exist_ok=True)
    app = create_app(app_config(url, folder))
    commands = [(["seed-demo", "--members", str(members)], None)]
    commands += [(["users", "create", username, "--role", role] + (["--org", code] if code else []),
                  password + "\n") for username, password, role, code in users]
    try:
        with app.app_context():
            runner = app.test_cli_runner()
            for args, stdin in commands:
                result = runner.invoke(args=args, input=stdin)
                if result.exit_code != 0:
                    raise RuntimeError(f"{' '.join(args[:2])} failed: {result.output}")
    finally:
        db.obj.close_all()


class SqliteDemos:
    """Seeded copies of the migrated SQLite template, one file per kind of demo."""

    def __init__(self, template, folder):
        self.template, self.folder = template, folder
        self.made = {}

    def get(self, members, users=()):
        key = (members, tuple(users))
        if key not in self.made:
            path = self.folder / f"demo{len(self.made)}.db"
            shutil.copyfile(self.template, path)
            seed_demo(f"sqlite:///{path}", members, str(self.folder / f"files{len(self.made)}"), users)
            self.made[key] = checkpoint_sqlite(path)
        return self.made[key]


class PostgresServer:
    """This worker's databases on the TEST_DATABASE_URL server, made and dropped
    through a connection to the TEST_DATABASE_URL database itself."""

    def __init__(self, url):
        self.prefix, self.base = url.rsplit("/", 1)
        self.made = set()
        self._admin = None

    def name(self, purpose):
        return f"{self.base}_{WORKER}_{purpose}"

    def url(self, purpose):
        return f"{self.prefix}/{self.name(purpose)}"

    def execute(self, sql):
        if self._admin is None:
            self._admin = connect_autocommit(f"{self.prefix}/{self.base}")
        with self._admin.cursor() as cursor:
            cursor.execute(sql)

    def create(self, purpose, template=None):
        """A new database (empty, or a copy of `template`'s); an old one of that name is dropped."""
        self.drop(purpose)
        copy = f' TEMPLATE "{self.name(template)}"' if template else ""
        self.execute(f'CREATE DATABASE "{self.name(purpose)}"{copy}')
        self.made.add(purpose)
        # Nothing here needs to survive a crash of the server: commits need not
        # wait for the disk, which other workers and engineers share.
        self.execute(f'ALTER DATABASE "{self.name(purpose)}" SET synchronous_commit = off')
        return self.url(purpose)

    def drop(self, purpose):
        # FORCE: a connection left by a crashed earlier run must not block this one.
        self.execute(f'DROP DATABASE IF EXISTS "{self.name(purpose)}" WITH (FORCE)')
        self.made.discard(purpose)

    def close(self):
        for purpose in list(self.made):
            self.drop(purpose)
        if self._admin is not None:
            self._admin.close()
            self._admin = None


class PostgresDemos:
    """Seeded copies of the migrated PostgreSQL template, one database per kind of
    demo, and for each the database its tests get (a PostgresCopy of it)."""

    def __init__(self, server, template, folder):
        self.server, self.template, self.folder = server, template, folder
        self.made = {}
        self.copies = {}

    def template_for(self, members, users=()):
        """The name (purpose) of the database seeded with this demo."""
        key = (members, tuple(users))
        if key not in self.made:
            purpose = f"demo{len(self.made)}"
            url = self.server.create(purpose, template=self.template)
            seed_demo(url, members, str(self.folder / purpose), users)
            self.made[key] = purpose
        return self.made[key]

    def fresh(self, members):
        """This test's database, equal to the demo of `members` members."""
        template = self.template_for(members)
        if template not in self.copies:
            self.copies[template] = PostgresCopy(self.server, template, f"{template}_test")
        return self.copies[template].fresh()

    def close(self):
        for copy in self.copies.values():
            copy.close()
        for purpose in self.made.values():
            self.server.drop(purpose)


class PostgresCopy:
    """The database each test gets, equal to the template at the start of every test."""

    def __init__(self, server, template, purpose="test"):
        self.server = server
        self.template = template
        self.purpose = purpose
        self.connection = None

    def fresh(self):
        if self.connection is None or not self._reset():
            self._make()
        return self.server.url(self.purpose)

    def close(self):
        if self.connection is not None:
            self.connection.close()
            self.connection = None
        self.server.drop(self.purpose)

    def _make(self):
        self.close()
        url = self.server.create(self.purpose, template=self.template)
        self.connection = connect_autocommit(url)
        with self.connection.cursor() as cursor:
            cursor.execute(SCHEMA_FINGERPRINT)
            [self.fingerprint] = cursor.fetchone()
            self.tables, self.references = tables_parents_first(cursor)
            self.rows = {}
            for table in self.tables:
                buffer = io.BytesIO()
                cursor.copy_expert(f'COPY "{table}" TO STDOUT', buffer)
                if buffer.getvalue():
                    self.rows[table] = buffer.getvalue()
            self.checksums = self._checksums(cursor)
            cursor.execute("SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = 'public'")
            self.sequences = cursor.fetchall()

    def _checksums(self, cursor):
        """Each template table's rows in their physical order: a row the test changed,
        even back to its old value, sits elsewhere."""
        cursor.execute(" UNION ALL ".join(
            f"SELECT '{table}', md5(string_agg(row::text, E'\\n' ORDER BY ctid)) FROM \"{table}\" AS row"
            for table in self.rows))
        return dict(cursor.fetchall())

    def _reset(self):
        """Put the template's rows back; False when that cannot be done (the schema
        itself has changed, or a connection the test left open holds a lock)."""
        import psycopg2

        try:
            return self._put_back_rows()
        except psycopg2.Error:
            return False

    def _put_back_rows(self):
        with self.connection.cursor() as cursor:
            cursor.execute(SCHEMA_FINGERPRINT)
            if cursor.fetchone()[0] != self.fingerprint:
                return False
            checksums = self._checksums(cursor)
            cursor.execute(" UNION ALL ".join(
                f"SELECT '{table}' FROM (SELECT 1 FROM \"{table}\" LIMIT 1) AS probe"
                for table in self.tables))
            written = {table for table, in cursor.fetchall()} - set(self.rows)
            written |= {table for table in self.rows if checksums[table] != self.checksums[table]}
            emptied = self._referencing(written)
            cursor.execute("BEGIN")
            cursor.execute("SET LOCAL lock_timeout = '2s'")  # a connection left open by the test
            if emptied:
                # TRUNCATE rather than DELETE: new, empty files, so that rows are stored (and
                # read back without ORDER BY) in the order they are written, as in a new database.
                cursor.execute("TRUNCATE " + ", ".join(f'"{table}"' for table in sorted(emptied)))
            for table in self.tables:
                if table in emptied and table in self.rows:
                    cursor.copy_expert(f'COPY "{table}" FROM STDIN', io.BytesIO(self.rows[table]))
            cursor.execute("SELECT " + ", ".join(
                f"setval('public.\"{name}\"', {value or 1}, {value is not None})"
                for name, value in self.sequences))
            cursor.execute("COMMIT")
        return True

    def _referencing(self, tables):
        """`tables` and every table whose foreign keys lead to one of them (TRUNCATE
        empties them together)."""
        closure = set(tables)
        while True:
            more = {child for child, parent in self.references if parent in closure} - closure
            if not more:
                return closure
            closure |= more


def tables_parents_first(cursor):
    """The public tables, each after every table its foreign keys point to (so that
    rows go in in this order), and those foreign keys as (table, referenced table)."""
    cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
    left = {table for table, in cursor.fetchall()}
    cursor.execute("""
        SELECT (SELECT relname FROM pg_class WHERE oid = conrelid),
               (SELECT relname FROM pg_class WHERE oid = confrelid) FROM pg_constraint
         WHERE contype = 'f' AND connamespace = 'public'::regnamespace
           AND conrelid <> confrelid""")
    parents = cursor.fetchall()
    ordered = []
    while left:
        ready = sorted(table for table in left
                       if not any(child == table and parent in left for child, parent in parents))
        if not ready:
            raise RuntimeError(f"foreign keys form a cycle between {sorted(left)}")
        ordered += ready
        left -= set(ready)
    return ordered, parents


def connect_autocommit(url):
    import psycopg2

    connection = psycopg2.connect(url)
    connection.autocommit = True  # CREATE/DROP DATABASE refuse a transaction block
    return connection
