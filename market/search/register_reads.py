"""What the search reads straight from the register's tables: the extras' batches (one
query per ``BATCH``, never a query per PA) and, for the page shown, its rows with the
viewer's shortlist marks in one query. The filtering and ranking run on the worker's
in-memory index (market.search.on_index), so nothing here reads every candidate.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Sequence
from typing import Any

from market.accounts.schemas import CurrentUser
from market.errors import NotFound
from market.register.details import client_group_list
from market.register.schemas import Choice
from market.register.tables import (
    PAProfile,
    ShortlistEntry,
    Skill,
)

BATCH = 500
LISTED = "approved"
# Whoever may keep a shortlist (the pages and API guard on the same roles).
SHORTLISTERS = ("recipient", "staff")


def batches(ids: Sequence[int]) -> Iterable[list[int]]:
    for start in range(0, len(ids), BATCH):
        yield list(ids[start : start + BATCH])


def _shortlister(viewer: CurrentUser | None) -> int | None:
    return viewer.id if viewer is not None and viewer.role in SHORTLISTERS else None


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


# What a search result shows of a PA, and whether the viewer has saved them: one query for
# the page (piccolo selects cannot add the shortlist mark as a column).
_SHOWN = (
    "SELECT p.id AS id, p.display_name AS display_name, p.headline AS headline,"
    " p.district AS district, p.approved_at AS approved_at,"
    " p.right_to_work_confirmed_at AS right_to_work_confirmed_at, p.min_rate_pence AS min_rate_pence,"
    f" EXISTS (SELECT 1 FROM {ShortlistEntry._meta.tablename} s WHERE s.owner = {{}} AND s.profile = p.id) AS shortlisted"
    f" FROM {PAProfile._meta.tablename} p WHERE p.status = {{}} AND p.id IN ({{ids}})"
)


async def shown_rows(ids: Sequence[int], viewer: CurrentUser | None) -> list[dict[str, Any]]:
    """What a search result shows of each of these listed PAs (a page: 20 at most), each with
    ``shortlisted``: on the viewer's shortlist (never for a viewer who keeps none)."""
    if not ids:
        return []
    owner = _shortlister(viewer)
    sql = _SHOWN.replace("{ids}", ", ".join("{}" for _ in ids))
    rows = await PAProfile.raw(sql, -1 if owner is None else owner, LISTED, *[int(i) for i in ids])
    # SQLite answers EXISTS with 0 or 1.
    return [{**row, "shortlisted": bool(row["shortlisted"])} for row in rows]
