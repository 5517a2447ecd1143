"""Slowing down password guessing, per account and per address.

Failures within the window are counted since the account's last success.
Past a free allowance each further failure doubles the wait, capped: an
attacker can hold a real user back for minutes, never lock them out for good,
and an address that tries many accounts is held back on its own.
"""
import datetime

from models import LoginAttempt

WINDOW = datetime.timedelta(minutes=15)
ACCOUNT_ALLOWANCE, ACCOUNT_FIRST_WAIT, ACCOUNT_MAX_WAIT = 5, 30, 300
ADDRESS_ALLOWANCE, ADDRESS_FIRST_WAIT, ADDRESS_MAX_WAIT = 20, 60, 900


def _wait(failures, allowance, first, cap):
    if len(failures) < allowance:
        return 0
    return min(first * 2 ** (len(failures) - allowance), cap)


def seconds_to_wait(username, address, now=None):
    now = now or datetime.datetime.now()
    since = now - WINDOW
    last_success = (LoginAttempt.select(LoginAttempt.at)
                    .where(LoginAttempt.username == username, LoginAttempt.succeeded)
                    .order_by(LoginAttempt.at.desc()).scalar())
    account_since = max(since, last_success) if last_success else since
    account = [a.at for a in LoginAttempt.select(LoginAttempt.at).where(
        LoginAttempt.username == username, ~LoginAttempt.succeeded, LoginAttempt.at > account_since)]
    by_address = [a.at for a in LoginAttempt.select(LoginAttempt.at).where(
        LoginAttempt.address == address, ~LoginAttempt.succeeded, LoginAttempt.at > since)]
    remaining = 0
    for failures, allowance, first, cap in (
        (account, ACCOUNT_ALLOWANCE, ACCOUNT_FIRST_WAIT, ACCOUNT_MAX_WAIT),
        (by_address, ADDRESS_ALLOWANCE, ADDRESS_FIRST_WAIT, ADDRESS_MAX_WAIT),
    ):
        wait = _wait(failures, allowance, first, cap)
        if wait:
            until = max(failures) + datetime.timedelta(seconds=wait)
            remaining = max(remaining, (until - now).total_seconds())
    return int(remaining + 0.999) if remaining > 0 else 0


def note(username, address, succeeded, now=None):
    LoginAttempt.create(username=username[:60], address=address[:64], succeeded=succeeded,
                        at=now or datetime.datetime.now())
    # Old attempts say nothing about now; keep the table small.
    LoginAttempt.delete().where(LoginAttempt.at < (now or datetime.datetime.now()) - 2 * WINDOW).execute()


def wait_message(seconds):
    if seconds >= 60:
        return f"Bạn đã nhập sai quá nhiều lần. Vui lòng thử lại sau {(seconds + 59) // 60} phút."
    return f"Bạn đã nhập sai quá nhiều lần. Vui lòng thử lại sau {seconds} giây."
