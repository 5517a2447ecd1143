"""What may happen to a quarterly report, and making it happen.

A report moves draft → submitted → approved. Approved reports are locked:
only the secretariat (or an admin) reopens one, with a reason, and it goes
back to draft; a submitted one it approves or sends back, also with a
reason, for the unit to correct. Editors (and admins) write the figures of
drafts and of submitted reports not yet approved, inside their own section
and while the quarter is open. Saving a submitted report with "Lưu nháp" withdraws it to
draft, so the secretariat never approves figures other than the ones that
were sent; "Gửi báo cáo" saves and (re)submits in one step.

`submitted_at` is the submission now standing. Sending a corrected report
again while it waits keeps the time it was first sent; but whenever the
report becomes a draft again (sent back, reopened, withdrawn by the unit)
it is no longer sent, so the time is cleared and the next submission decides
whether the unit was late.

Every write claims the version the user's page showed, in one transaction
with its audit rows and its webhook deliveries (portal/webhooks.py): a stale
page changes nothing and tells nobody.
"""
import datetime

from peewee import IntegrityError

from admin_views import auditing
from admin_views import report_rules as rules
from admin_views.access import covers, user_role
from admin_views.base import StaleRecord
from models import QuarterlyReport, ReportValue, db
from portal import webhooks
from portal.notifications import notify_report_returned

# Those who write a report's figures, and those who approve and reopen.
FIGURE_WRITERS, APPROVERS = rules.FIGURE_WRITERS, rules.APPROVERS

STATUS_LABELS = dict(QuarterlyReport.status.choices)


class Refused(Exception):
    """A rule said no; the message is for the user, in Vietnamese."""


def why_not_edit(report, period, role=None):
    """None when the figures may be written, else the reason in Vietnamese."""
    role = role or user_role()
    if role not in FIGURE_WRITERS:
        return "Bạn chỉ có quyền xem số liệu của báo cáo này."
    if report is not None and report.status == "approved":
        return "Báo cáo đã được duyệt và đã khoá. Chỉ văn phòng Khối mở lại được báo cáo đã duyệt."
    if period is None:
        return "Quý này chưa được mở để báo cáo. Văn phòng Khối cần mở kỳ báo cáo trước."
    if not period.is_open:
        if report is None:
            return f"Kỳ báo cáo {period} đã khoá: không nhận báo cáo mới."
        return f"Kỳ báo cáo {period} đã khoá: không sửa hay gửi báo cáo được nữa."
    return None


def may_approve(report, role=None):
    return (role or user_role()) in APPROVERS and report is not None and report.status == "submitted"


def may_reopen(report, role=None):
    return (role or user_role()) in APPROVERS and report is not None and report.status == "approved"


def may_send_back(report, role=None):
    return may_approve(report, role)


# What each way back to draft says when it cannot happen, and the status it leaves.
RETURNS = {
    "send_back": {"from": "submitted", "role": "Chỉ văn phòng Khối trả lại báo cáo.",
                  "status": "Chỉ trả lại được báo cáo đã gửi, đang chờ duyệt.",
                  "reason": "Cần ghi lý do trả lại báo cáo để đơn vị biết cần sửa gì.",
                  # The unit could not correct it in a locked quarter.
                  "closed": "Kỳ báo cáo {period} đã khoá: đơn vị không sửa được báo cáo bị trả lại. "
                            "Hãy duyệt báo cáo, hoặc mở lại kỳ báo cáo trước."},
    "reopen": {"from": "approved", "role": "Chỉ văn phòng Khối mở lại báo cáo đã duyệt.",
               "status": "Chỉ mở lại được báo cáo đã duyệt.",
               "reason": "Cần ghi lý do mở lại báo cáo."},
}
MAX_REASON = 2000


def save(report, organisation, period, values, note, expected_version, submit=False):
    """Write a report's figures (and submit it when asked) all or nothing.

    `values`: {Indicator: int or None}; None removes the figure. Returns the
    saved report. Raises Refused or StaleRecord; nothing is written then.
    """
    reason = why_not_edit(report, period) or rules.unit_problem(organisation)
    if reason:
        raise Refused(reason)
    if not covers(organisation.id):
        # The pages never get here (they find units through the scoped
        # query); a caller that forgets must not write outside the section.
        raise Refused("Bạn chỉ được ghi dữ liệu của tổ chức mình và các đơn vị trực thuộc.")
    try:
        with db.atomic():
            created = report is None
            if created:
                if expected_version not in (None, 0):
                    raise StaleRecord()  # the report was deleted under the page: never
                report = QuarterlyReport.create(organisation=organisation, period=period, version=1,
                                                note=note)
                before, old_note = {}, None
            else:
                _claim(report, expected_version)
                before, old_note = report.figures(), report.note
            changes = _write_values(report, before, values)
            if (note or None) != (old_note or None):
                changes["ghi_chu"] = [old_note, note]
                report.note = note
            status = "submitted" if submit else "draft"
            old_status = report.status
            report.status = status
            if submit:
                if report.submitted_at is None:
                    report.submitted_at = datetime.datetime.now()
                # Sent again: what was asked for is answered (the audit keeps it).
                report.returned_at = report.return_reason = None
            else:
                report.submitted_at = None  # a draft is not sent, even if it was before
            report.save()
            if changes or created:
                auditing.record("create" if created else "update", report, changes=changes,
                                organisation_id=report.organisation_id)
            if status != old_status:
                _audit_status(report, old_status, status)
            if submit and (status != old_status or changes):
                # Sent, or sent again with corrections: receivers re-read it.
                webhooks.report_event("report.submitted", report)
    except IntegrityError:
        # The same unit's report for the quarter was created meanwhile.
        raise StaleRecord()
    return report


def approve(report, expected_version):
    if user_role() not in APPROVERS:
        raise Refused("Chỉ văn phòng Khối duyệt báo cáo.")
    if not may_approve(report):
        raise Refused("Chỉ duyệt được báo cáo đã gửi.")
    with db.atomic():
        _claim(report, expected_version)
        report.status, report.approved_at = "approved", datetime.datetime.now()
        report.save()
        _audit_status(report, "submitted", "approved")
        webhooks.report_event("report.approved", report)
    return report


def reopen(report, expected_version, reason):
    """An approved report back to draft, with the reason (secretariat)."""
    return _return(report, expected_version, reason, RETURNS["reopen"])


def send_back(report, expected_version, reason):
    """A submitted report back to draft for correction, with the reason (secretariat)."""
    return _return(report, expected_version, reason, RETURNS["send_back"])


def _return(report, expected_version, reason, words):
    """Back to draft: no longer sent, the reason shown to the unit until it sends again.

    Receivers hear `report.reopened` with the reason, whichever status it left.
    """
    reason = (reason or "").strip()
    if user_role() not in APPROVERS:
        raise Refused(words["role"])
    if report is None or report.status != words["from"]:
        raise Refused(words["status"])
    if not reason:
        raise Refused(words["reason"])
    if "closed" in words and not report.period.is_open:
        raise Refused(words["closed"].format(period=report.period))
    if len(reason) > MAX_REASON:
        raise Refused(f"Lý do dài quá: tối đa {MAX_REASON:,} ký tự.".replace(",", "."))
    with db.atomic():
        _claim(report, expected_version)
        report.status, report.submitted_at, report.approved_at = "draft", None, None
        report.returned_at, report.return_reason = datetime.datetime.now(), reason
        report.save()
        _audit_status(report, words["from"], "draft", reason)
        webhooks.report_event("report.reopened", report, reason=reason)
        notify_report_returned(report, reason)
    return report


def _claim(report, expected_version):
    """Bump the version only if it is still the one the page showed."""
    if expected_version is None:
        raise StaleRecord()
    claimed = (QuarterlyReport.update(version=expected_version + 1)
               .where(QuarterlyReport.id == report.id, QuarterlyReport.version == expected_version)
               .execute())
    if claimed != 1:
        raise StaleRecord()
    report.version = expected_version + 1


def _write_values(report, before, values):
    """Store `values`, returning {indicator code: [old, new]} for what changed."""
    changes = {}
    for indicator, new in values.items():
        old = before.get(indicator.id)
        if old == new:
            continue
        changes[indicator.code] = [old, new]
        if new is None:
            ReportValue.delete().where(ReportValue.report == report.id,
                                       ReportValue.indicator == indicator.id).execute()
        elif old is None:
            ReportValue.create(report=report, indicator=indicator, value=new)
        else:
            (ReportValue.update(value=new)
             .where(ReportValue.report == report.id, ReportValue.indicator == indicator.id)
             .execute())
    return changes


def _audit_status(report, old, new, reason=None):
    changes = {"status": [STATUS_LABELS[old], STATUS_LABELS[new]]}
    if reason:
        changes["ly_do"] = reason
    auditing.record("status", report, changes=changes, organisation_id=report.organisation_id)
