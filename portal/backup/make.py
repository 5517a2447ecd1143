"""Writing a backup: the database copy, then the attachments, then the manifest."""
import datetime
import os
import shutil
import tempfile

from portal.backup import archive, postgres, sqlite
from portal.backup.errors import BackupError


def kind_of(url):
    if url.startswith("sqlite"):
        return "sqlite"
    if url.startswith("postgres"):
        return "postgresql"
    raise BackupError(f"Không sao lưu được loại cơ sở dữ liệu {url.split(':', 1)[0]}.")


def dump(config, staging):
    url = config["DATABASE_URL"]
    if kind_of(url) == "sqlite":
        return sqlite.dump(url, staging)
    return postgres.dump(url, staging, config.get("PG_BIN_DIR", ""))


def create_backup(config, output, origin="command"):
    """Write a backup of the configured database and UPLOAD_FOLDER to `output`; its manifest."""
    output = os.path.abspath(output)
    if os.path.exists(output):
        raise BackupError(f"Tệp {output} đã có; chọn tên khác (the file exists).")
    folder = os.path.dirname(output)
    try:
        os.makedirs(folder, exist_ok=True)
        # Beside the output: the copy can be as large as the database, and /tmp is often small.
        staging = tempfile.mkdtemp(prefix=".giaoban-backup-", dir=folder)
    except OSError as error:
        raise BackupError(f"Không ghi được vào thư mục {folder} ({error.strerror}).") from None
    try:
        part, path, counts, applied, details = dump(config, staging)
        # Result files of jobs are temporary and never part of a backup, even if kept below the uploads.
        uploads = archive.upload_parts(config["UPLOAD_FOLDER"], skip=[config.get("JOBS_FOLDER")])
        manifest = {
            "format": archive.FORMAT,
            "version": archive.VERSION,
            "created_at": datetime.datetime.now().isoformat(timespec="seconds"),
            "origin": origin,
            "database": dict(details, kind=kind_of(config["DATABASE_URL"]), part=part),
            "migrations": applied,
            "migration_level": applied[-1] if applied else "",
            "row_counts": counts,
            "attachments": len(uploads),
        }
        return archive.write(output, [(part, path)] + uploads, manifest)
    except OSError as error:
        raise BackupError(f"Không ghi được tệp sao lưu {output} ({error}).") from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def number(value):
    return f"{value:,}".replace(",", ".")


def summary(manifest, name, size):
    """One line on a backup, its file first (the audit screen shortens long notes)."""
    rows = number(sum(manifest["row_counts"].values()))
    return (f"{name} ({size_label(size)}): {len(manifest['row_counts'])} bảng, {rows} dòng, "
            f"{manifest['attachments']} tệp đính kèm, migration {manifest['migration_level'] or '—'}.")


def size_label(size):
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.1f} {unit}".replace(".", ",") if unit != "B" else f"{size} B"
        size /= 1024
