"""The accounts feature's published lookups, for other features: emails and names by id,
users by email, active staff and trainers. Read-only; other features never read the
``User`` table themselves."""

from __future__ import annotations

from collections.abc import Iterable

import msgspec

from market.accounts.tables import User
from market.roles import STAFF_ROLES


class UserRef(msgspec.Struct, frozen=True, kw_only=True):
    id: int
    email: str
    display_name: str
    role: str
    is_active: bool


_COLUMNS = (User.id, User.email, User.display_name, User.role, User.is_active)


def _ref(row: dict[str, object]) -> UserRef:
    return UserRef(
        id=int(row["id"]),  # type: ignore[call-overload]
        email=str(row["email"]),
        display_name=str(row["display_name"]),
        role=str(row["role"]),
        is_active=bool(row["is_active"]),
    )


async def users(user_ids: Iterable[int]) -> dict[int, UserRef]:
    """Accounts by id (unknown ids are left out)."""
    ids = sorted(set(user_ids))
    if not ids:
        return {}
    return {r["id"]: _ref(r) for r in await User.select(*_COLUMNS).where(User.id.is_in(ids))}


async def emails(user_ids: Iterable[int], *, active_only: bool = True) -> dict[int, str]:
    """Email addresses by user id; closed accounts are left out unless asked."""
    return {i: u.email for i, u in (await users(user_ids)).items() if u.is_active or not active_only}


async def users_by_email(addresses: Iterable[str]) -> dict[str, UserRef]:
    """Accounts by (normalised, lower-case) email address, asked a thousand at a time."""
    wanted = sorted({a.strip().lower() for a in addresses if a.strip()})
    found: dict[str, UserRef] = {}
    for start in range(0, len(wanted), 1000):
        chunk = wanted[start : start + 1000]
        for row in await User.select(*_COLUMNS).where(User.email.is_in(chunk)):
            found[str(row["email"]).lower()] = _ref(row)
    return found


async def user_by_email(address: str) -> UserRef | None:
    return (await users_by_email([address])).get(address.strip().lower())


async def active_with_roles(*roles: str) -> list[UserRef]:
    """Active accounts holding any of ``roles``, by name."""
    rows = (
        await User.select(*_COLUMNS)
        .where(User.role.is_in(list(roles)) & User.is_active.eq(True))
        .order_by(User.display_name)
    )
    return [_ref(r) for r in rows]


async def active_staff_emails() -> list[str]:
    return [u.email for u in await active_with_roles(*STAFF_ROLES)]
