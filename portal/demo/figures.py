"""Quarterly figures quoted by the seed articles, as reports of the six units.

Seed 000 (Gia Lai, a quarter of 2019) gives per-unit figures; the totals page
must show 2.407 new members, 120 field visits and 77,9% coverage for PHUNU.
"""
import datetime

from models import Indicator, Organisation, QuarterlyReport, ReportingPeriod, ReportValue, db

SEED_000_QUARTER = (2019, 2)

SEED_000 = {
    "MTTQ": {"field_visits": 24, "training_courses": 7, "training_participants": 732},
    "DOAN": {"field_visits": 25},
    "PHUNU": {"members_new": 1548, "members_left": 325, "members_total": 223470,
              "eligible_population": 286750, "field_visits": 23, "branches": 1672,
              "training_courses": 17, "training_participants": 1074},
    "NONGDAN": {"members_new": 111, "field_visits": 14, "branches": 1629, "groups": 2270},
    "CCB": {"members_new": 224, "field_visits": 12, "branches": 1639},
    "LDLD": {"members_new": 524, "members_left": 630, "field_visits": 22, "branches": 1697,
             "training_courses": 3, "training_participants": 342},
}


def load(figures=SEED_000, quarter=SEED_000_QUARTER, status="approved"):
    """Write `figures` as reports of the named units for `quarter`; returns the period."""
    codes = {i.code: i for i in Indicator.select()}
    with db.atomic():
        period, _ = ReportingPeriod.get_or_create(
            year=quarter[0], quarter=quarter[1],
            defaults={"deadline": datetime.date(quarter[0], quarter[1] * 3, 25), "status": "closed"})
        for org_code, values in figures.items():
            report = QuarterlyReport.create(
                organisation=Organisation.get(Organisation.code == org_code), period=period,
                status=status, submitted_at=datetime.datetime(quarter[0], quarter[1] * 3, 20),
                approved_at=datetime.datetime(quarter[0], quarter[1] * 3, 28) if status == "approved" else None)
            ReportValue.insert_many(
                [{"report": report, "indicator": codes[code], "value": value}
                 for code, value in values.items()]).execute()
    return period


# Seed 001, Quý II/2024: the bloc's 19.854 new members, 1.730 introduced to the
# Party and 820 admitted, shared out among the units; MTTQ's houses and models.
SEED_001_QUARTER = (2024, 2)
SEED_001 = {
    "MTTQ": {"funds_mobilised": 809_000_000, "houses_built": 30, "houses_repaired": 11,
             "models_established": 244, "field_visits": 26},
    "DOAN": {"members_new": 8_120, "party_introduced": 760, "party_admitted": 351, "field_visits": 27},
    "PHUNU": {"members_new": 5_406, "party_introduced": 402, "party_admitted": 190, "field_visits": 24},
    "NONGDAN": {"members_new": 3_215, "party_introduced": 268, "party_admitted": 127, "field_visits": 18},
    "CCB": {"members_new": 1_092, "party_introduced": 95, "party_admitted": 46, "field_visits": 15},
    "LDLD": {"members_new": 2_021, "party_introduced": 205, "party_admitted": 106, "field_visits": 21,
             "houses_built": 22, "funds_mobilised": 915_000_000},
}

# Members at the end of 2023 Q3 and those eligible, per unit; later quarters grow from here.
STARTING_MEMBERS = {
    "DOAN": (141_000, 262_000), "PHUNU": (236_500, 296_000), "NONGDAN": (212_000, 281_000),
    "CCB": (33_900, 38_200), "LDLD": (101_500, 119_000),
}


def history(rng, last=(2025, 2), quarters=8):
    """Eight quarters of figures for the six units, seed 001's quarter among them."""
    first_index = last[0] * 4 + last[1] - 1 - (quarters - 1)
    totals = dict(STARTING_MEMBERS)
    result = {}
    for index in range(first_index, first_index + quarters):
        quarter = (index // 4, index % 4 + 1)
        by_unit = {}
        for code, (members, eligible) in totals.items():
            new = rng.randint(900, 6_500) if code != "CCB" else rng.randint(250, 1_100)
            if quarter == SEED_001_QUARTER:
                new = SEED_001[code]["members_new"]
            left = rng.randint(new // 10, new // 2)
            members += new - left
            eligible += rng.randint(100, 900)
            totals[code] = (members, eligible)
            by_unit[code] = {"members_new": new, "members_left": left, "members_total": members,
                             "eligible_population": eligible, "field_visits": rng.randint(10, 30),
                             "training_courses": rng.randint(2, 18),
                             "propaganda_sessions": rng.randint(20, 120)}
        by_unit["MTTQ"] = {"field_visits": rng.randint(15, 30), "funds_mobilised": rng.randint(300, 900) * 1_000_000,
                           "houses_built": rng.randint(5, 35), "houses_repaired": rng.randint(2, 15)}
        if quarter == SEED_001_QUARTER:
            for code, values in SEED_001.items():
                by_unit[code].update(values)
        result[quarter] = by_unit
    return result


def load_demo(rng, current=(2025, 3)):
    """Seed 000's quarter and eight recent quarters as approved reports, and
    the current quarter open for entry."""
    load()
    for quarter, by_unit in history(rng).items():
        load(by_unit, quarter=quarter)
    ReportingPeriod.create(year=current[0], quarter=current[1], status="open",
                           deadline=datetime.date(current[0], current[1] * 3 + 1, 10))
