"""The change log of what the matching engine sees of PAs.

Every service that changes a PA's profile, status, skills, client groups, availability, time
away, DBS checks or training calls ``touch`` with the PA's profile id, inside its own
transaction: the row commits (or rolls back) with the change. Each web worker keeps a
candidate index and, about once a second, reads the rows after the last one it applied
(``since``) and patches those PAs (``market.matching.freshness``).

``touch_all`` writes profile 0, "everyone": something every row depends on changed (a skill
or course added, the courses a skill depends on): workers rebuild their index.
"""

from __future__ import annotations

from datetime import datetime

from market.batching import delete_in_batches
from market.register.tables import ProfileChange

EVERYONE = 0


async def touch(*profile_ids: int) -> None:
    """Log a change to these PAs (inside the caller's transaction, when there is one)."""
    ids = list(dict.fromkeys(int(p) for p in profile_ids if p is not None))
    for start in range(0, len(ids), 500):
        await ProfileChange.insert(*[ProfileChange(profile=p) for p in ids[start : start + 500]])


async def touch_all() -> None:
    """Log a change every PA's row depends on: readers rebuild rather than patch."""
    await ProfileChange.insert(ProfileChange(profile=EVERYONE))


async def newest() -> int:
    """The id of the latest change (0 when there is none)."""
    row = await ProfileChange.select(ProfileChange.id).order_by(ProfileChange.id, ascending=False).first()
    return row["id"] if row else 0


async def entries(after: int) -> list[tuple[int, int]]:
    """(change id, profile id) of every change after id ``after``, oldest first."""
    rows = (
        await ProfileChange.select(ProfileChange.id, ProfileChange.profile)
        .where(ProfileChange.id > after)
        .order_by(ProfileChange.id)
    )
    return [(r["id"], r["profile"]) for r in rows]


async def since(last_id: int) -> tuple[int, set[int]]:
    """The newest change id and the PAs changed after ``last_id`` (0 in the set: everyone).

    On PostgreSQL an id is taken when the row is written but seen only once its transaction
    commits, so id 11 can be seen before id 10: a reader that must not miss a change keeps
    the ids it applied above the last id it is sure of (see ``market.matching.freshness``)."""
    found = await entries(last_id)
    return (found[-1][0] if found else last_id), {profile for _, profile in found}


KEEP_NEWEST = 5000  # never prune the newest entries: a worker that just built looks back this far


async def prune(before: datetime) -> int:
    """Delete the entries written before ``before`` (every worker applied them long ago),
    keeping the newest ``KEEP_NEWEST`` whatever their age; how many went."""
    limit = await newest() - KEEP_NEWEST
    if limit <= 0:
        return 0
    # In batches: a day's log at national scale is many thousand rows.
    return await delete_in_batches(ProfileChange, ProfileChange.at < before, ProfileChange.id <= limit)
