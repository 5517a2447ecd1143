"""Upload pages for imports: upload → preview → confirm → summary.

One view class serves every kind of import. A kind is a module with the
interface members, villages and organisations share (MODEL, COLUMNS,
TEMPLATE_NAME, read, check, save, template_xlsx) plus the words of its page
(`ImportKind`). Whoever may create the kind's records through their own
screen may import them, within the same section.

The uploaded file is kept in the upload folder under a random token next to a
small record of who uploaded it, for which kind, and its SHA-256; the
confirmation names only the token, and the file is checked again in full
(scope, duplicates, codes) inside the transaction that writes it. A token of
another user or another kind, a changed file or an expired upload is refused.
"""
import hashlib
import json
import os
import re
import secrets
import time
from dataclasses import dataclass
from types import ModuleType

from flask import Response, abort, current_app, flash, redirect, request, url_for
from flask_admin import BaseView, expose
from flask_login import current_user
from peewee import IntegrityError

from admin_views.access import organisations_in_scope
from models import db
from models.geography import VILLAGE_KIND_CHOICES
from models.organisation import KIND_CHOICES, LEVEL_CHOICES
from portal.excel import member_import, organisation_import, village_import
from portal.reporting.import_file import Problem, number

TOKEN = re.compile(r"[A-Za-z0-9_-]{32}")
MAX_AGE = 3600  # seconds an uploaded file waits for its confirmation
PREVIEW_ROWS = 1000  # rows listed in a preview; every bad row is always listed

TEXT = {
    "no_file": "Chưa chọn tệp để nhập.",
    "refused": "Tệp có {count} lỗi; chưa ghi gì. Hãy sửa các dòng dưới đây rồi tải lên lại cả tệp.",
    "lost": ("Không tìm thấy tệp đã tải lên (đã nhập, đã quá hạn hoặc không phải của bạn): "
             "hãy tải tệp lên lại."),
    "conflict": ("Trong lúc ghi, dữ liệu trùng với một bản ghi vừa được thêm (ví dụ một mã đã "
                 "có người dùng). Chưa ghi gì: hãy tải tệp lên lại để kiểm tra."),
    "more": "Chỉ hiển thị {shown} dòng đầu; {hidden} dòng còn lại cũng hợp lệ và sẽ được nhập.",
    "other_kind": "Tệp này có vẻ là danh sách {other}, không phải danh sách {what}.",
    "other_page": " Hãy nhập ở trang «{page}» (menu Nhập dữ liệu).",
}


@dataclass(frozen=True)
class ImportKind:
    """One kind of import: its module and the words of its page."""
    module: ModuleType
    folder: str  # under UPLOAD_FOLDER, where uploads wait for confirmation
    heading: str
    intro: str  # what the file holds, e.g. "danh sách hội viên, đoàn viên"
    file_label: str
    row_header: str  # the preview's column naming each row
    rules: tuple  # "how to fill in the file", one sentence each

    @property
    def what(self):
        return self.module.WHAT


def _labels(choices):
    return ", ".join(label for _, label in choices)


MEMBERS = ImportKind(
    member_import, "member-imports",
    heading="Nhập hội viên từ tệp", intro="danh sách hội viên, đoàn viên",
    file_label="Tệp hội viên (.xlsx hoặc .csv)", row_header="Họ và tên",
    rules=(
        "Bắt buộc: Họ và tên, Giới tính (Nam/Nữ), và Mã chi hội hoặc Tên chi hội.",
        "Ngày ghi dạng dd/mm/yyyy hoặc là ô ngày của Excel. Số CCCD và điện thoại phải để dạng "
        "Văn bản để giữ số 0 ở đầu.",
        "Không dùng công thức và không gộp ô trong vùng dữ liệu. Tình trạng để trống là “Đang sinh hoạt”.",
    ))

VILLAGES = ImportKind(
    village_import, "village-imports",
    heading="Nhập thôn, làng từ tệp", intro="danh mục thôn, làng, buôn, plei, tổ dân phố",
    file_label="Tệp thôn, làng (.xlsx hoặc .csv)", row_header="Thôn, làng",
    rules=(
        "Bắt buộc: Mã thôn, Tên thôn và Mã xã (mã đơn vị hành chính đã có trong Địa bàn → "
        "Đơn vị hành chính).",
        "Mã thôn phải là mã mới, mỗi mã chỉ ở một dòng.",
        f"Loại: {_labels(VILLAGE_KIND_CHOICES)}; để trống là Thôn. Vùng đồng bào dân tộc thiểu số: "
        "Có hoặc Không (để trống là Không).",
        "Không dùng công thức và không gộp ô trong vùng dữ liệu.",
    ))

ORGANISATIONS = ImportKind(
    organisation_import, "organisation-imports",
    heading="Nhập tổ chức từ tệp", intro="danh sách tổ chức, chi hội, chi đoàn, tổ hội",
    file_label="Tệp tổ chức (.xlsx hoặc .csv)", row_header="Tổ chức",
    rules=(
        "Bắt buộc: Mã tổ chức, Tên tổ chức, Loại tổ chức, Cấp và Mã tổ chức cấp trên.",
        "Mã tổ chức cấp trên là mã một tổ chức đã có, hoặc mã một tổ chức mới ở dòng phía trên "
        "trong cùng tệp (cấp trên trước, cấp dưới sau). Cán bộ đoàn thể chỉ nhập được tổ chức "
        "trực thuộc tổ chức của mình.",
        f"Loại tổ chức: {_labels(KIND_CHOICES)}.",
        f"Cấp: {_labels(LEVEL_CHOICES)}.",
        "Ngày thành lập ghi dạng dd/mm/yyyy hoặc là ô ngày của Excel. Không dùng công thức và "
        "không gộp ô trong vùng dữ liệu.",
    ))


class ImportView(BaseView):
    """Upload → preview → confirm → summary for one kind of import."""

    def __init__(self, kind, **kwargs):
        self.kind = kind
        super().__init__(**kwargs)

    # --- access: exactly whoever may create these records on their screen --

    def writer(self):
        """The registered model view of the records this page creates."""
        for view in self.admin._views:
            if getattr(view, "model", None) is self.kind.module.MODEL:
                return view
        return None

    def is_accessible(self):
        if not current_user.is_authenticated:
            return False
        writer = self.writer()
        return writer is not None and writer.is_accessible() and writer.can_create

    def inaccessible_callback(self, name, **kwargs):
        if current_user.is_authenticated:
            abort(403)
        return redirect(url_for("auth.login", next=request.full_path))

    # --- the pages --------------------------------------------------------

    @expose("/", methods=("GET", "POST"))
    def index(self):
        problems, rows, token, name = [], [], None, None
        if request.method == "POST":
            upload = request.files.get("file")
            if upload is None or not upload.filename:
                problems = [Problem(None, None, TEXT["no_file"])]
            else:
                # Only the base name: it is shown back and kept in the audit trail.
                name = os.path.basename(upload.filename.replace("\\", "/"))[:200]
                data = upload.read()
                records, problems = self.kind.module.read(name, data)
                if problems:
                    problems += self._other_kind(name, data, problems)
                else:
                    rows, problems = self.kind.module.check(records, scope=organisations_in_scope())
                if not problems:
                    token = _keep(self.kind, name, data)
        return self._page(problems=problems, rows=rows, token=token, name=name)

    @expose("/confirm", methods=("POST",))
    def confirm(self):
        token = request.form.get("token", "")
        kept = _kept(self.kind, token)
        if kept is None:
            return self._page(problems=[Problem(None, None, TEXT["lost"])])
        name, data = kept
        try:
            records, problems = self.kind.module.read(name, data)
            if not problems:
                problems, summary = self._write(name, records)
        finally:
            _forget(self.kind, token)
        if problems:
            return self._page(problems=problems, name=name)
        flash(summary.message(), "success")
        return redirect(url_for(".index"))

    def _write(self, name, records):
        """Check again and write in one transaction: (problems, summary)."""
        try:
            with db.atomic() as transaction:
                rows, problems = self.kind.module.check(records, scope=organisations_in_scope())
                if problems:
                    transaction.rollback()
                    return problems, None
                return [], self.kind.module.save(rows, name)
        except IntegrityError:
            return [Problem(None, None, TEXT["conflict"])], None

    @expose("/template.xlsx")
    def template(self):
        return Response(self.kind.module.template_xlsx(), headers={
            "Content-Disposition": f"attachment; filename={self.kind.module.TEMPLATE_NAME}"},
            mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")

    def _page(self, **context):
        problems, rows = context.get("problems") or [], context.get("rows") or []
        hidden = len(rows) - len(rows[:PREVIEW_ROWS])
        return self.render("import_upload.html", kind=self.kind, columns=self.kind.module.COLUMNS,
                           refused=TEXT["refused"].format(count=number(len(problems))),
                           count=number(len(rows)), shown=rows[:PREVIEW_ROWS],
                           more=TEXT["more"].format(shown=number(PREVIEW_ROWS), hidden=number(hidden))
                           if hidden else None,
                           template_name=self.kind.module.TEMPLATE_NAME, **context)

    def _other_kind(self, name, data, problems):
        """A header nobody here expects may be another kind's file: say which."""
        if not problems[0].reason.startswith("Dòng 1 (tiêu đề)"):
            return []
        for view in self.admin._views:
            if not isinstance(view, ImportView) or view.kind is self.kind:
                continue
            if not view.kind.module.read(name, data)[1]:
                hint = TEXT["other_kind"].format(other=view.kind.what, what=self.kind.what)
                if view.is_accessible():
                    hint += TEXT["other_page"].format(page=view.name)
                return [Problem(None, None, hint)]
        return []


# --- uploads waiting for confirmation ---------------------------------------------------

def _folder(kind):
    folder = os.path.join(current_app.config["UPLOAD_FOLDER"], kind.folder)
    os.makedirs(folder, exist_ok=True)
    return folder


def _keep(kind, name, data):
    folder = _folder(kind)
    _sweep(folder)
    token = secrets.token_urlsafe(24)
    with open(os.path.join(folder, token + ".data"), "wb") as fh:
        fh.write(data)
    with open(os.path.join(folder, token + ".json"), "w", encoding="utf-8") as fh:
        json.dump({"name": name, "user": current_user.id, "kind": kind.folder,
                   "sha256": hashlib.sha256(data).hexdigest(), "at": time.time()}, fh)
    return token


def _kept(kind, token):
    """(name, data) of this user's upload of this kind, unchanged and not expired; else None."""
    if not TOKEN.fullmatch(token or ""):
        return None
    base = os.path.join(_folder(kind), token)
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
    if meta.get("user") != current_user.id:
        os.rename(base + ".claimed", base + ".json")  # still its owner's to confirm
        return None
    if (meta.get("kind", kind.folder) != kind.folder or time.time() - meta.get("at", 0) > MAX_AGE
            or hashlib.sha256(data).hexdigest() != meta.get("sha256")):
        _forget(kind, token)  # expired or changed: of no further use
        return None
    return meta["name"], data


def _forget(kind, token):
    for suffix in (".data", ".json", ".claimed"):
        try:
            os.remove(os.path.join(_folder(kind), token + suffix))
        except OSError:
            pass


def _sweep(folder):
    """Uploads never confirmed hold personal data: drop them once expired."""
    limit = time.time() - max(MAX_AGE, 0) * 2
    for entry in os.scandir(folder):
        try:
            if entry.is_file() and entry.stat().st_mtime < limit:
                os.remove(entry.path)
        except OSError:
            pass
