"""`flask seed-demo`: a believable province, valid records, one run only."""
import re
from collections import defaultdict

from models import (
    Campaign, CampaignResult, Directive, Member, Organisation, Setting, TwinningLink, User,
    Village,
)
from models.choices import ETHNIC_GROUPS, RELIGION_CHOICES

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
