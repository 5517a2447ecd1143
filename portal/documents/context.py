"""What the documents' templates may read: plain dicts and lists, built from the
meeting record, its tasks and the quarter's figures (portal/documents/figures.py).

VARIABLES lists them, in the words the template page shows the secretariat.
"""
from models import Indicator, Meeting, MeetingUnit, Organisation, Setting, Task, TaskAssignment
from models.reporting import QUARTER_NAMES, quarter_label
from portal.documents import figures as quarter_data
from portal.meetings import agenda
from portal.reporting import data, formatting

VARIABLES = [
    ("province", "Tên tỉnh (Cấu hình → Tên tỉnh), ví dụ «Gia Lai»"),
    ("year, quarter", "Năm và quý của hội nghị (số)"),
    ("quarter_label", "«Quý II/2025»"),
    ("quarter_name, next_quarter_name", "«quý II năm 2025», «quý III năm 2025»"),
    ("f.<mã chỉ tiêu>.text", "Số liệu toàn kỳ đã định dạng: «2.407», «77,9%» («–» khi không có số)"),
    ("f.<mã chỉ tiêu>.value", "Số liệu dạng số (none khi không có số), dùng trong {% if %}"),
    ("f.<mã chỉ tiêu>.compare", "So với quý trước: «tăng 120 so với quý trước», «giảm 5 …», "
                                "«bằng quý trước»; rỗng khi không có số quý trước"),
    ("f.<mã chỉ tiêu>.previous_text, .label, .unit", "Số quý trước; tên và đơn vị tính của chỉ tiêu"),
    ("units", "Danh sách đơn vị (mỗi dòng của trang Tổng hợp): u.name, u.code, u.f.<mã>.text"),
    ("units_with.<mã chỉ tiêu>", "Các đơn vị có số liệu chỉ tiêu đó (khác 0)"),
    ("twinning.active_units, twinning.units", "Số đơn vị có quan hệ kết nghĩa / tổng số đơn vị («3/6»)"),
    ("twinning.villages, .activities, .support", "Số thôn, làng kết nghĩa; số hoạt động và số tiền hỗ trợ "
                                                 "(đồng) trong quý"),
    ("tasks", "Nhiệm vụ hội nghị giao: t.title, t.units (các đơn vị thực hiện), t.deadline (dd/mm/yyyy)"),
    ("carried", "Nhiệm vụ của các kỳ trước chưa hoàn thành, chuyển sang hội nghị này: c.title, c.unit, "
                "c.deadline (dd/mm/yyyy), c.status («Chưa thực hiện»…), c.note"),
    ("meeting.title, .held_on, .place, .chair", "Tên, ngày họp, địa điểm, người chủ trì"),
    ("meeting.attendees, meeting.units", "Người dự (mỗi dòng một người) và các đơn vị dự họp (danh sách)"),
    ("meeting.agenda, .assessment, .conclusions", "Chương trình, đánh giá, kết luận (mỗi dòng một đoạn)"),
    ("frozen", "true khi số liệu là số đã chốt tại hội nghị"),
]


def quarter_name(year, quarter):
    return f"quý {QUARTER_NAMES[quarter]} năm {year}"


def next_quarter(year, quarter):
    return (year, quarter + 1) if quarter < 4 else (year + 1, 1)


def day_text(day):
    return day.strftime("%d/%m/%Y") if day else ""


def place_and_date(province, day):
    """"Gia Lai, ngày 15 tháng 7 năm 2025": Nghị định 30 writes a 0 before a
    day under 10 and a month under 3, and leaves the date blank to fill in by hand."""
    if day is None:
        return f"{province}, ngày …… tháng …… năm ……"
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"{province}, ngày {day.day:02d} tháng {month} năm {day.year}"


def _lines(text):
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def meeting_part(meeting):
    if meeting is None:
        return {"title": "", "held_on": "", "place": "", "chair": "", "attendees": [], "units": [],
                "agenda": "", "assessment": "", "conclusions": "", "report_number": "",
                "notice_number": ""}
    units = (Organisation.select(Organisation.name).join(MeetingUnit, on=MeetingUnit.organisation)
             .where(MeetingUnit.meeting == meeting).order_by(Organisation.id))
    return {"title": meeting.title, "held_on": day_text(meeting.held_on), "place": meeting.place,
            "chair": meeting.chair, "attendees": _lines(meeting.attendees),
            "units": [u.name for u in units], "agenda": meeting.agenda or "",
            "assessment": meeting.assessment or "", "conclusions": meeting.conclusions or "",
            "report_number": meeting.report_number, "notice_number": meeting.notice_number}


def task_part(meeting, scope_ids=None):
    """The meeting's tasks with their units; a confined user sees the tasks of
    its own section only, and only its own units beside them."""
    if meeting is None:
        return []
    tasks = []
    for task in Task.select().where(Task.meeting == meeting).order_by(Task.position, Task.id):
        assignments = (TaskAssignment.select(TaskAssignment, Organisation).join(Organisation)
                       .where(TaskAssignment.task == task).order_by(Organisation.id))
        if scope_ids is not None:
            assignments = assignments.where(TaskAssignment.organisation.in_(scope_ids))
        units = [a.organisation.name for a in assignments]
        if scope_ids is not None and not units:
            continue
        tasks.append({"title": task.title, "deadline": day_text(task.deadline), "units": ", ".join(units)})
    return tasks


def carried_part(meeting, scope_ids=None):
    """Tasks of earlier meetings still owed at this one (portal/meetings/agenda.py),
    for a confined user those of its own section only."""
    if meeting is None:
        return []
    found = agenda.carried_over(meeting)
    if scope_ids is not None:
        mine = {row.id for row in Organisation.select(Organisation.id).where(Organisation.id.in_(scope_ids))}
        found = [a for a in found if a.organisation_id in mine]
    return [{"title": a.task.title, "unit": a.organisation.name, "deadline": day_text(a.task.deadline),
             "status": a.status_label, "note": a.note} for a in found]


def build(year, quarter, meeting=None, root=None):
    """The context of (year, quarter), for a user confined to `root` (None: all).
    Raises quarter_data.NoFigures when there is neither a meeting nor a figure."""
    numbers = quarter_data.quarter_figures(year, quarter, meeting, root)
    if not numbers.has_data and meeting is None:
        raise quarter_data.NoFigures(
            f"Chưa có hội nghị giao ban và chưa có số liệu báo cáo đã gửi của {quarter_label(year, quarter)}.")
    scope_ids = Organisation.subtree_ids(root) if root is not None else None
    return assemble(year, quarter, numbers, meeting_part(meeting), task_part(meeting, scope_ids),
                    carried_part(meeting, scope_ids))


def assemble(year, quarter, numbers, meeting, tasks, carried=()):
    indicators, total, previous, rows = numbers.indicators, numbers.total, numbers.previous, numbers.rows
    units = [{"name": row["name"], "code": row["code"],
              "f": quarter_data.figure_entries(indicators, row.get("values") or {})} for row in rows]
    following = next_quarter(year, quarter)
    return {
        "province": Setting.get_value("province_name"),
        "year": year, "quarter": quarter, "quarter_label": quarter_label(year, quarter),
        "quarter_name": quarter_name(year, quarter), "next_quarter_name": quarter_name(*following),
        "next_quarter_label": quarter_label(*following),
        "f": quarter_data.figure_entries(indicators, total, previous),
        "units": units,
        "units_with": {code: [u for u in units if u["f"][code]["value"]] for code, *_ in indicators},
        "twinning": dict(numbers.twinning, support=formatting.number(numbers.twinning.get("support") or 0)),
        "tasks": tasks,
        "carried": list(carried),
        "meeting": meeting,
        "frozen": numbers.frozen,
    }


def latest_meeting():
    return Meeting.select().order_by(Meeting.year.desc(), Meeting.quarter.desc()).first()


def sample(province="Gia Lai"):
    """A made-up quarter that fills every list, so a template is tried on its
    loops even when the real data has no task or unit yet."""
    indicators = [(i.code, i.label, i.unit, i.kind) for i in Indicator.select()]
    values = {code: (77.9 if kind == "ratio" else 1234) for code, _, _, kind in indicators}
    numbers = quarter_data.QuarterFigures(
        parent=None, indicators=indicators, total=values, previous={c: v - 1 for c, v in values.items()},
        rows=[{"organisation_id": 0, "code": "DONVI", "name": "Đơn vị mẫu", "values": values}],
        twinning={"active_units": 1, "units": 1, "villages": 2, "activities": 3, "support": 1000000},
        frozen=True)
    meeting = {"title": "Hội nghị mẫu", "held_on": "15/07/2025", "place": "Hội trường", "chair": "Nguyễn Văn A",
               "attendees": ["Đ/c Nguyễn Thị B"], "units": ["Đơn vị mẫu"], "agenda": "Chương trình",
               "assessment": "Đánh giá", "conclusions": "Kết luận", "report_number": "1/BC",
               "notice_number": "1/TB"}
    tasks = [{"title": "Nhiệm vụ mẫu", "deadline": "30/09/2025", "units": "Đơn vị mẫu"}]
    carried = [{"title": "Nhiệm vụ kỳ trước", "unit": "Đơn vị mẫu", "deadline": "30/06/2025",
                "status": "Đang thực hiện", "note": "Ghi chú mẫu"}]
    context = assemble(2025, 2, numbers, meeting, tasks, carried)
    context["province"] = province
    return context


def preview(root=None):
    """The latest meeting's context (else the latest reported quarter's), for the
    template page's preview; None when the portal holds neither."""
    meeting = latest_meeting()
    if meeting is not None:
        return build(meeting.year, meeting.quarter, meeting, root), meeting
    latest = data.latest_reported_quarter()
    if latest is None:
        return None, None
    return build(*latest, root=root), None

