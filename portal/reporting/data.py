"""Loading what the arithmetic needs from the database, in a few queries."""
from peewee import JOIN, SQL, PostgresqlDatabase, fn

from models import Indicator, Organisation, QuarterlyReport, ReportingPeriod, ReportValue, db
from models.reporting import quarter_start
from portal.reporting.arithmetic import IndicatorSpec, Reports, quarter_index

# Reports that count in totals unless drafts are asked for too.
COUNTED = ("submitted", "approved")


def indicators_in_force():
    return list(Indicator.in_force())


def specs_of(indicators):
    codes = {i.id: i.code for i in Indicator.select(Indicator.id, Indicator.code)}
    return [IndicatorSpec(i.code, i.kind, codes.get(i.numerator_id), codes.get(i.denominator_id), i.scale)
            for i in indicators]


def tree():
    """({parent id: [child ids]} for the whole tree, {organisation id: the date
    it ceased} for the units no longer active), from one read of the table."""
    children, ended = {}, {}
    query = Organisation.select(Organisation.id, Organisation.parent, Organisation.active_to)
    # From the bare cursor (peewee's rows cost more than the read); SQLite
    # hands the few dates back as text, so each is converted by its field.
    as_date = Organisation.active_to.python_value
    for org_id, parent_id, active_to in db.execute(query):
        children.setdefault(parent_id, []).append(org_id)
        if active_to is not None:
            ended[org_id] = as_date(active_to)
    return children, ended


def gone_before(ended, quarters):
    """The units of `ended` (from `tree`) that ceased before the span began."""
    first = quarter_start(*quarters[0])
    return frozenset(unit for unit, day in ended.items() if day <= first)


def _quarter_number():
    return ReportingPeriod.year * 4 + ReportingPeriod.quarter - 1


def load_reports(quarters, statuses=COUNTED, codes=None):
    """{(organisation id, (year, quarter)): {indicator code: value}} for `quarters`,
    as an arithmetic.Reports that also knows each report's status; with
    `codes`, only those indicators' figures (every report is still there).

    Read as plain tuples from the cursor: a province's three quarters are some
    27.000 figures, and building a peewee row for each would be most of the
    totals page's time. Each read is one statement, so one moment: read apart,
    a report sent between the reads brought figures for a report the first
    read had not seen (a 500).
    """
    reports = Reports()
    if not quarters:
        return reports
    wanted = _quarter_number().in_(sorted({quarter_index(*q) for q in quarters}))
    code_of = dict(Indicator.select(Indicator.id, Indicator.code).tuples())
    joined = ReportValue.report == QuarterlyReport.id
    if codes is not None:
        # In the join, not the WHERE: a report without these figures still counts as filed.
        joined &= ReportValue.indicator.in_([i for i, code in code_of.items() if code in codes] or [0])
    if isinstance(db.obj, PostgresqlDatabase):
        _read_listed(reports, code_of, wanted, statuses, joined)
    else:
        _read_flat(reports, code_of, wanted, statuses, joined)
    return reports


def _periods(wanted):
    """{period id: (year, quarter)} of the wanted quarters. Periods are opened,
    never changed: read before the reports, they are still the reports'."""
    return {period_id: (year, quarter) for period_id, year, quarter in
            ReportingPeriod.select(ReportingPeriod.id, ReportingPeriod.year, ReportingPeriod.quarter)
            .where(wanted).tuples()}


def _read_listed(reports, codes, wanted, statuses, joined):
    """PostgreSQL: a row per report, its figures as two arrays (1.635 rows to
    the client for the totals page instead of 27.000), the reports picked by
    their periods' ids (so by index, not after joining every report and figure).

    Each report's figures are gathered by a lateral subquery, an index lookup
    per report: grouping the join of every report with every figure merged all
    90.000 figures of the table (19 ms instead of 10 on the 1M province). The
    two arrays pair up because one aggregate step feeds each row to both; an
    ORDER BY inside each would only sort every report's figures twice."""
    periods = _periods(wanted)
    if not periods:
        return
    figures = (ReportValue
               .select(fn.ARRAY_AGG(ReportValue.indicator).alias("indicators"),
                       fn.ARRAY_AGG(ReportValue.value).alias("values"))
               .where(joined)
               .alias("figures"))
    rows = (QuarterlyReport
            .select(QuarterlyReport.organisation, QuarterlyReport.period, QuarterlyReport.status,
                    figures.c.indicators, figures.c.values)
            .join(figures, JOIN.LEFT_LATERAL, on=SQL("TRUE"))
            .where(QuarterlyReport.period.in_(list(periods)), QuarterlyReport.status.in_(statuses)))
    for org_id, period_id, status, indicator_ids, values in db.execute(rows):
        key = (org_id, periods[period_id])
        # A report without figures has no arrays; an indicator added since
        # `codes` was read is not among this page's columns: it maps to None.
        figures = reports[key] = dict(zip(map(codes.get, indicator_ids or ()), values or ()))
        figures.pop(None, None)
        reports.status[key] = status


def _read_flat(reports, codes, wanted, statuses, joined):
    """SQLite: one statement, so one moment, of two kinds of rows: one per
    report (id, unit, period, status) and one per figure (its report's id,
    indicator, value; the indicator tells the kinds apart, a report row has
    none). In process there are no rows to ship, but making each row's
    Python objects is most of the read: a row per figure that also carried
    its report's unit, quarter and status took 44 ms for a totals page's
    27.000 figures on the 100.000-member province, these narrower rows 30."""
    periods = _periods(wanted)
    if not periods:
        return
    chosen = QuarterlyReport.period.in_(list(periods)), QuarterlyReport.status.in_(statuses)
    own = QuarterlyReport.select(QuarterlyReport.id, SQL("NULL"), QuarterlyReport.organisation,
                                 QuarterlyReport.period, QuarterlyReport.status).where(*chosen)
    figures = (QuarterlyReport.select(ReportValue.report, ReportValue.indicator, ReportValue.value,
                                      SQL("NULL"), SQL("NULL"))
               .join(ReportValue, on=joined).where(*chosen))
    keys, by_report = {}, {}
    for report_id, indicator_id, value, period_id, status in db.execute(own.union_all(figures)):
        if indicator_id is None:
            # `value` is the unit here.
            key = keys[report_id] = (value, periods[period_id])
            reports.status[key] = status
            continue
        # An indicator added since `codes` was read is not among this page's columns.
        code = codes.get(indicator_id)
        if code is not None:
            found = by_report.get(report_id)
            if found is None:
                found = by_report[report_id] = {}
            found[code] = value
    for report_id, key in keys.items():
        reports[key] = by_report.get(report_id) or {}


def report_statuses(unit_ids, year, quarter):
    """{unit id: QuarterlyReport or None} for one quarter."""
    found = {unit: None for unit in unit_ids}
    query = (QuarterlyReport.select(QuarterlyReport, ReportingPeriod)
             .join(ReportingPeriod)
             .where(QuarterlyReport.organisation.in_(list(unit_ids)),
                    ReportingPeriod.year == year, ReportingPeriod.quarter == quarter))
    for report in query:
        found[report.organisation_id] = report
    return found


def latest_reported_quarter(statuses=COUNTED):
    """The last (year, quarter) for which any counted report exists, or None."""
    row = (ReportingPeriod.select(ReportingPeriod.year, ReportingPeriod.quarter)
           .join(QuarterlyReport)
           .where(QuarterlyReport.status.in_(statuses))
           .order_by(ReportingPeriod.year.desc(), ReportingPeriod.quarter.desc())
           .tuples().first())
    return tuple(row) if row else None


def latest_period():
    return (ReportingPeriod.select()
            .order_by(ReportingPeriod.year.desc(), ReportingPeriod.quarter.desc()).first())


def subtree_members(root_ids):
    """{root id: subquery of ids in its subtree} helper for side panels."""
    roots = Organisation.select(Organisation.id, Organisation.path).where(Organisation.id.in_(list(root_ids)))
    return {org.id: Organisation.subtree_ids(org) for org in roots}

