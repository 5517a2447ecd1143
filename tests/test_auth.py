"""Logging in and out, and the first user from the command line."""
import pytest

from models import User
from portal.admin import REGISTRY
from tests.conftest import PASSWORD

ADMIN_PAGES = ["/admin/"] + [f"/admin/{model.__name__.lower()}/" for _, model, _, _ in REGISTRY]


@pytest.mark.parametrize("url", ADMIN_PAGES)
def test_every_admin_page_is_behind_login(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def test_login_page_is_vietnamese_and_wrong_password_is_refused(client, make_user):
    make_user("vanphong", role="secretariat")
    page = client.get("/login").get_data(as_text=True)
    assert "Tên đăng nhập" in page and "Mật khẩu" in page
    response = client.post("/login", data={"username": "vanphong", "password": "sai-mat-khau"})
    assert response.status_code == 401
    assert "Tên đăng nhập hoặc mật khẩu không đúng" in response.get_data(as_text=True)
    assert client.get("/admin/").status_code == 302


def test_login_follows_only_local_next(client, make_user):
    make_user("vanphong", role="secretariat")
    data = {"username": "vanphong", "password": PASSWORD}
    response = client.post("/login?next=/admin/member/", data=data)
    assert response.headers["Location"] == "/admin/member/"
    client.post("/logout")
    for evil in ("https://evil.example/", "//evil.example/x", "javascript:alert(1)"):
        response = client.post(f"/login?next={evil}", data=data)
        assert response.headers["Location"] == "/admin/", evil
        client.post("/logout")


def test_logout_ends_the_session(login):
    client = login("admin")
    assert client.get("/admin/").status_code == 200
    client.post("/logout")
    assert client.get("/admin/").status_code == 302


def test_disabled_user_cannot_log_in(client, make_user):
    user = make_user("cu", role="viewer")
    User.update(is_enabled=False).where(User.id == user.id).execute()
    response = client.post("/login", data={"username": "cu", "password": PASSWORD})
    assert response.status_code == 401


def test_users_create_reads_the_password_from_stdin(runner, client):
    result = runner.invoke(args=["users", "create", "phunu", "--role", "editor", "--org", "PHUNU"],
                           input="mot-mat-khau-dai\n")
    assert result.exit_code == 0, result.output
    user = User.get(User.username == "phunu")
    assert user.organisation.code == "PHUNU" and user.password_hash != "mot-mat-khau-dai"
    response = client.post("/login", data={"username": "phunu", "password": "mot-mat-khau-dai"})
    assert response.status_code == 302


@pytest.mark.parametrize("args, message", [
    (["users", "create", "x", "--role", "editor"], "phải gắn với một tổ chức"),
    (["users", "create", "x", "--role", "editor", "--org", "KHONGCO"], "Không có tổ chức"),
    (["users", "create", "x", "--role", "admin"], "ít nhất 10 ký tự"),
])
def test_users_create_explains_bad_input(runner, args, message):
    result = runner.invoke(args=args, input="ngan\n")
    assert result.exit_code != 0
    assert message in result.output
    assert User.select().count() == 0


def test_posts_without_a_csrf_token_change_nothing(app, login):
    client = login("admin")
    app.config["WTF_CSRF_ENABLED"] = True
    response = client.post("/admin/organisation/new/", data={
        "code": "X", "name": "X", "kind": "phunu", "level": "xa"})
    assert response.status_code == 400
    assert "Phiên làm việc đã hết hạn hoặc biểu mẫu không hợp lệ" in response.get_data(as_text=True)
