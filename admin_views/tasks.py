"""The meeting's tasks (nhiệm vụ) and each unit's part in them.

The secretariat writes a task with the units it is assigned to (one
TaskAssignment per unit, written with the task in one transaction); each
unit's editors then report their progress on their own assignment, and every
report is kept as a TaskUpdate (the history: who, when, status, note, file).

An editor reads the tasks assigned to its section only: a task is a shared
record, but what the bloc asked of other units is theirs to report on, and
the board, the list and the export all say the same thing.
"""
import datetime

from flask import has_request_context, request
from flask_admin.contrib.peewee.filters import BasePeeweeFilter
from flask_login import current_user
from markupsafe import Markup, escape
from wtforms.validators import ValidationError

from admin_views import task_status
from admin_views.access import organisations_in_scope
from admin_views.base import PortalModelView, attach_related
from admin_views.fields import AttachmentField, attachment_link
from admin_views.filters import InSubtreeFilter, choice_filter
from admin_views.listing import record_id
from admin_views.unit_ticks import UnitsField
from models import Meeting, Organisation
from models.meeting import TASK_STATUS_LABELS, Task, TaskAssignment, TaskUpdate

TEXT = {
    "units": "Đơn vị được giao",
    "pick_units": "Hãy chọn ít nhất một đơn vị được giao.",
    "keep_unit": ("Không thể bỏ {unit} khỏi nhiệm vụ: đơn vị đã cập nhật tiến độ {count} lần. "
                  "Lịch sử cập nhật phải được giữ lại."),
    "used_task": ("Không thể xoá nhiệm vụ “{task}”: các đơn vị đã cập nhật tiến độ {count} lần. "
                  "Lịch sử cập nhật phải được giữ lại."),
    "why_failed": "Khi báo “Không hoàn thành”, hãy ghi rõ lý do ở phần ghi chú.",
}


class _MeetingOptions:
    """The meetings as filter options, read again on every list (Flask-Admin
    keeps a view's filter options from its start-up otherwise). Outside a
    request (the API document, built at start-up) there are none to list:
    meetings are added all the time, so no fixed set of ids is promised."""

    def __bool__(self):
        return has_request_context()

    def __iter__(self):
        return iter(task_status.meeting_choices())


class MeetingFilter(BasePeeweeFilter):
    """Rows of one meeting, chosen by name; a forged id is no row."""

    def __init__(self, column, name):
        super().__init__(column, name, options=_MeetingOptions())

    def get_options(self, view):
        return self.options

    def validate(self, value):
        return record_id(value) is not None

    def clean(self, value):
        return record_id(value)

    def apply(self, query, value):
        return query.where(self.column == value)

    def operation(self):
        return "là"


def _units_list(view, context, model, name):
    """The task's units and their status, as badges (in the user's section)."""
    found = getattr(model, "_shown_assignments", None)
    if found is None:
        found = list(_scoped_assignments(model.id))
    return Markup(" ").join(
        Markup('<span class="badge badge-{}" title="{}">{}: {}</span>').format(
            task_status.STATUS_BADGES[a.status], escape(a.organisation.name),
            a.organisation.code, a.status_label)
        for a in found)


def _scoped_assignments(task_ids):
    ids = task_ids if isinstance(task_ids, (list, set, tuple)) else [task_ids]
    query = (TaskAssignment.select(TaskAssignment, Organisation).join(Organisation)
             .where(TaskAssignment.task.in_(list(ids))).order_by(Organisation.code))
    scope = organisations_in_scope()
    if scope is not None:
        query = query.where(TaskAssignment.organisation.in_(scope))
    return query


class TaskView(PortalModelView):
    api_name = "tasks"  # /api/v1/tasks: the task itself; its units through /task-assignments
    access = "catalogue"
    column_list = ("meeting", "position", "title", "deadline", "units")
    column_labels = {
        "meeting": "Hội nghị giao ban", "position": "Thứ tự", "title": "Nội dung nhiệm vụ",
        "deadline": "Thời hạn", "units": TEXT["units"], "assignments": TEXT["units"],
    }
    column_sortable_list = ("position", "deadline")
    column_default_sort = [("deadline", False), ("position", False)]
    column_filters = (MeetingFilter(Task.meeting, "Hội nghị giao ban"),
                      Task.deadline)
    column_formatters = {"units": _units_list}
    column_details_list = ("meeting", "position", "title", "deadline", "units")
    column_formatters_detail = {"units": _units_list}
    column_formatters_export = {"units": lambda v, c, m, n: ", ".join(
        f"{a.organisation.code}: {a.status_label}" for a in _scoped_assignments(m.id))}
    column_export_list = ("meeting", "position", "title", "deadline", "units")
    form_columns = ("meeting", "position", "title", "deadline")
    form_widget_args = {"title": {"rows": 3}}
    search_hint = "nội dung nhiệm vụ"

    # --- scope: an editor's tasks are those of its section -----------------------------

    def get_query(self):
        query = super().get_query()
        ids = organisations_in_scope()
        if ids is None:
            return query
        return query.where(Task.id.in_(
            TaskAssignment.select(TaskAssignment.task).where(TaskAssignment.organisation.in_(ids))))

    def get_list(self, page, sort_column, sort_desc, search, filters, execute=True, page_size=None):
        count, rows = super().get_list(page, sort_column, sort_desc, search, filters, execute, page_size)
        if execute and rows:
            found = {}
            for assignment in _scoped_assignments([row.id for row in rows]):
                found.setdefault(assignment.task_id, []).append(assignment)
            for row in rows:
                row._shown_assignments = found.get(row.id, [])
        return count, rows

    # --- the units, a field of the form written as rows of their own -------------------

    def scaffold_form(self):
        form_class = super().scaffold_form()
        form_class.units = UnitsField(TEXT["units"], required=TEXT["pick_units"])
        return form_class

    def create_form(self, obj=None):
        form = super().create_form(obj)
        self._offer_units(form, None)
        if request.method == "GET" and "meeting" in request.args and "meeting" in form:
            meeting = Meeting.get_or_none(Meeting.id == record_id(request.args.get("meeting")))
            if meeting is not None:
                form.meeting.data = meeting
        return form

    def edit_form(self, obj=None):
        form = super().edit_form(obj)
        self._offer_units(form, obj)
        return form

    def _offer_units(self, form, obj):
        if "units" not in form:
            return
        current = [a.organisation_id for a in obj.assignments] if obj is not None else []
        form.units.offer(current)
        if request.method == "GET":
            form.units.data = current

    def api_form(self, formdata, obj=None):
        # A JSON list is no form value: the API writes the task's own columns,
        # and reads its units' progress through /api/v1/task-assignments.
        form = super().api_form(formdata, obj)
        if "units" in form:
            del form["units"]
        return form

    def inline_names(self):
        # The audit entry of a task shows its units before and after.
        return ["assignments"]

    def save_children(self, form, model):
        super().save_children(form, model)
        if "units" not in form:
            return
        wanted = set(form.units.data or ())
        existing = {a.organisation_id: a for a in model.assignments}
        for unit_id, assignment in existing.items():
            if unit_id in wanted:
                continue
            updates = TaskUpdate.select().where(TaskUpdate.assignment == assignment.id).count()
            if updates:
                raise ValidationError(TEXT["keep_unit"].format(
                    unit=assignment.organisation.name, count=updates))
            assignment.delete_instance()
        for unit_id in sorted(wanted - set(existing)):
            TaskAssignment.create(task=model.id, organisation=unit_id)

    def refuse_if_used(self, model):
        # The units' assignments belong to the task; their history does not.
        updates = (TaskUpdate.select().join(TaskAssignment)
                   .where(TaskAssignment.task == model.id).count())
        if updates:
            raise ValidationError(TEXT["used_task"].format(task=model, count=updates))

    def on_model_delete(self, model):
        super().on_model_delete(model)
        TaskAssignment.delete().where(TaskAssignment.task == model.id).execute()


def _task_text(view, context, model, name):
    return model.task.title


def _meeting_of(view, context, model, name):
    return str(model.task.meeting)


def _deadline_of(view, context, model, name):
    deadline = model.task.deadline
    late = task_status.deadline_text(model, datetime.date.today())
    cls = "text-danger" if late.startswith("Quá hạn") else "text-muted"
    return Markup('{} <span class="small {}">{}</span>').format(
        deadline.strftime("%d/%m/%Y"), cls, late)


class TaskAssignmentView(PortalModelView):
    api_name = "task-assignments"  # /api/v1/task-assignments
    access = "owned"
    scope_field = TaskAssignment.organisation
    # Assignments come from the task (the secretariat's); a unit only reports on its own.
    can_create = False
    can_delete = False
    column_list = ("meeting", "task", "organisation", "deadline", "status", "note", "updated_at")
    column_labels = {
        "meeting": "Hội nghị giao ban", "task": "Nhiệm vụ", "organisation": "Đơn vị",
        "deadline": "Thời hạn", "status": "Tình trạng", "note": "Ghi chú",
        "attachment": "Tệp đính kèm", "updated_at": "Cập nhật lần cuối",
    }
    column_sortable_list = ("status", "updated_at")
    column_filters = (
        MeetingFilter(Task.meeting, "Hội nghị giao ban"),
        InSubtreeFilter(TaskAssignment.organisation, "Đơn vị"),
        choice_filter(TaskAssignment.status, "Tình trạng"),
        Task.deadline,
    )
    column_formatters = {"meeting": _meeting_of, "task": _task_text, "deadline": _deadline_of,
                         "attachment": attachment_link}
    column_details_list = ("meeting", "task", "organisation", "deadline", "status", "note", "attachment",
                           "updated_at")
    column_formatters_detail = column_formatters
    # The Excel list: meeting, task, unit, deadline, status, note, last update.
    column_export_list = ("meeting", "task", "organisation", "deadline", "status", "note", "updated_at")
    column_formatters_export = {
        "meeting": lambda v, c, m, n: str(m.task.meeting),
        "task": lambda v, c, m, n: m.task.title,
        "deadline": lambda v, c, m, n: m.task.deadline,
    }
    form_columns = ("status", "note", "attachment")
    form_overrides = {"attachment": AttachmentField}
    form_args = {"attachment": {"subdir": "tasks", "kept_by": (TaskUpdate.attachment,)}}
    form_widget_args = {"note": {"rows": 4, "placeholder": "Kết quả, khó khăn, lý do (nếu không hoàn thành)…"}}
    # The history's status names, for its template.
    status_labels = TASK_STATUS_LABELS
    details_template = "admin/tasks/assignment_details.html"
    edit_template = "admin/tasks/assignment_edit.html"
    list_template = "admin/tasks/assignment_list.html"

    def get_query(self):
        return super().get_query().join_from(TaskAssignment, Task)

    def _handle_join(self, query, field, joins):
        # get_query joins the task already: filters and searches on it reuse that join.
        if getattr(field, "model", None) is Task:
            return query
        return super()._handle_join(query, field, joins)

    def attach_export_related(self, rows):
        rows = super().attach_export_related(rows)
        attach_related([row.task for row in rows], Task)
        return rows

    def get_list(self, page, sort_column, sort_desc, search, filters, execute=True, page_size=None):
        count, rows = super().get_list(page, sort_column, sort_desc, search, filters, execute, page_size)
        if execute and rows:
            attach_related([row.task for row in rows], Task)
        return count, rows

    def history(self, model):
        """The unit's updates on this assignment, newest first, with their authors."""
        return list(TaskUpdate.select().where(TaskUpdate.assignment == model.id)
                    .order_by(TaskUpdate.created_at.desc(), TaskUpdate.id.desc()))

    def on_model_change(self, form, model, is_created):
        super().on_model_change(form, model, is_created)
        if model.status == "failed" and not (model.note or "").strip():
            if "note" in form:
                form.note.errors = list(form.note.errors) + [TEXT["why_failed"]]
            raise ValidationError(TEXT["why_failed"])
        stored = TaskAssignment.get_by_id(model.id)
        changed = (model.status != stored.status or (model.note or "") != (stored.note or "")
                   or model.attachment != stored.attachment)
        if not changed:
            return  # saved unchanged: nothing reported, nothing in the history
        model.updated_at = datetime.datetime.now()
        TaskUpdate.create(
            assignment=model.id, organisation=model.organisation_id, status=model.status,
            note=model.note or "",
            attachment=model.attachment if model.attachment != stored.attachment else None,
            author=current_user.id if current_user.is_authenticated else None,
            created_at=model.updated_at)


