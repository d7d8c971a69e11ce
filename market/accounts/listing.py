"""Lists of accounts: the admin's list (a page at a time, searched and filtered) and the
short lists other features ask for (the trainers to choose from)."""

from __future__ import annotations

from piccolo.custom_types import Combinable

from market.accounts.schemas import UserOut
from market.accounts.services import _user_out
from market.accounts.tables import User
from market.db import ilike
from market.paging import Page, page_of

# The account states the admin list filters by (as its status tags say them).
ACCOUNT_STATES = {
    "active": "Active",
    "unconfirmed": "Email not confirmed",
    "deactivated": "Deactivated",
}


def _user_filters(role: str, query: str, state: str = "") -> list[Combinable]:
    where: list[Combinable] = []
    if role:
        where.append(User.role == role)
    if query.strip():
        where.append(ilike(User.email, f"%{query.strip()}%") | ilike(User.display_name, f"%{query.strip()}%"))
    if state == "active":
        where.append((User.is_active == True) & User.verified_at.is_not_null())  # noqa: E712
    elif state == "unconfirmed":
        where.append((User.is_active == True) & User.verified_at.is_null())  # noqa: E712
    elif state == "deactivated":
        where.append(User.is_active == False)  # noqa: E712
    return where


async def list_users(*, role: str = "", query: str = "", limit: int = 200) -> list[UserOut]:
    select = User.select().order_by(User.id, ascending=False).limit(limit)
    if where := _user_filters(role, query):
        select = select.where(*where)
    return [_user_out(r) for r in await select]


async def user_page(*, role: str = "", query: str = "", state: str = "", page: int = 1) -> Page[UserOut]:
    """The admin's list of accounts, newest first, a page at a time, with how many match."""
    where = _user_filters(role, query, state)
    select, count = User.select().order_by(User.id, ascending=False), User.count()
    if where:
        select, count = select.where(*where), count.where(*where)
    return await page_of(select, count, _user_out, page=page)
