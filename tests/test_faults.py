"""Faults survived: a busy or vanished database, a job worker killed mid-work,
a jobs folder that cannot be written.

The slow ones start real processes (a job worker, gunicorn, a private
PostgreSQL server); the whole module stays well under 90 s.
"""
import contextlib
import errno
import glob
import http.cookiejar
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

import psycopg2
import pytest

from models import AuditLog, Job, Member, Notification, Organisation, User, db
from portal import jobs
from portal.database import open_database
from tests import databases
from tests.api_helpers import api_as
from tests.conftest import PASSWORD, password_hash
from tests.forms import rendered_form
from tests.live import GunicornServer, free_port
from tests.test_import_jobs import imports, queued, send
from tests.test_jobs import names_in, start_export
from tests.test_list_exports import add, members  # noqa: F401  (fixture)
from tests.test_member_import import places, token_of, xlsx_file  # noqa: F401  (fixture)

BUSY_TEXT = "Cơ sở dữ liệu đang bận, vui lòng thử lại"


# --- SQLite: another writer holds the lock longer than the busy timeout ------------------

@pytest.fixture
def sqlite_only(database_url):
    """Asked for before `app`: a test of SQLite alone, or of what no database
    backend changes (the jobs folder), is skipped before an app is built for
    PostgreSQL."""
    if not database_url.startswith("sqlite"):
        pytest.skip("SQLite's own fault, or one no database backend changes")


@pytest.fixture
def short_busy_timeout(sqlite_only, app):
    # The same file, waiting 0,3 s instead of 10 s for the lock.
    db.obj.close_all()
    app.config["SQLITE_BUSY_TIMEOUT_MS"] = 300
    db.initialize(open_database(app.config["DATABASE_URL"], 300))


@contextlib.contextmanager
def write_lock_held(app):
    """Another process's writer: BEGIN IMMEDIATE on the same file, held until the block ends."""
    path = app.config["DATABASE_URL"].split("///", 1)[1]
    other = sqlite3.connect(path, isolation_level=None, timeout=0)
    try:
        other.execute("BEGIN IMMEDIATE")
        other.execute("UPDATE organisation SET name = name WHERE id = -1")
        yield
    finally:
        other.execute("ROLLBACK")
        other.close()


def test_a_save_while_another_writer_holds_the_lock_keeps_the_form_and_says_retry(
        sqlite_only, app, login, short_busy_timeout):
    client = login("quantri")
    unit = Organisation.get(Organisation.code == "PHUNU")
    page = client.get(f"/admin/organisation/edit/?id={unit.id}").get_data(as_text=True)
    fields = rendered_form(page)
    fields["name"] = "Hội Phụ nữ tỉnh (tên mới chưa lưu)"
    with write_lock_held(app):
        response = client.post(f"/admin/organisation/edit/?id={unit.id}", data=fields)
    body = response.get_data(as_text=True)
    assert response.status_code == 503
    assert response.headers["Retry-After"].isdigit()
    assert BUSY_TEXT in body
    # The form comes back with what the user typed, ready to send again.
    assert rendered_form(body)["name"] == "Hội Phụ nữ tỉnh (tên mới chưa lưu)"
    assert Organisation.get_by_id(unit.id).name == unit.name
    # Once the lock is gone the same form saves.
    again = client.post(f"/admin/organisation/edit/?id={unit.id}", data=rendered_form(body))
    assert again.status_code == 302
    assert Organisation.get_by_id(unit.id).name == "Hội Phụ nữ tỉnh (tên mới chưa lưu)"


def test_any_other_write_while_locked_is_a_vietnamese_503_page_not_a_500(
        sqlite_only, app, client, make_user, short_busy_timeout):
    make_user("quantri")
    with write_lock_held(app):
        # A login records its attempt: a write outside any record form.
        response = client.post("/login", data={"username": "quantri", "password": "sai-mat-khau"})
    body = response.get_data(as_text=True)
    assert response.status_code == 503 and response.headers["Retry-After"].isdigit()
    assert "<title>Cơ sở dữ liệu đang bận</title>" in body and BUSY_TEXT in body
    assert "Traceback" not in body
    # The security headers go on the error page too.
    assert "Content-Security-Policy" in response.headers
    assert client.get("/login").status_code == 200


def test_an_api_write_while_locked_is_a_problem_503(sqlite_only, app, client, make_user,
                                                    short_busy_timeout):
    api = api_as(app, client, make_user, "api_admin")
    unit = Organisation.get(Organisation.code == "PHUNU")
    current = api.get(f"/organisations/{unit.id}")
    assert current.status_code == 200, current.json
    with write_lock_held(app):
        response = api.send("PATCH", f"/organisations/{unit.id}", {"name": "Tên mới"},
                            if_match=current.headers["ETag"])
    assert response.status_code == 503, response.json
    assert response.mimetype == "application/problem+json"
    assert response.json["code"] == "database_busy" and BUSY_TEXT in response.json["message"]
    assert response.headers["Retry-After"].isdigit()
    assert Organisation.get_by_id(unit.id).name == unit.name


# --- kill -9 of a job worker mid-import and mid-export ----------------------------------

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@pytest.fixture
def quick_to_notice(app):
    # Silence this long after the last heartbeat (every second) means a dead worker.
    app.config["JOB_STALE_SECONDS"] = 2


@contextlib.contextmanager
def worker_killed_mid_job(app, job, hang_stage):
    """A real `flask --app wsgi jobs worker` process takes `job`, is caught in the
    middle of `hang_stage` (tests/fault_worker.py) and killed with SIGKILL there."""
    env = dict(os.environ, DATABASE_URL=app.config["DATABASE_URL"], SECRET_KEY="test-secret",
               PORTAL_ENV="development", UPLOAD_FOLDER=app.config["UPLOAD_FOLDER"],
               JOB_QUEUE_FILE=app.config["JOB_QUEUE_FILE"], JOBS_FOLDER=app.config["JOBS_FOLDER"],
               JOB_WORKER_THREADS="0", FAULT_HANG_STAGE=hang_stage)
    log_path = os.path.join(os.path.dirname(app.config["JOB_QUEUE_FILE"]), "worker.log")
    with open(log_path, "wb") as log:
        worker = subprocess.Popen([sys.executable, "tests/fault_worker.py"], cwd=ROOT, env=env,
                                  stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 40
        while True:
            seen = jobs.queue(app).get(jobs.progress_key(job.id), peek=True)
            if seen and seen[2] == hang_stage and 0 < seen[0] < seen[1]:
                break
            assert worker.poll() is None, open(log_path, encoding="utf-8").read()[-3000:]
            assert time.monotonic() < deadline, open(log_path, encoding="utf-8").read()[-3000:]
            time.sleep(0.1)
        assert Job.get_by_id(job.id).status == "running"
        worker.send_signal(signal.SIGKILL)
        worker.wait(10)
        yield seen
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait(10)


def halted_by_housekeeping(app, job):
    deadline = time.monotonic() + 15
    while Job.get_by_id(job.id).status == "running":
        assert time.monotonic() < deadline, "the dead worker's job was never halted"
        time.sleep(0.5)
        jobs.housekeeping(app)
    return Job.get_by_id(job.id)


def test_a_worker_killed_mid_import_writes_nothing_and_the_job_runs_again(
        places, login, app, quick_to_notice):
    app.config["IMPORT_MAX_SYNC_ROWS"] = 20
    client = login("admin")
    rows = [[n, f"Hội Viên Thử {n}", "Nữ", "", "Kinh", "", "", "", "", "CHPN1", "", "", ""]
            for n in range(1, 301)]
    check = queued(send(client, "members", xlsx_file(rows), "hoi_vien.xlsx"))
    assert jobs.run_pending(app) == 1
    page = client.get(f"/admin/import-members/?job={check.id}").get_data(as_text=True)
    write = queued(client.post("/admin/import-members/confirm", data={"token": token_of(page)}))

    with worker_killed_mid_job(app, write, "Ghi dữ liệu") as seen:
        assert seen[0] == 250  # 200 rows inserted in its transaction when it died
    assert Member.select().count() == 0 and imports() == 0

    job = halted_by_housekeeping(app, write)
    assert job.status == "halted" and "gián đoạn" in job.message
    page = client.get(f"/admin/jobs/{job.id}/").get_data(as_text=True)
    assert "Bị gián đoạn" in page and "Chạy lại" in page
    assert "Chạy lại" in client.get("/admin/jobs/").get_data(as_text=True)
    assert Notification.select().where(Notification.user == job.user_id).exists()

    # Someone else cannot restart it; its owner can, with the same file.
    other = login("admin2")
    assert other.post(f"/admin/jobs/{job.id}/rerun").status_code == 404
    assert Job.get_by_id(job.id).status == "halted"
    client = login("admin")
    response = client.post(f"/admin/jobs/{job.id}/rerun")
    assert response.status_code == 302 and Job.get_by_id(job.id).status == "queued"
    jobs.run_pending(app)
    job = Job.get_by_id(job.id)
    assert job.status == "done" and "300" in job.message
    assert Member.select().count() == 300 and imports() == 1
    # A second click finds nothing to restart and writes nothing twice.
    page = client.post(f"/admin/jobs/{job.id}/rerun", follow_redirects=True).get_data(as_text=True)
    assert "không chạy lại được" in page
    jobs.run_pending(app)
    assert Job.get_by_id(job.id).status == "done" and Member.select().count() == 300


def test_a_worker_killed_mid_export_leaves_no_file_and_the_job_runs_again(
        app, login, members, quick_to_notice):
    for n in range(25):
        add(f"Nguyễn Thị Thử {n:02d}")
    app.config["EXPORT_MAX_SYNC_ROWS"] = 3
    client = login("quantri")
    job, location = start_export(client)
    with worker_killed_mid_job(app, job, "") as seen:
        assert seen[:2] == (10, 29)  # "nguyen": 4 + 25
    folder = jobs.folder(app)
    assert [name.endswith(".part") for name in os.listdir(folder)] == [True]

    job = halted_by_housekeeping(app, job)
    assert job.status == "halted" and not job.stored_name
    assert os.listdir(folder) == []  # the partial workbook is gone, nothing to download
    assert client.get(f"{location}download").status_code == 404
    assert client.get(f"{location}status").json["status"] == "halted"
    assert not AuditLog.select().where(AuditLog.action == "export").exists()

    assert client.post(f"{location}rerun").status_code == 302
    jobs.run_pending(app)
    state = client.get(f"{location}status").json
    assert state["status"] == "done"
    assert len(names_in(client.get(state["download"]))) == 29


# --- the jobs folder full or read-only --------------------------------------------------

FOLDER_TEXT = "Không ghi được tệp vào thư mục tác vụ nền"


def mount_tmpfs(path, options):
    return subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(path)],
                          capture_output=True).returncode == 0


def fill(path):
    """Write zeros into `path` until the file system says it is full."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT)
    try:
        while True:
            os.write(fd, b"\0" * 4096)
    except OSError as error:
        assert error.errno == errno.ENOSPC
    finally:
        os.close(fd)


@pytest.fixture(params=["read-only", "full"])
def unwritable_jobs_folder(request, app, tmp_path):
    """JOBS_FOLDER on a read-only or a full file system. As root (who writes
    through chmod) a small tmpfs of its own; as another user chmod 0555."""
    path = tmp_path / f"jobs-{request.param}"
    path.mkdir()
    if os.geteuid() != 0:
        if request.param == "full":
            pytest.skip("a full disk is made with a tmpfs, which needs root")
        path.chmod(0o555)
        app.config["JOBS_FOLDER"] = str(path)
        yield path
        path.chmod(0o755)
        return
    options = "ro,size=1m" if request.param == "read-only" else "size=256k"
    if not mount_tmpfs(path, options):
        pytest.skip("running as root without the right to mount a tmpfs")
    try:
        if request.param == "full":
            fill(path / "filler")
        app.config["JOBS_FOLDER"] = str(path)
        yield path
    finally:
        subprocess.run(["umount", str(path)], check=True)


def test_a_large_export_into_an_unwritable_jobs_folder_is_refused_in_words(
        sqlite_only, app, login, members, unwritable_jobs_folder):
    app.config["EXPORT_MAX_SYNC_ROWS"] = 3
    client = login("quantri")
    response = client.post("/admin/member/export/xlsx/?search=nguyen")
    assert response.status_code == 302 and "/admin/member/" in response.headers["Location"]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert FOLDER_TEXT in page and "liên hệ quản trị" in page
    # No job waits for ever; nothing was exported or audited.
    assert Job.select().count() == 0
    assert not AuditLog.select().where(AuditLog.action == "export").exists()


def test_a_large_import_into_an_unwritable_jobs_folder_is_refused_in_words(
        sqlite_only, places, app, login, unwritable_jobs_folder):
    app.config["IMPORT_MAX_SYNC_ROWS"] = 1
    client = login("admin")
    rows = [[n, f"Hội Viên Thử {n}", "Nữ", "", "Kinh", "", "", "", "", "CHPN1", "", "", ""]
            for n in range(1, 4)]
    response = send(client, "members", xlsx_file(rows), "hoi_vien.xlsx")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and FOLDER_TEXT in page and "liên hệ quản trị" in page
    assert Job.select().count() == 0 and Member.select().count() == 0 and imports() == 0
    # The upload waiting for that job is not kept either.
    assert os.listdir(os.path.join(app.config["UPLOAD_FOLDER"], "member-imports")) == []


def test_a_disk_that_fills_up_is_said_before_and_during_a_job(sqlite_only, app, login, members,
                                                               monkeypatch):
    app.config["EXPORT_MAX_SYNC_ROWS"] = 3
    client = login("quantri")
    job, location = start_export(client)  # queued while there was room
    monkeypatch.setattr(storage_module(), "_open_for_writing", enospc)
    jobs.run_pending(app)
    state = client.get(f"{location}status").json
    assert state["status"] == "failed" and FOLDER_TEXT in state["message"]
    assert os.listdir(jobs.folder(app)) == []
    assert not AuditLog.select().where(AuditLog.action == "export").exists()
    # A new export is refused before any job row is made.
    page = client.post("/admin/member/export/xlsx/?search=nguyen",
                       follow_redirects=True).get_data(as_text=True)
    assert FOLDER_TEXT in page and Job.select().count() == 1
    # So is running the job again.
    Job.update(status="halted").where(Job.id == job.id).execute()
    page = client.post(f"{location}rerun", follow_redirects=True).get_data(as_text=True)
    assert FOLDER_TEXT in page and Job.get_by_id(job.id).status == "halted"


def storage_module():
    from portal.jobs import storage
    return storage


def enospc(path):
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), path)


# --- PostgreSQL restarted under load ----------------------------------------------------

PG_BINARIES = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
DOWN_TEXT = "Cơ sở dữ liệu tạm thời không truy cập được"


class PrivatePostgres:
    """A PostgreSQL server of this test's own (the machine's shared one is never
    restarted): initdb into a temporary folder, a free port on loopback, its unix
    socket in that folder."""

    def __init__(self):
        self.bin = os.path.dirname(PG_BINARIES[-1])
        self.root = tempfile.mkdtemp(prefix="portal-faults-pg-")
        self.data, self.log = os.path.join(self.root, "data"), os.path.join(self.root, "server.log")
        self.port = free_port()
        self.url = f"postgresql://postgres@127.0.0.1:{self.port}/portal"
        # initdb refuses to run as root: the server runs as the postgres account then.
        self.as_owner = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self.as_owner:
            shutil.chown(self.root, "postgres")
        self._run("initdb", "-D", self.data, "-A", "trust", "-U", "postgres", "-E", "UTF8",
                  "--no-sync", "--locale=C.UTF-8")
        self.start()
        with contextlib.closing(psycopg2.connect(self.url.replace("/portal", "/postgres"))) as conn:
            conn.autocommit = True
            conn.cursor().execute("CREATE DATABASE portal")

    def _run(self, program, *args):
        subprocess.run([*self.as_owner, os.path.join(self.bin, program), *args], check=True,
                       capture_output=True, cwd=self.root)

    def start(self):
        options = (f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off "
                   "-c max_connections=60")
        self._run("pg_ctl", "-D", self.data, "-l", self.log, "-o", options, "-w", "start")

    def stop(self):
        self._run("pg_ctl", "-D", self.data, "-m", "fast", "-w", "stop")

    def close(self):
        with contextlib.suppress(subprocess.CalledProcessError):
            self._run("pg_ctl", "-D", self.data, "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.root, ignore_errors=True)


@pytest.fixture
def private_postgres():
    if not PG_BINARIES:
        pytest.skip("no PostgreSQL server binaries in /usr/lib/postgresql/*/bin")
    server = PrivatePostgres()
    yield server
    server.close()


def gunicorn_on(url, folder):
    """gunicorn.conf.py serving the portal on the migrated database at `url`, with
    one administrator; (server, its log lines). Migrated and seeded in this
    process: two `flask` commands would take longer than the test itself."""
    databases.migrate_into(url)
    database = open_database(url)
    db.initialize(database)
    try:
        user = User(username="quantri", role="admin", full_name="Quản Trị")
        user.password_hash = password_hash()
        user.end_sessions()
        user.save()
    finally:
        database.close_all()
    server = GunicornServer(url, str(folder))
    server.process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "wsgi:app"],
        env=server.env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    # Its log goes to a pipe: read it, or gunicorn blocks on a full pipe under load.
    log = []
    threading.Thread(target=lambda: log.extend(server.process.stderr), daemon=True).start()
    deadline = time.monotonic() + 30
    while True:
        assert server.process.poll() is None, b"".join(log)[-3000:]
        assert time.monotonic() < deadline, "gunicorn did not answer within 30 s"
        try:
            with urllib.request.urlopen(server.url + "/login", timeout=2):
                return server, log
        except OSError:
            time.sleep(0.2)


def logged_in_opener(base, username):
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    page = opener.open(base + "/login", timeout=10).read().decode()
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
    data = {"username": username, "password": PASSWORD, "csrf_token": token.group(1) if token else ""}
    landed = opener.open(base + "/login", urllib.parse.urlencode(data).encode(), timeout=10)
    assert "/login" not in landed.url, "the log-in failed"
    return opener


def fetch(opener, url):
    """(status, body, Retry-After) of one GET; a 5xx is an answer too."""
    try:
        with opener.open(url, timeout=10) as response:
            return response.status, response.read().decode(), None
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(), error.headers.get("Retry-After")


def test_postgresql_restarted_under_load_gives_503_then_recovers_within_5_s(private_postgres, tmp_path):
    server, log = gunicorn_on(private_postgres.url, tmp_path)
    try:
        opener = logged_in_opener(server.url, "quantri")
        pages = [server.url + path for path in ("/admin/organisation/", "/admin/member/", "/admin/")]
        assert all(fetch(opener, url)[0] == 200 for url in pages)

        answers, stop = [], threading.Event()

        def load(number):
            # Bounded: 40 s at most, whatever happens.
            deadline = time.monotonic() + 40
            while not stop.is_set() and time.monotonic() < deadline:
                started = time.monotonic()
                status, body, retry = fetch(opener, pages[number % len(pages)])
                answers.append((started, time.monotonic(), status, body, retry))
                number += 1

        users = [threading.Thread(target=load, args=(n,)) for n in range(6)]
        for user in users:
            user.start()
        time.sleep(1)
        down = time.monotonic()
        private_postgres.stop()
        time.sleep(2)
        # The server answers before pg_ctl, which polls, returns: only requests that
        # ended before the start began were surely made while it was down.
        restarting = time.monotonic()
        private_postgres.start()
        up = time.monotonic()
        # Load goes on until 2 s after the first answer served again (8 s at most).
        while time.monotonic() < up + 8:
            served = [end for started, end, status, _b, _r in answers if started > up and status == 200]
            if served and time.monotonic() > min(served) + 2:
                break
            time.sleep(0.1)
        stop.set()
        for user in users:
            user.join(20)
    finally:
        server.process.send_signal(signal.SIGQUIT)  # gunicorn's quick shutdown
        server.process.wait(15)
        server.process.stderr.close()

    statuses = {status for _s, _e, status, _b, _r in answers}
    assert statuses <= {200, 503}, b"".join(log)[-3000:]  # never a 500 traceback
    assert any(b"database down on GET" in line for line in log)  # the cause is logged
    during = [a for a in answers if a[0] > down + 0.5 and a[1] < restarting]
    assert during and all(status == 503 for _s, _e, status, _b, _r in during)
    for _s, _e, _status, body, retry in during:
        assert DOWN_TEXT in body and retry and retry.isdigit()
    back = min(started for started, _e, status, _b, _r in answers if started > up and status == 200)
    assert back - up < 5, f"service back {back - up:.1f} s after the server"
    # The pooled connections cut by the restart were replaced: everything after is answered.
    after = [status for started, _e, status, _b, _r in answers if started > back]
    assert len(after) > 10 and set(after) == {200}
