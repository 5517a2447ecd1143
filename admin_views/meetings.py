"""Giao ban meetings: the record, its attending units, and freezing its figures.

A meeting is a bloc-wide record kept by the secretariat and read by everyone.
"Chốt số liệu giao ban" keeps the quarter's totals as read aloud
(portal/meetings/snapshot.py); the meeting's page shows them as read and,
beside them, whatever the live arithmetic now says differently.
"""

from flask import abort, flash, redirect, request
from flask_admin import expose
from flask_login import current_user
from markupsafe import Markup, escape
from wtforms.validators import ValidationError

from admin_views import auditing
from admin_views.access import covers, organisations_in_scope
from admin_views.base import PortalModelView, StaleRecord
from admin_views.filters import choice_filter
from admin_views.report_rules import year_problem
from admin_views.unit_ticks import UnitsField
from models import Meeting, MeetingUnit, Organisation, Task, db
from models.reporting import quarter_label
from portal.meetings import agenda, snapshot
from portal.reporting import data as report_data, formatting

MAX_REASON = 2000


def _frozen(view, context, model, name):
    if not model.frozen_at:
        return Markup('<span class="badge badge-secondary">Chưa chốt</span>')
    return Markup('<span class="badge badge-success">Đã chốt {}</span>').format(
        model.frozen_at.strftime("%H:%M %d/%m/%Y"))


def _lines(view, context, model, name):
    text = getattr(model, name) or ""
    return Markup("<br>").join(escape(line) for line in text.splitlines()) if text else ""


def _quarter(view, context, model, name):
    return quarter_label(model.year, model.quarter)


class Refused(Exception):
    """A freeze the rules refuse; the message is Vietnamese."""


class MeetingView(PortalModelView):
    api_name = "meetings"  # /api/v1/meetings
    access = "catalogue"
    details_template = "admin/meetings/details.html"
    column_list = ("quarter", "title", "held_on", "place", "chair", "frozen_at")
    column_labels = {
        "year": "Năm", "quarter": "Quý", "title": "Tên hội nghị", "held_on": "Ngày họp",
        "place": "Địa điểm", "chair": "Chủ trì",
        "attendees": "Thành phần dự họp (mỗi người một dòng)",
        "attending_units": "Đơn vị dự họp", "agenda": "Chương trình", "assessment": "Đánh giá",
        "conclusions": "Kết luận", "report_number": "Số, ký hiệu báo cáo",
        "notice_number": "Số, ký hiệu thông báo kết luận", "frozen_at": "Số liệu",
        "frozen_by": "Người chốt số liệu", "snapshot": "Số liệu đã chốt",
    }
    column_formatters = {"frozen_at": _frozen, "quarter": _quarter}
    column_details_list = ("year", "quarter", "title", "held_on", "place", "chair", "attendees",
                           "agenda", "assessment", "conclusions", "report_number", "notice_number",
                           "frozen_at", "frozen_by")
    column_formatters_detail = {"frozen_at": _frozen, "quarter": _quarter, "attendees": _lines,
                                "agenda": _lines, "assessment": _lines, "conclusions": _lines}
    # The snapshot is read on the page as a table, and through the API as
    # read-only JSON text: never a form field.
    column_details_exclude_list = ("version", "search_text")
    column_sortable_list = ("held_on", "title")
    column_default_sort = [("year", True), ("quarter", True)]
    column_filters = (Meeting.year, choice_filter(Meeting.quarter, "Quý"))
    form_columns = ("year", "quarter", "title", "held_on", "place", "chair", "attendees", "agenda",
                    "assessment", "conclusions", "report_number", "notice_number")
    form_extra_fields = {"attending_units": UnitsField("Đơn vị dự họp")}
    form_widget_args = {
        "title": {"placeholder": "Ví dụ: Hội nghị giao ban Khối quý II năm 2025"},
        "attendees": {"rows": 5, "placeholder": "Đ/c Nguyễn Văn A, Phó Bí thư Thường trực Tỉnh ủy"},
        "agenda": {"rows": 4}, "assessment": {"rows": 6}, "conclusions": {"rows": 6},
        "report_number": {"placeholder": "Ví dụ: 12/BC-KDV"},
        "notice_number": {"placeholder": "Ví dụ: 15-TB/KDV"},
    }
    search_hint = "tên hội nghị, địa điểm, chủ trì"

    # --- the form: units as ticks, placed after the people present ---------

    def scaffold_form(self):
        form_class = super().scaffold_form()
        # Extra fields come last; the clerk fills the units beside the people.
        form_class.attending_units.creation_counter = form_class.attendees.creation_counter
        form_class._unbound_fields = None
        return form_class

    def _with_units(self, form, chosen=()):
        if "attending_units" in form:
            # A unit recorded earlier and since dissolved stays offered, ticked.
            form.attending_units.offer(chosen)
        return form

    def create_form(self, obj=None):
        form = self._with_units(super().create_form(obj))
        if request.method == "GET":
            # Most meetings: the quarter just reported, every unit present.
            latest = report_data.latest_reported_quarter()
            if latest and "year" in form and form.year.data is None:
                form.year.data, form.quarter.data = latest
            if "attending_units" in form:
                form.attending_units.data = [pk for pk, _ in form.attending_units.choices]
        return form

    def edit_form(self, obj=None):
        chosen = [u.organisation_id for u in obj.units] if obj is not None and obj.id else []
        return self._with_units(super().edit_form(obj), chosen)

    def on_form_prefill(self, form, id):
        if "attending_units" in form:
            form.attending_units.data = [u.organisation_id for u in
                                         MeetingUnit.select().where(MeetingUnit.meeting == int(id))]

    def api_form(self, formdata, obj=None):
        # The API writes the meeting's own columns; its units are kept on screen.
        form = super().api_form(formdata, obj)
        if "attending_units" in form:
            del form["attending_units"]
        return form

    def inline_names(self):
        # The units go into the audit entry of each save, like inline rows.
        return super().inline_names() + ["units"]

    def save_children(self, form, model):
        super().save_children(form, model)
        if "attending_units" not in form:
            return
        wanted = set(form.attending_units.data or ())
        present = {u.organisation_id: u for u in model.units}
        for org_id, row in present.items():
            if org_id not in wanted:
                row.delete_instance()
        for org_id in sorted(wanted - set(present)):
            MeetingUnit.create(meeting=model.id, organisation=org_id)

    # --- rules ---------------------------------------------------------------

    def on_model_change(self, form, model, is_created):
        # Browsers send a textarea's line breaks as CR LF: stored as the
        # demo and the documents write them, a form saved unchanged is unchanged.
        for name in ("attendees", "agenda", "assessment", "conclusions"):
            value = getattr(model, name)
            if value:
                setattr(model, name, value.replace("\r\n", "\n").replace("\r", "\n"))
        super().on_model_change(form, model, is_created)

    def record_problems(self, model):
        problems = super().record_problems(model)
        if model.year is not None and year_problem(model.year):
            problems["year"] = year_problem(model.year)
        elif model.year is not None and model.quarter is not None:
            clash = Meeting.select().where(Meeting.year == model.year, Meeting.quarter == model.quarter)
            if model.id:
                clash = clash.where(Meeting.id != model.id)
            other = clash.first()
            if other is not None:
                problems["quarter"] = (f"Đã có hội nghị giao ban {quarter_label(model.year, model.quarter)} "
                                       f"(«{other}»). Mỗi quý chỉ có một hội nghị giao ban: hãy sửa hội nghị đó.")
        if model.id:
            stored = Meeting.get_by_id(model.id)
            if stored.frozen_at and (stored.year, stored.quarter) != (model.year, model.quarter):
                problems["quarter"] = (f"Hội nghị đã chốt số liệu {quarter_label(stored.year, stored.quarter)}: "
                                       "không đổi năm, quý được nữa.")
        return problems

    def refuse_if_used(self, model):
        if model.frozen_at:
            raise ValidationError(f"Không thể xoá {model}: số liệu đã được chốt tại hội nghị, "
                                  "là số liệu đã công bố.")
        tasks = Task.select().where(Task.meeting == model.id).count()
        if tasks:
            raise ValidationError(f"Không thể xoá {model}: còn {tasks} nhiệm vụ của hội nghị. "
                                  "Hãy xoá các nhiệm vụ đó trước.")

    def on_model_delete(self, model):
        MeetingUnit.delete().where(MeetingUnit.meeting == model.id).execute()

    # --- the page ------------------------------------------------------------

    def render(self, template, **kwargs):
        if template == self.details_template and kwargs.get("model") is not None:
            kwargs.update(self.page_context(kwargs["model"]))
        return super().render(template, **kwargs)

    def page_context(self, meeting):
        """The snapshot as read and what changed since, or the live figures
        before a freeze; each confined user sees live figures of its own
        section only (the figures read aloud were read to everyone)."""
        data = snapshot.load(meeting)
        confined = organisations_in_scope() is not None
        totals = comparison = None
        if data is None:
            totals = snapshot.live_totals(meeting)
            if totals is not None:
                data = snapshot.build_snapshot(meeting, totals)
        else:
            comparison = snapshot.compare(meeting, data)
            comparison.reports = [r for r in comparison.reports if covers(r.report.organisation_id)]
        visible = {row["organisation_id"] for row in data["rows"]
                   if not confined or covers(row["organisation_id"])} if data else set()
        # Before the freeze, the clerk sees which units the table still lacks.
        missing = [row["name"] for row in data["rows"]
                   if not any(v is not None for v in row["values"].values())] \
            if data and meeting.snapshot is None else []
        carried = agenda.carried_over(meeting)
        if confined:
            carried = [a for a in carried if covers(a.organisation_id)]
        return dict(
            figures=data, frozen=meeting.snapshot is not None, comparison=comparison, missing=missing,
            live_visible=visible, show_total_live=not confined, fmt=formatting,
            units=[u.organisation for u in
                   MeetingUnit.select(MeetingUnit, Organisation).join(Organisation)
                   .where(MeetingUnit.meeting == meeting.id).order_by(Organisation.id)],
            carried=agenda.by_unit(carried), may_freeze=self.may_write(),
            quarter_text=quarter_label(meeting.year, meeting.quarter), meeting=meeting,
        )

    @expose("/freeze/", methods=("POST",))
    def freeze(self):
        """Keep the quarter's figures as read at the meeting; again only with a reason."""
        if not self.may_write():
            abort(403)
        meeting = self.get_one(request.args.get("id"))
        if meeting is None:
            flash("Không tìm thấy hội nghị này.", "error")
            return redirect(self.get_url(".index_view"))
        page = self.get_url(".details_view", id=meeting.id)
        again = request.form.get("action") == "refreeze"
        try:
            version = int(request.form.get("version", ""))
        except ValueError:
            version = None
        try:
            with db.atomic():
                data = self._freeze(meeting, version, again, (request.form.get("reason") or "").strip())
        except Refused as refusal:
            flash(str(refusal), "error")
        except StaleRecord as stale:
            self._report_failure(stale, "")
        except snapshot.NothingToFreeze as nothing:
            flash(str(nothing), "error")
        else:
            flash(f"Đã {'chốt lại' if again else 'chốt'} số liệu {data['label']} lúc "
                  f"{meeting.frozen_at:%H:%M %d/%m/%Y}. Số liệu này được giữ nguyên như đã đọc tại hội nghị.",
                  "success")
        return redirect(page)

    def _freeze(self, meeting, version, again, reason):
        if meeting.snapshot and not again:
            raise Refused(f"Số liệu của hội nghị đã được chốt lúc {meeting.frozen_at:%H:%M %d/%m/%Y}. "
                          "Số liệu đã chốt không bị ghi đè; muốn chốt lại, chọn «Chốt lại số liệu» và ghi lý do.")
        if again and not meeting.snapshot:
            raise Refused("Hội nghị chưa chốt số liệu lần nào: hãy bấm «Chốt số liệu giao ban».")
        if again and not reason:
            raise Refused("Cần ghi lý do chốt lại số liệu: số liệu cũ đã được đọc tại hội nghị.")
        if len(reason) > MAX_REASON:
            raise Refused(f"Lý do dài quá: tối đa {MAX_REASON:,} ký tự.".replace(",", "."))
        if version is None:
            raise StaleRecord()
        before = snapshot.load(meeting)
        self._claim_version(meeting, version)
        data = snapshot.take(meeting)
        meeting.frozen_by = current_user.id
        meeting.save()
        changes = {"chot_luc": data["taken_at"], "quy": data["label"]}
        if before is not None:
            # The figures read before are kept whole in the trail: a re-freeze
            # replaces the page's snapshot, never what the record says was read.
            changes.update(chot_lai=True, ly_do=reason, so_lieu_cu=before)
        auditing.record("freeze", meeting, changes=changes)
        return data
