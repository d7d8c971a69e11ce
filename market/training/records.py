"""Each PA's training record: claims of training done elsewhere (added by the PA, verified or
rejected by staff and trainers), the record itself with what expires soon and the gaps, and
the staff overview across the register.

Every completion goes through ``completions.add`` (it computes the expiry). A claim is a
completion with source "claim" and no ``verified_at``; rejecting one deletes it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta
from typing import Any

import msgspec

from market.accounts.schemas import CurrentUser
from market.audit import services as audit
from market.clock import utcnow
from market.db import for_update, write_transaction
from market.errors import Invalid, NotAllowed, NotFound
from market.fields import PG_INT_MAX
from market.mail import services as mail
from market.register import changes
from market.register.tables import PAProfile, Skill
from market.roles import STAFF_ROLES
from market.settings import Settings
from market.training import completions, holdings, rules
from market.training.schemas import ClaimInput, RejectInput
from market.training.tables import Completion, Course

SUBJECT = "pa_profile"
VERIFIERS = (*STAFF_ROLES, "trainer")
EARLIEST = date(1950, 1, 1)
OVERVIEW_DAYS = (30, 60, 90)
PROVIDER_LIMIT = 160
EVIDENCE_LIMIT = 300
REASON_LIMIT = 1000


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


class ExpiryOut(msgspec.Struct, kw_only=True):
    course_id: int
    code: str
    course: str
    expires_on: date
    days: int  # days left (negative: days since it expired)


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


class ClaimOut(msgspec.Struct, kw_only=True):
    id: int
    profile_id: int
    pa_name: str
    course: str
    completed_on: date
    expires_on: date | None
    provider: str
    evidence: str
    added_at: datetime


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
    row = await PAProfile.select(PAProfile.id).where(PAProfile.user == user.id).first()
    return row["id"] if row else None


async def _names(profile_ids: Sequence[int]) -> dict[int, str]:
    if not profile_ids:
        return {}
    rows = await PAProfile.select(
        PAProfile.id, PAProfile.display_name, PAProfile.user.display_name.as_alias("full")
    ).where(PAProfile.id.is_in(list(profile_ids)))
    return {r["id"]: r["full"] or r["display_name"] for r in rows}


def latest_by_course(items: Iterable[rules.Held]) -> dict[int, rules.Held]:
    """Per course, the completion that lasts longest, verified or not: a renewal (even one
    waiting to be verified) replaces the old completion for expiry warnings."""
    best: dict[int, rules.Held] = {}
    for item in items:
        rank = (item.expires_on or date.max, item.verified, item.completed_on)
        current = best.get(item.course_id)
        if current is None or rank > (current.expires_on or date.max, current.verified, current.completed_on):
            best[item.course_id] = item
    return best


def expiry_lists(items: Iterable[rules.Held], at: date, days: int) -> tuple[list[ExpiryOut], list[ExpiryOut]]:
    """(expiring within ``days``, expired): one entry per course, by its latest completion."""
    expiring, expired = [], []
    for held in latest_by_course(items).values():
        if held.expires_on is None:
            continue
        out = ExpiryOut(
            course_id=held.course_id,
            code=held.code,
            course=held.name,
            expires_on=held.expires_on,
            days=(held.expires_on - at).days,
        )
        if not rules.is_current(held.expires_on, at):
            expired.append(out)
        elif held.expires_on <= at + timedelta(days=days):
            expiring.append(out)
    return sorted(expiring, key=lambda e: e.expires_on), sorted(expired, key=lambda e: e.expires_on)


async def gap_lists(profile_ids: Sequence[int], at: date) -> dict[int, list[GapOut]]:
    """Per PA, each listed skill lacking current verified training, naming the courses."""
    if not profile_ids:
        return {}
    found = await holdings.gaps(profile_ids, at)
    if not found:
        return {}
    skills = {s["code"]: s["name"] for s in await Skill.select(Skill.code, Skill.name)}
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
    names = await _names([profile_id])
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
    ids = [r["id"] for r in await PAProfile.select(PAProfile.id).where(PAProfile.status == "approved")]
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
    names = await _names([r.profile_id for r in rows])
    for row in rows:
        row.pa_name = names.get(row.profile_id, "")
    return sorted(rows, key=lambda r: (r.pa_name.lower(), r.profile_id))


async def claims_waiting(profile_id: int | None = None) -> list[ClaimOut]:
    """Claims not yet verified (of every PA, or of one), oldest first."""
    query = Completion.select(
        *Completion.all_columns(), Completion.course.name.as_alias("course_name")
    ).where((Completion.source == "claim") & Completion.verified_at.is_null())
    if profile_id is not None:
        query = query.where(Completion.profile == profile_id)
    rows = await query.order_by(Completion.created_at, Completion.id)
    names = await _names(list({r["profile"] for r in rows}))
    return [
        ClaimOut(
            id=r["id"],
            profile_id=r["profile"],
            pa_name=names.get(r["profile"], ""),
            course=r["course_name"],
            completed_on=r["completed_on"],
            expires_on=r["expires_on"],
            provider=r["provider"],
            evidence=r["evidence"],
            added_at=r["created_at"],
        )
        for r in rows
    ]


# Changing.


def _text_problem(value: str, label: str, limit: int, *, required: bool) -> str | None:
    if required and not value:
        return f"Enter {label}"
    if len(value) > limit:
        return f"{label[0].upper()}{label[1:]} must be {limit} characters or fewer"
    return None


def claim_problems(data: ClaimInput, today: date) -> dict[str, str]:
    """The rules a claim meets, without the database: by field."""
    errors: dict[str, str] = {}
    if data.completed_on > today:
        errors["completed_on"] = "The date you completed it must be today or in the past"
    elif data.completed_on < EARLIEST:
        errors["completed_on"] = "The date you completed it must be in 1950 or later"
    for field, value, label, limit, required in (
        ("provider", data.provider.strip(), "who provided the training", PROVIDER_LIMIT, True),
        ("evidence", data.evidence.strip(), "the evidence reference", EVIDENCE_LIMIT, False),
    ):
        if problem := _text_problem(value, label, limit, required=required):
            errors[field] = problem
    return errors


def reason_problem(data: RejectInput) -> str | None:
    return _text_problem(data.reason.strip(), "why the claim is rejected", REASON_LIMIT, required=True)


async def _active_course(course: int | str) -> dict[str, Any] | None:
    """The course by id (the page's select) or code (the API), from the active catalogue."""
    if isinstance(course, int):
        if not 0 < course <= PG_INT_MAX:
            return None
        return await Course.select().where(Course.id == course, Course.active.eq(True)).first()
    code = course.strip().lower()
    if not code:
        return None
    return await Course.select().where(Course.code == code, Course.active.eq(True)).first()


async def add_claim(user: CurrentUser, data: ClaimInput, today: date) -> int:
    """The PA's own record of training done elsewhere: saved unverified, source "claim"."""
    profile_id = await own_profile_id(user)
    if profile_id is None:
        raise NotFound("Create your profile before adding training")
    errors = claim_problems(data, today)
    course = await _active_course(data.course)
    if course is None:
        errors["course"] = "Select the course you completed"
    if errors or course is None:
        raise Invalid(errors)
    async with write_transaction():
        await for_update(PAProfile.select(PAProfile.id).where(PAProfile.id == profile_id))
        if await Completion.exists().where(
            (Completion.profile == profile_id)
            & (Completion.course == course["id"])
            & (Completion.completed_on == data.completed_on)
        ):
            raise Invalid({"course": f"{course['name']} on that date is already on your record"})
        return await completions.add(
            profile_id,
            course,
            data.completed_on,
            source="claim",
            actor=user,
            verified=False,
            evidence=data.evidence.strip(),
            provider=data.provider.strip(),
        )


async def delete_claim(user: CurrentUser, completion_id: int) -> None:
    """A PA deletes their own claim while it is unverified (anything else: not found)."""
    profile_id = await own_profile_id(user)
    async with write_transaction():
        deleted = (
            await Completion.delete()
            .where(
                (Completion.id == completion_id)
                & (Completion.profile == (profile_id or 0))
                & (Completion.source == "claim")
                & Completion.verified_at.is_null()
            )
            .returning(Completion.id, Completion.course)
        )
        if not deleted or profile_id is None:
            raise NotFound()
        await changes.touch(profile_id)
        await audit.record(
            "training.claim_deleted",
            actor=user,
            subject_type=SUBJECT,
            subject_id=profile_id or "",
            detail={"completion_id": completion_id, "course_id": deleted[0]["course"]},
        )


def _check_verifier(actor: CurrentUser) -> None:
    if actor.role not in VERIFIERS:
        raise NotAllowed("Only staff and trainers can verify training")


async def _claim(completion_id: int) -> dict[str, Any]:
    row = (
        await Completion.select(
            *Completion.all_columns(),
            Completion.course.code.as_alias("code"),
            Completion.course.name.as_alias("course_name"),
        )
        .where(
            (Completion.id == completion_id)
            & (Completion.source == "claim")
            & Completion.verified_at.is_null()
        )
        .first()
    )
    if row is None:
        raise NotFound("That claim is not waiting for verification: someone may have dealt with it")
    return row


async def verify_claim(actor: CurrentUser, completion_id: int) -> int:
    """Mark a claim verified (by staff or a trainer); returns the PA's profile id."""
    _check_verifier(actor)
    async with write_transaction():
        row = await _claim(completion_id)
        done = (
            await Completion.update({Completion.verified_at: utcnow(), Completion.verified_by: actor.id})
            .where((Completion.id == completion_id) & Completion.verified_at.is_null())
            .returning(Completion.id)
        )
        if not done:
            raise NotFound("That claim is not waiting for verification: someone may have dealt with it")
        await changes.touch(row["profile"])
        await audit.record(
            "training.claim_verified",
            actor=actor,
            subject_type=SUBJECT,
            subject_id=row["profile"],
            detail={"completion_id": completion_id, "course": row["code"]},
        )
    return row["profile"]


async def reject_claim(actor: CurrentUser, completion_id: int, data: RejectInput, settings: Settings) -> int:
    """Delete a claim and email the PA the reason; returns the PA's profile id."""
    _check_verifier(actor)
    if problem := reason_problem(data):
        raise Invalid({"reason": problem})
    reason = data.reason.strip()
    async with write_transaction():
        row = await _claim(completion_id)
        deleted = (
            await Completion.delete()
            .where((Completion.id == completion_id) & Completion.verified_at.is_null())
            .returning(Completion.id)
        )
        if not deleted:
            raise NotFound("That claim is not waiting for verification: someone may have dealt with it")
        await changes.touch(row["profile"])
        pa = (
            await PAProfile.select(
                PAProfile.user.email.as_alias("email"), PAProfile.user.display_name.as_alias("name")
            )
            .where(PAProfile.id == row["profile"])
            .first()
        )
        assert pa is not None  # the claim's profile: a foreign key, locked by the delete above
        completed = f"{row['completed_on'].day} {row['completed_on'].strftime('%B %Y')}"
        await mail.queue(
            pa["email"],
            f"Your {row['course_name']} training could not be verified",
            f"Hello {pa['name']},\n\nYou added {row['course_name']}, completed on {completed}"
            f"{' with ' + row['provider'] if row['provider'] else ''}, to your training record. "
            f"We could not verify it, so it has been removed. The reason:\n\n{reason}\n\n"
            f"You can add it again with the right details, or contact us: "
            f"{settings.base_url}/profile/training\n",
            kind="training",
        )
        await audit.record(
            "training.claim_rejected",
            actor=actor,
            subject_type=SUBJECT,
            subject_id=row["profile"],
            detail={"completion_id": completion_id, "course": row["code"]},
        )
    return row["profile"]
