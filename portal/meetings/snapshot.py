"""The figures read aloud at a meeting, kept as read, and what changed since.

`take(meeting)` fills `Meeting.snapshot` from the one arithmetic (the totals
page's `build`, the bloc's units for the meeting's quarter, counted reports
only), with each report's status and version at that moment. Nothing here
ever rewrites a snapshot: `changes` compares it with the live arithmetic
and says what differs, beside it.
"""
import datetime
import json
from dataclasses import dataclass, field

from models import Organisation, QuarterlyReport, ReportingPeriod
from models.reporting import quarter_label
from portal.reporting.totals import Selection, build


class NothingToFreeze(Exception):
    """The quarter has no counted report: there are no figures to keep."""


def bloc_root():
    return Organisation.get_or_none(Organisation.parent.is_null())


def live_totals(meeting):
    """The quarter's totals as the totals page shows them now, or None without a bloc."""
    root = bloc_root()
    if root is None:
        return None
    return build(Selection(root, "quarter", [(meeting.year, meeting.quarter)]))


def quarter_reports(meeting):
    """{report id: (organisation id, status, version)} of every report of the quarter."""
    query = (QuarterlyReport
             .select(QuarterlyReport.id, QuarterlyReport.organisation, QuarterlyReport.status,
                     QuarterlyReport.version)
             .join(ReportingPeriod)
             .where(ReportingPeriod.year == meeting.year, ReportingPeriod.quarter == meeting.quarter))
    return {pk: (org, status, version) for pk, org, status, version in query.tuples()}


def _number(value):
    # Ratios come back as floats; counts as ints. JSON keeps both exactly.
    if value is None or isinstance(value, int):
        return value
    return int(value) if float(value).is_integer() else float(value)


def build_snapshot(meeting, totals, now=None):
    """The snapshot dict (the format agreed with the documents) of `totals`."""
    codes = [i.code for i in totals.indicators]
    parent = totals.selection.parent
    return {
        "taken_at": (now or datetime.datetime.now()).replace(microsecond=0).isoformat(),
        "label": quarter_label(meeting.year, meeting.quarter),
        "year": meeting.year, "quarter": meeting.quarter,
        "parent": {"id": parent.id, "code": parent.code, "name": parent.name},
        "indicators": [{"code": i.code, "label": i.label, "unit": i.unit, "kind": i.kind}
                       for i in totals.indicators],
        "rows": [{"organisation_id": u.id, "code": u.code, "name": u.name,
                  "values": {c: _number(totals.rows[u.id].values.get(c)) for c in codes}}
                 for u in totals.units],
        "total": {c: _number(totals.total.values.get(c)) for c in codes},
        "reports": {str(pk): {"organisation_id": org, "status": status, "version": version}
                    for pk, (org, status, version) in sorted(quarter_reports(meeting).items())},
    }


def take(meeting, now=None):
    """Fill `meeting.snapshot` (and frozen_at) from the live arithmetic; the caller
    saves it in its transaction. Raises NothingToFreeze for a quarter without
    a single submitted or approved report."""
    totals = live_totals(meeting)
    if totals is None or not any(totals.rows[u.id].has_data for u in totals.units):
        raise NothingToFreeze(
            f"Chưa có báo cáo nào của {quarter_label(meeting.year, meeting.quarter)} đã gửi hoặc đã duyệt: "
            "chưa có số liệu để chốt.")
    data = build_snapshot(meeting, totals, now)
    meeting.snapshot = json.dumps(data, ensure_ascii=False)
    meeting.frozen_at = datetime.datetime.fromisoformat(data["taken_at"])
    return data


def load(meeting):
    """The parsed snapshot, or None for a meeting not frozen."""
    if not meeting.snapshot:
        return None
    return json.loads(meeting.snapshot)


# --- what changed after the meeting ----------------------------------------

@dataclass
class Change:
    read: object      # the figure as read at the meeting
    now: object       # the figure the arithmetic gives today

    @property
    def difference(self):
        if self.read is None or self.now is None:
            return None
        return self.now - self.read


@dataclass
class ReportChange:
    report: QuarterlyReport
    before: dict      # the snapshot's {"status", "version"}, or None for a report made since
    what: str         # in Vietnamese: what happened to it


@dataclass
class Comparison:
    cells: dict = field(default_factory=dict)     # {(organisation id or "total", code): Change}
    reports: list = field(default_factory=list)   # [ReportChange]
    units_now: set = field(default_factory=set)   # row units the live arithmetic still has


def _same(a, b):
    if a is None or b is None:
        return a is b
    return abs(a - b) < 1e-9


STATUS_LABELS = dict(QuarterlyReport.status.choices)


def compare(meeting, data):
    """What the live arithmetic and the quarter's reports say now, against `data`."""
    result = Comparison()
    totals = live_totals(meeting)
    if totals is not None:
        result.units_now = set(totals.rows)
        for row in data["rows"]:
            live = totals.rows.get(row["organisation_id"])
            for code, read in row["values"].items():
                now = _number(live.values.get(code)) if live is not None else None
                if not _same(read, now):
                    result.cells[(row["organisation_id"], code)] = Change(read, now)
        for code, read in data["total"].items():
            now = _number(totals.total.values.get(code))
            if not _same(read, now):
                result.cells[("total", code)] = Change(read, now)
    then = data.get("reports", {})
    now = quarter_reports(meeting)
    changed = [pk for pk, (org, status, version) in now.items()
               if str(pk) not in then or (then[str(pk)]["status"], then[str(pk)]["version"]) != (status, version)]
    reports = {r.id: r for r in QuarterlyReport.select().where(QuarterlyReport.id.in_(changed))} if changed else {}
    for pk in sorted(changed, key=lambda pk: (reports[pk].organisation.code, pk)):
        before = then.get(str(pk))
        result.reports.append(ReportChange(reports[pk], before, _what(before, now[pk])))
    return result


def _what(before, now):
    _org, status, version = now
    if before is None:
        return f"Báo cáo mới sau giao ban ({STATUS_LABELS[status]})"
    if before["status"] != status:
        return f"{STATUS_LABELS[before['status']]} → {STATUS_LABELS[status]}"
    # Same status, new version: reopened and approved again, or its figures corrected.
    return f"Đã sửa sau giao ban, hiện: {STATUS_LABELS[status]}"
