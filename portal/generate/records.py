"""Directives, campaigns and twinning at the scale of the generated province.

The demo's records (portal/demo/records.py) come first: the directives of the
seed articles, their assignments to the six units, the campaigns with their
2024 results and the four twinning links of Chỉ thị 13-CT/TU. On top of them:
campaign results of every reported quarter, twinning links of commune-level
units with the ethnic-minority villages of their commune, and Chỉ thị 13's
assignment to every commune-level unit with their implementation reports.
"""
import datetime

from models import (
    CampaignParticipant, CampaignResult, DirectiveAssignment, ImplementationReport,
    TwinningActivity, TwinningLink,
)
from portal.demo.common import Weighted, as_of, between, date
from portal.demo.people import People
from portal.demo.records import campaigns, directives, twinning

TWINNING_UNITS = ("MTTQ", "DOAN", "PHUNU", "NONGDAN", "CCB")
TWINNING_CHANCE = 0.3
LINK_STATUS = Weighted([("active", 85), ("paused", 10), ("ended", 5)])
ROLES = {"MTTQ": "Phó Chủ tịch Ủy ban MTTQ", "DOAN": "Bí thư Đoàn", "PHUNU": "Chủ tịch Hội Phụ nữ",
         "NONGDAN": "Chủ tịch Hội Nông dân", "CCB": "Chủ tịch Hội Cựu chiến binh"}
ACTIVITIES = (
    ("Trao quà cho hộ nghèo, hộ cận nghèo", 20, 60),
    ("Hỗ trợ giống cây trồng, vật nuôi cho hộ khó khăn", 30, 120),
    ("Tuyên truyền phòng, chống tảo hôn và hôn nhân cận huyết thống", 0, 0),
    ("Ra quân vệ sinh môi trường, làm đường giao thông nông thôn", 10, 40),
    ("Tặng sách vở, xe đạp cho học sinh nghèo", 10, 30),
    ("Hỗ trợ ngày công sửa chữa nhà cho hộ nghèo", 15, 60),
    ("Hướng dẫn người dân sử dụng dịch vụ công trực tuyến", 0, 5),
    ("Thăm, tặng quà Tết cho gia đình chính sách", 15, 50),
)


def build(rng, shape, units, quarters, writer):
    """Write the demo's records and the scaled ones."""
    made = directives(units)
    campaigns(units, made)
    twinning(units, shape.demo_villages, shape.merged_village, made["13"])
    _campaign_results(rng, quarters)
    _twinning_links(rng, shape, made["13"], writer)


def _campaign_results(rng, quarters):
    """Results of each participating unit for every reported quarter not yet filled."""
    have = set(CampaignResult.select(CampaignResult.campaign, CampaignResult.organisation,
                                     CampaignResult.year, CampaignResult.quarter).tuples())
    rows = []
    for participant in CampaignParticipant.select().order_by(CampaignParticipant.id):
        campaign = participant.campaign
        for year, quarter in quarters:
            key = (campaign.id, participant.organisation_id, year, quarter)
            starts = datetime.date(year, quarter * 3 - 2, 1)
            if key in have or starts < campaign.starts_on or (campaign.ends_on and starts > campaign.ends_on):
                continue
            rows.append({"campaign": campaign.id, "organisation": participant.organisation_id,
                         "year": year, "quarter": quarter, "models_built": rng.randint(1, 40),
                         "funds_mobilised": rng.randint(0, 400) * 1_000_000,
                         "houses_built": rng.randint(0, 12), "houses_repaired": rng.randint(0, 8),
                         "people_supported": rng.randint(0, 900), "workdays": rng.randint(0, 1500)})
    CampaignResult.insert_many(rows).execute()


def _twinning_links(rng, shape, directive, writer):
    people = People(rng)
    until = as_of()
    signed_from = directive.issued_on + datetime.timedelta(days=30)
    deadline = date(2024, 6, 30)
    communes = {commune.id: commune for commune in shape.communes}
    links, activities, assignments, reports = [], [], [], []
    next_link = writer.next_id(TwinningLink)
    for unit_code in TWINNING_UNITS:
        for node in shape.reporters[unit_code]:
            assignments.append({"directive": directive.id, "organisation": node.id,
                                "deadline": deadline, "recurrence": "once"})
            minority = [v for v in communes[node.commune_id].villages
                        if "Jrai" in v.ethnic_groups or "Bahnar" in v.ethnic_groups]
            if not minority or rng.random() >= TWINNING_CHANCE:
                if rng.random() < 0.4:
                    reports.append({"directive": directive.id, "organisation": node.id,
                                    "reported_on": between(rng, signed_from, until),
                                    "status": rng.choice(["in_progress", "not_started"]),
                                    "content": "Đang khảo sát, lựa chọn thôn, làng để kết nghĩa."})
                continue
            village = rng.choice(minority)
            signed = between(rng, signed_from, until - datetime.timedelta(days=60))
            person = people.name("Kinh", rng.choice(["nam", "nu"]))
            link_id = next_link + len(links)
            responsible = f"{person} – {ROLES[unit_code]} {communes[node.commune_id].short}"
            links.append((link_id, node.id, village.id, directive.id, signed, LINK_STATUS.pick(rng),
                          responsible, TwinningLink.search_document_for(
                              {"partner_name": None, "responsible_person": responsible}), 1))
            reports.append({"directive": directive.id, "organisation": node.id,
                            "reported_on": signed + datetime.timedelta(days=rng.randint(1, 20)),
                            "status": "done",
                            "content": f"Đã ký kết kết nghĩa với {village.name}; xây dựng kế hoạch hỗ trợ."})
            for _ in range(rng.randint(1, 4)):
                description, low, high = rng.choice(ACTIVITIES)
                activities.append({"link": link_id, "held_on": between(rng, signed, until),
                                   "description": description,
                                   "support_value": rng.randint(low, high) * 1_000_000,
                                   "people_reached": rng.randint(5, 300)})
    writer.insert(TwinningLink, ("id", "organisation", "village", "directive", "signed_on", "status",
                                 "responsible_person", "search_text", "version"), links)
    for model, rows in ((TwinningActivity, activities), (DirectiveAssignment, assignments),
                        (ImplementationReport, reports)):
        for start in range(0, len(rows), 500):
            model.insert_many(rows[start:start + 500]).execute()
