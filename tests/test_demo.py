"""`flask seed-demo`: a believable province, valid records, one run only."""
import datetime
import re
from collections import defaultdict

from models import (
    Campaign, CampaignResult, Directive, Member, Organisation, Setting, TwinningActivity,
    TwinningLink, User, Village,
)
from models.choices import ETHNIC_GROUPS, RELIGION_CHOICES
from models.reporting import QuarterlyReport, ReportingPeriod
from portal import demo
from tests.test_report_entry import marked_rows

USERNAMES = ("admin", "vanphong", "phunu", "nongdan", "lanhdao")
UNITS = ("MTTQ", "DOAN", "PHUNU", "NONGDAN", "CCB", "LDLD")


def seed(runner, members):
    return runner.invoke(args=["seed-demo", "--members", str(members)])


def accounts(output):
    """{username: (role, password)} from the lines the command prints."""
    found = {}
    for line in output.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[0] in USERNAMES:
            found[parts[0]] = (parts[1], parts[2])
    return found


def counts():
    return {model.__name__: model.select().count()
            for model in (Member, Village, Organisation, Directive, Campaign, CampaignResult,
                          TwinningLink, User)}


def test_seed_demo_builds_a_valid_province(app, runner):
    result = seed(runner, 500)
    assert result.exit_code == 0, result.output
    made = accounts(result.output)
    assert set(made) == set(USERNAMES)
    assert {role for role, _ in made.values()} == {"admin", "secretariat", "editor", "viewer"}
    assert all(len(password) >= 12 for _, password in made.values())

    with app.app_context():
        members = list(Member.select(Member, Organisation).join(Organisation))
        assert len(members) == 500
        broken = {m.full_name: m.problems() for m in members if m.problems()}
        assert broken == {}

        names = [m.full_name for m in members]
        assert "Nguyễn Thị Hoa" in names
        assert any(name.startswith("Đặng") for name in names)
        assert {m.ethnicity for m in members} <= set(ETHNIC_GROUPS)
        assert {"Gia Rai", "Ba Na", "Kinh"} <= {m.ethnicity for m in members}
        assert {m.religion for m in members} <= {code for code, _ in RELIGION_CHOICES}
        assert all(re.fullmatch(r"\d{12}", m.citizen_id) for m in members if m.citizen_id)
        assert 0 < sum(m.status != "active" for m in members) < 60

        units = {o.code: o for o in Organisation.select().where(Organisation.code.in_(UNITS))}
        unit_of = {}
        for m in members:
            unit_of[m.id] = next(code for code, unit in units.items()
                                 if m.branch.path.startswith(unit.path))
        assert "MTTQ" not in unit_of.values()
        assert all(m.gender == "nu" for m in members if unit_of[m.id] == "PHUNU")
        # One person, two organisations: the same citizen ID in PHUNU and NONGDAN.
        by_id = defaultdict(set)
        for m in members:
            by_id[m.citizen_id].add(unit_of[m.id])
        shared = [found for found in by_id.values() if len(found) > 1]
        assert shared and all(found == {"PHUNU", "NONGDAN"} for found in shared)

        assert Village.select().where(Village.ethnic_minority).count() >= 20
        with_active_link = {
            code for code, unit in units.items()
            if TwinningLink.select().join(Organisation)
            .where(TwinningLink.status == "active", Organisation.path.startswith(unit.path))
            .exists()
        }
        assert len(with_active_link) == 3

        nodes = list(Organisation.select())
        assert 100 <= len(nodes) <= 200
        by_pk = {o.id: o for o in nodes}
        for node in nodes:
            expected = (by_pk[node.parent_id].path if node.parent_id else "/") + f"{node.id}/"
            assert node.path == expected, node.code
        assert Organisation.select().where(Organisation.merged_into.is_null(False)).exists()

        assert Directive.select().where(Directive.number == "13-CT/TU").exists()
        assert Setting.get_value("province_name") == "Gia Lai"


def test_seed_demo_runs_only_once(app, runner):
    assert seed(runner, 50).exit_code == 0
    with app.app_context():
        before = counts()

    result = seed(runner, 50)
    assert result.exit_code != 0
    assert "Cơ sở dữ liệu đã có dữ liệu" in result.output
    with app.app_context():
        assert counts() == before


def test_printed_passwords_log_in(app, runner):
    result = seed(runner, 20)
    assert result.exit_code == 0, result.output
    role, password = accounts(result.output)["phunu"]
    assert role == "editor"

    app.config["WTF_CSRF_ENABLED"] = False
    client = app.test_client()
    response = client.post("/login", data={"username": "phunu", "password": password})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/admin/")
    with app.app_context():
        user = User.get(User.username == "phunu")
        assert user.organisation.code == "PHUNU"


# --------------------------------------------------------------------------
# The demo follows the day it is built.


def quarter_of(day):
    return day.year, (day.month - 1) // 3 + 1


def eight_quarters_before(current):
    index = current[0] * 4 + current[1] - 1
    return [(i // 4, i % 4 + 1) for i in range(index - 8, index)]


def reported_quarters():
    """{(year, quarter)} of the periods holding reports, but seed 000's 2019 one."""
    return {(p.year, p.quarter) for p in ReportingPeriod.select().join(QuarterlyReport).distinct()
            if (p.year, p.quarter) != (2019, 2)}


def test_the_demo_reports_the_eight_quarters_before_today(app, runner):
    assert seed(runner, 300).exit_code == 0
    today = datetime.date.today()
    current = quarter_of(today)
    assert reported_quarters() == set(eight_quarters_before(current))
    open_now = ReportingPeriod.find(*current)
    assert open_now.is_open and open_now.deadline > today
    assert not QuarterlyReport.select().where(QuarterlyReport.period == open_now.id).exists()


def test_a_demo_built_on_the_first_of_december_2026(app):
    with app.app_context():
        demo.build(members=200, today=datetime.date(2026, 12, 1))
    assert reported_quarters() == {(2024, 4)} | {(2025, q) for q in (1, 2, 3, 4)} | {(2026, q) for q in (1, 2, 3)}
    assert ReportingPeriod.find(2026, 4).is_open
    assert ReportingPeriod.find(2026, 4).deadline == datetime.date(2027, 1, 10)
    # The report sent back is a draft again, without a submission time.
    newest = (QuarterlyReport.select().where(QuarterlyReport.submitted_at.is_null(False))
              .order_by(QuarterlyReport.submitted_at.desc()).first())
    assert newest.submitted_at.date() < datetime.date(2026, 12, 1)
    # The totals page's panels have something to show for the recent quarters too.
    recent = CampaignResult.select().where(CampaignResult.year == 2026, CampaignResult.quarter == 3)
    assert recent.count() >= 6
    assert "Dân vận khéo" not in {r.campaign.name for r in recent}  # it ended in 2025
    assert TwinningActivity.select().where(TwinningActivity.held_on >= datetime.date(2025, 10, 1)).exists()


def test_demo_reports_agree_with_the_member_records(app, runner, login):
    assert seed(runner, 600).exit_code == 0
    client = login("kt_vanphong", role="secretariat")
    checked = 0
    for year, quarter in eight_quarters_before(quarter_of(datetime.date.today())):
        for code in ("PHUNU", "NONGDAN", "LDLD"):
            unit = Organisation.get(Organisation.code == code)
            page = client.get(f"/admin/quarterlyreport/entry/?org={unit.id}&year={year}&quarter={quarter}")
            page = page.get_data(as_text=True)
            assert "Tổng số đoàn viên, hội viên cuối kỳ" in page
            assert marked_rows(page) == [], (code, year, quarter)
            assert "mismatch-summary" not in page
            checked += 1
    assert checked == 24


def test_demo_deadlines_are_mostly_met_and_rates_stay_under_100_percent(app, runner, login):
    assert seed(runner, 600).exit_code == 0
    recent = set(eight_quarters_before(quarter_of(datetime.date.today())))
    reports = [r for r in QuarterlyReport.select() if (r.period.year, r.period.quarter) in recent]
    assert len(reports) == 6 * 8
    late = [r for r in reports if r.is_late]
    assert len(late) <= len(reports) // 5
    assert sum(r.status == "approved" for r in reports) >= len(reports) - 2

    client = login("kt_vanphong", role="secretariat")
    for year, quarter in sorted(recent)[-2:]:
        page = client.get(f"/admin/totals/?year={year}&quarter={quarter}").get_data(as_text=True)
        rates = [float(v.replace(".", "").replace(",", "."))
                 for v in re.findall(r'data-code="coverage_rate"[^>]*>.*?(\d[\d.]*,\d)%', page, re.S)]
        assert rates and all(0 < rate < 100 for rate in rates), rates
