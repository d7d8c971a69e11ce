"""What the search reads straight from the register's tables, batched for speed.

The search filters and ranks every candidate inside the radius, so it reads skills, client
groups and slots for many profiles at once (one query per ``BATCH``), never a query per
PA; the register's published services answer one profile at a time.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from market.accounts.schemas import CurrentUser
from market.errors import NotFound
from market.register import services as register
from market.register.availability import Slot
from market.register.details import client_group_list
from market.register.schemas import Choice, SkillOut
from market.register.tables import (
    AvailabilitySlot,
    ClientGroup,
    PAClientGroup,
    PAProfile,
    PASkill,
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


async def skills_for(ids: Sequence[int]) -> dict[int, list[SkillOut]]:
    found: dict[int, list[SkillOut]] = {i: [] for i in ids}
    for chunk in batches(ids):
        rows = (
            await PASkill.select(PASkill.profile, PASkill.years, PASkill.skill.code, PASkill.skill.name)
            .where(PASkill.profile.is_in(chunk))
            .order_by(PASkill.skill.position)
        )
        for r in rows:
            found[r["profile"]].append(SkillOut(code=r["skill.code"], name=r["skill.name"], years=r["years"]))
    return found


async def skill_years_for(ids: Sequence[int], codes: Sequence[str]) -> dict[int, dict[str, int]]:
    """Years of experience in just the given skills, by profile."""
    found: dict[int, dict[str, int]] = {i: {} for i in ids}
    for chunk in batches(ids):
        rows = await PASkill.select(PASkill.profile, PASkill.years, PASkill.skill.code).where(
            PASkill.profile.is_in(chunk), PASkill.skill.code.is_in(list(codes))
        )
        for r in rows:
            found[r["profile"]][r["skill.code"]] = r["years"]
    return found


async def slots_for(ids: Sequence[int]) -> dict[int, list[Slot]]:
    found: dict[int, list[Slot]] = {i: [] for i in ids}
    for chunk in batches(ids):
        rows = (
            await AvailabilitySlot.select(
                AvailabilitySlot.profile, AvailabilitySlot.start_minute, AvailabilitySlot.end_minute
            )
            .where(AvailabilitySlot.profile.is_in(chunk))
            .order_by(AvailabilitySlot.start_minute)
        )
        for r in rows:
            found[r["profile"]].append(Slot(start=r["start_minute"], end=r["end_minute"]))
    return found


async def groups_for(ids: Sequence[int]) -> dict[int, list[tuple[str, str]]]:
    """Each profile's client groups as (code, name), in the list's order."""
    found: dict[int, list[tuple[str, str]]] = {i: [] for i in ids}
    for chunk in batches(ids):
        rows = (
            await PAClientGroup.select(
                PAClientGroup.profile, PAClientGroup.group.code, PAClientGroup.group.name
            )
            .where(PAClientGroup.profile.is_in(chunk))
            .order_by(PAClientGroup.group.position)
        )
        for r in rows:
            found[r["profile"]].append((r["group.code"], r["group.name"]))
    return found


async def shortlisted(viewer: CurrentUser | None, ids: Sequence[int]) -> set[int]:
    if viewer is None or viewer.role not in SHORTLISTERS or not ids:
        return set()
    rows = await ShortlistEntry.select(ShortlistEntry.profile).where(
        ShortlistEntry.owner == viewer.id, ShortlistEntry.profile.is_in(list(ids))
    )
    return {r["profile"] for r in rows}


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


async def all_known(skills: Sequence[str], groups: Sequence[str]) -> tuple[bool, bool]:
    """Whether every skill code, and every client group code, is on its list (retired
    skills included: a search for one simply finds fewer PAs)."""
    skills_ok = not skills or await Skill.count().where(Skill.code.is_in(list(skills))) == len(skills)
    groups_ok = not groups or await ClientGroup.count().where(ClientGroup.code.is_in(list(groups))) == len(
        groups
    )
    return skills_ok, groups_ok


async def form_lists() -> dict[str, list[Choice]]:
    """The controlled lists the search form offers: the active skills, every client group."""
    return {"skills": await register.skill_list(), "groups": await client_group_list()}
