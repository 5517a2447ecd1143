"""The home page shows the open quarter's work, within the user's section."""
import datetime
import re

import pytest

from models import Organisation, QuarterlyReport, ReportingPeriod
from models.reporting import quarter_label



def current_quarter():
    return datetime.date.today().year, (datetime.date.today().month - 1) // 3 + 1


def previous_quarter():
    year, quarter = current_quarter()
    return (year, quarter - 1) if quarter > 1 else (year - 1, 4)


def unit(code):
    return Organisation.get(Organisation.code == code)


@pytest.fixture
def quarters(app):
    """The current quarter open (due in 10 days, nothing sent); the previous one
    still open and overdue: PHUNU's report waits for approval, NONGDAN's was
    sent back, LDLD has a draft it never sent."""
    now = ReportingPeriod.create(year=current_quarter()[0], quarter=current_quarter()[1],
                                 deadline=datetime.date.today() + datetime.timedelta(days=10))
    before = ReportingPeriod.create(year=previous_quarter()[0], quarter=previous_quarter()[1],
                                    deadline=datetime.date.today() - datetime.timedelta(days=3))
    sent = datetime.datetime.combine(datetime.date.today() - datetime.timedelta(days=5), datetime.time(9, 15))
    QuarterlyReport.create(organisation=unit("PHUNU"), period=before, status="submitted", submitted_at=sent)
    QuarterlyReport.create(organisation=unit("NONGDAN"), period=before, status="draft", returned_at=sent,
                           return_reason="Đề nghị kiểm tra số hội viên giảm.")
    QuarterlyReport.create(organisation=unit("LDLD"), period=before, status="draft")
    for code in ("MTTQ", "DOAN", "CCB"):
        QuarterlyReport.create(organisation=unit(code), period=before, status="approved", submitted_at=sent)
    return now, before


def section(page, period):
    found = re.search(rf'<section[^>]*id="work-{period.year}-{period.quarter}">(.*?)</section>', page, re.S)
    return found.group(1) if found else None


def items(page, list_id):
    found = re.search(rf'<ul id="{list_id}">(.*?)</ul>', page, re.S)
    return re.findall(r"\((\w+)\)</a>", found.group(1)) if found else []


def test_the_secretariat_sees_who_has_not_reported_and_what_waits(login, quarters):
    now, before = quarters
    page = login("vanphong", role="secretariat").get("/admin/").get_data(as_text=True)
    current = section(page, now)
    assert quarter_label(*current_quarter()) in current
    assert f"hạn nộp {now.deadline.strftime('%d/%m/%Y')}, còn 10 ngày" in current
    assert sorted(items(page, f"missing-{now.id}")) == ["CCB", "DOAN", "LDLD", "MTTQ", "NONGDAN", "PHUNU"]

    older = section(page, before)
    assert "đã quá hạn 3 ngày" in older
    assert items(page, f"waiting-{before.id}") == ["PHUNU"]
    assert items(page, f"returned-{before.id}") == ["NONGDAN"]
    assert "kiểm tra số hội viên giảm" in older
    assert items(page, f"missing-{before.id}") == ["LDLD"]
    # The four counters are gone.
    assert "Quan hệ kết nghĩa</div>" not in page


def test_an_editor_sees_only_its_own_sections_work(login, quarters):
    now, before = quarters
    page = login("phunu", role="editor", org="PHUNU").get("/admin/").get_data(as_text=True)
    assert items(page, f"missing-{now.id}") == ["PHUNU"]
    # Its own report waits for the secretariat: nothing to do, and no approving.
    assert section(page, before) is None
    body = page[page.index("Xin chào"):]
    for other in ("NONGDAN", "Hội Nông dân", "LDLD", "Liên đoàn Lao động", "MTTQ", "CCB", "DOAN"):
        assert other not in body, other

    page = login("nongdan", role="editor", org="NONGDAN").get("/admin/").get_data(as_text=True)
    assert items(page, f"returned-{before.id}") == ["NONGDAN"]
    assert items(page, f"waiting-{before.id}") == []
    body = page[page.index("Xin chào"):]
    for other in ("PHUNU", "Phụ nữ", "LDLD", "MTTQ"):
        assert other not in body, other


def test_a_fresh_demo_opens_on_the_current_quarter(runner, login):
    assert runner.invoke(args=["seed-demo", "--members", "100"]).exit_code == 0
    page = login("kt_vanphong", role="secretariat").get("/admin/").get_data(as_text=True)
    now = ReportingPeriod.find(*current_quarter())
    current = section(page, now)
    assert current and "còn" in current and len(items(page, f"missing-{now.id}")) == 6
