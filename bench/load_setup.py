"""bench/load.py's two database steps, each run in its own plain process:
the accounts and the work of the simulated users before, the check after."""
import json
import math

PASSWORD = "Tai-thu-quy-4-2025!"
# Four editors to one secretariat clerk: locust's user weights (bench/load_users.py).
EDITOR_WEIGHT, SECRETARIAT_WEIGHT = 4, 1
MEMBERS_PER_EDITOR = 30


def _app():
    from portal import create_app

    return create_app()


def setup(users):
    """{"members": N, "year", "quarter", "editors": [...], "secretariat": [...]}.

    One editor account per simulated editor, each on its own commune-level
    unit whose report for the open quarter is not yet sent, each editing its
    own members: two users never edit the same record, so every refused
    edit is a bug, not a race the test made."""
    from models import AuditLog, Indicator, Member, Organisation, QuarterlyReport, ReportingPeriod, User, db

    with _app().app_context():
        members = Member.select().limit(1).count()
        if not users or not members:
            return {"members": members}
        period = (ReportingPeriod.select().where(ReportingPeriod.status == "open")
                  .order_by(ReportingPeriod.year.desc(), ReportingPeriod.quarter.desc()).first())
        if period is None:
            raise SystemExit("no open quarter: open one in the portal first")
        sent = {r.organisation_id for r in QuarterlyReport.select(QuarterlyReport.organisation)
                .where(QuarterlyReport.period == period, QuarterlyReport.status != "draft")}
        editors_wanted = math.ceil(users * EDITOR_WEIGHT / (EDITOR_WEIGHT + SECRETARIAT_WEIGHT))
        editors = []
        with db.atomic():
            for unit in Organisation.select().where(Organisation.level == "xa").order_by(Organisation.id):
                if len(editors) == editors_wanted:
                    break
                if unit.id in sent:
                    continue
                chosen = list(Member.select(Member.id, Member.branch)
                              .where(Member.branch.in_(Organisation.subtree_ids(unit)), Member.status == "active")
                              .order_by(Member.id).limit(MEMBERS_PER_EDITOR))
                if len(chosen) < MEMBERS_PER_EDITOR:
                    continue
                username = f"tai_bt_{len(editors) + 1}"
                _account(User, username, "editor", unit)
                editors.append({"username": username, "unit": unit.id,
                                "members": [m.id for m in chosen],
                                "branch_code": Organisation.get_by_id(chosen[0].branch_id).code})
            secretariat = []
            for number in range(1, users - len(editors) + 1):
                username = f"tai_vp_{number}"
                _account(User, username, "secretariat", None)
                secretariat.append({"username": username})
        if len(editors) < editors_wanted:
            raise SystemExit(f"only {len(editors)} units can take an editor; generate a larger province")
        # The grid refuses a percentage over 100 %, as the users' figures must respect.
        percentages = [[f"v{i.numerator_id}", f"v{i.denominator_id}"] for i in Indicator.in_force()
                       if i.kind == "ratio" and i.scale == 100]
        return {"members": members, "year": period.year, "quarter": period.quarter,
                "editors": editors, "secretariat": secretariat, "percentages": percentages,
                "audit_from": AuditLog.select(AuditLog.id).order_by(AuditLog.id.desc()).scalar() or 0}


def settle():
    """A freshly generated province on PostgreSQL, as a running one looks:
    `VACUUM ANALYZE`, autovacuum's work done before the measured minute
    instead of during it. Until its pages are marked all-visible, the kept
    words' index cannot answer alone: an editor's one-word search read some
    7.000 rows of the table, 24 ms instead of 5 (pg_stat_statements, 100.000
    members). SQLite keeps no such map and is left as it is."""
    from peewee import PostgresqlDatabase

    from models import db

    with _app().app_context():
        if not isinstance(db.obj, PostgresqlDatabase):
            return {"vacuumed": False}
        db.execute_sql("VACUUM ANALYZE")
        return {"vacuumed": True}


def _account(User, username, role, unit):
    user = User.get_or_none(User.username == username) or User(username=username)
    user.role, user.organisation, user.is_enabled = role, unit, True
    user.full_name = f"Tài khoản tải thử {username}"
    user.set_password(PASSWORD)
    user.save()


def verify(ledger):
    """What the database holds against what the users saw succeed."""
    from models import AuditLog, Member, ReportValue

    lost = []
    with _app().app_context():
        for member_id, phones in ledger["edits"].items():
            member = Member.get_or_none(Member.id == int(member_id))
            if member is None or member.phone != phones[-1]:
                lost.append(f"hội viên {member_id}: có {getattr(member, 'phone', None)}, "
                            f"lần sửa cuối ghi {phones[-1]}")
                continue
            # Each edit once in the trail, each built on the value the one before it wrote;
            # only this run's entries (a province kept from an earlier run holds its edits too).
            written = [json.loads(row.changes).get("phone") for row in AuditLog.select(AuditLog.changes).where(
                AuditLog.record_table == "member", AuditLog.record_id == int(member_id),
                AuditLog.action == "update", AuditLog.id > ledger["audit_from"]).order_by(AuditLog.id)]
            written = [change for change in written if change and change[1] in phones]
            if [change[1] for change in written] != phones:
                lost.append(f"hội viên {member_id}: nhật ký ghi {[c[1] for c in written]}, người dùng ghi {phones}")
            for before, after in zip(written, written[1:]):
                if after[0] != before[1]:
                    lost.append(f"hội viên {member_id}: lần sửa ghi {after[1]} dựa trên {after[0]}, "
                                f"không phải {before[1]}")
        for report_id, values in ledger["grids"].items():
            stored = {f"v{indicator}": str(value) for indicator, value in ReportValue.select(
                ReportValue.indicator, ReportValue.value).where(ReportValue.report == int(report_id)).tuples()}
            wrong = {name: (value, stored.get(name)) for name, value in values.items() if stored.get(name) != value}
            if wrong:
                lost.append(f"báo cáo {report_id}: {len(wrong)} số liệu khác lần lưu cuối")
        for citizen_id in ledger["imports"]:
            found = Member.select().where(Member.citizen_id == citizen_id).count()
            if found != 1:
                lost.append(f"CCCD {citizen_id} nhập thành công nhưng có {found} hội viên")
    return {"lost": lost, "edits": sum(len(p) for p in ledger["edits"].values()), "grids": len(ledger["grids"]),
            "imports": len(ledger["imports"]), "conflicts": ledger["conflicts"]}
