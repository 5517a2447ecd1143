"""A duplicate citizen ID is refused without telling who holds it outside the user's section."""
import datetime

import pytest

from models import AuditLog, Member, Organisation
from tests.test_member_import import places, upload, xlsx_file  # noqa: F401 (fixture)
from tests.test_members import member_form

CITIZEN_ID = "064185000123"


def org(code):
    return Organisation.get(Organisation.code == code)


@pytest.fixture
def sibling_branches(app):
    """Two branches of PHUNU; Rơ Châm Thuỷ is a member of the second."""
    phunu = org("PHUNU")
    mine = Organisation.create(code="PN-CH1", name="Chi hội 1", kind="phunu", level="chi_hoi",
                               parent=phunu)
    theirs = Organisation.create(code="PN-CH2", name="Chi hội 2", kind="phunu", level="chi_hoi",
                                 parent=phunu)
    hoa = Member.create(full_name="Rơ Châm Thuỷ", gender="nu", branch=theirs, status="active",
                        citizen_id=CITIZEN_ID, date_of_birth=datetime.date(1985, 3, 12))
    return mine, theirs, hoa


def identity_reads(member):
    return AuditLog.select().where(AuditLog.action == "read_personal",
                                   AuditLog.record_table == "member",
                                   AuditLog.record_id == member.id).count()


def test_the_form_names_no_one_outside_the_section(sibling_branches, login):
    mine, _, hoa = sibling_branches
    client = login("kt_ch1", role="editor", org="PN-CH1")
    page = client.post("/admin/member/new/", data=member_form(
        full_name="Người Mới", branch=str(mine.id))).get_data(as_text=True)
    assert "Số CCCD đã có trong hệ thống" in page
    assert "Rơ Châm Thuỷ" not in page
    assert Member.select().count() == 1
    # The check looked at someone's record: it is in the audit trail, where the
    # editor's own section of it does not show it.
    assert identity_reads(hoa) == 1
    assert identity_reads(hoa) == AuditLog.select().where(
        AuditLog.action == "read_personal", AuditLog.organisation_id == hoa.branch_id).count()


def test_the_form_names_a_member_inside_the_section(sibling_branches, login):
    mine, _, hoa = sibling_branches
    client = login("kt_phunu", role="editor", org="PHUNU")
    page = client.post("/admin/member/new/", data=member_form(
        full_name="Người Mới", branch=str(mine.id))).get_data(as_text=True)
    assert "Số CCCD đã có ở hội viên Rơ Châm Thuỷ" in page
    assert Member.select().count() == 1
    assert identity_reads(hoa) == 1


def import_row(branch_code):
    return [[1, "Người Mới", "Nữ", "12/03/1985", "Kinh", "Không", CITIZEN_ID, "", "", branch_code,
             "", "01/05/2005", "Đang sinh hoạt"]]


def test_the_import_names_no_one_outside_the_section(sibling_branches, login):
    _, _, hoa = sibling_branches
    client = login("kt_ch1", role="editor", org="PN-CH1")
    page = upload(client, xlsx_file(import_row("PN-CH1"))).get_data(as_text=True)
    assert "Số CCCD đã có trong hệ thống" in page
    assert "Rơ Châm Thuỷ" not in page and 'name="token"' not in page
    assert identity_reads(hoa) == 1


def test_the_import_names_a_member_inside_the_section(sibling_branches, login):
    _, _, hoa = sibling_branches
    client = login("kt_phunu", role="editor", org="PHUNU")
    page = upload(client, xlsx_file(import_row("PN-CH1"))).get_data(as_text=True)
    assert "Số CCCD đã có ở hội viên Rơ Châm Thuỷ" in page
    assert identity_reads(hoa) == 1
