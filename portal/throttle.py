"""Slowing down password guessing: per (address, account), per account, per address.

Failures within the window are counted since the account's last success.
Past a free allowance each further failure doubles the wait, capped: an
attacker can hold a real user back for minutes, never lock them out for good.

The tightest limit is on one address guessing one account, so guesses from
one place never lock the owner out elsewhere; a looser one catches one account
guessed from many places. An address guessing many accounts is held back too,
except for accounts that have signed in from it before: many people share one
address behind an office proxy, and one guesser there must not lock them all out.

An attempt is written down *before* its password is checked and then counts
the attempts written before it, each write committed on its own: of ten
parallel guesses, the n-th to be written sees at least n - 1 others, so no more
than the allowance ever reach a password check.
"""
import datetime
from collections import namedtuple

from peewee import fn

from models import LoginAttempt

Limit = namedtuple("Limit", "allowance first_wait max_wait")

WINDOW = datetime.timedelta(minutes=15)
# A success from an address makes it a known place for that account this long.
KNOWN_FOR = datetime.timedelta(days=30)
PAIR = Limit(5, 30, 300)
ACCOUNT = Limit(10, 60, 300)
ADDRESS = Limit(20, 60, 900)
PAIR_ALLOWANCE, PAIR_FIRST_WAIT, PAIR_MAX_WAIT = PAIR
ACCOUNT_ALLOWANCE, ACCOUNT_FIRST_WAIT, ACCOUNT_MAX_WAIT = ACCOUNT
ADDRESS_ALLOWANCE, ADDRESS_FIRST_WAIT, ADDRESS_MAX_WAIT = ADDRESS


def _remaining(failures, limit, now):
    """Seconds left to wait after `failures` (their times), under `limit`."""
    if len(failures) < limit.allowance:
        return 0
    wait = min(limit.first_wait * 2 ** (len(failures) - limit.allowance), limit.max_wait)
    return ((max(failures) + datetime.timedelta(seconds=wait)) - now).total_seconds()


def _failure_times(since, exclude, *conditions):
    query = LoginAttempt.select(LoginAttempt.at).where(
        ~LoginAttempt.succeeded, LoginAttempt.at > since, *conditions)
    if exclude is not None:
        query = query.where(LoginAttempt.id != exclude)
    return [row.at for row in query]


def _known_address(username, address, now):
    return LoginAttempt.select().where(
        LoginAttempt.username == username, LoginAttempt.address == address,
        LoginAttempt.succeeded, LoginAttempt.at > now - KNOWN_FOR).exists()


def seconds_to_wait(username, address, now=None, exclude=None):
    """How long `username` from `address` must wait; `exclude` is the caller's own attempt."""
    now = now or datetime.datetime.now()
    since = now - WINDOW
    last_success = (LoginAttempt.select(fn.MAX(LoginAttempt.at))
                    .where(LoginAttempt.username == username, LoginAttempt.succeeded).scalar())
    account_since = max(since, last_success) if last_success else since
    account = _failure_times(account_since, exclude, LoginAttempt.username == username)
    pair = _failure_times(account_since, exclude, LoginAttempt.username == username,
                          LoginAttempt.address == address)
    remaining = max(_remaining(pair, PAIR, now), _remaining(account, ACCOUNT, now))
    if not _known_address(username, address, now):
        by_address = _failure_times(since, exclude, LoginAttempt.address == address)
        remaining = max(remaining, _remaining(by_address, ADDRESS, now))
    return int(remaining + 0.999) if remaining > 0 else 0


def begin(username, address, now=None):
    """Write down an attempt, then decide: (attempt id, 0) to go on, or (None, seconds to wait).

    Must run outside a transaction: the attempt has to be visible to parallel
    requests before this one counts theirs.
    """
    now = now or datetime.datetime.now()
    attempt = LoginAttempt.create(username=username[:60], address=address[:64],
                                  succeeded=False, at=now)
    wait = seconds_to_wait(username[:60], address[:64], now=now, exclude=attempt.id)
    if wait:
        # A refused attempt checked nothing: it must not lengthen the wait.
        LoginAttempt.delete().where(LoginAttempt.id == attempt.id).execute()
        return None, wait
    return attempt.id, 0


def finish(attempt_id, succeeded, now=None):
    """Settle an attempt begun with `begin`; old attempts say nothing about now."""
    now = now or datetime.datetime.now()
    if succeeded:
        LoginAttempt.update(succeeded=True).where(LoginAttempt.id == attempt_id).execute()
    LoginAttempt.delete().where(
        (LoginAttempt.at < now - 2 * WINDOW)
        & (~LoginAttempt.succeeded | (LoginAttempt.at < now - KNOWN_FOR))).execute()


def note(username, address, succeeded, now=None):
    """Record a settled attempt at once (tests, and callers that checked already)."""
    now = now or datetime.datetime.now()
    attempt = LoginAttempt.create(username=username[:60], address=address[:64],
                                  succeeded=succeeded, at=now)
    finish(attempt.id, succeeded, now=now)


def wait_message(seconds):
    if seconds >= 60:
        return f"Bạn đã nhập sai quá nhiều lần. Vui lòng thử lại sau {(seconds + 59) // 60} phút."
    return f"Bạn đã nhập sai quá nhiều lần. Vui lòng thử lại sau {seconds} giây."
