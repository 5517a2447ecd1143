"""Reminders of the meeting's tasks: due within a week, and overdue.

Each assignment still owed (not started or in progress) whose deadline is at
most DUE_SOON_DAYS away tells its unit's editors once ("task_due"), and once
more when the deadline has passed ("task_overdue"). The key carries the
deadline, so a task given a new deadline reminds again for the new one.
"""
import datetime

from models import Organisation
from models.meeting import Task, TaskAssignment
from portal.notifications import centre
from portal.notifications.reminders import DUE_SOON_DAYS, Reminder, register

OWED = ("not_started", "in_progress")

TEXT = {
    "due_title": "Nhiệm vụ của {unit} sắp đến hạn ({deadline})",
    "due_body": "Nhiệm vụ “{task}” giao cho {name} có thời hạn {deadline} ({left}). Hãy cập nhật tiến độ.",
    "left": "còn {days} ngày",
    "today": "hôm nay là hạn cuối",
    "overdue_title": "Nhiệm vụ của {unit} đã quá hạn {days} ngày",
    "overdue_body": ("Nhiệm vụ “{task}” giao cho {name} có thời hạn {deadline}, đã quá {days} ngày mà "
                     "chưa báo hoàn thành. Hãy cập nhật tiến độ (nếu không hoàn thành, ghi rõ lý do)."),
}


@register
def task_deadlines(today):
    """The owed assignments whose deadline is near or past, for units with editors."""
    found = (TaskAssignment.select(TaskAssignment, Task, Organisation)
             .join(Task).switch(TaskAssignment).join(Organisation)
             .where(TaskAssignment.status.in_(OWED),
                    Task.deadline <= today + datetime.timedelta(days=DUE_SOON_DAYS))
             .order_by(Task.deadline, TaskAssignment.id))
    editors = {}
    for assignment in found:
        unit_id = assignment.organisation_id
        if unit_id not in editors:
            editors[unit_id] = centre.unit_editors(unit_id)
        if editors[unit_id]:
            yield _reminder(editors[unit_id], assignment, today)


def _reminder(user_ids, assignment, today):
    task, unit = assignment.task, assignment.organisation
    days = (task.deadline - today).days
    title = task.title if len(task.title) <= 120 else task.title[:119] + "…"
    words = {"unit": unit.code, "name": unit.name, "task": title, "deadline": f"{task.deadline:%d/%m/%Y}"}
    if days < 0:
        kind = "task_overdue"
        subject = TEXT["overdue_title"].format(days=-days, **words)
        body = TEXT["overdue_body"].format(days=-days, **words)
    else:
        kind = "task_due"
        left = TEXT["left"].format(days=days) if days else TEXT["today"]
        subject = TEXT["due_title"].format(**words)
        body = TEXT["due_body"].format(left=left, **words)
    link = centre.link_to("taskassignment.edit_view", id=assignment.id)
    return Reminder(user_ids, kind, f"{kind}:{assignment.id}:{task.deadline.isoformat()}", subject, body, link)
