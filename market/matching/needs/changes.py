"""The change log of what work near you sees of needs (``NeedChange``), as
``market.register.changes`` is of PAs.

Every service that creates a need or changes its fields, skills, client groups, times or
status calls ``touch`` with the need's id, inside its own transaction: the row commits (or
rolls back) with the change. Each web worker keeps a needs index and, about once a second,
reads the rows after the last one it applied and patches those needs
(``market.matching.need_index``).

``touch_all`` writes need 0, "every need": something every need's row depends on changed (a
skill or course added: the vocabularies); workers rebuild their needs index.
"""

from __future__ import annotations

from datetime import datetime

from market.matching.tables import NeedChange

EVERYONE = 0
KEEP_NEWEST = 5000  # never prune the newest entries: a worker that just built looks back this far


async def touch(*need_ids: int) -> None:
    """Log a change to these needs (inside the caller's transaction, when there is one)."""
    ids = list(dict.fromkeys(int(n) for n in need_ids if n is not None))
    for start in range(0, len(ids), 500):
        await NeedChange.insert(*[NeedChange(need=n) for n in ids[start : start + 500]])


async def touch_all() -> None:
    """Log a change every need's row depends on: readers rebuild rather than patch."""
    await NeedChange.insert(NeedChange(need=EVERYONE))


async def newest() -> int:
    """The id of the latest change (0 when there is none)."""
    row = await NeedChange.select(NeedChange.id).order_by(NeedChange.id, ascending=False).first()
    return row["id"] if row else 0


async def entries(after: int) -> list[tuple[int, int]]:
    """(change id, need id) of every change after id ``after``, oldest first."""
    rows = (
        await NeedChange.select(NeedChange.id, NeedChange.need)
        .where(NeedChange.id > after)
        .order_by(NeedChange.id)
    )
    return [(r["id"], r["need"]) for r in rows]


async def prune(before: datetime) -> int:
    """Delete the entries written before ``before`` (every worker applied them long ago),
    keeping the newest ``KEEP_NEWEST`` whatever their age; how many went."""
    limit = await newest() - KEEP_NEWEST
    if limit <= 0:
        return 0
    doomed = await NeedChange.count().where(NeedChange.at < before, NeedChange.id <= limit)
    if doomed:
        await NeedChange.delete().where(NeedChange.at < before, NeedChange.id <= limit)
    return doomed
