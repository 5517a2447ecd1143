"""Password guessing: parallel tries, timing, the password form and shared proxies."""
import hashlib
import statistics
import threading
import time

from models import AuditLog, User
from portal import throttle
from tests.conftest import PASSWORD

PROXY = "198.51.100.7"


def attempt(client, username, password="sai-mat-khau-roi", address=PROXY):
    return client.post("/login", data={"username": username, "password": password},
                       environ_base={"REMOTE_ADDR": address})


def test_parallel_wrong_passwords_get_no_more_tries_than_allowed(app, make_user):
    make_user("vanphong", role="secretariat")
    tries = 10
    start = threading.Barrier(tries)
    statuses = []

    def guess():
        client = app.test_client()
        start.wait()
        statuses.append(attempt(client, "vanphong").status_code)

    threads = [threading.Thread(target=guess) for _ in range(tries)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(set(statuses)) == [401, 429], statuses
    assert statuses.count(401) <= throttle.PAIR_ALLOWANCE, statuses
    # Parallel tries may be refused a little early, never late: guessing on, one
    # at a time, still reaches no more password checks than allowed in all.
    client = app.test_client()
    while (status := attempt(client, "vanphong").status_code) == 401:
        statuses.append(status)
    assert status == 429 and statuses.count(401) <= throttle.PAIR_ALLOWANCE, statuses
    checked = AuditLog.select().where(AuditLog.action == "login_failed").count()
    assert checked == statuses.count(401)
    # The real password is refused too until the wait is over.
    assert attempt(client, "vanphong", PASSWORD).status_code == 429


def _seconds(client, username, address):
    began = time.perf_counter()
    assert attempt(client, username, address=address).status_code == 401
    return time.perf_counter() - began


def test_an_unknown_username_costs_the_same_hash_as_a_known_one(app, client, make_user, monkeypatch):
    known = make_user("vanphong", role="secretariat")
    disabled = make_user("nghiviec", role="viewer")
    for user in (known, disabled):
        user.set_password(PASSWORD)  # the app's own scrypt, not the tests' quick hash
        user.save()
    User.update(is_enabled=False).where(User.id == disabled.id).execute()
    hashes = []
    real_scrypt = hashlib.scrypt
    monkeypatch.setattr(hashlib, "scrypt", lambda *a, **k: hashes.append(1) or real_scrypt(*a, **k))
    attempt(client, "ai-do", address="192.0.2.98")  # the throwaway hash is made on first use
    for username in ("vanphong", "khong-co-ai", "nghiviec"):
        hashes.clear()
        attempt(client, username, address="192.0.2.99")
        assert len(hashes) == 1, username
    # And the clock agrees: measured in turns, so that a busy machine slows both alike.
    known, unknown = [], []
    for turn in range(4):
        known.append(_seconds(client, "vanphong", f"192.0.2.{turn + 1}"))
        unknown.append(_seconds(client, "khong-co-ai", f"192.0.2.{turn + 1}"))
    # Without a hash, an unknown name answered 30 times faster.
    assert statistics.median(unknown) > 0.3 * statistics.median(known), (unknown, known)


def test_wrong_current_passwords_on_the_password_form_are_throttled_and_audited(app, login):
    client = login("vanphong", role="secretariat")
    form = {"current": "khong-phai-mat-khau", "new": "trang-sach-giay-thom",
            "confirm": "trang-sach-giay-thom"}
    for _ in range(throttle.PAIR_ALLOWANCE):
        page = client.post("/admin/account/", data=form).get_data(as_text=True)
        assert "Mật khẩu hiện tại không đúng" in page
    failures = AuditLog.select().where(AuditLog.action == "password_failed",
                                       AuditLog.username == "vanphong")
    assert failures.count() == throttle.PAIR_ALLOWANCE
    form["current"] = PASSWORD
    response = client.post("/admin/account/", data=form)
    assert response.status_code == 429
    assert "Bạn đã nhập sai quá nhiều lần" in response.get_data(as_text=True)
    assert User.get(User.username == "vanphong").check_password(PASSWORD)


def test_failures_behind_a_shared_proxy_do_not_lock_out_its_other_users(app, make_user):
    for name in ("nguoidung", "nannhan"):
        make_user(name, role="viewer")
    office = app.test_client()
    assert attempt(office, "nguoidung", PASSWORD).status_code == 302
    office.post("/logout")
    attacker = app.test_client()
    for i in range(throttle.ADDRESS_ALLOWANCE + 5):
        attempt(attacker, f"doan-{i}")
    # An account that has signed in from this address before still can.
    assert attempt(office, "nguoidung", PASSWORD).status_code == 302
    # The address itself stays held back for accounts it has never signed into.
    assert attempt(attacker, "nannhan", PASSWORD).status_code == 429


def test_one_address_guessing_an_account_does_not_lock_it_elsewhere(app, make_user):
    make_user("vanphong", role="secretariat")
    attacker, owner = app.test_client(), app.test_client()
    for _ in range(throttle.PAIR_ALLOWANCE):
        assert attempt(attacker, "vanphong").status_code == 401
    assert attempt(attacker, "vanphong", PASSWORD).status_code == 429
    assert attempt(owner, "vanphong", PASSWORD, address="203.0.113.50").status_code == 302
