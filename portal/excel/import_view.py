"""Upload pages for imports: upload → preview → confirm → summary.

One view class serves every kind of import. A kind is a module with the
interface members, villages and organisations share (MODEL, COLUMNS,
TEMPLATE_NAME, read, check, save, template_xlsx) plus the words of its page
(`ImportKind`). Whoever may create the kind's records through their own
screen may import them, within the same section.

The uploaded file is kept under a random token (portal/excel/uploads.py); the
confirmation names only the token, and the file is checked again in full
(scope, duplicates, codes) inside the transaction that writes it. A token of
another user or another kind, a changed file or an expired upload is refused.
A file with more rows than IMPORT_MAX_SYNC_ROWS is checked, and then written,
by background jobs (portal/excel/import_jobs.py); the page shows what the
check found from `?job=<id>`, to the job's owner only.
"""
import logging
import os
from dataclasses import dataclass
from types import ModuleType

from flask import Response, abort, flash, redirect, request, url_for
from flask_admin import BaseView, expose
from flask_login import current_user
from peewee import IntegrityError

from admin_views.access import organisations_in_scope
from models import db
from models.geography import VILLAGE_KIND_CHOICES
from models.organisation import KIND_CHOICES, LEVEL_CHOICES
from portal.excel import import_jobs, member_import, organisation_import, uploads, village_import
from portal.reporting.import_file import Problem, number

log = logging.getLogger(__name__)

PREVIEW_ROWS = 1000  # rows listed in a preview; every bad row is always listed

TEXT = {
    "no_file": "Chưa chọn tệp để nhập.",
    "refused": "Tệp có {count} lỗi; chưa ghi gì. Hãy sửa các dòng dưới đây rồi tải lên lại cả tệp.",
    "lost": ("Không tìm thấy tệp đã tải lên (đã nhập, đã quá hạn hoặc không phải của bạn): "
             "hãy tải tệp lên lại."),
    "conflict": ("Trong lúc ghi, dữ liệu trùng với một bản ghi vừa được thêm (ví dụ một mã đã "
                 "có người dùng). Chưa ghi gì: hãy tải tệp lên lại để kiểm tra."),
    "unwritable": ("Không ghi được tệp tải lên vào thư mục lưu tạm của máy chủ (ổ đĩa đầy hoặc chỉ cho "
                   "phép đọc); chưa ghi gì. Hãy liên hệ quản trị."),
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
        if request.method == "GET" and "job" in request.args:
            return self._job_result(request.args.get("job", type=int))
        problems, rows, token, name = [], [], None, None
        if request.method == "POST":
            upload = request.files.get("file")
            if upload is None or not upload.filename:
                problems = [Problem(None, None, TEXT["no_file"])]
            else:
                # Only the base name: it is shown back and kept in the audit trail.
                name = os.path.basename(upload.filename.replace("\\", "/"))[:200]
                data = upload.read()
                large = import_jobs.too_large(name, data)
                if large:
                    token = self._keep_upload(name, data)
                    if token is None:
                        return self._page(problems=[Problem(None, None, TEXT["unwritable"])])
                    return import_jobs.start(self, "check", token, name, large)
                rows, problems = self.check_file(name, data)
                if not problems:
                    token = self._keep_upload(name, data)
                    if token is None:
                        rows, problems = [], [Problem(None, None, TEXT["unwritable"])]
        return self._page(problems=problems, rows=rows, token=token, name=name)

    def _keep_upload(self, name, data):
        """The upload's token, or None when the upload folder refuses it (full, read-only)."""
        try:
            return uploads.keep(self.kind.folder, name, data)
        except OSError as error:
            log.error("an import upload could not be kept: %s", error)
            return None

    @expose("/confirm", methods=("POST",))
    def confirm(self):
        token = request.form.get("token", "")
        kept = uploads.claim(self.kind.folder, token)
        if kept is None:
            return self._page(problems=[Problem(None, None, TEXT["lost"])])
        name, data = kept
        large = import_jobs.too_large(name, data)
        if large:
            return import_jobs.start(self, "write", token, name, large)
        try:
            problems, summary = self.write_file(name, data)
        finally:
            uploads.forget(self.kind.folder, token)
        if problems:
            return self._page(problems=problems, name=name)
        flash(summary.message(), "success")
        return redirect(url_for(".index"))

    def _job_result(self, job_id):
        """What this user's check job found, as the page shows it for a small file."""
        job = import_jobs.own_job(self, job_id)
        if job is None:
            abort(404)
        result = import_jobs.result_of(job)
        if result is None:  # still running, or nothing (left) to show: the job's page says
            return redirect(url_for("jobs.job", job_id=job.id))
        return self._page(**result)

    # --- the work, in a request or in a job (progress: portal.excel.progress) ----------

    def check_file(self, name, data, progress=None):
        """Read and check an uploaded file: (rows, problems)."""
        records, problems = self.kind.module.read(name, data, progress=progress)
        if problems:
            return [], problems + self._other_kind(name, data, problems)
        return self.kind.module.check(records, scope=organisations_in_scope(), progress=progress)

    def write_file(self, name, data, progress=None):
        """Read the file again, check it and write it in one transaction: (problems, summary)."""
        records, problems = self.kind.module.read(name, data, progress=progress)
        if problems:
            return problems, None
        try:
            with db.atomic() as transaction:
                rows, problems = self.kind.module.check(records, scope=organisations_in_scope(),
                                                        progress=progress)
                if problems:
                    transaction.rollback()
                    return problems, None
                return [], self.kind.module.save(rows, name, progress=progress)
        except IntegrityError:
            return [Problem(None, None, TEXT["conflict"])], None

    @staticmethod
    def shown(rows):
        """The rows a preview lists, as plain data a job can keep."""
        return [{"line": row.line, "label": row.label, "notes": row.notes}
                for row in rows[:PREVIEW_ROWS]]

    @expose("/template.xlsx")
    def template(self):
        return Response(self.kind.module.template_xlsx(), headers={
            "Content-Disposition": f"attachment; filename={self.kind.module.TEMPLATE_NAME}"},
            mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")

    def _page(self, problems=(), rows=(), shown=None, count=None, **context):
        """The page; a job's result brings the `shown` rows and their `count` instead of `rows`."""
        shown = self.shown(rows) if shown is None else shown
        count = len(rows) if count is None else count
        hidden = count - len(shown)
        return self.render("import_upload.html", kind=self.kind, columns=self.kind.module.COLUMNS,
                           problems=problems, count=number(count), shown=shown,
                           refused=TEXT["refused"].format(count=number(len(problems))),
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

