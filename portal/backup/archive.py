"""The backup file: one plain tar holding the database copy, the attachments and a manifest.

    database.sqlite3.gz | database.pgdump   the database (gzip'd SQLite copy, or pg_dump -Fc)
    uploads/<path>                          every file under UPLOAD_FOLDER, as it lies there
    manifest.json                           written last: format and version, database kind,
                                            applied migrations, created_at, row counts per
                                            table, size and sha256 of every other member

A plain tar (not .tar.gz): both database parts are already compressed, and
any `tar` can list or unpack it by hand (`tar -xOf FILE manifest.json`).
The file is written under a `.partial` name and renamed when complete, so a
backup that has its final name is whole. Reading trusts nothing before every
member's checksum matched and every name is one the format allows.
"""
import hashlib
import io
import json
import os
import posixpath
import tarfile

from portal.backup.errors import RestoreRefused

FORMAT = "giaoban-backup"
VERSION = 1
MANIFEST = "manifest.json"
UPLOADS = "uploads/"
DATABASE_PARTS = ("database.sqlite3.gz", "database.pgdump")
CHUNK = 1024 * 1024


class _Hashing(io.RawIOBase):
    """A file read through: tarfile copies it, the digest follows."""

    def __init__(self, stream):
        self.stream, self.digest = stream, hashlib.sha256()

    def readable(self):
        return True

    def readinto(self, buffer):
        data = self.stream.read(len(buffer))
        self.digest.update(data)
        buffer[:len(data)] = data
        return len(data)


def _info(name, size, mtime):
    # No owners or modes of this machine: a restore writes files as its own user.
    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode = size, int(mtime), 0o600
    return info


def upload_parts(folder, skip=()):
    """[(member name, path)] of every regular file under the uploads folder."""
    found = []
    if not os.path.isdir(folder):
        return found
    skip = [os.path.abspath(path) + os.sep for path in skip if path]
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not any((os.path.join(root, d) + os.sep).startswith(s) for s in skip))
        for name in sorted(files):
            path = os.path.join(root, name)
            if os.path.isfile(path) and not os.path.islink(path):
                relative = os.path.relpath(path, folder).replace(os.sep, "/")
                found.append((UPLOADS + relative, path))
    return found


def write(output, parts, manifest):
    """Write the archive of `parts` [(member name, path)] and `manifest` (its "files" filled in here)."""
    partial = output + ".partial"
    files = {}
    try:
        with tarfile.open(partial, "w", format=tarfile.PAX_FORMAT) as tar:
            for name, path in parts:
                with open(path, "rb") as stream:
                    stat = os.fstat(stream.fileno())
                    hashing = _Hashing(stream)
                    tar.addfile(_info(name, stat.st_size, stat.st_mtime), hashing)
                files[name] = {"size": stat.st_size, "sha256": hashing.digest.hexdigest()}
            manifest = dict(manifest, files=files)
            data = json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True).encode()
            tar.addfile(_info(MANIFEST, len(data), os.path.getmtime(partial)), io.BytesIO(data))
        with open(partial, "rb+") as written:
            os.fsync(written.fileno())
        os.replace(partial, output)
    finally:
        if os.path.exists(partial):
            os.remove(partial)
    return manifest


def _allowed(name):
    if name == MANIFEST or name in DATABASE_PARTS:
        return True
    if not name.startswith(UPLOADS):
        return False
    steps = name[len(UPLOADS):].split("/")
    return all(step not in ("", ".", "..") for step in steps) and posixpath.normpath(name) == name


def _open(path):
    try:
        return tarfile.open(path, "r:")
    except FileNotFoundError:
        raise RestoreRefused(f"Không có tệp {path} (file not found); chưa thay đổi gì.") from None
    except (tarfile.TarError, OSError) as error:
        raise RestoreRefused(f"Tệp {path} không phải tệp sao lưu của cổng thông tin hoặc đã hỏng "
                             f"(not a backup archive: {error}); chưa thay đổi gì.") from None


def read_manifest(tar, path):
    try:
        member = tar.getmember(MANIFEST)
        manifest = json.loads(tar.extractfile(member).read())
    except (KeyError, ValueError, tarfile.TarError, OSError, AttributeError):
        raise RestoreRefused(f"Tệp {path} không có bản kê (manifest.json) đọc được: không phải tệp sao lưu "
                             "hoàn chỉnh của cổng thông tin (no readable manifest); chưa thay đổi gì.") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise RestoreRefused(f"Tệp {path} không phải tệp sao lưu của cổng thông tin (unknown format); chưa thay đổi gì.")
    if manifest.get("version") != VERSION:
        raise RestoreRefused(f"Tệp sao lưu theo định dạng phiên bản {manifest.get('version')}; phiên bản này "
                             f"của cổng thông tin chỉ đọc định dạng {VERSION}; chưa thay đổi gì.")
    return manifest


def verify(path):
    """The manifest, once every member's size and sha256 matched it (else RestoreRefused)."""
    with _open(path) as tar:
        manifest = read_manifest(tar, path)
        expected = manifest.get("files") or {}
        seen = set()
        try:
            for member in tar:
                if member.name == MANIFEST:
                    continue
                if not member.isreg() or not _allowed(member.name) or member.name not in expected \
                        or member.name in seen:
                    raise RestoreRefused(f"Tệp sao lưu chứa mục lạ {member.name!r}; không dùng tệp này, chưa thay đổi gì.")
                seen.add(member.name)
                digest = hashlib.sha256()
                stream = tar.extractfile(member)
                while chunk := stream.read(CHUNK):
                    digest.update(chunk)
                want = expected[member.name]
                if member.size != want.get("size") or digest.hexdigest() != want.get("sha256"):
                    raise RestoreRefused(f"Tệp sao lưu bị hỏng: {member.name} không khớp mã kiểm tra sha256 "
                                         "(checksum mismatch); chưa thay đổi gì.")
        except (tarfile.TarError, OSError, EOFError) as error:
            raise RestoreRefused(f"Tệp sao lưu bị hỏng hoặc bị cắt cụt ({error}); chưa thay đổi gì.") from None
        missing = sorted(set(expected) - seen)
        if missing:
            raise RestoreRefused(f"Tệp sao lưu thiếu {len(missing)} mục (đầu tiên: {missing[0]}); chưa thay đổi gì.")
    return manifest


def extract(path, manifest, staging):
    """Unpack every member but the manifest under `staging`, checking each digest again
    (the file could have changed since verify); {member name: unpacked path}."""
    placed = {}
    with _open(path) as tar:
        for member in tar:
            if member.name == MANIFEST:
                continue
            if not _allowed(member.name) or member.name not in manifest["files"]:
                raise RestoreRefused(f"Tệp sao lưu chứa mục lạ {member.name!r}; không dùng tệp này, chưa thay đổi gì.")
            target = os.path.join(staging, *member.name.split("/"))
            os.makedirs(os.path.dirname(target), exist_ok=True)
            digest = hashlib.sha256()
            with tar.extractfile(member) as stream, open(target, "wb") as out:
                while chunk := stream.read(CHUNK):
                    digest.update(chunk)
                    out.write(chunk)
            if digest.hexdigest() != manifest["files"][member.name]["sha256"]:
                raise RestoreRefused(f"Tệp sao lưu thay đổi trong lúc khôi phục ({member.name}); chưa thay đổi gì.")
            placed[member.name] = target
    return placed


def peek(path):
    """The manifest of a backup, without checking its parts (for listings and retention)."""
    with _open(path) as tar:
        return read_manifest(tar, path)
