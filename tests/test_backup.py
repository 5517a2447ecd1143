"""Backups: a seeded portal backed up, restored elsewhere, and found the same.

On SQLite the restore goes into a new file; on PostgreSQL (TEST_DATABASE_URL)
into a database `<that database>_<worker>_restore` made and dropped here.
What is compared is what users and auditors see: every table's row count,
the audit trail, the secretariat's totals page and the attachments' bytes.
"""
import contextlib
import hashlib
import io
import json
import os
import re
import secrets
import tarfile

import pytest

from models import AuditLog, Directive, Notification, User, db
from portal import create_app, jobs, migrate
from portal.backup import archive, nightly, postgres
from portal.backup import restore as restore_module
from portal.backup.errors import BackupError
from tests import databases
from tests.test_demo import accounts
from tests.test_records import PDF, directive_form


def settings(url, folder):
    return {
        "TESTING": True, "DATABASE_URL": url, "SECRET_KEY": "test-secret", "WTF_CSRF_ENABLED": False,
        "UPLOAD_FOLDER": str(folder / "uploads"), "JOB_QUEUE_FILE": str(folder / "jobs.sqlite3"),
        "JOBS_FOLDER": str(folder / "jobs"), "JOB_WORKER_THREADS": 0,
    }


@pytest.fixture
def target(database_url, tmp_path):
    """An empty database of the same kind as the test's own: its URL."""
    if database_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path}/restored/portal.db"
        return
    prefix, base = os.environ["TEST_DATABASE_URL"].rsplit("/", 1)
    name = f"{base}_{databases.WORKER}_restore"
    admin = databases.connect_autocommit(f"{prefix}/{base}")
    try:
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            cursor.execute(f'CREATE DATABASE "{name}"')
        yield f"{prefix}/{name}"
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        admin.close()


@contextlib.contextmanager
def other_app(url, folder):
    """A second portal on `url`; the models' database is given back to the test's app after."""
    mine = db.obj
    other = create_app(settings(url, folder))
    try:
        yield other
    finally:
        if not db.is_closed():
            db.close()
        db.obj.close_all()
        db.initialize(mine)


def table_counts():
    return {table: db.execute_sql(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]
            for table in db.get_tables()}


def audit_trail():
    return [tuple(row) for row in AuditLog.select().order_by(AuditLog.id).tuples()]


def cells(html):
    """The totals page's figures and labels: every table cell's text, in order."""
    found = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", html, flags=re.S)
    return [" ".join(re.sub(r"<[^>]+>", " ", cell).split()) for cell in found]


def log_in(client, username, password):
    response = client.post("/login", data={"username": username, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    return client


def what_users_see(app, password, attachment):
    """As the secretariat: the totals page's cells and the attachment's bytes."""
    client = log_in(app.test_client(), "vanphong", password)
    page = client.get("/admin/totals/")
    assert page.status_code == 200
    with client.get(f"/files/{attachment}") as download:
        assert download.status_code == 200
        return cells(page.get_data(as_text=True)), download.data


def seed_with_attachment(app, runner):
    result = runner.invoke(args=["seed-demo", "--members", "300"])
    assert result.exit_code == 0, result.output
    made = accounts(result.output)
    client = log_in(app.test_client(), "admin", made["admin"][1])
    content = PDF + secrets.token_bytes(3000)
    data = dict(directive_form(number="99-CT/TU"), attachment=(io.BytesIO(content), "chi-thi-99.pdf"))
    response = client.post("/admin/directive/new/", data=data, content_type="multipart/form-data")
    assert response.status_code == 302
    with app.app_context():
        stored = Directive.get(Directive.number == "99-CT/TU").attachment
    return made, stored, content


def backup(runner, path):
    result = runner.invoke(args=["db", "backup", "-o", str(path)])
    assert result.exit_code == 0, result.output
    return result


def restore(app, path, *options):
    return app.test_cli_runner().invoke(args=["db", "restore", *options, str(path)])


def test_a_seeded_portal_restored_elsewhere_shows_the_same(app, runner, target, tmp_path):
    made, stored, content = seed_with_attachment(app, runner)
    password = made["vanphong"][1]
    totals_before, bytes_before = what_users_see(app, password, stored)
    assert bytes_before == content
    assert any(re.fullmatch(r"\d{1,3}(\.\d{3})+", cell) for cell in totals_before)  # real figures
    with app.app_context():
        counts_before, trail_before = table_counts(), audit_trail()
    assert counts_before["member"] == 300
    output = backup(runner, tmp_path / "sao-luu.tar").output
    assert "1 tệp đính kèm" in output

    with other_app(target, tmp_path / "restored") as restored:
        result = restore(restored, tmp_path / "sao-luu.tar")
        assert result.exit_code == 0, result.output
        assert "Cơ sở dữ liệu đã ở phiên bản mới nhất" in result.output
        with restored.app_context():
            assert table_counts() == counts_before
            assert audit_trail() == trail_before
        totals_after, bytes_after = what_users_see(restored, password, stored)
    assert totals_after == totals_before
    assert bytes_after == content
    on_disk = tmp_path / "restored" / "uploads" / stored
    assert on_disk.read_bytes() == content


def test_a_restore_into_a_database_with_data_is_refused_and_changes_nothing(app, runner, tmp_path):
    backup(runner, tmp_path / "sao-luu.tar")
    with app.app_context():
        User.create(username="sau-sao-luu", role="viewer", password_hash="x")
        counts, trail = table_counts(), audit_trail()
    result = restore(app, tmp_path / "sao-luu.tar")
    assert result.exit_code != 0
    assert "không trống" in result.output and "chưa thay đổi gì" in result.output
    with app.app_context():
        assert table_counts() == counts and audit_trail() == trail
        assert User.get_or_none(User.username == "sau-sao-luu") is not None


def test_replacing_existing_data_takes_a_clearly_named_flag(app, runner, tmp_path):
    backup(runner, tmp_path / "sao-luu.tar")
    with app.app_context():
        User.create(username="sau-sao-luu", role="viewer", password_hash="x")
    result = restore(app, tmp_path / "sao-luu.tar", "--replace-existing-data")
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert User.get_or_none(User.username == "sau-sao-luu") is None


def corrupt(path):
    """Flip one byte inside the database part."""
    with tarfile.open(path) as tar:
        member = tar.getmember(next(n for n in tar.getnames() if n.startswith("database.")))
        offset = member.offset_data + member.size // 2
    with open(path, "r+b") as fh:
        fh.seek(offset)
        byte = fh.read(1)
        fh.seek(offset)
        fh.write(bytes([byte[0] ^ 0xFF]))


def rewritten(path, change):
    """The same archive with its manifest changed by `change(manifest)`."""
    copy = str(path) + ".changed.tar"
    with tarfile.open(path) as source, tarfile.open(copy, "w") as out:
        for member in source:
            data = source.extractfile(member).read()
            if member.name == archive.MANIFEST:
                manifest = json.loads(data)
                change(manifest)
                data = json.dumps(manifest).encode()
                member.size = len(data)
            out.addfile(member, io.BytesIO(data))
    return copy


def assert_untouched(app, url, folder):
    with other_app(url, folder) as fresh:
        with fresh.app_context():
            assert db.get_tables() == []
    assert not os.path.exists(folder / "uploads") or not any(files for _, _, files in os.walk(folder / "uploads"))


def with_attachment(app):
    folder = os.path.join(app.config["UPLOAD_FOLDER"], "directives")
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "20240101-abcd-a.pdf"), "wb") as fh:
        fh.write(PDF)


@pytest.mark.parametrize("damage, words", [
    ("flip", "không khớp mã kiểm tra sha256"),
    ("truncate", "chưa thay đổi gì"),
    ("newer", "phiên bản mới hơn"),
    ("other kind", "chỉ khôi phục được vào cùng loại cơ sở dữ liệu"),
])
def test_a_damaged_or_unsuitable_archive_is_refused_before_anything_changes(
        app, runner, target, tmp_path, damage, words):
    with_attachment(app)
    path = tmp_path / "sao-luu.tar"
    backup(runner, path)
    if damage == "flip":
        corrupt(path)
    elif damage == "truncate":
        os.truncate(path, os.path.getsize(path) // 2)
    elif damage == "newer":
        path = rewritten(path, lambda m: m["migrations"].append("0099_from_the_future"))
    else:
        path = rewritten(path, lambda m: m["database"].update(
            kind="postgresql" if m["database"]["kind"] == "sqlite" else "sqlite"))
    with other_app(target, tmp_path / "restored") as restored:
        result = restore(restored, path)
    assert result.exit_code != 0
    assert words in result.output, result.output
    assert_untouched(app, target, tmp_path / "restored")


def test_a_backup_of_an_older_version_is_brought_up_to_date_by_db_upgrade(app, target, tmp_path):
    before_last = restore_module.known_migrations()[-2]
    with other_app(target, tmp_path / "old") as old:
        with old.app_context():
            migrate.runner().up(target=before_last)
        backup(old.test_cli_runner(), tmp_path / "cu.tar")
        with old.app_context():
            assert archive.verify(tmp_path / "cu.tar")["migration_level"] == before_last
        # Restored over the same (now emptied) place, as on a machine reinstalled with newer code.
        result = restore(old, tmp_path / "cu.tar", "--replace-existing-data")
        assert result.exit_code == 0, result.output
        assert "cũ hơn phiên bản này 1 migration" in result.output
        assert "flask --app wsgi db upgrade" in result.output
        cli = old.test_cli_runner()
        assert cli.invoke(args=["db", "status"]).exit_code == 1
        assert cli.invoke(args=["db", "upgrade"]).exit_code == 0
        assert cli.invoke(args=["db", "status"]).exit_code == 0


def nightly_app(app, folder, keep=2):
    app.config.update(BACKUP_DIR=str(folder), BACKUP_KEEP=keep, BACKUP_HOUR=2)
    return app


def night(day, hour=3):
    import datetime
    return datetime.datetime(2026, 12, day, hour, 0, 0)


def test_the_nightly_backup_keeps_its_newest_files_and_no_one_elses(app, runner, login, tmp_path):
    folder = tmp_path / "backups"
    folder.mkdir()
    nightly_app(app, folder, keep=2)
    # An operator's own backup and a file that only looks like ours: never deleted.
    backup(runner, folder / "truoc-nang-cap.tar")
    (folder / "giaoban-tudong-20200101-000000.tar").write_bytes(b"not a backup")
    with app.app_context():
        assert nightly.run(app, now=night(1, hour=1)) is None  # before BACKUP_HOUR
        made = [nightly.run(app, now=night(day)) for day in (1, 2, 3, 4)]
        assert nightly.run(app, now=night(4, hour=5)) is None  # one a day
    assert all(made)
    assert sorted(os.listdir(folder)) == sorted([
        ".giaoban-backup.lock", "giaoban-tudong-20200101-000000.tar", "giaoban-tudong-20261203-030000.tar",
        "giaoban-tudong-20261204-030000.tar", "truoc-nang-cap.tar"])
    assert archive.verify(folder / "giaoban-tudong-20261204-030000.tar")["origin"] == "nightly"
    page = login("quantri").get("/admin/auditlog/").get_data(as_text=True)
    assert "Sao lưu tự động: giaoban-tudong-20261204-030000.tar" in page
    assert "Đã xoá 1 bản sao lưu tự động cũ" in page
    # The server's files are no business of a unit's editor, who reads the trail of its own section.
    page = login("phunu", role="editor", org="PHUNU").get("/admin/auditlog/").get_data(as_text=True)
    assert "Nhật ký hệ thống" in page and "giaoban-tudong" not in page and "Sao lưu tự động" not in page


def test_the_job_queue_runs_the_nightly_backup_when_due(app, tmp_path):
    folder = tmp_path / "backups"
    app.config.update(BACKUP_DIR=str(folder), BACKUP_KEEP=14, BACKUP_HOUR=0)
    jobs.run_pending(app)
    names = [name for name in os.listdir(folder) if name.endswith(".tar")]
    assert len(names) == 1 and nightly.NAME.match(names[0])
    jobs.run_pending(app)
    assert len([name for name in os.listdir(folder) if name.endswith(".tar")]) == 1


def test_a_failed_nightly_backup_tells_the_administrators(app, make_user, tmp_path):
    admin = make_user("quantri", role="admin")
    blocked = tmp_path / "khong-phai-thu-muc"
    blocked.write_text("a file where the folder should be")
    app.config.update(BACKUP_DIR=str(blocked), BACKUP_HOUR=0)
    with app.app_context():
        assert nightly.run(app) is None
        told = Notification.select().where(Notification.user == admin.id, Notification.kind == "backup_failed")
        assert told.count() == 1
        assert "không thành công" in told.get().title
        assert AuditLog.select().where(AuditLog.action == "backup",
                                       AuditLog.changes.contains("không thành công")).count() == 1


def test_the_archive_lists_every_part_with_its_checksum(app, runner, tmp_path):
    with_attachment(app)
    # Even kept below the uploads, the jobs folder's temporary results are no part of a backup.
    app.config["JOBS_FOLDER"] = os.path.join(app.config["UPLOAD_FOLDER"], "jobs")
    os.makedirs(app.config["JOBS_FOLDER"])
    with open(os.path.join(app.config["JOBS_FOLDER"], "ket-qua.xlsx"), "wb") as fh:
        fh.write(b"temporary")
    path = tmp_path / "sao-luu.tar"
    backup(runner, path)
    manifest = archive.verify(path)
    with tarfile.open(path) as tar:
        names = tar.getnames()
        for name in names:
            if name != archive.MANIFEST:
                data = tar.extractfile(name).read()
                assert manifest["files"][name]["sha256"] == hashlib.sha256(data).hexdigest()
    assert set(names) == set(manifest["files"]) | {archive.MANIFEST}
    assert "uploads/directives/20240101-abcd-a.pdf" in names
    # The level is the newest migration this code ships.
    newest = max(name[:-3] for name in os.listdir(migrate.DIRECTORY) if name[:4].isdigit())
    assert manifest["migration_level"] == newest
    assert manifest["row_counts"]["indicator"] > 0
    assert not any("ket-qua.xlsx" in name for name in names)


def test_a_nightly_backup_being_written_elsewhere_is_not_started_again(app, tmp_path):
    import fcntl

    folder = tmp_path / "backups"
    folder.mkdir()
    nightly_app(app, folder)
    with open(folder / nightly.LOCK, "a") as held:  # another process's run, still writing
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
        with app.app_context():
            assert nightly.enqueue_if_due(app, now=night(1)) is False
            assert nightly.run(app, now=night(1)) is None
    assert not any(name.endswith(".tar") for name in os.listdir(folder))
    with app.app_context():
        assert nightly.enqueue_if_due(app, now=night(1)) is True


def test_a_missing_or_too_old_pg_dump_is_named_with_the_package_to_install(tmp_path):
    with pytest.raises(BackupError) as refused:
        postgres.client("pg_dump", 99, bin_dir=str(tmp_path))
    assert "Không tìm thấy pg_dump phiên bản 99" in str(refused.value)
    assert "postgresql-client-99" in str(refused.value) and "PG_BIN_DIR" in str(refused.value)


def test_a_backup_is_made_while_a_writer_holds_its_transaction_open(app, runner, database_url, tmp_path):
    """Online: the portal keeps writing; the backup holds what was committed when it began."""
    with app.app_context():
        before = table_counts()["login_attempt"]
    if database_url.startswith("sqlite"):
        import sqlite3
        writer = sqlite3.connect(database_url.split("///", 1)[1], isolation_level=None)
        writer.execute("BEGIN IMMEDIATE")  # SQLite's write lock, held as a slow save would
        placeholder = "?"
    else:
        import psycopg2
        writer = psycopg2.connect(database_url)
        placeholder = "%s"
    try:
        cursor = writer.cursor()
        cursor.execute(f"INSERT INTO login_attempt (username, address, succeeded, at) VALUES "
                       f"({placeholder}, {placeholder}, {placeholder}, {placeholder})",
                       ("dang-ghi", "10.0.0.1", False, "2026-12-01 08:00:00"))
        backup(runner, tmp_path / "sao-luu.tar")
        cursor.execute("COMMIT")
    finally:
        writer.close()
    assert archive.verify(tmp_path / "sao-luu.tar")["row_counts"]["login_attempt"] == before
    with app.app_context():
        assert table_counts()["login_attempt"] == before + 1
