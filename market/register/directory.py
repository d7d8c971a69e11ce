"""The register's published lookups: who a PA is, for other features.

Read-only and in bulk, so that dbs, training, matching and search never read the
register's tables themselves. Nothing here creates a profile (``services.profile_row``
does, for the PA's own pages): a PA who has not started one has no id here.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import msgspec

from market.register.tables import PAProfile, PASkill, Skill

# Ids per query: well under PostgreSQL's 32,767 parameters and SQLite's limits.
BATCH = 1000


class ProfileRef(msgspec.Struct, frozen=True, kw_only=True):
    id: int
    status: str


class PAName(msgspec.Struct, frozen=True, kw_only=True):
    """How staff and the need's side name a PA: the profile's first name, the account's
    full name, and the district (never anything finer)."""

    display_name: str
    full_name: str
    district: str


class PAContact(msgspec.Struct, frozen=True, kw_only=True):
    user_id: int
    email: str
    name: str  # the account's full name


class PAHome(msgspec.Struct, frozen=True, kw_only=True):
    """A PA's profile id and home point: for distances the PA sees from their own home
    (never shown to anyone else; see the privacy rules in docs/architecture.md)."""

    profile_id: int
    lat: float | None
    lon: float | None


class SkillRef(msgspec.Struct, frozen=True, kw_only=True):
    id: int
    code: str
    name: str
    active: bool


async def profile_of_user(user_id: int) -> ProfileRef | None:
    """The PA's profile (id and status), or None when they have not started one."""
    row = await PAProfile.select(PAProfile.id, PAProfile.status).where(PAProfile.user == user_id).first()
    return None if row is None else ProfileRef(id=row["id"], status=row["status"])


class WorkerRef(msgspec.Struct, frozen=True, kw_only=True):
    """A PA's profile (id and status) and the languages they speak (the stored JSON list)."""

    id: int
    status: str
    languages: Any


async def worker_of_user(user_id: int) -> WorkerRef | None:
    """The PA's profile and languages, in one query (work near you reads both), or None when
    they have not started one."""
    row = (
        await PAProfile.select(PAProfile.id, PAProfile.status, PAProfile.languages)
        .where(PAProfile.user == user_id)
        .first()
    )
    return None if row is None else WorkerRef(id=row["id"], status=row["status"], languages=row["languages"])


async def profile_id_of(user_id: int) -> int | None:
    profile = await profile_of_user(user_id)
    return None if profile is None else profile.id


async def profile_ids_of(user_ids: Iterable[int]) -> dict[int, int]:
    """Profile id by account id, for the accounts that have a profile, a thousand at a time."""
    ids = sorted(set(user_ids))
    found: dict[int, int] = {}
    for start in range(0, len(ids), BATCH):
        rows = await PAProfile.select(PAProfile.id, PAProfile.user).where(
            PAProfile.user.is_in(ids[start : start + BATCH])
        )
        found |= {r["user"]: r["id"] for r in rows}
    return found


async def home_of_user(user_id: int) -> PAHome | None:
    """The PA's own profile and home point, or None when they have not started a profile."""
    row = (
        await PAProfile.select(PAProfile.id, PAProfile.lat, PAProfile.lon)
        .where(PAProfile.user == user_id)
        .first()
    )
    return None if row is None else PAHome(profile_id=row["id"], lat=row["lat"], lon=row["lon"])


async def skill_codes(profile_ids: Iterable[int]) -> dict[int, list[str]]:
    """Each PA's listed skill codes, by profile id, a thousand profiles at a time."""
    ids = sorted(set(profile_ids))
    found: dict[int, list[str]] = {}
    for start in range(0, len(ids), BATCH):
        rows = await PASkill.select(PASkill.profile, PASkill.skill.code.as_alias("code")).where(
            PASkill.profile.is_in(ids[start : start + BATCH])
        )
        for row in rows:
            found.setdefault(row["profile"], []).append(row["code"])
    return found


async def profile_status(profile_id: int) -> str | None:
    """The profile's status, or None when there is no such profile."""
    row = await PAProfile.select(PAProfile.status).where(PAProfile.id == profile_id).first()
    return None if row is None else str(row["status"])


async def names(profile_ids: Iterable[int]) -> dict[int, PAName]:
    """Names and districts by profile id (unknown ids are left out)."""
    ids = sorted(set(profile_ids))
    if not ids:
        return {}
    rows = await PAProfile.select(
        PAProfile.id,
        PAProfile.display_name,
        PAProfile.district,
        PAProfile.user.display_name.as_alias("full_name"),
    ).where(PAProfile.id.is_in(ids))
    return {
        r["id"]: PAName(display_name=r["display_name"], full_name=r["full_name"], district=r["district"])
        for r in rows
    }


async def contacts(profile_ids: Iterable[int]) -> dict[int, PAContact]:
    """Each PA's account: id, email and full name, by profile id (for emails to the PA)."""
    ids = sorted(set(profile_ids))
    if not ids:
        return {}
    rows = await PAProfile.select(
        PAProfile.id,
        PAProfile.user.as_alias("user_id"),
        PAProfile.user.email.as_alias("email"),
        PAProfile.user.display_name.as_alias("name"),
    ).where(PAProfile.id.is_in(ids))
    return {r["id"]: PAContact(user_id=r["user_id"], email=r["email"], name=r["name"]) for r in rows}


async def contact(profile_id: int) -> PAContact | None:
    return (await contacts([profile_id])).get(profile_id)


async def ids_with_status(*statuses: str) -> list[int]:
    """Profile ids at any of ``statuses``, in id order."""
    rows = (
        await PAProfile.select(PAProfile.id)
        .where(PAProfile.status.is_in(list(statuses)))
        .order_by(PAProfile.id)
    )
    return [r["id"] for r in rows]


async def skills(*, include_retired: bool = True) -> dict[str, SkillRef]:
    """Every skill by code, retired ones too unless asked (records keep retired skills)."""
    query = Skill.select(Skill.id, Skill.code, Skill.name, Skill.active).order_by(Skill.position)
    if not include_retired:
        query = query.where(Skill.active.eq(True))
    return {
        r["code"]: SkillRef(id=r["id"], code=r["code"], name=r["name"], active=bool(r["active"]))
        for r in await query
    }
