"""The panels beside the totals: each unit's figure covers its subtree, over the span."""
import datetime

import pytest

from models import (
    AdministrativeUnit, Campaign, CampaignResult, Directive, DirectiveAssignment, ImplementationReport,
    Organisation, TwinningActivity, TwinningLink, Village,
)
from portal.reporting import panels

SPAN = [(2025, 1), (2025, 2)]
DAY = datetime.date


@pytest.fixture
def tree(app):
    """A bloc P with units A (and its commune A1) and B; O is outside the page's units."""
    p = Organisation.create(code="P", name="Khối P", kind="khoi", level="khoi")
    a = Organisation.create(code="A", name="Đơn vị A", kind="phunu", level="tinh", parent=p)
    a1 = Organisation.create(code="A1", name="Xã A1", kind="phunu", level="xa", parent=a)
    b = Organisation.create(code="B", name="Đơn vị B", kind="doan", level="tinh", parent=p)
    o = Organisation.create(code="O", name="Đơn vị O", kind="ccb", level="tinh", parent=p)
    return p, a, a1, b, o


def village(index):
    commune = AdministrativeUnit.get_or_none(code="XA01") or AdministrativeUnit.create(
        code="XA01", name="Ia Grai", kind="xa")
    return Village.create(code=f"TH{index}", name=f"Plei {index}", kind="plei", commune=commune)


def result(campaign, org, year, quarter, models_built, funds=0):
    CampaignResult.create(campaign=campaign, organisation=org, year=year, quarter=quarter,
                          models_built=models_built, funds_mobilised=funds)


def test_campaigns_add_up_each_units_subtree_in_the_span(tree):
    p, a, a1, b, o = tree
    later = Campaign.create(name="Dân vận khéo", kind="phong_trao", leading_organisation=p, starts_on=DAY(2024, 1, 1))
    first = Campaign.create(name="Cả nước chung tay", kind="cuoc_van_dong", leading_organisation=p,
                            starts_on=DAY(2024, 1, 1))
    result(later, a, 2025, 1, 5, funds=10_000_000_000)
    result(later, a1, 2025, 2, 3, funds=5)
    result(later, a1, 2024, 4, 100)  # before the span
    result(later, o, 2025, 1, 100)   # not a unit of the page
    result(first, b, 2025, 2, 2)

    rows = panels.campaign_results([a, b], SPAN)

    assert [(campaign.name, list(by_unit)) for campaign, by_unit in rows] == [
        ("Cả nước chung tay", [b.id]), ("Dân vận khéo", [a.id])]
    assert rows[1][1][a.id]["models_built"] == 8
    assert rows[1][1][a.id]["funds_mobilised"] == 10_000_000_005
    assert rows[0][1][b.id]["models_built"] == 2


def test_twinning_counts_links_signed_by_the_spans_end(tree):
    p, a, a1, b, o = tree
    shared, other, outside = village(1), village(2), village(3)
    link = TwinningLink.create(organisation=a1, village=shared, signed_on=DAY(2024, 5, 1))
    TwinningLink.create(organisation=a, village=shared, signed_on=DAY(2024, 5, 1))
    paused = TwinningLink.create(organisation=b, village=other, signed_on=DAY(2024, 5, 1), status="paused")
    TwinningLink.create(organisation=b, village=other, signed_on=DAY(2025, 7, 1))  # after the span
    elsewhere = TwinningLink.create(organisation=o, village=outside, signed_on=DAY(2024, 5, 1))
    for held_on, on, support, people in ((DAY(2025, 3, 1), link, 1_000_000, 20),
                                         (DAY(2025, 6, 30), paused, 500_000, 5),
                                         (DAY(2024, 12, 31), link, 7, 7),    # before the span
                                         (DAY(2025, 3, 1), elsewhere, 9, 9)):  # not a unit's
        TwinningActivity.create(link=on, held_on=held_on, description="Thăm hỏi",
                                support_value=support, people_reached=people)

    assert panels.twinning([a, b], SPAN) == {
        "active_units": 1, "units": 2, "villages": 1, "activities": 2, "support": 1_500_000, "people": 25}
    assert panels.twinning([b], [(2024, 1)]) == {
        "active_units": 0, "units": 1, "villages": 0, "activities": 0, "support": 0, "people": 0}


def test_a_page_of_150_communes_has_its_panels(tree):
    """A page of 150 communes: their subtrees, or'ed pairwise, nested past SQLite's parser stack."""
    p, a, a1, b, o = tree
    communes = [a1] + [Organisation.create(code=f"A{n}", name=f"Xã A{n}", kind="phunu", level="xa", parent=a)
                       for n in range(2, 151)]
    directive = Directive.create(number="11-CT/TU", kind="Chỉ thị", issuer="Tỉnh ủy", issued_on=DAY(2025, 1, 2),
                                 title="Về công tác dân vận")
    for commune in communes[-3:]:
        DirectiveAssignment.create(directive=directive, organisation=commune, deadline=DAY(2025, 3, 31))
    ImplementationReport.create(directive=directive, organisation=communes[-1], reported_on=DAY(2025, 3, 1),
                                content="Đã triển khai")
    campaign = Campaign.create(name="Dân vận khéo", kind="phong_trao", leading_organisation=p,
                               starts_on=DAY(2024, 1, 1))
    result(campaign, communes[-1], 2025, 1, 4)
    TwinningLink.create(organisation=communes[-1], village=village(1), signed_on=DAY(2024, 5, 1))

    assert panels.directive_implementation(communes, today=DAY(2025, 4, 1)) == [(directive, 3, 1, 2)]
    assert [by_unit for _, by_unit in panels.campaign_results(communes, SPAN)][0][communes[-1].id][
        "models_built"] == 4
    assert panels.twinning(communes, SPAN)["active_units"] == 1


def test_the_directive_panel_counts_only_the_pages_units_subtrees(tree):
    # The panels read the province's assignments and keep those under the page's units:
    # another section's (O's) never counts, whoever reads the page.
    p, a, a1, b, o = tree
    directive = Directive.create(number="13-CT/TU", kind="Chỉ thị", issuer="Tỉnh ủy", issued_on=DAY(2025, 1, 2),
                                 title="Về công tác dân vận")
    for unit in (a1, b, o):
        DirectiveAssignment.create(directive=directive, organisation=unit, deadline=DAY(2025, 3, 31))
    ImplementationReport.create(directive=directive, organisation=o, reported_on=DAY(2025, 3, 1), content="Xong")

    assert panels.directive_implementation([a], today=DAY(2025, 4, 1)) == [(directive, 1, 0, 1)]
    assert panels.directive_implementation([a, b], today=DAY(2025, 4, 1)) == [(directive, 2, 0, 2)]
