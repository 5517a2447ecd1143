"""Demo data: a believable Gia Lai province for trying the portal.

`build()` fills a freshly migrated database (`flask db upgrade`) with communes
and villages, the organisation tree of the six bloc units, members, the
directives and campaigns named in the provincial news (see
shared/seeds/), twinning links and one demo account per role. Everything but
the passwords is deterministic for a given seed, and every member record is
valid by construction (`Member.problems()` finds nothing).

The demo follows the day it is built (`today`): members join and leave up to
that day, the eight quarters before today's have their reports (member figures
counted from the member records) and today's quarter is open for entry.
"""
import datetime
import random

from models import (
    AdministrativeUnit, Campaign, Directive, Meeting, Member, Organisation, QuarterlyReport,
    TwinningLink, Village, db,
)
from portal.demo import figures, meetings
from portal.demo.common import BASE_CODES
from portal.demo.people import members as make_members
from portal.demo.places import geography, organisations
from portal.demo.records import campaigns, directives, recent_activity, set_province, twinning, users


class AlreadySeeded(Exception):
    """The database is not empty: demo data goes only into a fresh installation."""


class NotMigrated(AlreadySeeded):
    """The bloc's seven base organisations are missing: run `flask db upgrade` first.

    A subclass of AlreadySeeded so that `seed-demo` reports it as a plain error.
    """


# --------------------------------------------------------------------------
# Guard


def check_empty():
    """{code: Organisation} of the seven base units; raises AlreadySeeded or
    NotMigrated unless the database holds only what `flask db upgrade` creates."""
    found = []
    extra_orgs = Organisation.select().where(Organisation.code.not_in(BASE_CODES)).count()
    for label, count in (
        ("hội viên", Member.select().count()),
        ("thôn, làng", Village.select().count()),
        ("đơn vị hành chính", AdministrativeUnit.select().count()),
        ("tổ chức (ngoài 7 đơn vị gốc)", extra_orgs),
        ("văn bản chỉ đạo", Directive.select().count()),
        ("phong trào", Campaign.select().count()),
        ("quan hệ kết nghĩa", TwinningLink.select().count()),
        ("báo cáo quý", QuarterlyReport.select().count()),
        ("hội nghị giao ban", Meeting.select().count()),
    ):
        if count:
            found.append(f"{count:,}".replace(",", ".") + f" {label}")
    if found:
        raise AlreadySeeded(
            "Cơ sở dữ liệu đã có dữ liệu mẫu hoặc dữ liệu thật: " + "; ".join(found)
            + ". Chỉ nạp dữ liệu mẫu vào cơ sở dữ liệu mới tạo; không có gì được thay đổi."
        )
    units = {o.code: o for o in Organisation.select().where(Organisation.code.in_(BASE_CODES))}
    missing = [code for code in BASE_CODES if code not in units]
    if missing:
        raise NotMigrated(
            "Thiếu các đơn vị gốc " + ", ".join(missing)
            + ". Hãy chạy `flask db upgrade` trên cơ sở dữ liệu mới trước khi nạp dữ liệu mẫu."
        )
    return units


# --------------------------------------------------------------------------


def build(members=3000, seed=2024, today=None):
    """Fill a freshly migrated database; return [(username, role, password)].

    Raises AlreadySeeded (and changes nothing) when the database already holds
    data beyond what `flask db upgrade` creates.
    """
    rng = random.Random(seed)
    today = today or datetime.date.today()
    with db.atomic():
        units = check_empty()
        communes, villages, merged_village = geography()
        branches = organisations(rng, units, communes, villages, merged_village)
        make_members(rng, branches, max(0, int(members)), until=today)
        made = directives(units)
        campaigns(units, made)
        twinning(units, villages, merged_village, made["13"])
        figures.load_demo(rng, today)
        meetings.giao_ban(units)
        recent_activity(rng, figures.quarters_before(figures.quarter_of(today)))
        set_province()
        accounts = users(units)
    return accounts
