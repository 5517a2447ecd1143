"""Importing quarterly figures from a long-format CSV or xlsx file.

One row per figure: org_code, year, quarter, indicator_code, value. Reading
(import_file) and checking are plain functions returning (rows, problems), so
the command line and the upload page share them; `save` writes in one
transaction and is only called when nothing was wrong, so a file lands whole
or not at all.
"""
import datetime
import os
from dataclasses import dataclass, field

from peewee import EXCLUDED, IntegrityError, fn

from admin_views import auditing
from admin_views import report_rules as rules
from models import Indicator, Organisation, QuarterlyReport, ReportingPeriod, ReportValue, db
from models.organisation import KIND_CHOICES
from models.reporting import quarter_label, quarter_start
from portal import webhooks
from portal.reporting.import_file import (  # noqa: F401  (re-exported for callers)
    COLUMNS, Formula, Problem, blank, number, read_file, whole_number,
)

KIND_LABELS = dict(KIND_CHOICES)


@dataclass(frozen=True)
class ImportRow:
    line: int
    organisation: Organisation
    year: int
    quarter: int
    indicator: Indicator
    value: int


@dataclass
class Summary:
    values: int
    reports: int
    new_reports: int
    opened: list = field(default_factory=list)
    approved: bool = False

    def counts(self):
        approved = ", dạng đã duyệt" if self.approved else ""
        return (f"{number(self.values)} số liệu vào {number(self.reports)} báo cáo "
                f"({number(len(self.opened))} kỳ mới mở){approved}")

    def message(self, dry_run=False):
        opened = f" Kỳ mới mở: {', '.join(self.opened)}." if self.opened else ""
        if dry_run:
            return f"Tệp hợp lệ: sẽ nhập {self.counts()}.{opened} Chưa ghi gì (chỉ kiểm tra)."
        return f"Đã nhập {self.counts()}.{opened}"


class ImportConflict(Exception):
    """A report changed between the check and the write: nothing was written."""


def _code(value):
    if isinstance(value, Formula):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return "" if blank(value) else str(value).strip()


# --- checking against the database -------------------------------------------------

def check(records, scope=None, today=None, role="admin", approve=False):
    """(rows, problems): each record parsed and checked against the catalogue,
    the organisations in `scope` (a subquery of ids; None: all), existing
    reports and the report rules for `role` (the command line acts as admin);
    `approve`: the rows are to become approved reports (a back-fill). An
    organisation outside `scope` reads exactly like a missing one."""
    today = today or datetime.date.today()
    problems, parsed = [], []
    for line, values in records:
        item, found = _parse(line, values, today)
        problems += found
        parsed.append(item)
    organisations = _organisations({p["org_code"].upper() for p in parsed if p["org_code"]}, scope)
    indicators = {i.code.lower(): i for i in Indicator.select().where(
        fn.LOWER(Indicator.code).in_(list({p["indicator_code"].lower() for p in parsed} - {""})))}
    rows, seen = [], {}
    for item in parsed:
        line = item["line"]
        org = organisations.get(item["org_code"].upper()) if item["org_code"] else None
        if item["org_code"] and org is None:
            problems.append(Problem(line, "org_code", f"không có tổ chức mã «{item['org_code']}»"))
        elif org is not None and rules.unit_problem(org):
            problems.append(Problem(line, "org_code", rules.unit_problem(org)))
            org = None
        indicator = indicators.get(item["indicator_code"].lower()) if item["indicator_code"] else None
        reason = indicator_problem(item, indicator, org)
        if reason:
            problems.append(Problem(line, "indicator_code", reason))
            indicator = None
        if None in (org, indicator, item["year"], item["quarter"], item["value"]):
            continue
        key = (org.id, item["year"], item["quarter"], indicator.id)
        if key in seen:
            problems.append(Problem(line, "indicator_code", (
                f"trùng với dòng {seen[key]}: cùng đơn vị {org.code}, "
                f"{quarter_label(item['year'], item['quarter'])} và chỉ tiêu {indicator.code}")))
            continue
        seen[key] = line
        rows.append(ImportRow(line, org, item["year"], item["quarter"], indicator, item["value"]))
    problems += _status_problems(rows, role, approve)
    problems += _ratio_problems(rows, approve)
    order = {c: i for i, c in enumerate(COLUMNS)}
    problems.sort(key=lambda p: (p.line or 0, order.get(p.column, 0)))
    return ([] if problems else rows), problems


def load(filename, data, scope=None, today=None, role="admin", approve=False):
    """Read and check a file: (rows, problems); rows is empty when anything is wrong."""
    records, problems = read_file(filename, data)
    if problems:
        return [], problems
    return check(records, scope, today, role, approve)


def _parse(line, values, today):
    problems = []
    item = {"line": line, "org_code": _code(values["org_code"]),
            "indicator_code": _code(values["indicator_code"])}
    for column, label in (("org_code", "mã tổ chức"), ("indicator_code", "mã chỉ tiêu")):
        if item[column] is None:
            problems.append(Problem(line, column, "ô chứa công thức; hãy nhập mã trực tiếp"))
            item[column] = ""
        elif not item[column]:
            problems.append(Problem(line, column, f"để trống; cần {label}"))
    year = _small_number(values["year"], range(1000, 10000))
    if isinstance(year, str):
        problems.append(Problem(line, "year", year or "năm phải có 4 chữ số, ví dụ 2024"))
        year = None
    elif rules.year_problem(year):
        problems.append(Problem(line, "year", rules.year_problem(year)))
        year = None
    quarter = _small_number(values["quarter"], range(1, 5))
    if isinstance(quarter, str):
        problems.append(Problem(line, "quarter", quarter or "quý phải là 1, 2, 3 hoặc 4"))
        quarter = None
    if year and quarter and quarter_start(year, quarter) > today:
        # A typo such as 2042 for 2024 would otherwise open a bogus quarter.
        problems.append(Problem(line, "year", f"{quarter_label(year, quarter)} chưa bắt đầu"))
        year = None
    value, reason = whole_number(values["value"])
    reason = reason or rules.figure_problem(value)
    if reason:
        value = None
        problems.append(Problem(line, "value", reason))
    item.update(year=year, quarter=quarter, value=value)
    return item, problems


def _small_number(value, allowed):
    """The number, or a reason: a formula's, or "" for "not one of `allowed`"."""
    number_, reason = whole_number(value)
    if isinstance(value, Formula) or (reason and reason.startswith("ô chứa")):
        return reason
    if reason or number_ not in allowed:
        return ""
    return number_


def _organisations(codes, scope):
    if not codes:
        return {}
    query = Organisation.select().where(fn.UPPER(Organisation.code).in_(list(codes)))
    if scope is not None:
        query = query.where(Organisation.id.in_(scope))
    return {o.code.upper(): o for o in query}


def indicator_problem(item, indicator, org):
    code = item["indicator_code"]
    if not code:
        return None
    if indicator is None:
        return f"không có chỉ tiêu mã «{code}»"
    if indicator.kind == "ratio":
        return (f"«{indicator.code}» là chỉ tiêu tỷ lệ, được tính tự động từ hai chỉ tiêu khác; "
                "không nhập trực tiếp")
    # Retired indicators still take figures for quarters before retirement:
    # back-filled history must not lose them.
    start = quarter_start(item["year"], item["quarter"]) if item["year"] and item["quarter"] else None
    if indicator.retired_on and (start is None or indicator.retired_on <= start):
        return f"chỉ tiêu «{indicator.code}» đã ngừng dùng từ {indicator.retired_on:%d/%m/%Y}"
    if org is not None and not indicator.applies_to(org.kind):
        kind = KIND_LABELS.get(org.kind, org.kind)
        return f"chỉ tiêu «{indicator.code}» không áp dụng cho {kind} ({org.code})"
    return None


def _status_problems(rows, role, approve):
    """The quarter must be open (or openable by `role`), the report new or a draft."""
    periods = _existing_periods(rows)
    reports = _existing_reports(rows, periods)
    problems = []
    for row in rows:
        period = periods.get((row.year, row.quarter))
        reason = rules.period_problem(period, row.year, row.quarter, role)
        if reason:
            problems.append(Problem(row.line, "quarter", reason))
            continue
        report = reports.get((row.organisation.id, period.id)) if period else None
        reason = rules.import_report_problem(report, row.organisation.code, row.year, row.quarter, approve)
        if reason:
            problems.append(Problem(row.line, "org_code", reason))
    return problems


def _ratio_problems(rows, approve):
    """A percentage's parts, as the report will hold them after the import
    (a draft's stored figures with the file's on top), checked as the grid does."""
    periods = _existing_periods(rows)
    reports = {} if approve else _existing_reports(rows, periods)
    stored = _stored_figures(reports.values())
    by_report, lines = {}, {}
    for row in rows:
        key = (row.organisation, row.year, row.quarter)
        period = periods.get((row.year, row.quarter))
        report = reports.get((row.organisation.id, period.id)) if period else None
        values = by_report.setdefault(key, dict(stored.get(report.id, {})) if report else {})
        values[row.indicator.id] = row.value
        lines[(key, row.indicator.id)] = row.line
    problems, catalogue = [], {}
    for key, values in by_report.items():
        org, year, quarter = key
        indicators = catalogue.setdefault((org.kind, year, quarter),
                                          Indicator.for_quarter(org.kind, year, quarter))
        for numerator, reason in rules.ratio_problems(indicators, values):
            # The row of the numerator, or of the denominator when the numerator was stored.
            line = lines.get((key, numerator.id)) or min(
                lines[(key, i)] for i in values if (key, i) in lines)
            problems.append(Problem(line, "value", reason))
    return problems


def _stored_figures(reports):
    """{report id: {indicator id: value}} of the draft reports the import adds to."""
    ids = [r.id for r in reports if r.status == "draft"]
    figures = {}
    if ids:
        query = ReportValue.select(ReportValue.report, ReportValue.indicator, ReportValue.value)
        for report_id, indicator_id, value in query.where(ReportValue.report.in_(ids)).tuples():
            figures.setdefault(report_id, {})[indicator_id] = value
    return figures


def _existing_periods(rows):
    keys = {(r.year, r.quarter) for r in rows}
    if not keys:
        return {}
    query = ReportingPeriod.select().where(ReportingPeriod.year.in_(list({y for y, _ in keys})))
    return {(p.year, p.quarter): p for p in query if (p.year, p.quarter) in keys}


def _existing_reports(rows, periods):
    if not periods:
        return {}
    query = QuarterlyReport.select().where(
        QuarterlyReport.organisation.in_(list({r.organisation.id for r in rows})),
        QuarterlyReport.period.in_([p.id for p in periods.values()]))
    return {(r.organisation_id, r.period_id): r for r in query}


# --- writing -------------------------------------------------------------------

def save(rows, source, user=None, dry_run=False, approve=False, reason=None):
    """Write checked rows into draft reports in one transaction and audit it.

    With `approve` (an admin's or the secretariat's back-fill of history,
    checked by `check(..., approve=True)`), the rows become new approved
    reports and the audit entry keeps `reason`. With `dry_run` everything is
    done and then rolled back, so the summary is exactly what a real import
    would do. Raises ImportConflict when a report was submitted, approved or
    created meanwhile; nothing is written then.
    """
    if approve and not (reason or "").strip():
        raise ImportConflict(rules.TEXT["reason"])
    try:
        with db.atomic() as transaction:
            periods, opened = _open_periods(rows, source)
            if approve:
                reports = _approved_reports(rows, periods)
                created = len(reports)
            else:
                reports, created = _draft_reports(rows, periods)
            _write_values(rows, reports, periods)
            summary = Summary(len(rows), len(reports), created, opened, approved=approve)
            note = f"Tệp {source}: {summary.counts()}"
            auditing.record("import", table="quarterly_report", user=user,
                            organisation_id=_common_ancestor([r.organisation for r in rows]),
                            changes={"ghi_chu": note, "ly_do": reason.strip()} if approve else None,
                            note=note)
            if dry_run:
                transaction.rollback()
            else:
                webhooks.import_finished("reports", {
                    "values": summary.values, "reports": summary.reports,
                    "new_reports": summary.new_reports, "opened_periods": len(summary.opened),
                    "approved": summary.approved}, source, user)
    except IntegrityError:
        raise ImportConflict("Có người vừa tạo cùng báo cáo hoặc kỳ báo cáo trong lúc nhập; "
                             "chưa ghi gì, hãy nhập lại.") from None
    return summary


def _open_periods(rows, source):
    """Back-filling opens the quarters that were never opened."""
    periods, opened = dict(_existing_periods(rows)), []
    for period in periods.values():
        if period.status != "open":
            raise ImportConflict(f"Kỳ {period} vừa bị khoá trong lúc nhập; chưa ghi gì.")
    for year, quarter in sorted({(r.year, r.quarter) for r in rows} - set(periods)):
        periods[(year, quarter)] = ReportingPeriod.create(
            year=year, quarter=quarter, status="open", note=f"Mở khi nhập số liệu từ tệp {source}")
        opened.append(quarter_label(year, quarter))
    return periods, opened


def _draft_reports(rows, periods):
    reports = _existing_reports(rows, periods)
    created, bumped = 0, set()
    for row in rows:
        key = (row.organisation.id, periods[(row.year, row.quarter)].id)
        report = reports.get(key)
        if report is None:
            reports[key] = QuarterlyReport.create(organisation=row.organisation, period=key[1],
                                                  status="draft")
            created += 1
        elif report.id not in bumped:
            # A new version makes any form opened on this draft stale, and the
            # condition refuses a report submitted since the check.
            changed = (QuarterlyReport
                      .update(version=QuarterlyReport.version + 1)
                      .where(QuarterlyReport.id == report.id, QuarterlyReport.status == "draft",
                             QuarterlyReport.version == report.version)
                      .execute())
            if not changed:
                raise ImportConflict(f"Báo cáo {row.organisation.code} "
                                     f"{quarter_label(row.year, row.quarter)} vừa bị thay đổi "
                                     "(gửi, duyệt hoặc sửa) trong lúc nhập; chưa ghi gì, hãy nhập lại.")
            bumped.add(report.id)
    return reports, created


def _approved_reports(rows, periods):
    """New approved reports, one per unit and quarter; an existing one stops
    the import (the check refused it; it was created meanwhile)."""
    if _existing_reports(rows, periods):
        raise ImportConflict("Có báo cáo vừa được tạo trong lúc nhập; chưa ghi gì, hãy nhập lại.")
    now = datetime.datetime.now()
    reports = {}
    for row in rows:
        key = (row.organisation.id, periods[(row.year, row.quarter)].id)
        if key not in reports:
            reports[key] = QuarterlyReport.create(organisation=row.organisation, period=key[1],
                                                  status="approved", submitted_at=now, approved_at=now)
    return reports


def _write_values(rows, reports, periods):
    values = [{"report": reports[(r.organisation.id, periods[(r.year, r.quarter)].id)].id,
               "indicator": r.indicator.id, "value": r.value} for r in rows]
    for start in range(0, len(values), 300):
        (ReportValue.insert_many(values[start:start + 300])
         .on_conflict(conflict_target=[ReportValue.report, ReportValue.indicator],
                      update={ReportValue.value: EXCLUDED.value})
         .execute())


def _common_ancestor(organisations):
    """The deepest node above every imported unit: whose section the audit entry is in."""
    paths = [o.path.strip("/").split("/") for o in organisations if o.path]
    common = os.path.commonprefix(paths) if paths else []
    return int(common[-1]) if common and common[-1] else None
