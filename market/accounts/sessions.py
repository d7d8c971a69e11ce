"""Signing in and out: server-side sessions, the sign-in rate limit, and one-time sign-in links."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from typing import Any

import msgspec

from market.accounts import links, throttle
from market.accounts.passwords import verify_password
from market.accounts.schemas import CurrentUser, LoginInput, SessionOut
from market.accounts.tables import User, UserSession
from market.accounts.tokens import new_token, token_hash
from market.audit import services as audit
from market.batching import delete_in_batches
from market.clock import utcnow
from market.db import write_transaction
from market.errors import Invalid, NotAllowed, NotFound
from market.reads import Read, read_together, table
from market.settings import Settings

# Touch last_seen_at at most this often, so reads do not become writes.
TOUCH_EVERY = timedelta(minutes=5)

WRONG_DETAILS = "Enter a correct email address and password"


class Unverified(NotAllowed):
    title = "Confirm your email address first"


async def login(
    data: LoginInput, settings: Settings, *, ip: str = "", user_agent: str = ""
) -> tuple[str, CurrentUser, datetime]:
    """Check the credentials and start a session; return its token, the user and its expiry.

    RateLimited, before the password is looked at, once this account has failed too often at
    this address or this address too often overall (market.accounts.throttle)."""
    email = data.email.strip().lower()
    errors = {}
    if not email:
        errors["email"] = "Enter your email address"
    if not data.password:
        errors["password"] = "Enter your password"
    if errors:
        raise Invalid(errors)
    now = utcnow()
    await throttle.reserve(email, ip, settings, now)
    user = await User.select().where(User.email == email).first()
    # argon2 takes tens of milliseconds: keep it off the event loop.
    ok = await asyncio.to_thread(verify_password, user["password_hash"] if user else None, data.password)
    if user is None or not ok or not user["is_active"]:
        # The attempt stays counted in its buckets.
        await audit.record(
            "account.login_failed",
            subject_type="user",
            subject_id=user["id"] if user else "",
            detail={"email": email},
            ip=ip,
        )
        raise Invalid({"email": WRONG_DETAILS, "password": WRONG_DETAILS}, WRONG_DETAILS)
    if user["verified_at"] is None:
        async with write_transaction():
            await throttle.release(email, ip, settings)  # the password was right
        raise Unverified("Confirm your email address before you sign in: use the link we emailed you.")
    async with write_transaction():
        await throttle.release(email, ip, settings)
        token, current, expires_at = await _start(user, settings, ip=ip, user_agent=user_agent)
        await audit.record("account.login", actor=current, subject_type="user", subject_id=user["id"], ip=ip)
    return token, current, expires_at


async def login_with_link(
    link_token: str, settings: Settings, *, ip: str = "", user_agent: str = ""
) -> tuple[str, CurrentUser, datetime]:
    """Start a session with an emailed one-time sign-in link (Invalid when it cannot be used).

    The link proves the person reads the account's mailbox, so it also confirms the address,
    and the account starts afresh at this address in the rate limit."""
    async with write_transaction():
        row = await links.use(link_token, [links.SIGN_IN])
        user = await User.select().where(User.id == row["user"], User.is_active.eq(True)).first()
        if user is None:
            raise Invalid({"token": links.NOT_VALID})
        if user["verified_at"] is None:
            await User.update({User.verified_at: utcnow()}).where(User.id == user["id"])
        await throttle.release(user["email"], ip, settings, reserved=False)
        token, current, expires_at = await _start(user, settings, ip=ip, user_agent=user_agent)
        await audit.record(
            "account.login",
            actor=current,
            subject_type="user",
            subject_id=user["id"],
            detail={"with": "sign-in link"},
            ip=ip,
        )
    return token, current, expires_at


async def _start(
    user: dict[str, Any], settings: Settings, *, ip: str, user_agent: str
) -> tuple[str, CurrentUser, datetime]:
    token, expires_at = new_token(), utcnow() + timedelta(days=settings.session_days)
    rows = await UserSession.insert(
        UserSession(
            user=user["id"],
            token_hash=token_hash(token),
            ip=ip,
            user_agent=user_agent[:255],
            expires_at=expires_at,
        )
    ).returning(UserSession.id)
    return token, _current(user, rows[0]["id"]), expires_at


def _current(user: dict[str, Any], session_id: int) -> CurrentUser:
    return CurrentUser(
        id=user["id"],
        email=user["email"],
        role=user["role"],
        display_name=user["display_name"],
        session_id=session_id,
    )


class _Live(msgspec.Struct, array_like=True):
    """What every request reads of its session and account (``user_for_token``)."""

    session_id: int
    expires_at: datetime
    last_seen_at: datetime
    user_id: int
    email: str
    role: str
    display_name: str
    is_active: bool


def _live_read(token: str) -> Read:
    return Read(
        row=_Live,
        columns=(
            's."id"',
            's."expires_at"',
            's."last_seen_at"',
            'u."id"',
            'u."email"',
            'u."role"',
            'u."display_name"',
            'u."is_active"',
        ),  # fmt: skip
        source=f'FROM {table(UserSession)} s JOIN {table(User)} u ON u."id" = s."user" '
        'WHERE s."token_hash" = {} LIMIT 1',
        args=(token_hash(token),),
    )


async def user_for_token(token: str) -> CurrentUser | None:
    """The signed-in user of a live session token, or None. Every signed-in request asks
    this: one query of the few columns it needs (``market.reads``), not piccolo's join of
    every column of the account."""
    if not token:
        return None
    now = utcnow()
    (found,) = await read_together(_live_read(token))
    if not found or found[0].expires_at < now or not found[0].is_active:
        return None
    row = found[0]
    if now - row.last_seen_at > TOUCH_EVERY:
        await UserSession.update({UserSession.last_seen_at: now}).where(UserSession.id == row.session_id)
    return CurrentUser(
        id=row.user_id,
        email=row.email,
        role=row.role,
        display_name=row.display_name,
        session_id=row.session_id,
    )


async def logout(user: CurrentUser, *, ip: str = "") -> None:
    async with write_transaction():
        await UserSession.delete().where(UserSession.id == user.session_id)
        await audit.record("account.logout", actor=user, subject_type="user", subject_id=user.id, ip=ip)


async def end_all(user_id: int, *, keep_session_id: int | None = None) -> None:
    query = UserSession.delete().where(UserSession.user == user_id)
    if keep_session_id:
        query = UserSession.delete().where(UserSession.user == user_id, UserSession.id != keep_session_id)
    await query


async def list_sessions(user: CurrentUser) -> list[SessionOut]:
    rows = (
        await UserSession.select()
        .where(UserSession.user == user.id, UserSession.expires_at > utcnow())
        .order_by(UserSession.last_seen_at, ascending=False)
    )
    return [
        SessionOut(
            id=r["id"],
            created_at=r["created_at"],
            last_seen_at=r["last_seen_at"],
            expires_at=r["expires_at"],
            user_agent=r["user_agent"],
            ip=r["ip"],
            current=r["id"] == user.session_id,
        )
        for r in rows
    ]


async def end_session(user: CurrentUser, session_id: int, *, ip: str = "") -> None:
    """End one of the user's own sessions; someone else's answers NotFound."""
    async with write_transaction():
        owned = await UserSession.exists().where(UserSession.id == session_id, UserSession.user == user.id)
        if not owned:
            raise NotFound()
        await UserSession.delete().where(UserSession.id == session_id)
        await audit.record(
            "account.session_ended", actor=user, subject_type="session", subject_id=session_id, ip=ip
        )


async def purge_expired(now: datetime | None = None) -> int:
    """Delete expired sessions and old rate-limit buckets; return the sessions removed."""
    now = now or utcnow()
    gone = await delete_in_batches(UserSession, UserSession.expires_at < now)
    await throttle.purge(now - timedelta(days=1))
    return gone
