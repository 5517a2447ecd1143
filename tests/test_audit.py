"""Every write, login and personal-data read lands in the audit trail."""
import json

from models import AuditLog, Member, Organisation
from tests.test_members import member_form


def entries(action, table=None):
    query = AuditLog.select().where(AuditLog.action == action)
    if table:
        query = query.where(AuditLog.record_table == table)
    return list(query.order_by(AuditLog.id))


def test_create_update_delete_record_old_and_new_values(login):
    client = login("phunu", role="editor", org="PHUNU")
    client.post("/admin/member/new/", data=member_form())
    member = Member.get()
    created = entries("create", "member")[-1]
    assert created.username == "phunu" and created.address == "127.0.0.1"
    assert created.organisation_id == member.branch_id
    assert json.loads(created.changes)["full_name"] == [None, "Nguyễn Thị Hoa"]

    form = member_form(phone="0988777666", version=str(member.version))
    client.post(f"/admin/member/edit/?id={member.id}", data=form)
    changes = json.loads(entries("update", "member")[-1].changes)
    assert changes == {"phone": ["0905123456", "0988777666"]}

    client.post("/admin/member/delete/", data={"id": member.id})
    deleted = json.loads(entries("delete", "member")[-1].changes)
    assert deleted["full_name"] == ["Nguyễn Thị Hoa", None]


def test_inline_children_are_part_of_the_parents_entry(login):
    client = login("admin")
    client.post("/admin/directive/new/", data={
        "number": "13-CT/TU", "kind": "Chỉ thị", "issuer": "Tỉnh ủy", "issued_on": "05/12/2023",
        "title": "Kết nghĩa", "assignments-0-organisation": str(Organisation.get(code="CCB").id),
        "assignments-0-deadline": "31/12/2024", "assignments-0-recurrence": "yearly"})
    changes = json.loads(entries("create", "directive")[-1].changes)
    assert changes["assignments"][1][0]["recurrence"] == "yearly"


def test_mass_delete_is_audited_row_by_row(login):
    client = login("admin")
    ids = [Organisation.create(code=f"T{i}", name=f"Tạm {i}", kind="phunu", level="xa",
                               parent=Organisation.get(code="PHUNU")).id for i in range(3)]
    client.post("/admin/organisation/action/", data={"action": "delete", "rowid": [str(i) for i in ids]})
    assert {e.record_id for e in entries("delete", "organisation")} == set(ids)


def test_logins_failures_and_personal_data_reads(client, login):
    client.post("/login", data={"username": "ai-do", "password": "khong-dung-dau"})
    assert "ai-do" in entries("login_failed")[-1].changes
    client = login("phunu", role="editor", org="PHUNU")
    assert entries("login")[-1].username == "phunu"
    member = Member.create(full_name="Siu Blơng", gender="nu", branch=Organisation.get(code="PHUNU"),
                           status="active", ethnicity="Gia Rai")
    client.get(f"/admin/member/details/?id={member.id}")
    read = entries("read_personal")[-1]
    assert (read.record_id, read.username) == (member.id, "phunu")


def test_the_audit_screen_shows_values_and_cannot_be_changed(login):
    client = login("admin")
    client.post("/admin/member/new/", data=member_form())
    entry = entries("create", "member")[-1]
    page = client.get("/admin/auditlog/").get_data(as_text=True)
    assert "Nguyễn Thị Hoa" in page and "Thêm mới" in page
    before = (AuditLog.select().count(), entry.changes)
    client.post(f"/admin/auditlog/edit/?id={entry.id}", data={"changes": "{}"})
    client.post("/admin/auditlog/delete/", data={"id": entry.id})
    client.post("/admin/auditlog/action/", data={"action": "delete", "rowid": [str(entry.id)]})
    client.post("/admin/auditlog/new/", data={"action": "login"})
    assert client.get(f"/admin/auditlog/edit/?id={entry.id}").status_code == 302
    after_count = AuditLog.select().count()
    assert AuditLog.get_by_id(entry.id).changes == before[1]
    # Reading the screen adds no rows; only the posts above were refused.
    assert after_count == before[0]


def test_an_editor_reads_only_its_sections_history(login, client):
    admin = login("admin")
    for code in ("PHUNU", "NONGDAN"):
        admin.post("/admin/member/new/", data=member_form(
            branch=str(Organisation.get(code=code).id), citizen_id=f"0641850001{len(code):02d}"))
    admin.post("/logout")
    editor = login("phunu", role="editor", org="PHUNU")
    page = editor.get("/admin/auditlog/").get_data(as_text=True)
    phunu_rows = {e.id for e in AuditLog.select().where(
        AuditLog.organisation_id == Organisation.get(code="PHUNU").id)}
    import re

    shown = {int(i) for i in re.findall(r"details/\?id=(\d+)", page)}
    assert shown and shown <= phunu_rows
    assert login("lanhdao", role="viewer").get("/admin/auditlog/").status_code == 403
