"""Personal API tokens: Tài khoản → Khóa API for every user, `flask users token` for admins."""
import datetime
import re

from models import ApiToken, AuditLog, User
from models.api_token import digest
from tests.test_api_auth import bearer

PAGE = "/admin/api-keys/"


def create(client, label="Bảng tính báo cáo quý", expires="30", read_only=False):
    form = {"label": label, "expires": expires}
    if read_only:
        form["read_only"] = "y"
    return client.post(PAGE, data=form)


def shown_token(response):
    found = re.search(r'id="new-token"[^>]*value="(gb_[^"]+)"', response.get_data(as_text=True))
    return found.group(1) if found else None


def row_of(page, token_id):
    found = re.search(rf'<tr id="token-{token_id}">(.*?)</tr>', page, re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", found.group(1))) if found else None


def test_a_user_creates_a_token_sees_it_once_and_the_api_takes_it(login, app):
    client = login("phunu", role="editor", org="PHUNU")
    response = create(client, read_only=True)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    token = shown_token(response)
    assert token and "chỉ hiện một lần" in response.get_data(as_text=True)

    me = app.test_client().get("/api/v1/me", headers=bearer(token))
    assert me.status_code == 200
    assert me.json["username"] == "phunu"
    assert me.json["token"]["label"] == "Bảng tính báo cáo quý" and me.json["token"]["read_only"]

    row = ApiToken.get(ApiToken.token_hash == digest(token))
    assert datetime.timedelta(days=29) < row.expires_at - datetime.datetime.now() <= datetime.timedelta(days=30)
    # Shown once: the list afterwards names it by its hint, never in full.
    page = client.get(PAGE).get_data(as_text=True)
    assert token not in page
    line = row_of(page, row.id)
    assert "Bảng tính báo cáo quý" in line and row.hint in line
    assert "chỉ đọc" in line and "đang dùng" in line
    assert re.search(r"\d\d/\d\d/\d{4} \d\d:\d\d", line)  # created, expires, last used

    entry = AuditLog.get(AuditLog.record_table == "api_token", AuditLog.action == "create")
    assert entry.username == "phunu" and entry.record_id == row.id
    assert entry.organisation_id == row.user.organisation_id
    assert row.hint in entry.changes and row.token_hash not in entry.changes


def test_a_token_without_expiry_can_write(login):
    client = login("admin")
    token = shown_token(create(client, label="Đồng bộ", expires="0"))
    row = ApiToken.get(ApiToken.token_hash == digest(token))
    assert row.expires_at is None and not row.read_only
    line = row_of(client.get(PAGE).get_data(as_text=True), row.id)
    assert "không hết hạn" in line and "đọc và ghi" in line and "chưa dùng" in line


def test_bad_input_is_explained_and_creates_nothing(login):
    client = login("phunu", role="editor", org="PHUNU")
    cases = [("", "30", "Cần đặt tên"), ("   ", "30", "Cần đặt tên"),
             ("x" * 81, "30", "tối đa 80 ký tự"), ("Hợp lệ", "7", "chọn thời hạn"),
             ("Hợp lệ", "99999", "chọn thời hạn")]
    for label, expires, message in cases:
        response = create(client, label=label, expires=expires)
        page = response.get_data(as_text=True)
        assert message in page, (label, expires)
        assert shown_token(response) is None
    assert ApiToken.select().count() == 0
    assert AuditLog.select().where(AuditLog.record_table == "api_token").count() == 0
    assert shown_token(create(client, label="x" * 80)) is not None


def test_revoking_stops_the_token_and_is_recorded_once(login, app):
    client = login("nongdan", role="editor", org="NONGDAN")
    token = shown_token(create(client))
    api = app.test_client()
    assert api.get("/api/v1/me", headers=bearer(token)).status_code == 200
    row = ApiToken.get(ApiToken.token_hash == digest(token))

    page = client.post(f"{PAGE}{row.id}/revoke", follow_redirects=True).get_data(as_text=True)
    assert "Đã thu hồi khóa API" in page
    assert "đã thu hồi" in row_of(page, row.id)
    assert f"{row.id}/revoke" not in page  # no button on a revoked token
    assert api.get("/api/v1/me", headers=bearer(token)).status_code == 401

    again = client.post(f"{PAGE}{row.id}/revoke", follow_redirects=True).get_data(as_text=True)
    assert "đã được thu hồi từ trước" in again
    entries = AuditLog.select().where(AuditLog.record_table == "api_token", AuditLog.action == "status")
    assert [entry.username for entry in entries] == ["nongdan"]
    assert "đã thu hồi" in entries[0].changes


def test_an_expired_token_says_so(login):
    client = login("admin")
    token = shown_token(create(client))
    row = ApiToken.get(ApiToken.token_hash == digest(token))
    ApiToken.update(expires_at=datetime.datetime.now() - datetime.timedelta(minutes=1)).where(
        ApiToken.id == row.id).execute()
    assert "đã hết hạn" in row_of(client.get(PAGE).get_data(as_text=True), row.id)


def test_nobody_sees_or_revokes_another_users_token(login, app, make_user):
    owner = login("phunu", role="editor", org="PHUNU")
    token = shown_token(create(owner, label="Khóa riêng của Phụ nữ"))
    row = ApiToken.get(ApiToken.token_hash == digest(token))

    # Another unit's editor, then an admin: the page is each one's own.
    for username, role, org in (("nongdan", "editor", "NONGDAN"), ("quantri", "admin", None)):
        other = login(username, role=role, org=org)
        page = other.get(PAGE).get_data(as_text=True)
        assert "Khóa riêng của Phụ nữ" not in page and row.hint not in page
        assert other.post(f"{PAGE}{row.id}/revoke").status_code == 404
        assert other.post(f"{PAGE}999999/revoke").status_code == 404
    assert ApiToken.get_by_id(row.id).revoked_at is None
    assert app.test_client().get("/api/v1/me", headers=bearer(token)).status_code == 200
    assert AuditLog.select().where(AuditLog.record_table == "api_token",
                                   AuditLog.action == "status").count() == 0


def test_the_page_is_for_signed_in_users_and_in_the_account_menu(client, login):
    assert client.get(PAGE).status_code == 302
    assert client.post(PAGE, data={"label": "x", "expires": "30"}).status_code == 302
    assert ApiToken.select().count() == 0
    page = login("viewer", role="viewer").get("/admin/").get_data(as_text=True)
    menu = page[page.index('id="current-user"'):]
    menu = menu[:menu.index("</li>")]
    assert 'href="/admin/account/"' in menu and 'href="/admin/api-keys/"' in menu
    assert "Khóa API" in menu and "Đổi mật khẩu" in menu


def test_disabling_a_user_in_the_admin_screen_stops_their_tokens(login, app, make_user):
    user = make_user("vanphong", role="secretariat")
    token = ApiToken.issue(user, "Báo cáo tự động")[1]
    api = app.test_client()
    assert api.get("/api/v1/me", headers=bearer(token)).status_code == 200
    admin = login("admin")
    form = {"username": "vanphong", "full_name": "Vanphong", "role": "secretariat",
            "organisation": "", "new_password": ""}
    admin.post(f"/admin/user/edit/?id={user.id}", data=form)  # is_enabled unticked
    assert not User.get_by_id(user.id).is_enabled
    response = api.get("/api/v1/me", headers=bearer(token))
    assert response.status_code == 401 and response.json["code"] == "token_invalid"


def test_the_console_prints_the_token_alone_on_the_last_line(runner, app, make_user):
    make_user("phunu", role="editor", org="PHUNU")
    result = runner.invoke(args=["users", "token", "phunu", "--label", "Macro Excel",
                                 "--expires-days", "7", "--read-only"])
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    token = lines[-1]
    assert re.fullmatch(r"gb_[A-Za-z0-9_-]{40,}", token)
    assert "Macro Excel" in result.output and "phunu" in result.output and "chỉ đọc" in result.output

    api = app.test_client()
    me = api.get("/api/v1/me", headers=bearer(token))
    assert me.status_code == 200 and me.json["organisation"]["code"] == "PHUNU"
    assert api.delete("/api/v1/me", headers=bearer(token)).json["code"] == "token_read_only"
    row = ApiToken.get(ApiToken.token_hash == digest(token))
    assert datetime.timedelta(days=6) < row.expires_at - datetime.datetime.now() <= datetime.timedelta(days=7)
    entry = AuditLog.get(AuditLog.record_table == "api_token")
    assert entry.action == "create" and "dòng lệnh" in entry.changes and "Macro Excel" in entry.changes

    # Without options: a read-write token that never expires.
    token = runner.invoke(args=["users", "token", "phunu"]).output.strip().splitlines()[-1]
    row = ApiToken.get(ApiToken.token_hash == digest(token))
    assert row.expires_at is None and not row.read_only
    assert api.delete("/api/v1/me", headers=bearer(token)).status_code == 405


def test_the_console_refuses_unknown_disabled_users_and_bad_options(runner, make_user):
    make_user("phunu", role="editor", org="PHUNU")
    make_user("cu", role="editor", org="CCB")
    User.update(is_enabled=False).where(User.username == "cu").execute()
    cases = [(["khongco"], "Không có tài khoản khongco"),
             (["cu"], "đang bị khóa"),
             (["phunu", "--label", "x" * 81], "tối đa 80 ký tự"),
             (["phunu", "--label", " "], "Cần đặt tên"),
             (["phunu", "--expires-days", "0"], "từ 1 đến 3650 ngày"),
             (["phunu", "--expires-days", "100000"], "từ 1 đến 3650 ngày")]
    for args, message in cases:
        result = runner.invoke(args=["users", "token", *args])
        assert result.exit_code == 1, args
        assert message in result.output, args
    assert ApiToken.select().count() == 0
    assert AuditLog.select().where(AuditLog.record_table == "api_token").count() == 0
