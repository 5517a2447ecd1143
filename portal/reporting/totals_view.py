"""/admin/totals/: the cross-organisation totals page, bookmarkable by its query."""
import io

from flask import abort, request, send_file
from flask_admin import BaseView, expose
from flask_login import current_user

from admin_views import auditing
from admin_views.access import SignedInPage, scope_root, user_role
from models import Organisation, Setting
from models.reporting import quarter_label
from portal.reporting import data, formatting, panels
from portal.excel.giao_ban import write_giao_ban
from portal.reporting.totals import (
    MODES, BadSelection, Selection, build, check_quarter, current_quarter, parse_quarter, quarters_for,
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


def selection_from(args):
    mode = args.get("mode", "quarter")
    if mode not in MODES:
        raise BadSelection("Cách chọn kỳ không hợp lệ.")
    latest = data.latest_period()
    default = (latest.year, latest.quarter) if latest else current_quarter()
    try:
        year = int(args.get("year", default[0]))
        quarter = int(args.get("quarter", default[1]))
    except ValueError:
        raise BadSelection("Năm và quý phải là số.")
    check_quarter(year, quarter)
    first = parse_quarter(args.get("from"), "Quý bắt đầu") if mode == "range" else None
    last = parse_quarter(args.get("to"), "Quý kết thúc") if mode == "range" else None
    return Selection(resolve_parent(args.get("parent")), mode,
                     quarters_for(mode, year, quarter, first, last),
                     include_drafts=args.get("drafts") == "1")


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

    @expose("/")
    def index(self):
        try:
            selection = selection_from(request.args)
        except BadSelection as problem:
            return self.refuse(problem)
        totals = build(selection)
        units = totals.units
        last_quarter = selection.quarters[-1]
        root = scope_root()
        trail = [o for o in selection.parent.ancestors()
                 if root is None or o.is_descendant_of(root)]
        return self.render(
            "reports/totals.html", totals=totals, selection=selection, modes=MODES, args=request.args,
            trail=trail, fmt=formatting, quarter_label=quarter_label,
            statuses=data.report_statuses([u.id for u in units], *last_quarter),
            last_quarter=last_quarter,
            campaigns=panels.campaign_results(units, selection.quarters),
            directives=panels.directive_implementation(units),
            twinning=panels.twinning(units, selection.quarters),
        )
