"""Uploaded import files waiting for their confirmation.

A file is kept in a folder of the upload folder (one per import page) under a
random token, next to a small record of who uploaded it, for which page, and
its SHA-256. The confirmation claims it, so a second confirmation finds
nothing. A token of another user or another page, a changed file or an
expired upload reads as nothing. Uploads never confirmed hold personal data:
they are swept once expired.
"""
import hashlib
import json
import os
import re
import secrets
import time

from flask import current_app
from flask_login import current_user

TOKEN = re.compile(r"[A-Za-z0-9_-]{32}")
MAX_AGE = 3600  # seconds an uploaded file waits for its confirmation


def keep(folder, name, data):
    """Keep this user's upload for the page of `folder`; its token."""
    path = _folder(folder)
    _sweep(path)
    token = secrets.token_urlsafe(24)
    with open(os.path.join(path, token + ".data"), "wb") as fh:
        fh.write(data)
    with open(os.path.join(path, token + ".json"), "w", encoding="utf-8") as fh:
        json.dump({"name": name, "user": current_user.id, "kind": folder,
                   "sha256": hashlib.sha256(data).hexdigest(), "at": time.time()}, fh)
    return token


def claim(folder, token):
    """(name, data) of this user's upload, unchanged and not expired, now claimed
    by the caller; else None."""
    if not TOKEN.fullmatch(token or ""):
        return None
    try:
        # Claimed first: a second confirmation of the same upload finds nothing.
        os.rename(_base(folder, token) + ".json", _base(folder, token) + ".claimed")
    except OSError:
        return None
    return _open(folder, token, ".claimed", MAX_AGE, give_back=True)


def peek(folder, token):
    """(name, data) of this user's upload as claim() finds it, left to be claimed."""
    return _open(folder, token, ".json", MAX_AGE)


def claimed(folder, token):
    """(name, data) of this user's upload claimed by a confirmation whose job
    writes it now (it was not expired when claimed)."""
    return _open(folder, token, ".claimed", None)


def forget(folder, token):
    if not TOKEN.fullmatch(token or ""):
        return
    for suffix in (".data", ".json", ".claimed"):
        try:
            os.remove(_base(folder, token) + suffix)
        except OSError:
            pass


def _open(folder, token, state, max_age, give_back=False):
    """(name, data) of the upload in `state` (".json" waiting, ".claimed"), if it
    is this user's, unchanged and younger than `max_age` seconds (None: any age)."""
    if not TOKEN.fullmatch(token or ""):
        return None
    base = _base(folder, token)
    try:
        with open(base + state, encoding="utf-8") as fh:
            meta = json.load(fh)
        with open(base + ".data", "rb") as fh:
            data = fh.read()
    except (OSError, ValueError):
        return None
    if meta.get("user") != current_user.id:
        if give_back:
            os.rename(base + ".claimed", base + ".json")  # still its owner's to confirm
        return None
    if (meta.get("kind", folder) != folder
            or (max_age is not None and time.time() - meta.get("at", 0) > max_age)
            or hashlib.sha256(data).hexdigest() != meta.get("sha256")):
        forget(folder, token)  # expired or changed: of no further use
        return None
    return meta["name"], data


def _folder(folder):
    path = os.path.join(current_app.config["UPLOAD_FOLDER"], folder)
    os.makedirs(path, exist_ok=True)
    return path


def _base(folder, token):
    return os.path.join(_folder(folder), token)


def _sweep(path):
    """Uploads never confirmed hold personal data: drop them once expired."""
    limit = time.time() - max(MAX_AGE, 0) * 2
    for entry in os.scandir(path):
        try:
            if entry.is_file() and entry.stat().st_mtime < limit:
                os.remove(entry.path)
        except OSError:
            pass
