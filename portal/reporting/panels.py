"""The panels beside the totals: campaigns, directives and twinning per unit.

Each figure of a unit covers its whole subtree, over the chosen quarters.
"""
import datetime

from peewee import SQL, Case, NodeList, fn

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


def _unit_of(units):
    """Which of `units` holds a row's organisation in its subtree, by the
    joined Organisation's path: the units are a page's rows, whose subtrees
    are apart, so each organisation is under one unit at most."""
    return Case(None, [(Organisation.under(u.path), u.id) for u in units])


def _within(units):
    """Rows whose joined Organisation is in one of the units' subtrees. A flat
    "a OR b OR …": folded pairwise, a province's 135 communes nested 135
    parentheses deep, past SQLite's parser stack (an error)."""
    return NodeList([Organisation.under(u.path) for u in units], glue=" OR ", parens=True)


def campaign_results(units, quarters):
    """[(campaign, {unit id: {figure: sum}})] for campaigns with results in the span."""
    if not units:
        return []
    low, high = quarter_index(*quarters[0]), quarter_index(*quarters[-1])
    in_span = (CampaignResult.year * 4 + CampaignResult.quarter - 1).between(low, high)
    unit = _unit_of(units)
    sums = [fn.SUM(getattr(CampaignResult, name)) for name in CAMPAIGN_FIGURES]
    # One query for every unit, grouped by unit: a query per unit cost a
    # subtree's subquery and a peewee build each.
    query = (CampaignResult.select(unit, CampaignResult.campaign, *sums)
             .join(Organisation)
             .where(in_span, _within(units))
             .group_by(unit, CampaignResult.campaign))
    found = {(unit_id, campaign_id): dict(zip(CAMPAIGN_FIGURES, values))
             for unit_id, campaign_id, *values in query.tuples()}
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
    in_scope = Organisation.select(Organisation.id).where(_within(units))
    assigned = DirectiveAssignment.alias()
    reported = fn.EXISTS(ImplementationReport.select(SQL("1")).where(
        ImplementationReport.directive == assigned.directive,
        ImplementationReport.organisation == assigned.organisation))
    counts = (assigned
              .select(assigned.directive, fn.COUNT(SQL("*")),
                      fn.SUM(Case(None, [(reported, 1)], 0)),
                      fn.SUM(Case(None, [(~reported & (assigned.deadline < today), 1)], 0)))
              .where(assigned.organisation.in_(in_scope))
              .group_by(assigned.directive))
    rows = {directive_id: (total, int(done or 0), int(late or 0))
            for directive_id, total, done, late in db.execute(counts)}
    directives = Directive.select().where(Directive.id.in_(list(rows))).order_by(Directive.issued_on.desc(), Directive.id)
    return [(directive, *rows[directive.id]) for directive in directives]


def twinning(units, quarters):
    """Units with an active link, villages covered, activities and support in the span."""
    if not units:
        return {"active_units": 0, "units": 0, "villages": 0, "activities": 0, "support": 0, "people": 0}
    first, last = quarter_start(*quarters[0]), quarter_end(*quarters[-1])
    # The links signed by the span's end within the units' subtrees, for all
    # units at once (two queries in all, not two per unit).
    signed = (TwinningLink.signed_on <= last) & _within(units)
    active = (TwinningLink.select(_unit_of(units), TwinningLink.village)
              .join(Organisation)
              .where(signed, TwinningLink.status == "active")
              .distinct().tuples())
    active_units, villages = set(), set()
    for unit_id, village_id in active:
        active_units.add(unit_id)
        villages.add(village_id)
    activities, support, people = (
        TwinningActivity
        .select(fn.COUNT(TwinningActivity.id), fn.SUM(TwinningActivity.support_value),
                fn.SUM(TwinningActivity.people_reached))
        .join(TwinningLink).join(Organisation)
        .where(signed, TwinningActivity.held_on.between(first, last))
        .tuples().first())
    return {"active_units": len(active_units), "units": len(units), "villages": len(villages),
            "activities": activities or 0, "support": support or 0, "people": people or 0}
