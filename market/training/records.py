"""Each PA's training record as staff, trainers and the PA read it: every completion, what
expires soon (and what has expired), the skills they list without current, verified
training; and staff's overview of the PAs on the register whose training needs attention.

Claims of training done elsewhere are changed in ``claims``; what counts as expiring is
worked out in ``expiry``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

import msgspec

from market.accounts.schemas import CurrentUser
from market.errors import NotFound
from market.register import directory
from market.settings import Settings
from market.training import holdings, rules
from market.training.expiry import ExpiryOut, expiry_lists
from market.training.tables import Completion, Course

SUBJECT = "pa_profile"  # the audit log's subject of a change to a PA's record
OVERVIEW_DAYS = (30, 60, 90)


class CompletionOut(msgspec.Struct, kw_only=True):
    id: int
    course_id: int
    code: str
    course: str
    completed_on: date
    expires_on: date | None
    verified: bool
    status: str  # "Verified" or "unverified"
    source: str
    source_text: str
    provider: str
    evidence: str
    certificate_number: str
    current: bool
    can_delete: bool  # the PA's own unverified claim


class CourseRef(msgspec.Struct, kw_only=True):
    id: int
    code: str
    name: str


class GapOut(msgspec.Struct, kw_only=True):
    skill: str
    skill_name: str
    missing: list[CourseRef]


class RecordOut(msgspec.Struct, kw_only=True):
    profile_id: int
    pa_name: str
    at: date
    reminder_days: int
    completions: list[CompletionOut]
    expiring: list[ExpiryOut]
    expired: list[ExpiryOut]
    gaps: list[GapOut]


class OverviewRow(msgspec.Struct, kw_only=True):
    profile_id: int
    pa_name: str
    expiring: list[ExpiryOut]
    expired: list[ExpiryOut]
    gaps: list[str]  # skill names
    unverified: int


# Reading.


async def active_courses() -> list[dict[str, Any]]:
    return (
        await Course.select(Course.id, Course.code, Course.name)
        .where(Course.active.eq(True))
        .order_by(Course.position)
    )


async def own_profile_id(user: CurrentUser) -> int | None:
    return await directory.profile_id_of(user.id)


async def pa_names(profile_ids: Iterable[int]) -> dict[int, str]:
    """How staff and trainers name each PA on training pages: their account's full name,
    else the profile's first name."""
    return {pid: n.full_name or n.display_name for pid, n in (await directory.names(profile_ids)).items()}


async def gap_lists(profile_ids: Sequence[int], at: date) -> dict[int, list[GapOut]]:
    """Per PA, each listed skill lacking current verified training, naming the courses."""
    if not profile_ids:
        return {}
    found = await holdings.gaps(profile_ids, at)
    if not found:
        return {}
    skills = {code: s.name for code, s in (await directory.skills()).items()}
    courses = {
        c["id"]: CourseRef(id=c["id"], code=c["code"], name=c["name"])
        for c in await Course.select(Course.id, Course.code, Course.name)
    }
    return {
        pid: [
            GapOut(skill=code, skill_name=skills.get(code, code), missing=[courses[c] for c in missing])
            for code, missing in sorted(gaps.items(), key=lambda g: skills.get(g[0], g[0]))
        ]
        for pid, gaps in found.items()
    }


async def pa_record(
    profile_id: int, at: date, settings: Settings, *, viewer: CurrentUser | None = None
) -> RecordOut:
    """Every completion of the PA, what expires within the reminder period (and what has
    expired), and the skills they list without current, verified training."""
    names = await pa_names([profile_id])
    if profile_id not in names:
        raise NotFound()
    rows = (
        await Completion.select(
            *Completion.all_columns(),
            Completion.course.code.as_alias("code"),
            Completion.course.name.as_alias("course_name"),
        )
        .where(Completion.profile == profile_id)
        .order_by(Completion.completed_on, Completion.id, ascending=False)
    )
    own = viewer is not None and viewer.role == "pa"
    outs = [
        CompletionOut(
            id=r["id"],
            course_id=r["course"],
            code=r["code"],
            course=r["course_name"],
            completed_on=r["completed_on"],
            expires_on=r["expires_on"],
            verified=r["verified_at"] is not None,
            status="Verified" if r["verified_at"] is not None else "unverified",
            source=r["source"],
            source_text=rules.SOURCES.get(r["source"], r["source"]),
            provider=r["provider"],
            evidence=r["evidence"],
            certificate_number=r["certificate_number"],
            current=rules.is_current(r["expires_on"], at),
            can_delete=own and r["source"] == "claim" and r["verified_at"] is None,
        )
        for r in rows
    ]
    held = [
        rules.Held(
            course_id=o.course_id,
            code=o.code,
            name=o.course,
            completed_on=o.completed_on,
            expires_on=o.expires_on,
            verified=o.verified,
        )
        for o in outs
    ]
    days = settings.training_reminder_days
    expiring, expired = expiry_lists(held, at, days)
    return RecordOut(
        profile_id=profile_id,
        pa_name=names[profile_id],
        at=at,
        reminder_days=days,
        completions=outs,
        expiring=expiring,
        expired=expired,
        gaps=(await gap_lists([profile_id], at)).get(profile_id, []),
    )


async def overview(at: date, days: int) -> list[OverviewRow]:
    """PAs on the register (approved) with training expiring within ``days``, expired
    training, gaps, or claims waiting for verification; by name."""
    ids = await directory.ids_with_status("approved")
    if not ids:
        return []
    held = await holdings.held(ids)
    gaps = await gap_lists(ids, at)
    waiting: dict[int, int] = {}
    for r in await Completion.select(Completion.profile).where(
        Completion.verified_at.is_null() & Completion.profile.is_in(ids)
    ):
        waiting[r["profile"]] = waiting.get(r["profile"], 0) + 1
    rows = []
    for pid in ids:
        expiring, expired = expiry_lists(held.get(pid, []), at, days)
        if expiring or expired or pid in gaps or pid in waiting:
            rows.append(
                OverviewRow(
                    profile_id=pid,
                    pa_name="",
                    expiring=expiring,
                    expired=expired,
                    gaps=[g.skill_name for g in gaps.get(pid, [])],
                    unverified=waiting.get(pid, 0),
                )
            )
    names = await pa_names([r.profile_id for r in rows])
    for row in rows:
        row.pa_name = names.get(row.profile_id, "")
    return sorted(rows, key=lambda r: (r.pa_name.lower(), r.profile_id))
