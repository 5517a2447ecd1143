"""The panels beside the totals: campaigns, directives and twinning per unit.

Each figure of a unit covers its whole subtree, over the chosen quarters.
"""
import datetime

from peewee import SQL, fn

from models import (
    Campaign, CampaignResult, Directive, DirectiveAssignment, ImplementationReport, Organisation, db,
    TwinningActivity, TwinningLink,
)
from models.reporting import quarter_end, quarter_start
from portal.reporting.arithmetic import quarter_index

CAMPAIGN_FIGURES = ("models_built", "funds_mobilised", "houses_built", "houses_repaired",
                    "people_supported", "workdays")
CAMPAIGN_LABELS = {
    "models_built": "Mô hình", "funds_mobilised": "Kinh phí (đồng)", "houses_built": "Nhà xây mới",
    "houses_repaired": "Nhà sửa chữa", "people_supported": "Người được hỗ trợ", "workdays": "Ngày công",
}


def _path_of(organisation):
    """The path of the row's organisation, looked up by its key row by row:
    joined, the planner read every organisation to hash them (409 pages,
    3 ms a panel on the 1M province) for a few hundred rows."""
    return Organisation.select(Organisation.path).where(Organisation.id == organisation)


def _owner(units):
    """A function: an organisation's path → the id of the unit among `units`
    whose subtree holds it, or None. The units are a page's rows, whose
    subtrees are apart, so each organisation is under one unit at most.

    Told apart here rather than in SQL: the panels' tables are small (a
    province's links, activities and assignments are hundreds), and a test
    per unit in SQL ran on every organisation of the subtree before the
    join (10.000 rows × 6 units: most of the panels' 27 ms on the 1M
    province). The rows are read for the whole province, a few hundred."""
    prefixes = [(u.path, u.id) for u in units]

    def owner(path):
        return next((unit_id for prefix, unit_id in prefixes if path.startswith(prefix)), None)
    return owner


def campaign_results(units, quarters):
    """[(campaign, {unit id: {figure: sum}})] for campaigns with results in the span."""
    if not units:
        return []
    low, high = quarter_index(*quarters[0]), quarter_index(*quarters[-1])
    in_span = (CampaignResult.year * 4 + CampaignResult.quarter - 1).between(low, high)
    owner = _owner(units)
    query = (CampaignResult.select(_path_of(CampaignResult.organisation), CampaignResult.campaign,
                                   *(getattr(CampaignResult, name) for name in CAMPAIGN_FIGURES))
             .where(in_span))
    found = {}
    for path, campaign_id, *values in query.tuples():
        unit_id = owner(path)
        if unit_id is None:
            continue
        sums = found.setdefault((unit_id, campaign_id), dict.fromkeys(CAMPAIGN_FIGURES))
        for name, value in zip(CAMPAIGN_FIGURES, values):
            # As SQL's SUM: nothing given anywhere stays empty, not 0.
            if value is not None:
                sums[name] = value if sums[name] is None else sums[name] + value
    order = {u.id: position for position, u in enumerate(units)}
    table = {}
    for unit_id, campaign_id in sorted(found, key=lambda key: (order[key[0]], key[1])):
        table.setdefault(campaign_id, {})[unit_id] = found[unit_id, campaign_id]
    campaigns = {c.id: c for c in Campaign.select().where(Campaign.id.in_(list(table) or [0]))}
    return [(campaigns[cid], table[cid]) for cid in sorted(table, key=lambda c: campaigns[c].name)]


def directive_implementation(units, today=None):
    """[(directive, assigned, reported, late)] over assignments within the units' subtrees."""
    today = today or datetime.date.today()
    if not units:
        return []
    owner = _owner(units)
    reported = fn.EXISTS(ImplementationReport.select(SQL("1")).where(
        ImplementationReport.directive == DirectiveAssignment.directive,
        ImplementationReport.organisation == DirectiveAssignment.organisation))
    assignments = (DirectiveAssignment
                   .select(DirectiveAssignment.directive, _path_of(DirectiveAssignment.organisation),
                           reported, DirectiveAssignment.deadline < today))
    rows = {}
    for directive_id, path, done, overdue in db.execute(assignments):
        if owner(path) is None:
            continue
        counts = rows.setdefault(directive_id, [0, 0, 0])
        counts[0] += 1
        counts[1] += bool(done)
        counts[2] += bool(overdue) and not done
    directives = Directive.select().where(Directive.id.in_(list(rows))).order_by(Directive.issued_on.desc(), Directive.id)
    return [(directive, *rows[directive.id]) for directive in directives]


def twinning(units, quarters):
    """Units with an active link, villages covered, activities and support in the span."""
    if not units:
        return {"active_units": 0, "units": 0, "villages": 0, "activities": 0, "support": 0, "people": 0}
    first, last = quarter_start(*quarters[0]), quarter_end(*quarters[-1])
    owner = _owner(units)
    # The links signed by the span's end within the units' subtrees, for all
    # units at once (two queries in all, not two per unit).
    signed = TwinningLink.signed_on <= last
    active = (TwinningLink.select(_path_of(TwinningLink.organisation), TwinningLink.village)
              .where(signed, TwinningLink.status == "active")
              .tuples())
    active_units, villages = set(), set()
    for path, village_id in active:
        unit_id = owner(path)
        if unit_id is not None:
            active_units.add(unit_id)
            villages.add(village_id)
    activities = support = people = 0
    held = (TwinningActivity
            .select(_path_of(TwinningLink.organisation), TwinningActivity.support_value,
                    TwinningActivity.people_reached)
            .join(TwinningLink)
            .where(signed, TwinningActivity.held_on.between(first, last))
            .tuples())
    for path, value, reached in held:
        if owner(path) is not None:
            activities += 1
            support += value or 0
            people += reached or 0
    return {"active_units": len(active_units), "units": len(units), "villages": len(villages),
            "activities": activities, "support": support, "people": people}
