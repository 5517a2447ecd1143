"""/admin/task-board/: every task by unit and status (Bảng theo dõi nhiệm vụ).

The secretariat sees all units; an editor or a unit's viewer the same board
for its own section (task_status.assignments narrows it). Filters choose a
meeting, the quarter the deadlines fall in, or a unit; a filter value outside
the user's reach is answered with an empty board, never a wider one.
"""
import datetime
import re

from flask import request
from flask_admin import BaseView, expose

from admin_views import task_status
from admin_views.access import SignedInPage, organisations_in_scope
from admin_views.listing import record_id
from models import Organisation
from models.meeting import TASK_STATUS_CHOICES, Task, TaskAssignment
from models.reporting import quarter_label

QUARTER = re.compile(r"^(\d{4})-([1-4])$")


class TaskBoardView(SignedInPage, BaseView):
    @expose("/")
    def index(self):
        today = datetime.date.today()
        meeting_id = record_id(request.args.get("meeting"))
        year, quarter = _quarter(request.args.get("quarter"))
        code = (request.args.get("unit") or "").strip().upper()
        units = self.units()
        unit = next((u for u in units if u.code == code), None) if code else None
        if code and unit is None:
            found = []  # a unit outside the section (or none such) shows nothing
        else:
            found = list(task_status.assignments(meeting_id=meeting_id, year=year, quarter=quarter, unit=unit))
        return self.render(
            "admin/tasks/board.html", board=task_status.board(found, today),
            statuses=TASK_STATUS_CHOICES, badges=task_status.STATUS_BADGES,
            deadline_text=task_status.deadline_text, overdue_days=task_status.overdue_days,
            meetings=task_status.meeting_choices(), quarters=self.quarters(), units=units,
            chosen={"meeting": meeting_id, "quarter": f"{year}-{quarter}" if year else "", "unit": code},
            export_args=self.export_args(meeting_id, code if unit is not None else ""),
        )

    @staticmethod
    def units():
        """Units holding tasks, within the user's section, by code."""
        assigned = TaskAssignment.select(TaskAssignment.organisation).distinct()
        ids = organisations_in_scope()
        if ids is not None:
            assigned = assigned.where(TaskAssignment.organisation.in_(ids))
        return list(Organisation.select().where(Organisation.id.in_(assigned)).order_by(Organisation.code))

    @staticmethod
    def quarters():
        """("2025-3", "Quý III/2025") of the quarters any deadline falls in, newest first."""
        found = set()
        for (deadline,) in Task.select(Task.deadline).distinct().tuples():
            if isinstance(deadline, str):
                deadline = datetime.date.fromisoformat(deadline[:10])
            found.add((deadline.year, (deadline.month - 1) // 3 + 1))
        return [(f"{y}-{q}", quarter_label(y, q)) for y, q in sorted(found, reverse=True)]

    @staticmethod
    def export_args(meeting_id, code):
        """The task list's filters matching the board's (TaskAssignmentView.column_filters)."""
        args = {}
        if meeting_id is not None:
            args["flt0_0"] = meeting_id
        if code:
            args["flt1_1"] = code
        return args




def _quarter(value):
    match = QUARTER.match((value or "").strip())
    return (int(match.group(1)), int(match.group(2))) if match else (None, None)
