"""The next meeting's agenda: the tasks still owed from earlier meetings.

Computed each time from the assignments' own status, never copied: a unit
that marks its task done takes it off every later agenda at once.
"""
import datetime

from models import Meeting, Organisation, Task, TaskAssignment
from models.meeting import UNFINISHED


def _quarter_index(year, quarter):
    return year * 4 + quarter


def carried_over(meeting, today=None):
    """The TaskAssignments of meetings before `meeting` (by quarter) still
    unfinished whose deadline fell before this meeting's date, or reported
    "failed" (whatever the deadline), with task and unit loaded; by unit, then
    deadline. Each carries `overdue` (its deadline before `today`)."""
    today = today or datetime.date.today()
    earlier = (Meeting.year * 4 + Meeting.quarter) < _quarter_index(meeting.year, meeting.quarter)
    query = (TaskAssignment
             .select(TaskAssignment, Task, Organisation, Meeting)
             .join(Task).join(Meeting)
             .switch(TaskAssignment).join(Organisation)
             .where(earlier, TaskAssignment.status.in_(UNFINISHED),
                    (Task.deadline < meeting.held_on) | (TaskAssignment.status == "failed"))
             .order_by(Organisation.code, Task.deadline, Meeting.year, Meeting.quarter, Task.position,
                       TaskAssignment.id))
    found = list(query)
    for assignment in found:
        assignment.overdue = assignment.is_overdue(today)
    return found


def by_unit(assignments):
    """[(organisation, [assignments])] in the order given."""
    groups = {}
    for assignment in assignments:
        groups.setdefault(assignment.organisation.id, (assignment.organisation, []))[1].append(assignment)
    return list(groups.values())
