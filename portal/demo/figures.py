"""Quarterly figures quoted by the seed articles, as reports of the six units.

Seed 000 (Gia Lai, a quarter of 2019) gives per-unit figures; the totals page
must show 2.407 new members, 120 field visits and 77,9% coverage for PHUNU.
The eight quarters before today's are the demo's recent history: their member
figures are counted from the demo's member records, so they agree with them.
"""
import datetime
import math

from models import Indicator, Organisation, QuarterlyReport, ReportingPeriod, ReportValue, db
from models.reporting import quarter_end, quarter_start

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


def load(figures=SEED_000, quarter=SEED_000_QUARTER, status="approved", note=None):
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
                approved_at=datetime.datetime(quarter[0], quarter[1] * 3, 28) if status == "approved" else None,
                note=note)
            ReportValue.insert_many(
                [{"report": report, "indicator": codes[code], "value": value}
                 for code, value in values.items()]).execute()
    return period


# The seed quarter's figures are the whole province's, from the article; the
# demo's member records are a sample, so that report is told apart.
SEED_000_NOTE = ("Số liệu theo bản tin giao ban năm 2019, trước khi đơn vị quản lý hồ sơ hội viên "
                 "trên cổng: số nhập khác số tính từ hồ sơ là bình thường.")

QUARTERS = 8
# A quarter's reports are due on this day of the month after it ends.
DEADLINE_DAY = 10
# Share of the eligible population each unit has gathered (coverage rate).
COVERAGE = {"DOAN": 0.62, "PHUNU": 0.78, "NONGDAN": 0.74, "CCB": 0.9, "LDLD": 0.86}
# The member-derived figures; the report entry grid compares them with the records.
DERIVED = ("members_new", "members_left", "members_total", "party_admitted")


def quarter_of(day):
    return day.year, (day.month - 1) // 3 + 1


def quarters_before(current, count=QUARTERS):
    """[(year, quarter)] of the `count` quarters before `current`, oldest first."""
    index = current[0] * 4 + current[1] - 1
    return [(i // 4, i % 4 + 1) for i in range(index - count, index)]


def deadline_of(year, quarter):
    end = quarter_end(year, quarter)
    return end + datetime.timedelta(days=DEADLINE_DAY)


def load_demo(rng, today):
    """Seed 000's quarter, the eight quarters before today's as reports whose
    member figures are counted from the member records, and today's quarter
    open for entry."""
    load(note=SEED_000_NOTE)
    current = quarter_of(today)
    units = {o.code: o for o in Organisation.select().where(Organisation.code.in_(list(COVERAGE) + ["MTTQ"]))}
    codes = {i.code: i for i in Indicator.select()}
    quarters = quarters_before(current)
    for k, quarter in enumerate(quarters):
        period = ReportingPeriod.create(
            year=quarter[0], quarter=quarter[1], status="closed", deadline=deadline_of(*quarter),
            opened_at=datetime.datetime.combine(quarter_start(*quarter), datetime.time(8)))
        last = k == len(quarters) - 1
        for code, unit in units.items():
            figures = _activity(rng, code)
            counted = period.member_figures(unit) if code in COVERAGE else None
            if counted:
                figures.update({name: counted[name] for name in DERIVED})
                if counted["members_total"]:
                    figures["eligible_population"] = math.ceil(counted["members_total"] / COVERAGE[code])
                figures["branches"] = _branches(unit)
            status = "approved"
            if last and code == "CCB":
                status = "submitted"  # still waiting for the secretariat
            elif last and code == "LDLD":
                status = "returned"  # sent back to be corrected
            _report(rng, unit, period, status, today, figures, codes)
        if all(r.status == "approved" for r in period.reports) and period.deadline < today:
            continue
        period.status = "open"
        period.save()
    ReportingPeriod.create(year=current[0], quarter=current[1], status="open",
                           deadline=deadline_of(*current),
                           opened_at=datetime.datetime.combine(quarter_start(*current), datetime.time(8)))


def _activity(rng, code):
    if code == "MTTQ":
        return {"field_visits": rng.randint(15, 30), "funds_mobilised": rng.randint(300, 900) * 1_000_000,
                "houses_built": rng.randint(5, 35), "houses_repaired": rng.randint(2, 15),
                "models_established": rng.randint(20, 120)}
    courses, sessions = rng.randint(2, 18), rng.randint(20, 120)
    return {"field_visits": rng.randint(10, 30), "training_courses": courses,
            "training_participants": courses * rng.randint(30, 70), "propaganda_sessions": sessions,
            "propaganda_attendance": sessions * rng.randint(40, 90),
            "party_introduced": rng.randint(0, 3)}


def _branches(unit):
    return (Organisation.select()
            .where(Organisation.under(unit.path), Organisation.level == "chi_hoi").count())


def _report(rng, unit, period, status, today, figures, codes):
    """One unit's report: most are sent a few days before the deadline, one in
    eight a few days after; none later than today."""
    end = period.ends_on
    late = rng.random() < 0.125
    if late:
        day = period.deadline + datetime.timedelta(days=rng.randint(1, 6))
    else:
        day = end + datetime.timedelta(days=rng.randint(1, DEADLINE_DAY - 1))
    day = min(day, today - datetime.timedelta(days=2))
    submitted = datetime.datetime.combine(day, datetime.time(rng.randint(7, 16), rng.randint(0, 59)))
    approved, returned, reason = None, None, None
    if status == "approved":
        approved = submitted + datetime.timedelta(days=rng.randint(1, 4), hours=rng.randint(0, 6))
        approved = min(approved, datetime.datetime.combine(today, datetime.time(7, 30)))
    if status == "returned":
        # Sent back by the secretariat: a draft again, no longer counted as sent.
        status, returned, submitted = "draft", submitted + datetime.timedelta(days=1), None
        reason = "Đề nghị rà soát số đoàn viên giảm trong quý."
    report = QuarterlyReport.create(organisation=unit, period=period, status=status,
                                    submitted_at=submitted, approved_at=approved,
                                    returned_at=returned, return_reason=reason)
    ReportValue.insert_many(
        [{"report": report, "indicator": codes[code], "value": value}
         for code, value in figures.items() if code in codes]).execute()
