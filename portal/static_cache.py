"""Style sheets and scripts kept by the browser, their links changed when they change.

A page links some twenty-three of them (Flask-Admin's and ours). Served with
Flask's default `no-cache`, the browser asked again for each on every page
and the server answered 304: twenty-three round trips a page on an editor's
slow line, each a turn of a gunicorn worker, which serves one request at a
time (WEB_THREADS). Each link now carries the file's own stamp (`?v=`, from
its content), and a request naming the file's current stamp
is answered as cacheable for a year: a changed file has a new link, and an
old link (a page kept open across an upgrade) is answered as before.
"""
import functools
import hashlib
import os

from flask import current_app, request

ONE_YEAR = 365 * 24 * 3600


def _folder(endpoint):
    """The static folder behind `endpoint` ("static" or "<blueprint>.static"), or None."""
    if endpoint == "static":
        return current_app.static_folder
    blueprint, _, view = endpoint.rpartition(".")
    if view == "static" and blueprint in current_app.blueprints:
        return current_app.blueprints[blueprint].static_folder
    return None


def stamp(folder, filename):
    """The file's stamp: the start of its content's SHA-256, so two web nodes
    installed apart give the same link for the same file. Hashed again only
    when the file's size or modification time changes."""
    path = os.path.join(folder, filename)
    try:
        status = os.stat(path)
    except OSError:
        return None
    return _digest(path, status.st_size, status.st_mtime_ns)


@functools.lru_cache(maxsize=1024)
def _digest(path, size, modified):
    with open(path, "rb") as content:
        return hashlib.sha256(content.read()).hexdigest()[:16]


def init_app(app):
    @app.url_defaults
    def add_stamp(endpoint, values):
        filename = values.get("filename")
        folder = _folder(endpoint) if filename else None
        if folder:
            mark = stamp(folder, filename)
            if mark:
                # Flask-Admin's own `v` (a library version) is replaced: the
                # file's stamp also changes when the file does.
                values["v"] = mark

    @app.after_request
    def keep_stamped(response):
        endpoint = request.endpoint or ""
        filename = (request.view_args or {}).get("filename")
        folder = _folder(endpoint) if filename else None
        if (folder and response.status_code in (200, 304)
                and request.args.get("v") == stamp(folder, filename)):
            response.cache_control.no_cache = None
            response.cache_control.public = True
            response.cache_control.max_age = ONE_YEAR
            response.cache_control.immutable = True
        return response
