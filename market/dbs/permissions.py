"""The DBS permission: which staff may read decision rationales and record decisions.

Granted by an admin to named staff (admins included only when granted), so that
criminal-offence data is shown to the fewest people. Grants and removals are audit-logged.
"""

from __future__ import annotations

from typing import Any

from market.accounts import directory
from market.accounts.schemas import CurrentUser
from market.audit import services as audit
from market.db import write_transaction
from market.dbs.tables import DBSPermission
from market.errors import Invalid, NotAllowed, NotFound
from market.roles import STAFF_ROLES


async def has_permission(user: CurrentUser) -> bool:
    if user.role not in STAFF_ROLES:
        return False
    return await DBSPermission.exists().where(DBSPermission.user == user.id)


async def require_permission(user: CurrentUser) -> None:
    if not await has_permission(user):
        raise NotAllowed("Only staff with the DBS permission can do this. Ask an administrator.")


async def holders() -> list[dict[str, Any]]:
    return await DBSPermission.select(
        DBSPermission.user.id.as_alias("user_id"),
        DBSPermission.user.email.as_alias("email"),
        DBSPermission.user.display_name.as_alias("name"),
        DBSPermission.granted_at,
    ).order_by(DBSPermission.user.email)


async def emails() -> list[str]:
    """Where to send DBS work: holders whose accounts are still active."""
    rows = await DBSPermission.select(DBSPermission.user.email.as_alias("email")).where(
        DBSPermission.user.is_active == True  # noqa: E712  (a column comparison, not a truth test)
    )
    return sorted(row["email"] for row in rows)


async def grant(email: str, *, actor: CurrentUser) -> None:
    address = email.strip().lower()
    if not address:
        raise Invalid({"email": "Enter the email address of a staff member"})
    user = await directory.user_by_email(address)
    if user is None or user.role not in STAFF_ROLES:
        raise Invalid({"email": "There is no staff or admin account with that email address"})
    async with write_transaction():
        if await DBSPermission.exists().where(DBSPermission.user == user.id):
            raise Invalid({"email": "That person already has the DBS permission"})
        await DBSPermission.insert(DBSPermission(user=user.id, granted_by=actor.id))
        await audit.record(
            "dbs.permission_granted", actor=actor, subject_type="user", subject_id=user.id, detail={}
        )


async def revoke(user_id: int, *, actor: CurrentUser) -> None:
    async with write_transaction():
        if not await DBSPermission.exists().where(DBSPermission.user == user_id):
            raise NotFound()
        await DBSPermission.delete().where(DBSPermission.user == user_id)
        await audit.record(
            "dbs.permission_removed", actor=actor, subject_type="user", subject_id=user_id, detail={}
        )
