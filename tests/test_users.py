"""Admins manage accounts in the portal."""
from models import Organisation, User
from tests.conftest import PASSWORD


def user_form(**extra):
    form = {"username": "hoinongdan", "full_name": "Rah Lan Chung", "role": "editor",
            "organisation": str(Organisation.get(code="NONGDAN").id), "is_enabled": "y",
            "new_password": "ruong-lua-chin-vang"}
    form.update(extra)
    return form


def test_admin_creates_an_editor_who_can_then_log_in(login, app):
    admin = login("admin")
    page = admin.post("/admin/user/new/", data=user_form(), follow_redirects=True).get_data(as_text=True)
    assert "Đã thêm bản ghi" in page
    user = User.get(User.username == "hoinongdan")
    assert user.organisation.code == "NONGDAN" and user.password_hash.startswith("scrypt:")
    fresh = app.test_client()
    assert fresh.post("/login", data={"username": "hoinongdan",
                                      "password": "ruong-lua-chin-vang"}).status_code == 302


def test_account_rules_are_explained(login):
    admin = login("admin")
    cases = [
        (user_form(new_password=""), "Cần đặt mật khẩu"),
        (user_form(new_password="password1234"), "quá dễ đoán"),
        (user_form(organisation=""), "phải gắn với một tổ chức"),
        (user_form(role="secretariat"), "bỏ trống tổ chức"),
    ]
    for form, message in cases:
        page = admin.post("/admin/user/new/", data=form).get_data(as_text=True)
        assert message in page, message
    assert User.select().where(User.username == "hoinongdan").count() == 0


def test_deactivating_or_resetting_ends_the_users_sessions(login, app, make_user):
    make_user("vanphong", role="secretariat")
    their = app.test_client()
    their.post("/login", data={"username": "vanphong", "password": PASSWORD})
    assert their.get("/admin/").status_code == 200

    admin = login("admin")
    user = User.get(User.username == "vanphong")
    form = {"username": "vanphong", "full_name": "", "role": "secretariat", "organisation": "",
            "new_password": "", "version": str(getattr(user, "version", 1))}
    admin.post(f"/admin/user/edit/?id={user.id}", data=form)  # is_enabled unticked
    assert not User.get_by_id(user.id).is_enabled
    assert their.get("/admin/").status_code == 302
    assert their.post("/login", data={"username": "vanphong", "password": PASSWORD}).status_code == 401

    form.update(is_enabled="y", new_password="mua-xuan-tren-cao-nguyen")
    admin.post(f"/admin/user/edit/?id={user.id}", data=form)
    assert their.post("/login", data={"username": "vanphong",
                                      "password": "mua-xuan-tren-cao-nguyen"}).status_code == 302


def test_accounts_are_never_deleted_and_hashes_never_shown(login):
    admin = login("admin")
    user = User.get(User.username == "admin")
    admin.post("/admin/user/delete/", data={"id": user.id})
    assert User.get_or_none(User.id == user.id)
    page = admin.get(f"/admin/user/details/?id={user.id}").get_data(as_text=True)
    assert "scrypt" not in page and user.session_token not in page
