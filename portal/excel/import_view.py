"""The member upload page: upload → preview → confirm → summary.

The uploaded file is kept in the upload folder under a random token next to a
small record of who uploaded it and its SHA-256; the confirmation names only
the token, and the file is checked again in full (scope, duplicates) right
before it is written. A token of another user, a changed file or an expired
upload is refused.
"""
import hashlib
import json
import os
import re
import secrets
import time

from flask import Response, abort, current_app, flash, redirect, request, url_for
from flask_admin import BaseView, expose
from flask_login import current_user

from admin_views.access import ACCESS, organisations_in_scope, user_role
from portal.excel import member_import
from portal.reporting.import_file import Problem, number

# Whoever may write members may import them (within their own section).
IMPORT_ROLES = ACCESS["owned"][1]
TOKEN = re.compile(r"[A-Za-z0-9_-]{32}")
MAX_AGE = 3600  # seconds an uploaded file waits for its confirmation


class MemberImportView(BaseView):
    def is_accessible(self):
        return current_user.is_authenticated and user_role() in IMPORT_ROLES

    def inaccessible_callback(self, name, **kwargs):
        if current_user.is_authenticated:
            abort(403)
        return redirect(url_for("auth.login", next=request.full_path))

    @expose("/", methods=("GET", "POST"))
    def index(self):
        problems, rows, token, name = [], [], None, None
        if request.method == "POST":
            upload = request.files.get("file")
            if upload is None or not upload.filename:
                problems = [Problem(None, None, "Chưa chọn tệp để nhập.")]
            else:
                name = os.path.basename(upload.filename.replace("\\", "/"))[:200]
                data = upload.read()
                rows, problems = member_import.load(name, data, scope=organisations_in_scope())
                if not problems:
                    token = _keep(name, data)
        return self._page(problems=problems, rows=rows, token=token, name=name)

    @expose("/confirm", methods=("POST",))
    def confirm(self):
        token = request.form.get("token", "")
        kept = _kept(token)
        if kept is None:
            return self._page(problems=[Problem(None, None, (
                "Không tìm thấy tệp đã tải lên (đã nhập, đã quá hạn hoặc không phải của bạn): "
                "hãy tải tệp lên lại."))])
        name, data = kept
        try:
            rows, problems = member_import.load(name, data, scope=organisations_in_scope())
            if not problems:
                summary = member_import.save(rows, name)
        finally:
            _forget(token)
        if problems:
            return self._page(problems=problems, name=name)
        flash(summary.message(), "success")
        return redirect(url_for(".index"))

    @expose("/template.xlsx")
    def template(self):
        return Response(member_import.template_xlsx(), headers={
            "Content-Disposition": f"attachment; filename={member_import.TEMPLATE_NAME}"},
            mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")

    def _page(self, **context):
        problems = context.get("problems") or []
        return self.render("members_import.html", columns=member_import.COLUMNS,
                           refused=(f"Tệp có {number(len(problems))} lỗi; chưa ghi gì. Hãy sửa các dòng "
                                    "dưới đây rồi tải lên lại cả tệp."),
                           template_name=member_import.TEMPLATE_NAME, **context)


# --- uploads waiting for confirmation ---------------------------------------------------

def _folder():
    folder = os.path.join(current_app.config["UPLOAD_FOLDER"], "member-imports")
    os.makedirs(folder, exist_ok=True)
    return folder


def _keep(name, data):
    token = secrets.token_urlsafe(24)
    folder = _folder()
    with open(os.path.join(folder, token + ".data"), "wb") as fh:
        fh.write(data)
    with open(os.path.join(folder, token + ".json"), "w", encoding="utf-8") as fh:
        json.dump({"name": name, "user": current_user.id, "sha256": hashlib.sha256(data).hexdigest(),
                   "at": time.time()}, fh)
    return token


def _kept(token):
    """(name, data) of this user's upload, unchanged and not expired; else None."""
    if not TOKEN.fullmatch(token or ""):
        return None
    base = os.path.join(_folder(), token)
    try:
        # Claimed first: a second confirmation of the same upload finds nothing.
        os.rename(base + ".json", base + ".claimed")
    except OSError:
        return None
    try:
        with open(base + ".claimed", encoding="utf-8") as fh:
            meta = json.load(fh)
        with open(base + ".data", "rb") as fh:
            data = fh.read()
    except (OSError, ValueError):
        return None
    if (meta.get("user") != current_user.id or time.time() - meta.get("at", 0) > MAX_AGE
            or hashlib.sha256(data).hexdigest() != meta.get("sha256")):
        if meta.get("user") != current_user.id:
            os.rename(base + ".claimed", base + ".json")  # still its owner's to confirm
        else:
            _forget(token)  # expired or changed: of no further use
        return None
    return meta["name"], data


def _forget(token):
    for suffix in (".data", ".json", ".claimed"):
        try:
            os.remove(os.path.join(_folder(), token + suffix))
        except OSError:
            pass
