"""The quarter's figures as the documents state them.

Never computed here: a frozen meeting's figures are its snapshot (the totals as
read aloud); otherwise they come from portal/reporting/totals.py `build`, the
totals page's own arithmetic, with the page's scoping: a user confined to a
unit gets exactly what that user's totals page shows (the unit's own figure,
its children as rows), never the bloc's.
"""
import json
from dataclasses import dataclass

from models import Indicator, Meeting, Organisation
from portal.reporting import formatting, panels
from portal.reporting.totals import Selection, build


class NoFigures(LookupError):
    """Nothing to report for the quarter: the message is Vietnamese."""


@dataclass
class QuarterFigures:
    parent: Organisation
    # (code, label, unit, kind) of every indicator the figures may name.
    indicators: list
    total: dict
    previous: dict
    # [{"organisation_id", "code", "name", "values"}], one per row of the totals page.
    rows: list
    twinning: dict
    frozen: bool = False
    taken_at: str = ""
    # Some report counts in the quarter (or the meeting froze its figures).
    has_data: bool = True


def bloc_root():
    return Organisation.select().where(Organisation.parent.is_null()).order_by(Organisation.id).first()


def snapshot_of(meeting):
    if meeting is None or not meeting.snapshot:
        return None
    try:
        return json.loads(meeting.snapshot)
    except ValueError:
        return None


def _frozen_part(snapshot, parent):
    """(total, rows) of the snapshot as `parent`'s totals page would show them,
    or None when the snapshot does not hold that unit."""
    if snapshot is None:
        return None
    if (snapshot.get("parent") or {}).get("id") == parent.id:
        return snapshot.get("total") or {}, snapshot.get("rows") or []
    own = [row for row in snapshot.get("rows") or [] if row.get("organisation_id") == parent.id]
    if own:
        return own[0].get("values") or {}, own
    return None


def quarter_figures(year, quarter, meeting=None, root=None):
    """The figures of (year, quarter) for a user confined to `root` (None: the bloc);
    `has_data` says whether any report counts."""
    parent = root or bloc_root()
    totals = build(Selection(parent, "quarter", [(year, quarter)]))
    snapshot = snapshot_of(meeting)
    frozen = _frozen_part(snapshot, parent)
    # The previous quarter as its own meeting read it, if that one was frozen.
    earlier = Meeting.get_or_none(Meeting.year == (year if quarter > 1 else year - 1),
                                  Meeting.quarter == (quarter - 1 if quarter > 1 else 4))
    frozen_before = _frozen_part(snapshot_of(earlier), parent)
    previous = frozen_before[0] if frozen_before else dict(totals.previous_total.values)
    # Every indicator ever defined, retired ones too: a text naming one still renders.
    indicators = [(i.code, i.label, i.unit, i.kind)
                  for i in Indicator.select().order_by(Indicator.position, Indicator.id)]
    if frozen is not None:
        total, rows = frozen
        known = {code for code, *_ in indicators}
        indicators += [(i["code"], i.get("label", i["code"]), i.get("unit", ""), i.get("kind", "flow"))
                       for i in snapshot.get("indicators") or [] if i.get("code") not in known]
        taken_at = snapshot.get("taken_at", "")
    else:
        total = dict(totals.total.values)
        rows = [{"organisation_id": u.id, "code": u.code, "name": u.name,
                 "values": dict(totals.rows[u.id].values)} for u in totals.units]
        taken_at = ""
    return QuarterFigures(parent, indicators, total, previous, rows,
                          panels.twinning(totals.units, [(year, quarter)]),
                          frozen=frozen is not None, taken_at=taken_at,
                          has_data=frozen is not None or totals.total.has_data)


def shown(kind, value):
    if kind == "ratio":
        return formatting.percent(value)
    return formatting.number(value)


def compare(kind, value, before):
    """"tăng 120 so với quý trước", or "" when either figure is missing."""
    if value is None or before is None:
        return ""
    change = value - before
    if kind == "ratio":
        change = round(change, 1)
        amount = f"{abs(change):.1f}".replace(".", ",") + " điểm phần trăm"
    else:
        amount = formatting.number(abs(change))
    if not change:
        return "bằng quý trước"
    return f"{'tăng' if change > 0 else 'giảm'} {amount} so với quý trước"


def figure_entries(indicators, values, previous=None):
    """{code: {value, text, previous, previous_text, compare, label, unit}} for every indicator."""
    entries = {}
    for code, label, unit, kind in indicators:
        value = values.get(code)
        before = (previous or {}).get(code)
        entries[code] = {
            "code": code, "label": label, "unit": unit, "value": value, "text": shown(kind, value),
            "previous": before, "previous_text": shown(kind, before) if before is not None else "",
            "compare": compare(kind, value, before) if previous is not None else "",
        }
    return entries
