"""The sign-in rate limit: attempts counted atomically, per account at an address and per address.

Each attempt counts in two buckets before its password is checked:
- the account at this address: ``login_attempts_per_window`` (5) in a window;
- the address alone, across every account: ``ADDRESS_MULTIPLIER`` times as many, so that one
  address cannot try a few passwords on each of many accounts.
A bucket that is full refuses the attempt unchecked (429 with Retry-After) and counts nothing.
An attempt that succeeds gives its place back, so a bucket holds failures plus attempts still
being checked: of 200 wrong passwords sent at once, the first five are checked and the rest
refused. Failures from one address never stop the account signing in from another, so knowing
someone's email is not enough to lock them out; and someone stopped at their own address can
still sign in with a link emailed to them (market.accounts.sessions.login_with_link).

Counting is one upsert per bucket (INSERT ... ON CONFLICT DO UPDATE ... RETURNING) in a write
transaction: PostgreSQL holds the bucket's row lock until the end, SQLite's IMMEDIATE
transaction holds the write lock, so no two attempts read the same count. Buckets are always
locked in the same order (account, then address), so two attempts cannot deadlock.

Windows are fixed: a bucket's window opens at its first attempt and lasts
``login_window_seconds``; a later attempt finds it stale and starts a new one. Buckets are
named by an HMAC under the secret key, so the table holds no email or address, nor anything
that could be turned back into one without the key.
"""

from __future__ import annotations

import hashlib
import hmac
import math
from datetime import datetime, timedelta

from market.accounts.tables import LoginThrottle
from market.batching import delete_in_batches
from market.db import write_transaction
from market.errors import RateLimited
from market.settings import Settings

# One address may fail this many times more than one account at one address.
ADDRESS_MULTIPLIER = 10

_COUNT = (
    'INSERT INTO "account_login_attempt" ("bucket", "attempts", "window_started_at") '
    "VALUES ({}, 1, {}) "
    'ON CONFLICT ("bucket") DO UPDATE SET "attempts" = "account_login_attempt"."attempts" + 1 '
    'RETURNING "attempts"'
)


def _bucket(settings: Settings, kind: str, *parts: str) -> str:
    name = "\n".join((kind, *parts)).encode()
    return kind + ":" + hmac.new(settings.secret_key.encode(), name, hashlib.sha256).hexdigest()


def buckets(email: str, ip: str, settings: Settings) -> tuple[str, str]:
    """The (account at this address, address) buckets of a sign-in attempt."""
    return _bucket(settings, "account", email, ip), _bucket(settings, "address", ip)


def too_many_message(wait_seconds: int) -> str:
    minutes = max(1, math.ceil(wait_seconds / 60))
    return (
        f"Too many failed attempts to sign in. Wait {minutes} minute{'s' if minutes != 1 else ''} "
        "and try again, or ask us to email you a sign-in link."
    )


async def _count(bucket: str, now: datetime, window: timedelta) -> int:
    # A window that has passed starts again with this attempt.
    await LoginThrottle.delete().where(
        LoginThrottle.bucket == bucket, LoginThrottle.window_started_at <= now - window
    )
    rows = await LoginThrottle.raw(_COUNT, bucket, now)
    return int(rows[0]["attempts"])


async def _wait_seconds(bucket: str, now: datetime, window: timedelta) -> int:
    row = (
        await LoginThrottle.select(LoginThrottle.window_started_at)
        .where(LoginThrottle.bucket == bucket)
        .first()
    )
    opened = row["window_started_at"] if row else now
    # Another attempt may have opened the window a moment after this one's ``now``.
    return min(max(1, math.ceil((opened + window - now).total_seconds())), int(window.total_seconds()))


async def reserve(email: str, ip: str, settings: Settings, now: datetime) -> None:
    """Count one attempt to sign in as ``email`` from ``ip``; RateLimited (and nothing counted)
    when either bucket is already full."""
    window = timedelta(seconds=settings.login_window_seconds)
    limit = settings.login_attempts_per_window
    account, address = buckets(email, ip, settings)
    async with write_transaction():
        for bucket, most in ((account, limit), (address, limit * ADDRESS_MULTIPLIER)):
            if await _count(bucket, now, window) > most:
                wait = await _wait_seconds(bucket, now, window)
                # Raised inside the transaction, so this attempt's counts are rolled back.
                raise RateLimited(too_many_message(wait), retry_after=wait)


async def release(email: str, ip: str, settings: Settings, *, reserved: bool = True) -> None:
    """After a sign-in succeeds: the account starts afresh at this address, and a ``reserved``
    attempt gives its place at the address back. Call it in the sign-in's transaction."""
    account, address = buckets(email, ip, settings)
    await LoginThrottle.delete().where(LoginThrottle.bucket == account)
    if reserved:
        await LoginThrottle.update({LoginThrottle.attempts: LoginThrottle.attempts - 1}).where(
            LoginThrottle.bucket == address, LoginThrottle.attempts > 0
        )


async def purge(before: datetime) -> None:
    """Forget buckets whose window opened before ``before`` (long past any window)."""
    await delete_in_batches(LoginThrottle, LoginThrottle.window_started_at < before)
