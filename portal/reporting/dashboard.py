"""/admin/dashboard/: charts of the last eight quarters, drawn by the vendored Chart.js."""
from flask import request
from flask_admin import expose

from models.reporting import quarter_label
from portal.reporting import arithmetic, data
from portal.reporting.totals import current_quarter, units_under
from portal.reporting.totals_view import ReportPage, resolve_parent

QUARTERS_SHOWN = 8
# What the charts draw; a ratio brings its two parts.
CHARTED = ("members_total", "coverage_rate", "members_new")


def charted_specs(specs, charted=CHARTED):
    """The specs of the charted indicators and of their ratios' parts.

    The arithmetic works indicator by indicator, so leaving the others out
    changes none of these figures; it spares reading and adding up some
    fifteen other indicators over eight quarters of every unit."""
    wanted = set(charted)
    wanted |= {part for s in specs if s.code in charted and s.kind == "ratio" for part in (s.numerator, s.denominator)}
    return [s for s in specs if s.code in wanted]


def chart_data(parent, last):
    quarters = arithmetic.span(arithmetic.from_index(arithmetic.quarter_index(*last) - QUARTERS_SHOWN + 1), last)
    units = units_under(parent, quarters)
    specs = charted_specs(data.specs_of(data.indicators_in_force()))
    reports = data.load_reports(quarters, codes={s.code for s in specs})
    children, ended = data.tree()
    # Each point is the unit's figure for that quarter as the totals page shows it.
    by_quarter = [arithmetic.table([u.id for u in units], [q], children, reports, specs, parent=parent.id,
                                   gone=data.gone_before(ended, [q]))[0]
                  for q in quarters]
    latest = by_quarter[-1]

    def bars(code, digits=None):
        # Lists, not mappings: JSON would reorder the units alphabetically.
        pairs = [(u.name, latest[u.id].values.get(code)) for u in units]
        pairs = [(name, round(v, digits) if digits else v) for name, v in pairs if v is not None]
        return {"labels": [name for name, _ in pairs], "values": [v for _, v in pairs]}

    lines = [{"label": u.name, "values": [row[u.id].values.get("members_total") for row in by_quarter]}
             for u in units]
    return {
        "quarters": [quarter_label(*q) for q in quarters],
        "members": [line for line in lines if any(v is not None for v in line["values"])],
        "coverage": bars("coverage_rate", 1),
        "new_members": bars("members_new"),
        "last": quarter_label(*last),
    }


class DashboardView(ReportPage):
    @expose("/")
    def index(self):
        parent = resolve_parent(request.args.get("parent"))
        last = data.latest_reported_quarter() or current_quarter()
        return self.render("reports/dashboard.html", parent=parent, charts=chart_data(parent, last))
