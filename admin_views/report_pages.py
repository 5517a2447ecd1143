"""The pages of quarterly reports beyond Flask-Admin's list and details:
the entry grid, the "Nhập báo cáo" chooser and the submission overview.

Mixed into QuarterlyReportView, so every route goes through its login and
role check and reaches reports only through its scoped `get_one` and
`get_query`. A report, unit or quarter the user cannot reach answers exactly
like one that does not exist.
"""

from flask import flash, redirect, request
from flask_admin import expose
from flask_admin.babel import gettext
from flask_admin.model.fields import AjaxSelectField
from wtforms import Form

from admin_views import report_rules as rules
from admin_views import report_workflow as workflow
from admin_views.access import ancestors_in_scope, scope_root
from admin_views.base import StaleRecord
from admin_views.formatters import format_number
from admin_views.report_entry import EntryGrid
from models import Organisation, QuarterlyReport, ReportingPeriod
from models.reporting import quarter_label

SAVED = {
    "save": "Đã lưu bản nháp báo cáo {report}.",
    "submit": "Đã gửi báo cáo {report}. Văn phòng Khối sẽ xem và duyệt.",
    "approve": "Đã duyệt báo cáo {report}. Báo cáo đã được khoá.",
    "reopen": "Đã mở lại báo cáo {report}; báo cáo trở về bản nháp để đơn vị sửa.",
    "send_back": "Đã trả lại báo cáo {report} cho đơn vị sửa; báo cáo trở về bản nháp, không còn tính là đã gửi.",
}


class ReportPages:
    entry_template = "admin/reports/entry.html"
    chooser_template = "admin/reports/choose.html"
    submissions_template = "admin/reports/submissions.html"

    # --- the entry grid ---------------------------------------------------

    @expose("/entry/", methods=("GET", "POST"))
    def entry(self):
        if "id" not in request.args and not request.args.get("org"):
            if "org" in request.args:  # the chooser sent without a unit
                flash("Hãy chọn đơn vị báo cáo.", "error")
            return self._chooser()
        found = self._locate()
        if found is None:
            return self._missing()
        organisation, period, report, label = found
        if rules.unit_problem(organisation):
            flash(f"{rules.unit_problem(organisation)} Hãy chọn một đơn vị.", "error")
            return redirect(self.get_url(".entry"))
        action = request.form.get("action") if request.method == "POST" else None
        grid = None
        if period is not None:
            posted = request.form if action in ("save", "submit", "fill") else None
            grid = EntryGrid(organisation, period, report, posted)
        if action:
            done = self._act(action, organisation, period, report, grid)
            if done is not None:
                flash(SAVED[action].format(report=done), "success")
                return redirect(self.get_url(".entry", id=done.id))
        return self.render(
            self.entry_template, organisation=organisation, period=period, report=report,
            quarter=label, grid=grid, refusal=workflow.why_not_edit(report, period),
            can_approve=workflow.may_approve(report), can_reopen=workflow.may_reopen(report),
            can_send_back=workflow.may_send_back(report), number=_number,
        )

    def _locate(self):
        """(organisation, period or None, report or None, quarter label) from the
        query string, or None when any of it is missing or out of reach."""
        args = request.args
        if "id" in args:
            report = self.get_one(args.get("id"))
            if report is None:
                return None
            return report.organisation, report.period, report, str(report.period)
        organisation = self.unit_in_scope(args.get("org"))
        if organisation is None:
            return None
        if "period" in args:
            period = ReportingPeriod.get_or_none(ReportingPeriod.id == _int(args.get("period")))
            if period is None:
                return None
            year, quarter = period.year, period.quarter
        else:
            year, quarter = _int(args.get("year")), _int(args.get("quarter"))
            if year is None or rules.year_problem(year) or quarter not in (1, 2, 3, 4):
                return None
            period = ReportingPeriod.find(year, quarter)
        report = self.get_query().join(ReportingPeriod).where(
            QuarterlyReport.organisation == organisation.id,
            ReportingPeriod.year == year, ReportingPeriod.quarter == quarter).first()
        return organisation, period, report, (str(period) if period else quarter_label(year, quarter))

    def _act(self, action, organisation, period, report, grid):
        """Do what the page asked; the saved report, or None to show the page again."""
        version = _int(request.form.get("version"))
        try:
            if action == "approve":
                return workflow.approve(report, version)
            if action in ("reopen", "send_back"):
                step = workflow.reopen if action == "reopen" else workflow.send_back
                return step(report, version, request.form.get("reason"))
            if action == "fill" and grid is not None:
                grid.fill_from_members()
                flash("Đã điền số liệu lấy từ hồ sơ hội viên vào bảng. Số liệu chưa được lưu: "
                      "hãy kiểm tra rồi bấm «Lưu nháp» hoặc «Gửi báo cáo».", "info")
                return None
            if action not in ("save", "submit"):
                flash("Thao tác không hợp lệ.", "error")
                return None
            reason = workflow.why_not_edit(report, period)
            if reason:
                raise workflow.Refused(reason)
            if not grid.validate():
                flash("Chưa lưu: có số liệu chưa hợp lệ, xem thông báo bên cạnh từng ô.", "error")
                return None
            warning = grid.continuity_warning()
            saved = workflow.save(report, organisation, period, grid.values(), grid.note(),
                                  version, submit=action == "submit")
            if warning:
                flash(f"Lưu ý: {warning} Báo cáo vẫn được lưu.", "warning")
            return saved
        except workflow.Refused as refusal:
            flash(str(refusal), "error")
        except StaleRecord as stale:
            self._report_failure(stale, "")
        return None

    def _missing(self):
        flash(gettext("Record does not exist."), "error")
        return redirect(self.get_url(".index_view"))

    # --- choosing units ---------------------------------------------------

    def unit_in_scope(self, value):
        pk = _int(value)
        if pk is None:
            return None
        return self.scope_lookup(Organisation, Organisation.select()).where(Organisation.id == pk).first()

    def _chooser(self):
        """"Nhập báo cáo": the unit is found by typing its name or code in the
        view's own picker (the scoped ajax lookup of a report's unit), the
        user's own unit already chosen. As a list of every unit in reach the
        page was 1,3 MB for the secretariat of a province's 10.000 units."""
        reachable = (self.scope_lookup(Organisation, Organisation.select())
                     .where(Organisation.kind != "khoi").exists())
        form = _unit_chooser(self._form_ajax_refs["organisation"], scope_root())
        return self.render(self.chooser_template, form=form, reachable=reachable, periods=_periods())

    # --- who has reported ---------------------------------------------------

    @expose("/submissions/")
    def submissions(self):
        periods = _periods()
        period = _default_period(periods)
        if request.args.get("period"):
            period = next((p for p in periods if p.id == _int(request.args["period"])), None)
            if period is None:
                return self._missing()
        parent = self._default_parent()
        if request.args.get("parent"):
            parent = self.unit_in_scope(request.args["parent"])
            if parent is None:
                return self._missing()
        rows = self._submission_rows(parent, period) if period and parent else []
        # Down the tree by its rows and back by the trail, as the totals page goes.
        trail = ancestors_in_scope(parent) if parent else []
        return self.render(self.submissions_template, periods=periods, period=period, parent=parent,
                           trail=trail, has_children=_with_children(unit for unit, _, _ in rows),
                           rows=rows, summary=_summary(rows), may_send_back=workflow.may_send_back)

    def _default_parent(self):
        """The user's own unit when confined, else the bloc (its six units)."""
        root = (scope_root() or Organisation.get_or_none(Organisation.code == "KHOI")
                or Organisation.select().where(Organisation.parent.is_null())
                .order_by(Organisation.id).first())
        return self.unit_in_scope(root.id) if root is not None else None

    def _submission_rows(self, parent, period):
        """[(unit, report or None, late)] for the parent (unless it is the bloc)
        and each unit directly below it that existed during the quarter."""
        children = (Organisation.select()
                    .where(Organisation.parent == parent.id,
                           Organisation.active_from.is_null() | (Organisation.active_from <= period.ends_on),
                           Organisation.active_to.is_null() | (Organisation.active_to > period.starts_on))
                    .order_by(Organisation.code))
        units = ([parent] if parent.kind != "khoi" else []) + list(children)
        reports = {r.organisation_id: r for r in self.get_query().where(
            QuarterlyReport.period == period.id,
            QuarterlyReport.organisation.in_([u.id for u in units]))}
        rows = []
        for unit in units:
            report = reports.get(unit.id)
            rows.append((unit, report, period.is_late(report.submitted_at if report else None)))
        return rows


def _unit_chooser(loader, chosen):
    """The chooser's unit field: `loader`'s picker with `chosen` already in it."""
    class UnitChooser(Form):
        org = AjaxSelectField(loader, "Đơn vị báo cáo")
    return UnitChooser(org=chosen)


def _with_children(units):
    """The ids of `units` that have units below them (their rows lead further down)."""
    ids = [unit.id for unit in units]
    if not ids:
        return set()
    return {parent for parent, in Organisation.select(Organisation.parent)
            .where(Organisation.parent.in_(ids)).distinct().tuples()}


def _periods():
    return list(ReportingPeriod.select()
                .order_by(ReportingPeriod.year.desc(), ReportingPeriod.quarter.desc()))


def _default_period(periods):
    """The latest open quarter, else the latest one."""
    return next((p for p in periods if p.is_open), periods[0] if periods else None)


def _summary(rows):
    sent = [row for row in rows if row[1] is not None and row[1].is_sent]
    return {
        "units": len(rows),
        "sent": len(sent),
        "late": sum(1 for row in sent if row[2]),
        "missing": len(rows) - len(sent),
        "overdue": sum(1 for row in rows if row not in sent and row[2]),
    }


def _number(value):
    return "—" if value is None else format_number(value)


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
