"""Staff's vetting to-do lists: PAs waiting for checks, due for review, or suspended, each a
page at a time, searched by name or email."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import msgspec

from market.clock import london_today, utcnow
from market.db import ilike
from market.paging import Page, page_of
from market.register.tables import PAProfile

# Each list: its heading, what it says when empty, and what its date column means.
LISTS = {
    "submitted": ("Waiting for checks", "No profiles are waiting.", "Sent"),
    "review": ("Reviews overdue or due in the next 30 days", "No reviews are due.", "Review due"),
    "suspended": ("Suspended", "No one is suspended.", "Since"),
}
REVIEW_WITHIN_DAYS = 30


class QueueRow(msgspec.Struct, kw_only=True):
    profile_id: int
    name: str
    email: str
    district: str
    status: str
    since: Any
    review_due_on: date | None = None
    # A review whose date has passed: the list says so with a tag.
    overdue: bool = False


_COLUMNS = (
    PAProfile.id,
    PAProfile.status,
    PAProfile.district,
    PAProfile.submitted_at,
    PAProfile.updated_at,
    PAProfile.review_due_on,
    PAProfile.user.display_name,
    PAProfile.user.email,
)


def _row(r: dict[str, Any]) -> QueueRow:
    due = r["review_due_on"]
    return QueueRow(
        profile_id=r["id"],
        name=r["user.display_name"],
        email=r["user.email"],
        district=r["district"],
        status=r["status"],
        since=r["submitted_at"] or r["updated_at"],
        review_due_on=due,
        overdue=r["status"] == "approved" and due is not None and due < london_today(),
    )


def _where(kind: str, review_within_days: int) -> list[Any]:
    if kind == "review":
        horizon = utcnow().date() + timedelta(days=review_within_days)
        return [PAProfile.status == "approved", PAProfile.review_due_on <= horizon]
    return [PAProfile.status == kind]


_ORDER = {
    "submitted": PAProfile.submitted_at,
    "review": PAProfile.review_due_on,
    "suspended": PAProfile.updated_at,
}


async def counts(*, review_within_days: int = REVIEW_WITHIN_DAYS) -> dict[str, int]:
    """How many PAs are on each list."""
    return {kind: await PAProfile.count().where(*_where(kind, review_within_days)) for kind in LISTS}


async def queue_page(
    kind: str, *, query: str = "", page: int = 1, review_within_days: int = REVIEW_WITHIN_DAYS
) -> Page[QueueRow]:
    """One list, oldest first (the longest waiting, the most overdue), a page at a time."""
    where = _where(kind, review_within_days)
    if query.strip():
        like = f"%{query.strip()}%"
        where.append(ilike(PAProfile.user.display_name, like) | ilike(PAProfile.user.email, like))
    select = PAProfile.select(*_COLUMNS).where(*where).order_by(_ORDER[kind]).order_by(PAProfile.id)
    return await page_of(select, PAProfile.count().where(*where), _row, page=page)


async def queue(*, review_within_days: int = REVIEW_WITHIN_DAYS) -> dict[str, list[QueueRow]]:
    """Every list in full, for the API."""
    lists: dict[str, list[QueueRow]] = {}
    for kind in LISTS:
        where = _where(kind, review_within_days)
        rows = await PAProfile.select(*_COLUMNS).where(*where).order_by(_ORDER[kind]).order_by(PAProfile.id)
        lists[kind] = [_row(r) for r in rows]
    return lists
