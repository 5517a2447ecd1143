"""The panels beside the totals: campaigns, directives and twinning per unit.

Each figure of a unit covers its whole subtree, over the chosen quarters.
"""
import datetime
import operator
from functools import reduce

from peewee import SQL, Case, fn

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


def campaign_results(units, quarters):
    """[(campaign, {unit id: {figure: sum}})] for campaigns with results in the span."""
    low, high = quarter_index(*quarters[0]), quarter_index(*quarters[-1])
    in_span = (CampaignResult.year * 4 + CampaignResult.quarter - 1).between(low, high)
    table = {}
    for unit in units:
        sums = [fn.SUM(getattr(CampaignResult, name)) for name in CAMPAIGN_FIGURES]
        query = (CampaignResult.select(CampaignResult.campaign, *sums)
                 .where(in_span, CampaignResult.organisation.in_(Organisation.subtree_ids(unit)))
                 .group_by(CampaignResult.campaign))
        for campaign_id, *values in query.tuples():
            table.setdefault(campaign_id, {})[unit.id] = dict(zip(CAMPAIGN_FIGURES, values))
    campaigns = {c.id: c for c in Campaign.select().where(Campaign.id.in_(list(table) or [0]))}
    return [(campaigns[cid], table[cid]) for cid in sorted(table, key=lambda c: campaigns[c].name)]


def directive_implementation(units, today=None):
    """[(directive, assigned, reported, late)] over assignments within the units' subtrees."""
    today = today or datetime.date.today()
    if not units:
        return []
    in_scope = Organisation.select(Organisation.id).where(
        reduce(operator.or_, [Organisation.under(u.path) for u in units]))
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
    first, last = quarter_start(*quarters[0]), quarter_end(*quarters[-1])
    active_units, villages, activities, support, people = 0, set(), 0, 0, 0
    for unit in units:
        links = list(TwinningLink.select().where(
            TwinningLink.organisation.in_(Organisation.subtree_ids(unit)), TwinningLink.signed_on <= last))
        if any(link.status == "active" for link in links):
            active_units += 1
        villages |= {link.village_id for link in links if link.status == "active"}
        if links:
            done = (TwinningActivity
                    .select(fn.COUNT(TwinningActivity.id), fn.SUM(TwinningActivity.support_value),
                            fn.SUM(TwinningActivity.people_reached))
                    .where(TwinningActivity.link.in_([link.id for link in links]),
                           TwinningActivity.held_on.between(first, last))
                    .tuples().first())
            activities += done[0] or 0
            support += done[1] or 0
            people += done[2] or 0
    return {"active_units": active_units, "units": len(units), "villages": len(villages),
            "activities": activities, "support": support, "people": people}
