"""The upload page for quarterly figures: the command-line import, in the portal.

The file is read and checked by the same functions as `flask import reports`;
an editor's file may only name organisations of its own section (any other
code reads as unknown), and nothing is written unless every row is right.
"""
import os

from flask import Response, flash, redirect, request, url_for
from flask_admin import expose
from flask_login import current_user

from admin_views import report_rules
from admin_views.access import organisations_in_scope, user_role
from models import Indicator
from models.reporting import KIND_CHOICES
from portal.reporting import importer
from portal.reporting.totals_view import ReportPage

# The secretariat back-fills the whole bloc; editors their own section.
IMPORT_ROLES = {"admin", "secretariat", "editor"}
TEMPLATE_NAME = "mau-nhap-so-lieu-bao-cao.csv"

TEXT = {
    "no_file": "Chưa chọn tệp để nhập.",
    "refused": "Tệp có {count} lỗi; chưa ghi gì. Hãy sửa các dòng dưới đây rồi nhập lại cả tệp.",
}


class ReportImportView(ReportPage):
    def is_accessible(self):
        return current_user.is_authenticated and user_role() in IMPORT_ROLES

    @expose("/", methods=("GET", "POST"))
    def index(self):
        problems = []
        if request.method == "POST":
            upload = request.files.get("file")
            dry_run = bool(request.form.get("dry_run"))
            approve, reason = bool(request.form.get("approve")), request.form.get("reason", "")
            refusal = report_rules.import_problem(user_role(), approve, reason)
            if refusal:
                problems = [importer.Problem(None, None, refusal)]
            elif upload is None or not upload.filename:
                problems = [importer.Problem(None, None, TEXT["no_file"])]
            else:
                # Only the base name: it is shown back and kept in the audit trail.
                name = os.path.basename(upload.filename.replace("\\", "/"))[:200]
                problems = self._import(name, upload.read(), dry_run, approve, reason.strip()[:500])
                if not problems:
                    return redirect(url_for(".index"))
        return self.render("reports_import.html", problems=problems,
                           refused=TEXT["refused"].format(count=importer.number(len(problems))),
                           columns=importer.COLUMNS, indicators=_importable_indicators(),
                           kinds=dict(KIND_CHOICES), template_name=TEMPLATE_NAME,
                           may_backfill=user_role() in report_rules.BACKFILLERS,
                           may_draft=user_role() in report_rules.FIGURE_WRITERS,
                           form=request.form)

    @staticmethod
    def _import(name, data, dry_run, approve, reason):
        rows, problems = importer.load(name, data, scope=organisations_in_scope(), role=user_role(),
                                       approve=approve)
        if problems:
            return problems
        try:
            summary = importer.save(rows, name, dry_run=dry_run, approve=approve, reason=reason)
        except importer.ImportConflict as conflict:
            return [importer.Problem(None, None, str(conflict))]
        flash(summary.message(dry_run), "success")
        return []

    @expose("/template.csv")
    def template(self):
        # A BOM so that Excel opens the UTF-8 file with the right encoding.
        body = "\ufeff" + ",".join(importer.COLUMNS) + "\r\n"
        return Response(body, mimetype="text/csv; charset=utf-8", headers={
            "Content-Disposition": f"attachment; filename={TEMPLATE_NAME}"})


def _importable_indicators():
    """What a file may name: indicators in force, ratios excepted (computed)."""
    return [i for i in Indicator.in_force() if i.kind != "ratio"]
