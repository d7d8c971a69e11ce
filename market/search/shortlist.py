"""The shortlist: PAs someone looking for a PA has saved (the matching pipeline builds on it).

A saved PA who is no longer listed stays on the list as "no longer listed", without details.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import msgspec

from market.accounts.schemas import CurrentUser
from market.audit import services as audit
from market.db import write_transaction
from market.errors import NotFound
from market.reads import Read, marks, table
from market.register.tables import ShortlistEntry
from market.search.register_reads import LISTED, SHORTLISTERS, check_id, listed_row  # noqa: F401 - SHORTLISTERS re-exported


class ShortlistInput(msgspec.Struct, kw_only=True):
    profile_id: int


class ShortlistItemOut(msgspec.Struct, kw_only=True):
    """One saved PA; the details are None once the profile is no longer listed."""

    profile_id: int
    saved_at: datetime
    listed: bool
    display_name: str | None = None
    headline: str | None = None
    district: str | None = None


def _item(row: dict[str, Any]) -> ShortlistItemOut:
    listed = row["profile.status"] == LISTED
    return ShortlistItemOut(
        profile_id=row["profile"],
        saved_at=row["created_at"],
        listed=listed,
        display_name=row["profile.display_name"] if listed else None,
        headline=row["profile.headline"] if listed else None,
        district=row["profile.district"] if listed else None,
    )


_ITEM_COLUMNS = (
    ShortlistEntry.profile,
    ShortlistEntry.created_at,
    ShortlistEntry.profile.status,
    ShortlistEntry.profile.display_name,
    ShortlistEntry.profile.headline,
    ShortlistEntry.profile.district,
)


async def shortlist(owner: CurrentUser) -> list[ShortlistItemOut]:
    """The owner's saved PAs, newest first."""
    rows = (
        await ShortlistEntry.select(*_ITEM_COLUMNS)
        .where(ShortlistEntry.owner == owner.id)
        .order_by(ShortlistEntry.created_at, ascending=False)
        .order_by(ShortlistEntry.id, ascending=False)
    )
    return [_item(r) for r in rows]


async def _entry(owner: CurrentUser, profile_id: int) -> dict[str, Any] | None:
    return (
        await ShortlistEntry.select(*_ITEM_COLUMNS)
        .where(ShortlistEntry.owner == owner.id, ShortlistEntry.profile == profile_id)
        .first()
    )


async def add_to_shortlist(owner: CurrentUser, profile_id: int) -> tuple[ShortlistItemOut, bool]:
    """Save a listed PA (NotFound otherwise); (the entry, whether it is new). Saving twice
    keeps one entry: the unique index on (owner, profile) makes a second insert, even one
    sent at the same moment, do nothing."""
    await listed_row(profile_id)
    async with write_transaction():
        added = (
            await ShortlistEntry.insert(ShortlistEntry(owner=owner.id, profile=profile_id))
            .on_conflict(target=(ShortlistEntry.owner, ShortlistEntry.profile), action="DO NOTHING")
            .returning(ShortlistEntry.id)
        )
        if added:
            await audit.record(
                "shortlist.added", actor=owner, subject_type="pa_profile", subject_id=profile_id
            )
    row = await _entry(owner, profile_id)
    assert row is not None  # saved just now, by this request or an earlier one
    return _item(row), bool(added)


async def remove_from_shortlist(owner: CurrentUser, profile_id: int) -> None:
    """Take a PA off the owner's shortlist; NotFound if it is not on it."""
    check_id(profile_id)
    async with write_transaction():
        if not await ShortlistEntry.exists().where(
            ShortlistEntry.owner == owner.id, ShortlistEntry.profile == profile_id
        ):
            raise NotFound()
        await ShortlistEntry.delete().where(
            ShortlistEntry.owner == owner.id, ShortlistEntry.profile == profile_id
        )
        await audit.record("shortlist.removed", actor=owner, subject_type="pa_profile", subject_id=profile_id)


class SavedRow(msgspec.Struct, array_like=True):
    profile: int


def saved_read(viewer: CurrentUser | None, profile_ids: list[int]) -> Read | None:
    """Which of these PAs the viewer has saved, as a read to run beside others
    (market.reads); None for a viewer who keeps no shortlist."""
    if viewer is None or viewer.role not in SHORTLISTERS or not profile_ids:
        return None
    return Read(
        row=SavedRow,
        columns=('e."profile"',),
        source=f'FROM {table(ShortlistEntry)} e WHERE e."owner" = {{}} AND e."profile" IN ({marks(profile_ids)})',
        args=(viewer.id, *profile_ids),
    )
