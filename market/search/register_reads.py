"""What the search reads straight from the register's tables: the extras' batches (one
query per ``BATCH``, never a query per PA) and, for the page shown, its rows (a read run
beside the page's DBS checks and shortlist marks, ``market.reads``). The filtering and ranking run on the worker's
in-memory index (market.search.on_index), so nothing here reads every candidate.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Sequence
from datetime import datetime
from typing import Any

import msgspec

from market.errors import NotFound
from market.reads import Read, marks, table
from market.register.details import client_group_list
from market.register.schemas import Choice
from market.register.tables import PAProfile, Skill

BATCH = 500
LISTED = "approved"
# Whoever may keep a shortlist (the pages and API guard on the same roles).
SHORTLISTERS = ("recipient", "staff")


def batches(ids: Sequence[int]) -> Iterable[list[int]]:
    for start in range(0, len(ids), BATCH):
        yield list(ids[start : start + BATCH])


def check_id(profile_id: int) -> None:
    """Ids beyond the database's integer range cannot exist (and must not reach it)."""
    if not 0 < profile_id < 2**31:
        raise NotFound()


async def listed_row(profile_id: int) -> dict[str, Any]:
    """The profile's row if it is listed (approved); NotFound otherwise."""
    check_id(profile_id)
    row = await PAProfile.select().where(PAProfile.id == profile_id, PAProfile.status == LISTED).first()
    if row is None:
        raise NotFound()
    return row


async def form_lists() -> tuple[list[Choice], list[Choice], frozenset[str]]:
    """The controlled lists the search form offers and checks against (two queries): the
    active skills and every client group, in list order, and every skill's code (retired
    skills included: a search for one simply finds fewer PAs)."""
    skills = await Skill.select(Skill.id, Skill.code, Skill.name, Skill.active).order_by(Skill.position)
    return (
        [Choice(id=r["id"], code=r["code"], name=r["name"]) for r in skills if r["active"]],
        await client_group_list(),
        frozenset(r["code"] for r in skills),
    )


# What the search's extras (market.search.extras) read of each listed PA.
EXTRAS_COLUMNS = (
    PAProfile.id, PAProfile.lat, PAProfile.lon, PAProfile.sector, PAProfile.district,
    PAProfile.headline, PAProfile.admire, PAProfile.matters, PAProfile.how_to_work,
    PAProfile.languages,
)  # fmt: skip
EXTRAS_BATCH = 5000


async def extras_batches(profile_ids: Sequence[int] | None = None) -> AsyncIterator[list[dict[str, Any]]]:
    """The extras' columns of every listed PA (or of these PAs, whatever their status), a
    batch at a time in id order: the whole register is never in memory as rows at once."""
    if profile_ids is not None:
        for chunk in batches(sorted(set(profile_ids))):
            yield await PAProfile.select(*EXTRAS_COLUMNS).where(PAProfile.id.is_in(chunk))
        return
    after = 0
    while True:
        rows = (
            await PAProfile.select(*EXTRAS_COLUMNS)
            .where(PAProfile.status == LISTED, PAProfile.id > after)
            .order_by(PAProfile.id)
            .limit(EXTRAS_BATCH)
        )
        if not rows:
            return
        yield rows
        after = rows[-1]["id"]


class ShownRow(msgspec.Struct, array_like=True):
    """What a search result shows of a listed PA's row."""

    id: int
    display_name: str
    headline: str
    district: str
    approved_at: datetime | None
    right_to_work_confirmed_at: datetime | None
    min_rate_pence: int | None


def shown_read(ids: Sequence[int]) -> Read:
    """The rows of these PAs that are listed, as a read to run beside the page's others
    (``market.reads``): a PA withdrawn since the index last looked has none."""
    ids = tuple(int(i) for i in ids)
    return Read(
        row=ShownRow,
        columns=tuple(f'p."{name}"' for name in ShownRow.__struct_fields__),
        source=f'FROM {table(PAProfile)} p WHERE p."status" = {{}} AND p."id" IN ({marks(ids)})',
        args=(LISTED, *ids),
    )
