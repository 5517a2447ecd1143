"""/admin/totals/: the cross-organisation totals page, bookmarkable by its query."""
import io

from flask import abort, request, send_file
from flask_admin import BaseView, expose
from flask_login import current_user

from admin_views import auditing
from admin_views.access import SignedInPage, ancestors_in_scope, scope_root, user_role
from models import Organisation, Setting
from models.reporting import quarter_label
from portal.reporting import data, formatting, panels, people
from portal.excel.giao_ban import write_giao_ban
from portal.reporting.totals import (
    MODES, BadSelection, Selection, build, current_quarter, parse_period,
)

READERS = ("admin", "secretariat", "editor", "viewer")


class ReportPage(SignedInPage, BaseView):
    """Pages over reported figures: open to every role, within its scope."""

    def is_accessible(self):
        return current_user.is_authenticated and user_role() in READERS



def resolve_parent(code):
    """The organisation whose children are the rows; outside the scope is 'not found'."""
    root = scope_root()
    if user_role() == "editor" and root is None:
        abort(403)
    if not code:
        return root or Organisation.get_or_none(Organisation.parent.is_null()) or abort(404)
    parent = Organisation.get_or_none(Organisation.code == code.strip().upper())
    if parent is None or (root is not None and not parent.is_descendant_of(root)):
        abort(404)
    return parent


def default_quarter(include_drafts=False):
    """The latest quarter with reports that count, as the dashboard opens on;
    else the latest opened quarter, else today's."""
    statuses = data.COUNTED + (("draft",) if include_drafts else ())
    latest = data.latest_period()
    return (data.latest_reported_quarter(statuses)
            or ((latest.year, latest.quarter) if latest else current_quarter()))


def selection_from(args):
    mode, quarters, drafts = parse_period(args, default_quarter(args.get("drafts") == "1"))
    return Selection(resolve_parent(args.get("parent")), mode, quarters, include_drafts=drafts)


def workbook_response(totals):
    """The giao ban workbook of `totals` as a download, its export audited."""
    stream = io.BytesIO()
    write_giao_ban(stream, totals, Setting.get_value("province_name"),
                   current_user.full_name or current_user.username)
    auditing.record("export", table="quarterly_report", organisation_id=totals.selection.parent.id,
                    note=f"Sổ giao ban {totals.selection.label}, đơn vị {totals.selection.parent.code}")
    stream.seek(0)
    last = totals.selection.quarters[-1]
    name = f"giao-ban-{totals.selection.parent.code}-{last[0]}-Q{last[1]}.xlsx"
    return send_file(stream, as_attachment=True, download_name=name,
                     mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


class TotalsView(ReportPage):
    def refuse(self, problem):
        return self.render("reports/totals.html", problem=str(problem), modes=MODES, args=request.args), 400

    @expose("/workbook/")
    def workbook(self):
        try:
            selection = selection_from(request.args)
        except BadSelection as problem:
            return self.refuse(problem)
        return workbook_response(build(selection))

    @expose("/people/")
    def people(self):
        """People reached, each once, in the parent's subtree and each row unit's:
        a page of its own, which the totals page loads after it has shown
        (the count reads every member record; the totals must not wait)."""
        try:
            selection = selection_from(request.args)
        except BadSelection as problem:
            return self.refuse(problem)
        day, units, reach = people.reached(selection)
        return self.render("reports/people_reached.html", selection=selection, units=units,
                           reach=reach, day=day, fmt=formatting, args=request.args)

    @expose("/")
    def index(self):
        try:
            selection = selection_from(request.args)
        except BadSelection as problem:
            return self.refuse(problem)
        totals = build(selection)
        units = totals.units
        last_quarter = selection.quarters[-1]
        trail = [*ancestors_in_scope(selection.parent), selection.parent]
        return self.render(
            "reports/totals.html", totals=totals, selection=selection, modes=MODES, args=request.args,
            trail=trail, fmt=formatting, quarter_label=quarter_label,
            statuses=data.report_statuses([u.id for u in units], *last_quarter),
            last_quarter=last_quarter,
            campaigns=panels.campaign_results(units, selection.quarters),
            directives=panels.directive_implementation(units),
            twinning=panels.twinning(units, selection.quarters),
        )
