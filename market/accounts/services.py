"""Accounts: sign-up, email verification, password reset and change, user admin."""

from __future__ import annotations

import asyncio
import re
import secrets
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from market.accounts import emails, links, sessions
from market.accounts.links import INVITE as INVITE  # for the importer's invitations
from market.accounts.links import RESET, RESET_LIFETIME, SIGN_IN_LIFETIME, VERIFY
from market.accounts.passwords import hash_password, password_problem, verify_password
from market.accounts.schemas import (
    ACTING_AS,
    CurrentUser,
    NewUserInput,
    PasswordChangeInput,
    PasswordResetInput,
    SignupInput,
    UserOut,
)
from market.accounts.tables import AccountToken, User
from market.audit import services as audit
from market.clock import utcnow
from market.db import write_transaction
from market.errors import Conflict, Invalid, NotFound
from market.roles import ROLES, SELF_SIGNUP_ROLES
from market.settings import Settings

# A second email of the same kind to the same person waits at least this long.
RESEND_AFTER = timedelta(minutes=5)

SIGNUP_ROLE_MESSAGE = "Select whether you are a personal assistant or looking for one"
ACTING_AS_MESSAGE = "Select who the personal assistant is for"
ROLE_MESSAGE = "Select a role"

# Deliberately loose: one @, something either side, a dot in the domain, no spaces.
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def normalise_email(email: str) -> str:
    return email.strip().lower()


def email_problem(email: str) -> str | None:
    if not email:
        return "Enter your email address"
    if len(email) > 254 or not _EMAIL.match(email):
        return "Enter an email address in the correct format, like name@example.com"
    return None


def _user_out(row: dict[str, Any]) -> UserOut:
    return UserOut(
        id=row["id"],
        email=row["email"],
        role=row["role"],
        display_name=row["display_name"],
        acting_as=row["acting_as"],
        verified=row["verified_at"] is not None,
        is_active=row["is_active"],
        created_at=row["created_at"],
    )


async def get_user(user_id: int) -> UserOut:
    row = await User.select().where(User.id == user_id).first()
    if row is None:
        raise NotFound()
    return _user_out(row)


async def _email_taken(email: str) -> bool:
    return await User.exists().where(User.email == email)


def new_account_problems(email: str, display_name: str, password: str) -> dict[str, str]:
    """What is wrong with a new account's email (normalised), name (stripped) and password,
    by field: the checks that need no database, so a form can name them with its own."""
    errors: dict[str, str] = {}
    if problem := email_problem(email):
        errors["email"] = problem
    if not display_name:
        errors["display_name"] = "Enter your name"
    elif len(display_name) > 120:
        errors["display_name"] = "Name must be 120 characters or fewer"
    if problem := password_problem(password, email):
        errors["password"] = problem
    return errors


async def issue_token(user_id: int, purpose: str, lifetime: timedelta) -> str:
    """A one-time token for an emailed link (a purpose of market.accounts.links); the user's
    older links of that purpose stop working. Call it in a write transaction."""
    return await links.issue(user_id, purpose, lifetime)


async def _send_verification(settings: Settings, user_id: int, email: str, name: str) -> None:
    token = await issue_token(user_id, VERIFY, timedelta(hours=settings.token_hours))
    await emails.verification(settings, email, name, token)


async def signup(data: SignupInput, settings: Settings, *, ip: str = "") -> None:
    """Create a PA or recipient account and email a link to confirm the address.

    The answer never says whether the email already has an account (that would let anyone
    test addresses): a taken address gets the same answer as a new one, and its owner is
    emailed instead. The email's unique constraint decides, inside the transaction, so the
    same sign-up sent many times at once makes one account and gives every copy this answer.
    """
    email = normalise_email(data.email)
    name = data.display_name.strip()
    errors = new_account_problems(email, name, data.password)
    # Checked here too: a Struct built in code (not decoded) has not had its Literals checked.
    if data.role not in SELF_SIGNUP_ROLES:
        errors["role"] = SIGNUP_ROLE_MESSAGE
    elif data.role == "recipient" and data.acting_as not in ACTING_AS:
        errors["acting_as"] = ACTING_AS_MESSAGE
    if errors:
        raise Invalid(errors)
    # argon2 is slow on purpose: hash before taking the write lock, off the event loop. A taken
    # address is hashed too, so that it takes as long as a new one.
    password_hash = await asyncio.to_thread(hash_password, data.password)
    async with write_transaction():
        rows = (
            await User.insert(
                User(
                    email=email,
                    password_hash=password_hash,
                    role=data.role,
                    display_name=name,
                    acting_as=(data.acting_as or "") if data.role == "recipient" else "",
                )
            )
            .on_conflict(target=User.email, action="DO NOTHING")
            .returning(User.id)
        )
        if not rows:
            await _tell_owner(email, settings, ip=ip)
            return
        await _send_verification(settings, rows[0]["id"], email, name)
        await audit.record(
            "account.signup",
            subject_type="user",
            subject_id=rows[0]["id"],
            detail={"email": email, "role": data.role},
            ip=ip,
        )


async def _tell_owner(email: str, settings: Settings, *, ip: str) -> None:
    """Someone signed up with an address that has an account: tell its owner, not them.

    An unconfirmed account gets a fresh confirmation link (the person has probably lost the
    first); a confirmed one a note saying how to sign in. Neither is sent twice within
    RESEND_AFTER: not to the sign-up that raced the one that made the account, nor to someone
    flooding an address."""
    owner = await User.select().where(User.email == email).first()
    if owner is None:
        return
    now = utcnow()
    recent = [e for e in await audit.for_subject("user", owner["id"], limit=20) if e.at > now - RESEND_AFTER]
    await audit.record("account.signup_existing", subject_type="user", subject_id=owner["id"], ip=ip)
    if owner["created_at"] > now - RESEND_AFTER or any(e.action == "account.signup_existing" for e in recent):
        return
    if owner["verified_at"] is None:
        await _send_verification(settings, owner["id"], email, owner["display_name"])
        return
    await emails.account_exists(settings, email, owner["display_name"])


async def resend_verification(email: str, settings: Settings) -> None:
    """Send a new link to an unverified account; silent for anything else (no enumeration)."""
    email = normalise_email(email)
    async with write_transaction():
        user = await User.select().where(User.email == email).first()
        if user is None or user["verified_at"] is not None:
            return
        recent = await AccountToken.exists().where(
            AccountToken.user == user["id"],
            AccountToken.purpose == VERIFY,
            AccountToken.created_at > utcnow() - RESEND_AFTER,
        )
        if not recent:
            await _send_verification(settings, user["id"], email, user["display_name"])


async def verify_email(token: str, *, ip: str = "") -> UserOut:
    async with write_transaction():
        row = await links.use(token, [VERIFY])
        await User.update({User.verified_at: utcnow()}).where(
            User.id == row["user"], User.verified_at.is_null()
        )
        await audit.record("account.email_verified", subject_type="user", subject_id=row["user"], ip=ip)
    return await get_user(row["user"])


async def _active_user(email: str) -> dict[str, Any] | None:
    return await User.select().where(User.email == email, User.is_active.eq(True)).first()


async def request_password_reset(email: str, settings: Settings, *, ip: str = "") -> None:
    """Email a reset link if the account exists. The caller says the same thing either way."""
    email = normalise_email(email)
    if problem := email_problem(email):
        raise Invalid({"email": problem})
    async with write_transaction():
        user = await _active_user(email)
        if user is None:
            return
        token = await links.issue(user["id"], RESET, RESET_LIFETIME)
        await emails.password_reset(settings, email, user["display_name"], token)
        await audit.record(
            "account.password_reset_requested", subject_type="user", subject_id=user["id"], ip=ip
        )


async def request_sign_in_link(email: str, settings: Settings, *, ip: str = "") -> None:
    """Email a one-time sign-in link if the account exists: the way in for someone the sign-in
    rate limit has stopped. The caller says the same thing either way."""
    email = normalise_email(email)
    if problem := email_problem(email):
        raise Invalid({"email": problem})
    async with write_transaction():
        user = await _active_user(email)
        if user is None:
            return
        token = await links.issue(user["id"], links.SIGN_IN, SIGN_IN_LIFETIME)
        minutes = int(SIGN_IN_LIFETIME.total_seconds() // 60)
        await emails.sign_in_link(settings, email, user["display_name"], token, minutes)
        await audit.record(
            "account.sign_in_link_requested", subject_type="user", subject_id=user["id"], ip=ip
        )


async def check_sign_in_link(token: str) -> None:
    """Invalid when the sign-in link cannot be used (the page says so before the button)."""
    await links.check(token, [links.SIGN_IN])


async def check_reset_token(token: str) -> None:
    """Invalid when the link cannot be used, so the page can say so before asking for a password."""
    await links.check(token, links.PASSWORD_LINKS)


async def reset_password(data: PasswordResetInput, settings: Settings, *, ip: str = "") -> UserOut:
    """Set a new password with a reset or invitation link; every session and link ends."""
    async with write_transaction():
        owner = await links.owner(data.token, links.PASSWORD_LINKS)
        user = await User.select().where(User.id == owner).first() if owner else None
        if problem := password_problem(data.password, user["email"] if user else ""):
            raise Invalid({"password": problem})
        used = await links.use(data.token, links.PASSWORD_LINKS)
        await _set_password(used["user"], data.password)
        # A reset proves control of the mailbox, so it also confirms the address.
        await User.update({User.verified_at: utcnow()}).where(
            User.id == used["user"], User.verified_at.is_null()
        )
        await sessions.end_all(used["user"])
        await audit.record("account.password_reset", subject_type="user", subject_id=used["user"], ip=ip)
    return await get_user(used["user"])


async def _set_password(user_id: int, password: str) -> None:
    """Store a new password; every emailed link of the user stops working (the caller ends
    the sessions it should)."""
    password_hash = await asyncio.to_thread(hash_password, password)
    await User.update({User.password_hash: password_hash, User.password_changed_at: utcnow()}).where(
        User.id == user_id
    )
    await links.revoke_all(user_id)


async def change_password(user: CurrentUser, data: PasswordChangeInput, *, ip: str = "") -> None:
    """Change the password and end every other session of this user."""
    async with write_transaction():
        row = await User.select(User.password_hash).where(User.id == user.id).first()
        errors = {}
        if not data.current_password:
            errors["current_password"] = "Enter your current password"
        elif not verify_password(row["password_hash"] if row else None, data.current_password):
            errors["current_password"] = "Your current password is not right"
        if problem := password_problem(data.new_password, user.email):
            errors["new_password"] = problem
        if errors:
            raise Invalid(errors)
        await _set_password(user.id, data.new_password)
        await sessions.end_all(user.id, keep_session_id=user.session_id)
        await audit.record(
            "account.password_changed", actor=user, subject_type="user", subject_id=user.id, ip=ip
        )


async def create_user(data: NewUserInput, *, actor: CurrentUser | None = None, ip: str = "") -> UserOut:
    """An account made by an admin or the command line: verified, any role."""
    email = normalise_email(data.email)
    name = data.display_name.strip()
    errors = new_account_problems(email, name, data.password)
    if data.role not in ROLES:
        errors["role"] = ROLE_MESSAGE
    password_hash = "" if errors else await asyncio.to_thread(hash_password, data.password)
    async with write_transaction():
        if "email" not in errors and await _email_taken(email):
            errors["email"] = "An account with this email address already exists"
        if errors:
            raise Invalid(errors)
        rows = (
            await User.insert(
                User(
                    email=email,
                    password_hash=password_hash,
                    role=data.role,
                    display_name=name,
                    verified_at=utcnow(),
                )
            )
            .on_conflict(target=User.email, action="DO NOTHING")
            .returning(*User.all_columns())
        )
        if not rows:  # made by someone else since the check above
            raise Invalid({"email": "An account with this email address already exists"})
        await audit.record(
            "account.created",
            actor=actor,
            subject_type="user",
            subject_id=rows[0]["id"],
            detail={"email": email, "role": data.role},
            ip=ip,
        )
    return _user_out(rows[0])


async def set_active(user_id: int, active: bool, *, actor: CurrentUser, ip: str = "") -> UserOut:
    if user_id == actor.id and not active:
        raise Conflict("You cannot deactivate your own account")
    async with write_transaction():
        if not await User.exists().where(User.id == user_id):
            raise NotFound()
        await User.update({User.is_active: active}).where(User.id == user_id)
        if not active:
            await sessions.end_all(user_id)
        await audit.record(
            "account.activated" if active else "account.deactivated",
            actor=actor,
            subject_type="user",
            subject_id=user_id,
            ip=ip,
        )
    return await get_user(user_id)


async def create_invited_accounts(
    people: Sequence[tuple[str, str]], *, role: str, verified_at: datetime
) -> dict[str, int]:
    """Accounts made for people someone else registered (a bulk import): {email: id}.

    Runs in the caller's transaction, so an import adds all or nothing. No password opens
    them until the person sets one through a reset link: the stored value is not a hash of
    anything."""
    if role not in ROLES:
        raise Invalid({"role": "Choose a role"})
    rows = await User.insert(
        *[
            User(
                email=normalise_email(email),
                password_hash="!" + secrets.token_urlsafe(32),
                role=role,
                display_name=name,
                verified_at=verified_at,
            )
            for email, name in people
        ]
    ).returning(User.id, User.email)
    return {r["email"]: r["id"] for r in rows}
