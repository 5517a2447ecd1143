"""Login throttling, session lifetime, logout and password changes."""
import datetime
import time

import pytest

from models import LoginAttempt, User
from portal import throttle
from tests.conftest import PASSWORD


def attempt(client, username, password="sai-mat-khau-roi"):
    return client.post("/login", data={"username": username, "password": password})


def test_repeated_failures_slow_the_account_down_with_a_message(client, make_user):
    make_user("vanphong", role="secretariat")
    for _ in range(throttle.PAIR_ALLOWANCE):
        assert attempt(client, "vanphong").status_code == 401
    response = attempt(client, "vanphong", PASSWORD)
    assert response.status_code == 429
    assert "Bạn đã nhập sai quá nhiều lần. Vui lòng thử lại sau 30 giây" in response.get_data(as_text=True)
    assert client.get("/admin/").status_code == 302


def test_the_wait_is_capped_so_a_real_user_is_never_locked_out_for_long(make_user, app):
    make_user("vanphong", role="secretariat")
    now = datetime.datetime.now()
    for minute in range(12):
        for second in range(8):
            throttle.note("vanphong", "10.0.0.%d" % second, False,
                          now=now - datetime.timedelta(minutes=12 - minute))
    wait = throttle.seconds_to_wait("vanphong", "192.0.2.1", now=now)
    assert 0 < wait <= throttle.ACCOUNT_MAX_WAIT
    later = now + datetime.timedelta(seconds=throttle.ACCOUNT_MAX_WAIT + 1)
    assert throttle.seconds_to_wait("vanphong", "192.0.2.1", now=later) == 0


def test_an_address_trying_many_accounts_is_held_back(app):
    now = datetime.datetime.now()
    for i in range(throttle.ADDRESS_ALLOWANCE):
        throttle.note(f"nguoi{i}", "203.0.113.9", False, now=now)
    assert throttle.seconds_to_wait("ai-do", "203.0.113.9", now=now) > 0
    assert throttle.seconds_to_wait("ai-do", "203.0.113.10", now=now) == 0


def test_a_success_clears_the_account_count(client, make_user):
    make_user("vanphong", role="secretariat")
    for _ in range(throttle.PAIR_ALLOWANCE - 1):
        attempt(client, "vanphong")
    assert attempt(client, "vanphong", PASSWORD).status_code == 302
    client.post("/logout")
    assert attempt(client, "vanphong").status_code == 401
    assert attempt(client, "vanphong", PASSWORD).status_code == 302
    assert LoginAttempt.select().count() >= throttle.PAIR_ALLOWANCE + 2


def test_session_cookie_flags(app, login):
    client = login("admin")
    cookie = client.get_cookie("session")
    assert cookie.http_only and cookie.same_site == "Lax"
    assert app.config["SESSION_COOKIE_SECURE"] is False  # development start over http


def test_production_cookies_are_secure_and_need_a_secret(tmp_path):
    from portal.config import Config, ConfigError

    with pytest.raises(ConfigError):
        Config.from_env(str(tmp_path), {"PORTAL_ENV": "production"})
    settings = Config.from_env(str(tmp_path), {"PORTAL_ENV": "production", "SECRET_KEY": "k" * 40})
    assert settings["SESSION_COOKIE_SECURE"] is True


def test_idle_and_absolute_timeouts(app, login):
    client = login("admin")
    with client.session_transaction() as session:
        session["seen_at"] = time.time() - app.config["SESSION_IDLE_SECONDS"] - 5
    response = client.get("/admin/member/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]

    client = login("admin")
    with client.session_transaction() as session:
        session["login_at"] = time.time() - app.config["PERMANENT_SESSION_LIFETIME"].total_seconds() - 5
    assert client.get("/admin/").status_code == 302


def test_logout_ends_every_session_of_the_user(app, make_user):
    make_user("vanphong", role="secretariat")
    laptop, phone = app.test_client(), app.test_client()
    for device in (laptop, phone):
        assert attempt(device, "vanphong", PASSWORD).status_code == 302
    assert phone.get("/admin/").status_code == 200
    laptop.post("/logout")
    assert phone.get("/admin/").status_code == 302


def test_changing_ones_password_ends_the_other_sessions(app, make_user):
    make_user("vanphong", role="secretariat")
    laptop, phone = app.test_client(), app.test_client()
    for device in (laptop, phone):
        attempt(device, "vanphong", PASSWORD)
    form = {"current": PASSWORD, "new": "123456789a", "confirm": "123456789a"}
    page = laptop.post("/admin/account/", data=form).get_data(as_text=True)
    assert "quá dễ đoán" in page
    form.update(new="trang-sach-giay-thom", confirm="trang-sach-giay-thom")
    page = laptop.post("/admin/account/", data=form, follow_redirects=True).get_data(as_text=True)
    assert "Đã đổi mật khẩu" in page
    assert laptop.get("/admin/").status_code == 200
    assert phone.get("/admin/").status_code == 302
    assert User.get(User.username == "vanphong").check_password("trang-sach-giay-thom")


def test_wrong_current_password_changes_nothing(app, login):
    client = login("admin")
    form = {"current": "khong-phai", "new": "trang-sach-giay-thom", "confirm": "trang-sach-giay-thom"}
    page = client.post("/admin/account/", data=form).get_data(as_text=True)
    assert "Mật khẩu hiện tại không đúng" in page
    assert User.get(User.username == "admin").check_password(PASSWORD)
