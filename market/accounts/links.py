"""One-time links sent by email, and the rules every one of them keeps.

Purposes and how long a link lasts:
- VERIFY, confirm an email address: ``settings.token_hours`` (24 hours).
- RESET, choose a new password: 1 hour.
- SIGN_IN, sign in without the password (for someone the rate limit stops): 30 minutes.
- INVITE, an imported PA chooses their first password: 14 days (the importer's choice).

Rules:
- Only a hash of the token is stored; the link works once (its row is locked while used).
- Issuing a link revokes the user's older unused links of the same purpose, so only the
  newest one works.
- Setting a password (reset, invitation or change) revokes every outstanding link of the user.
- A reset request does not revoke an invitation. Both open the same "choose a password" page,
  so an invited PA who also asks for a reset can use either, and the first used revokes the
  other. A reset request must not silently kill the invitation a person is about to open.
Revoking a link ends its life (``expires_at`` becomes now), so it answers as expired.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime, timedelta
from typing import Any

from market.accounts.tables import AccountToken, User
from market.accounts.tokens import new_token, token_hash
from market.clock import utcnow
from market.db import for_update
from market.errors import Invalid

VERIFY = "verify"
RESET = "reset"
SIGN_IN = "sign-in"
INVITE = "invite"
PURPOSES = (VERIFY, RESET, SIGN_IN, INVITE)

RESET_LIFETIME = timedelta(hours=1)
SIGN_IN_LIFETIME = timedelta(minutes=30)

# The links that let someone choose a password.
PASSWORD_LINKS = (RESET, INVITE)

NOT_VALID = "This link is not valid. Check you copied the whole link from the email."
USED = "This link has already been used. Links work once."
EXPIRED = "This link has expired, or a newer link has replaced it. Ask for a new one."


async def _revoke(user_id: int, purposes: Collection[str], now: datetime) -> None:
    await AccountToken.update({AccountToken.expires_at: now}).where(
        AccountToken.user == user_id,
        AccountToken.purpose.is_in(list(purposes)),
        AccountToken.used_at.is_null(),
        AccountToken.expires_at > now,
    )


async def issue(user_id: int, purpose: str, lifetime: timedelta) -> str:
    """A new link's token for ``user_id``; the older unused links of this purpose stop working.

    Call it in a write transaction. The user's row is locked first (on PostgreSQL), so two
    requests at once cannot each leave a working link."""
    assert purpose in PURPOSES, purpose
    now = utcnow()
    await for_update(User.select(User.id).where(User.id == user_id))
    await _revoke(user_id, [purpose], now)
    token = new_token()
    await AccountToken.insert(
        AccountToken(user=user_id, purpose=purpose, token_hash=token_hash(token), expires_at=now + lifetime)
    )
    return token


async def revoke_all(user_id: int) -> None:
    """Every outstanding link of the user stops working (their password has just changed)."""
    await _revoke(user_id, PURPOSES, utcnow())


def _usable(row: dict[str, Any] | None) -> dict[str, Any]:
    """The row, if its link can still be used; Invalid saying why not."""
    if row is None:
        problem = NOT_VALID
    elif row["used_at"] is not None:
        problem = USED
    elif row["expires_at"] <= utcnow():
        problem = EXPIRED
    else:
        return row
    raise Invalid({"token": problem})


def _select(token: str, purposes: Collection[str]) -> Any:
    return AccountToken.select().where(
        AccountToken.token_hash == token_hash(token or ""), AccountToken.purpose.is_in(list(purposes))
    )


async def owner(token: str, purposes: Collection[str]) -> int | None:
    """The id of the user a link was sent to, used or not, or None."""
    row = await _select(token, purposes).first()
    return row["user"] if row else None


async def check(token: str, purposes: Collection[str]) -> dict[str, Any]:
    """The link's row, if it can still be used; Invalid saying why not. Uses nothing."""
    return _usable(await _select(token, purposes).first())


async def use(token: str, purposes: Collection[str]) -> dict[str, Any]:
    """Mark the link used and return its row; Invalid when unknown, used or expired.

    Call it in a write transaction: the row is locked, so two requests racing with one link
    cannot both use it."""
    row = _usable(await for_update(_select(token, purposes)).first())
    await AccountToken.update({AccountToken.used_at: utcnow()}).where(AccountToken.id == row["id"])
    return row
