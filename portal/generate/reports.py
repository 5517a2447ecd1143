"""Eight quarters of quarterly reports from every commune-level unit and the six
bloc units.

Member figures (new, left, total, introduced to and admitted to the Party)
come from the tally of the generated member records, so the report screens
show no mismatch and each quarter's total follows from the last; the rest are
plausible activity figures. Older quarters are closed and approved; the last
one is open, with drafts, submissions and units yet to report.
"""
import datetime
import math

from models import Indicator, QuarterlyReport, ReportingPeriod, ReportValue
from models.reporting import quarter_end, quarter_start
from portal.demo.common import Weighted, between

QUARTERS = 8
DEADLINE_DAYS = 10
LAST_QUARTER = Weighted([(None, 20), ("draft", 50), ("submitted", 30)])
# Figures of a unit's own provincial staff, not sums of its communes'.
OWN_FIGURES = ("field_visits", "training_courses", "training_participants")


def quarters_until(day, count=QUARTERS):
    """[(year, quarter)] of the `count` quarters ending with the one holding `day`."""
    last = day.year * 4 + (day.month - 1) // 3
    return [(index // 4, index % 4 + 1) for index in range(last - count + 1, last + 1)]


def build(rng, shape, units, tally, quarters, writer):
    """Write periods, reports and figures; return (reports, figures) written."""
    periods = []
    for k, (year, quarter) in enumerate(quarters):
        last = k == len(quarters) - 1
        periods.append(ReportingPeriod.create(
            year=year, quarter=quarter, status="open" if last else "closed",
            deadline=quarter_end(year, quarter) + datetime.timedelta(days=DEADLINE_DAYS),
            opened_at=datetime.datetime.combine(quarter_start(year, quarter), datetime.time(8))))
    catalogue = {}

    def indicators(kind, period):
        key = (kind, period.id)
        if key not in catalogue:
            catalogue[key] = [i for i in Indicator.for_quarter(kind, period.year, period.quarter)
                              if i.kind != "ratio"]
        return catalogue[key]

    reports, values = [], []
    next_report = writer.next_id(QuarterlyReport)
    for unit_code, reporters in shape.reporters.items():
        unit = units[unit_code]
        coverage = {node.id: rng.uniform(0.68, 0.92) for node in reporters}
        for k, period in enumerate(periods):
            unit_figures = {}
            for node in reporters:
                figures = _figures(rng, node, unit.kind, tally.figures([node.id], k), coverage[node.id],
                                   shape.subtree_counts(node.id))
                for code, value in figures.items():
                    unit_figures[code] = unit_figures.get(code, 0) + value
                status = LAST_QUARTER.pick(rng) if period.status == "open" else "approved"
                if status is not None:
                    reports.append(_report(rng, next_report + len(reports), node.id, period, status))
                    values += _values(reports[-1][0], indicators(unit.kind, period), figures)
            own = _activity(rng, unit.kind)
            unit_figures.update({code: own[code] for code in OWN_FIGURES})
            status = "approved" if period.status == "closed" else rng.choice(["draft", "submitted"])
            reports.append(_report(rng, next_report + len(reports), unit.id, period, status))
            values += _values(reports[-1][0], indicators(unit.kind, period), unit_figures)
    writer.insert(QuarterlyReport, ("id", "organisation", "period", "status", "submitted_at",
                                    "approved_at", "version"), reports)
    writer.insert(ReportValue, ("report", "indicator", "value"), values)
    return len(reports), len(values)


def _figures(rng, node, kind, members, coverage, counts):
    figures = _activity(rng, kind)
    if kind != "mttq":
        figures.update(members)
        figures["eligible_population"] = max(members["members_total"],
                                             math.ceil(members["members_total"] / coverage))
        figures["branches"], figures["groups"] = counts
    return figures


def _activity(rng, kind):
    visits, courses, sessions = rng.randint(2, 12), rng.randint(0, 3), rng.randint(3, 25)
    builds = kind in ("mttq", "ldld")
    return {
        "field_visits": visits,
        "training_courses": courses,
        "training_participants": courses * rng.randint(25, 60),
        "propaganda_sessions": sessions,
        "propaganda_attendance": sessions * rng.randint(30, 90),
        "funds_mobilised": rng.randint(10, 300 if builds else 120) * 500_000,
        "houses_built": rng.randint(0, 3) if builds else int(rng.random() < 0.15),
        "houses_repaired": rng.randint(0, 2) if builds else int(rng.random() < 0.1),
        "models_established": rng.randint(0, 4),
        "volunteer_activities": rng.randint(2, 15) if kind == "doan" else rng.randint(0, 5),
    }


def _report(rng, report_id, organisation_id, period, status):
    end = period.ends_on
    submitted = approved = None
    if status in ("submitted", "approved"):
        if period.status == "open":
            day = end - datetime.timedelta(days=rng.randint(0, 5))
        else:  # one in ten after the deadline
            late = rng.random() < 0.1
            day = between(rng, end + datetime.timedelta(days=DEADLINE_DAYS + 1 if late else 1),
                          period.deadline + datetime.timedelta(days=12 if late else 0))
        submitted = datetime.datetime.combine(day, datetime.time(rng.randint(7, 17), rng.randint(0, 59)))
    if status == "approved":
        approved = submitted + datetime.timedelta(days=rng.randint(1, 5), hours=rng.randint(0, 6))
    return (report_id, organisation_id, period.id, status, submitted, approved, 1)


def _values(report_id, indicators, figures):
    return [(report_id, indicator.id, figures[indicator.code])
            for indicator in indicators if indicator.code in figures]
