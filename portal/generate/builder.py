"""`generate()`: a synthetic province of realistic size, for trying the portal
at scale and for benchmarks.

Like the demo (portal/demo), it goes only into a freshly migrated database and
is reproducible: the same seed gives the same rows and ids, except for the
demo accounts' passwords. Each part draws from its own random stream, so that
a change in one part (say, the reports) leaves the others as they were.

Speed: a million members must load in well under three minutes on SQLite. They
are generated as tuples and written by the driver's bulk path with the
member table's indexes and search triggers set aside and rebuilt at the end
(see bulk.py), all in one transaction: a failure leaves the database as it was.
"""
import dataclasses
import random
import time

from models import (
    AdministrativeUnit, CampaignResult, Directive, Member, Organisation, QuarterlyReport,
    ReportValue, TwinningLink, Village, db,
)
from portal.demo import check_empty
from portal.demo.common import as_of
from portal.demo.records import set_province, users
from portal.generate import population, records, reports, shape
from portal.generate.bulk import BulkWriter
from portal.reporting.formatting import number


@dataclasses.dataclass
class Summary:
    seed: int
    seconds: float
    communes: int
    villages: int
    organisations: int
    members: int
    quarters: list
    reports: int
    figures: int
    directives: int
    campaign_results: int
    twinning_links: int
    accounts: list

    def lines(self):
        first, last = self.quarters[0], self.quarters[-1]
        minutes, seconds = divmod(round(self.seconds), 60)
        took = f"{minutes} phút {seconds} giây" if minutes else f"{seconds} giây"
        return [
            f"Đã tạo tỉnh giả lập (seed {self.seed}) trong {took}:",
            f"  {number(self.communes)} xã, phường; {number(self.villages)} thôn, làng, tổ dân phố",
            f"  {number(self.organisations)} tổ chức (cả Khối và 6 đơn vị)",
            f"  {number(self.members)} đoàn viên, hội viên",
            f"  {number(self.reports)} báo cáo quý với {number(self.figures)} số liệu, "
            f"Quý {_roman(first[1])}/{first[0]} – Quý {_roman(last[1])}/{last[0]}",
            f"  {number(self.directives)} văn bản chỉ đạo, {number(self.campaign_results)} kết quả "
            f"phong trào, {number(self.twinning_links)} quan hệ kết nghĩa",
        ]


def _roman(quarter):
    return ("I", "II", "III", "IV")[quarter - 1]


def generate(members, seed=2024, communes=shape.COMMUNES_FULL, progress=None):
    """Fill a freshly migrated database; return a Summary.

    Raises portal.demo.AlreadySeeded (and changes nothing) when the database
    holds more than `flask db upgrade` creates. `progress(text)` hears how far
    it got.
    """
    if communes < shape.COMMUNES_MIN:
        raise ValueError(f"at least {shape.COMMUNES_MIN} communes")
    say = progress or (lambda text: None)
    started = time.monotonic()
    writer = BulkWriter(db.obj)
    quarters = reports.quarters_until(as_of())
    with writer.session(), db.atomic():
        writer.tune_transaction()
        units = check_empty()
        say("Địa bàn và cây tổ chức…")
        province = shape.build(random.Random(f"{seed}:shape"), units, communes, writer)
        tally = population.Tally(quarters)
        rows = population.member_rows(random.Random(f"{seed}:members"), province, members, tally,
                                      lambda label, done, total: say(f"{label}: {number(done)} / {number(total)}"))
        with writer.indexes_suspended(Member):
            writer.insert(Member, population.FIELDS, rows)
            say("Dựng lại chỉ mục hội viên và chỉ mục tìm kiếm…")
        say("Báo cáo quý, văn bản chỉ đạo, phong trào, kết nghĩa…")
        reports.build(random.Random(f"{seed}:reports"), province, units, tally, quarters, writer)
        records.build(random.Random(f"{seed}:records"), province, units, quarters, writer)
        set_province()
        accounts = users(units)
    return Summary(
        seed=seed, seconds=time.monotonic() - started,
        communes=AdministrativeUnit.select().where(AdministrativeUnit.kind.in_(("xa", "phuong"))).count(),
        villages=Village.select().count(), organisations=Organisation.select().count(),
        members=Member.select().count(), quarters=quarters,
        reports=QuarterlyReport.select().count(), figures=ReportValue.select().count(),
        directives=Directive.select().count(), campaign_results=CampaignResult.select().count(),
        twinning_links=TwinningLink.select().count(), accounts=accounts,
    )
