"""Restoring a backup into an empty database and an empty uploads folder.

Nothing is touched before the whole file has been checked: its format, every
member's sha256, the kind of database, and that it comes from no migration
this code does not know. The database is then restored as one step (one
rename on SQLite, one transaction on PostgreSQL) and checked against the
manifest's row counts; the attachments, unpacked beside the uploads folder,
are moved in only once the database is in.
"""
import os
import shutil
import tempfile

from playhouse.migrations import Migration

from portal.backup import archive, postgres, sqlite
from portal.backup.errors import BackupError, RestoreRefused
from portal.backup.make import kind_of
from portal.migrate import DIRECTORY

KIND_LABELS = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


def known_migrations():
    return [migration.name for migration in Migration.load_directory(DIRECTORY)]


def files_in(folder):
    return sum(len(files) for _, _, files in os.walk(folder)) if os.path.isdir(folder) else 0


def check(config, manifest, replace):
    """Refuse (RestoreRefused) what this installation cannot take."""
    url = config["DATABASE_URL"]
    try:
        kind = kind_of(url)
    except BackupError as error:
        raise RestoreRefused(str(error)) from None
    source = manifest["database"]["kind"]
    if source != kind:
        raise RestoreRefused(
            f"Tệp sao lưu là của {KIND_LABELS.get(source, source)}, cơ sở dữ liệu đích là "
            f"{KIND_LABELS[kind]}: chỉ khôi phục được vào cùng loại cơ sở dữ liệu "
            f"(a {source} backup cannot be restored into {kind}); chưa thay đổi gì.")
    known = set(known_migrations())
    newer = [name for name in manifest.get("migrations", []) if name not in known]
    if newer:
        raise RestoreRefused(
            f"Tệp sao lưu được tạo bởi phiên bản mới hơn của cổng thông tin (có migration {newer[-1]} mà "
            "phiên bản này không có): hãy cài phiên bản mới rồi khôi phục (backup from a newer "
            "migration level); chưa thay đổi gì.")
    if replace:
        return
    held = (sqlite if kind == "sqlite" else postgres).has_data(url)
    if held:
        raise RestoreRefused(f"Cơ sở dữ liệu đích không trống: {held}. Chỉ khôi phục vào cơ sở dữ liệu "
                             "trống (the target database is not empty; --replace-existing-data overwrites "
                             "it); chưa thay đổi gì.")
    count = files_in(config["UPLOAD_FOLDER"])
    if count:
        raise RestoreRefused(f"Thư mục tệp đính kèm {config['UPLOAD_FOLDER']} đã có {count} tệp; chỉ khôi "
                             "phục vào thư mục trống (the uploads folder is not empty); chưa thay đổi gì.")


def restore_backup(config, path, replace=False):
    """Restore the backup at `path`; (manifest, names of the migrations still to apply)."""
    manifest = archive.verify(path)
    check(config, manifest, replace)
    uploads = os.path.abspath(config["UPLOAD_FOLDER"])
    parent = os.path.dirname(uploads)
    os.makedirs(parent, exist_ok=True)
    staging = tempfile.mkdtemp(prefix=".giaoban-restore-", dir=parent)
    try:
        try:
            placed = archive.extract(path, manifest, staging)
        except OSError as error:
            raise RestoreRefused(f"Không giải nén được tệp sao lưu ({error}); chưa thay đổi gì.") from None
        part = placed[manifest["database"]["part"]]
        url, counts = config["DATABASE_URL"], manifest["row_counts"]
        if manifest["database"]["kind"] == "sqlite":
            sqlite.restore(url, part, counts, replace)
        else:
            postgres.restore(url, part, counts, replace, config.get("PG_BIN_DIR", ""))
        for name, unpacked in placed.items():
            if name.startswith(archive.UPLOADS):
                target = os.path.join(uploads, *name[len(archive.UPLOADS):].split("/"))
                os.makedirs(os.path.dirname(target), exist_ok=True)
                shutil.move(unpacked, target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    pending = [name for name in known_migrations() if name not in set(manifest.get("migrations", []))]
    return manifest, pending
