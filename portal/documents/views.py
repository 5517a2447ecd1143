"""The documents' pages: downloads for a meeting, and "Mẫu văn bản" where the
secretariat edits the texts, previews them and resets them to the default."""
import io

from flask import abort, flash, redirect, request, send_file, url_for
from flask_admin import BaseView, expose
from flask_login import current_user

from admin_views import auditing
from admin_views.access import SignedInPage, scope_root, user_role
from models import Meeting, Setting, db
from portal.documents import context, render, texts
from portal.documents.figures import NoFigures

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
# Everyone who reads meetings and the totals page downloads; editors and
# viewers within their section.
READERS = ("admin", "secretariat", "editor", "viewer")
EDITORS = ("admin", "secretariat")


def _send(data, name):
    return send_file(io.BytesIO(data), as_attachment=True, download_name=name, mimetype=DOCX)


class MeetingDocumentsView(SignedInPage, BaseView):
    """GET …/<meeting id>/report.docx and notice.docx (the meeting page's buttons)."""

    def is_accessible(self):
        return current_user.is_authenticated and user_role() in READERS

    def is_visible(self):
        return False

    @expose("/")
    def index(self):
        # Flask-Admin wants a page here; the documents are reached from each meeting.
        return redirect(url_for("admin.index"))

    def _download(self, meeting_id, kind):
        meeting = Meeting.get_or_none(Meeting.id == meeting_id) or abort(404)
        root = scope_root()
        if user_role() == "editor" and root is None:
            abort(403)  # as the totals page: an editor without a unit reads no figures
        try:
            data, name = render.for_quarter(kind, meeting.year, meeting.quarter, root)
        except (NoFigures, texts.TextProblem) as problem:
            return self.render("documents/problem.html", problem=str(problem), meeting=meeting), 400
        auditing.record("export", meeting, table="meeting",
                        organisation_id=root.id if root is not None else None,
                        note=f"{render.NAMES[kind]} {meeting} (.docx)")
        return _send(data, name)

    @expose("/<int:meeting_id>/report.docx")
    def report(self, meeting_id):
        return self._download(meeting_id, "report")

    @expose("/<int:meeting_id>/notice.docx")
    def notice(self, meeting_id):
        return self._download(meeting_id, "notice")


class DocumentTextsView(SignedInPage, BaseView):
    """Mẫu văn bản: every text of the two documents, with its preview."""

    def is_accessible(self):
        return current_user.is_authenticated and user_role() in EDITORS

    def _text(self):
        return texts.BY_KEY.get(request.form.get("key", "")) or abort(404)

    def _source(self):
        # Browsers send CRLF from a textarea; templates are kept with LF.
        return (request.form.get("source") or "").replace("\r\n", "\n")

    def _page(self, edited=None, preview_of=None, status=200):
        """The page; `edited`: {key: source} shown instead of the stored text
        (a refused save keeps what the user typed)."""
        edited = edited or {}
        shown, from_sample, meeting = None, False, None
        if preview_of is not None:
            latest, meeting = _preview_context()
            kind = _kind(preview_of)
            values = _values(kind, latest, meeting)
            from_sample = values is not latest
            try:
                shown = (kind, render.fields(kind, values, _day(meeting), edited))
            except texts.TextProblem as problem:
                flash(str(problem), "error")
        rows = [{"text": t, "source": edited.get(t.key, texts.stored(t.key)),
                 "custom": Setting.get_or_none(Setting.key == t.key) is not None} for t in texts.TEXTS]
        return self.render("documents/texts.html", rows=rows, variables=context.VARIABLES,
                           preview=shown, preview_key=preview_of, meeting=meeting,
                           from_sample=from_sample, names=render.NAMES), status

    @expose("/")
    def index(self):
        return self._page()

    @expose("/save", methods=("POST",))
    def save(self):
        text, source = self._text(), self._source()
        latest, _ = _preview_context()
        try:
            texts.check(text.key, source, [c for c in (latest, context.sample()) if c is not None])
        except texts.TextProblem as problem:
            flash(f"{problem} Chưa lưu.", "error")
            return self._page({text.key: source}, status=400)
        old = texts.stored(text.key)
        if source != old:
            with db.atomic():
                row = Setting.get_or_none(Setting.key == text.key)
                action = "update" if row is not None else "create"
                if row is None:
                    row = Setting.create(key=text.key, value=source)
                else:
                    Setting.update(value=source).where(Setting.id == row.id).execute()
                auditing.record(action, row, table="setting", changes={text.key: [old, source]})
        flash(f"Đã lưu mẫu «{text.label}».", "success")
        return redirect(url_for(".index") + f"#{text.key}")

    @expose("/reset", methods=("POST",))
    def reset(self):
        text = self._text()
        row = Setting.get_or_none(Setting.key == text.key)
        if row is not None:
            with db.atomic():
                auditing.record("delete", row, table="setting", changes={text.key: [row.value, text.default]})
                row.delete_instance()
        flash(f"Đã khôi phục mẫu mặc định «{text.label}».", "success")
        return redirect(url_for(".index") + f"#{text.key}")

    @expose("/preview", methods=("POST",))
    def preview(self):
        text, source = self._text(), self._source()
        try:
            texts.compile_text(text.key, source)
        except texts.TextProblem as problem:
            flash(str(problem), "error")
            return self._page({text.key: source}, status=400)
        return self._page({text.key: source}, preview_of=text.key)

    @expose("/preview.docx", methods=("POST",))
    def preview_docx(self):
        text, source = self._text(), self._source()
        kind = _kind(text.key)
        latest, meeting = _preview_context()
        values = _values(kind, latest, meeting)
        try:
            data = render.document(kind, values, _day(meeting), {text.key: source})
        except texts.TextProblem as problem:
            flash(str(problem), "error")
            return self._page({text.key: source}, status=400)
        return _send(data, "xem-truoc-" + render.file_name(kind, values["year"], values["quarter"]))


def _preview_context():
    """(context, meeting) of the latest meeting or reported quarter, or (None, None)."""
    try:
        return context.preview()
    except NoFigures:
        return None, None


def _kind(key):
    return "notice" if texts.BY_KEY[key].document == "notice" else "report"


def _values(kind, latest, meeting):
    """What a preview shows: the latest real data, or the sample when there is
    none (or, for the notice, no meeting to take it from)."""
    if latest is None or (kind == "notice" and meeting is None):
        return context.sample(Setting.get_value("province_name"))
    return latest


def _day(meeting):
    return meeting.held_on if meeting is not None else None
