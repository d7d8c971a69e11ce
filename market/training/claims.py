"""Claims of training a PA did elsewhere: the PA adds one (saved unverified, source
"claim") or deletes it while it waits; staff and trainers verify it, or reject it, which
deletes it and emails the PA the reason.

Every completion goes through ``completions.add`` (it computes the expiry).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import msgspec

from market.accounts.schemas import CurrentUser
from market.audit import services as audit
from market.clock import utcnow
from market.db import for_update, write_transaction
from market.errors import Invalid, NotAllowed, NotFound
from market.fields import PG_INT_MAX
from market.mail import services as mail
from market.register import changes, directory
from market.roles import STAFF_ROLES
from market.settings import Settings
from market.training import completions
from market.training.records import SUBJECT, pa_names
from market.training.schemas import ClaimInput, RejectInput
from market.training.tables import Completion, Course

VERIFIERS = (*STAFF_ROLES, "trainer")
EARLIEST = date(1950, 1, 1)
PROVIDER_LIMIT = 160
EVIDENCE_LIMIT = 300
REASON_LIMIT = 1000


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


async def claims_waiting(profile_id: int | None = None) -> list[ClaimOut]:
    """Claims not yet verified (of every PA, or of one), oldest first."""
    query = Completion.select(
        *Completion.all_columns(), Completion.course.name.as_alias("course_name")
    ).where((Completion.source == "claim") & Completion.verified_at.is_null())
    if profile_id is not None:
        query = query.where(Completion.profile == profile_id)
    rows = await query.order_by(Completion.created_at, Completion.id)
    names = await pa_names(list({r["profile"] for r in rows}))
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
    profile_id = await directory.profile_id_of(user.id)
    if profile_id is None:
        raise NotFound("Create your profile before adding training")
    errors = claim_problems(data, today)
    course = await _active_course(data.course)
    if course is None:
        errors["course"] = "Select the course you completed"
    if errors or course is None:
        raise Invalid(errors)
    async with write_transaction():
        # Lock the course's row (training's own; the PA's profile is the register's): it
        # serialises claims of this course, so two sent at once (a double click) cannot
        # both pass the check below.
        await for_update(Course.select(Course.id).where(Course.id == course["id"]))
        if await Completion.exists().where(
            (Completion.profile == profile_id)
            & (Completion.course == course["id"])
            & (Completion.completed_on == data.completed_on)
        ):
            raise Invalid({"course": f"{course['name']} on that date is already on your record"})
        completion_id = await completions.add(
            profile_id,
            course,
            data.completed_on,
            source="claim",
            actor=user,
            verified=False,
            evidence=data.evidence.strip(),
            provider=data.provider.strip(),
        )
    return completion_id


async def delete_claim(user: CurrentUser, completion_id: int) -> None:
    """A PA deletes their own claim while it is unverified (anything else: not found)."""
    profile_id = await directory.profile_id_of(user.id)
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
        pa = await directory.contact(row["profile"])
        assert pa is not None  # the claim's profile: a foreign key, locked by the delete above
        completed = f"{row['completed_on'].day} {row['completed_on'].strftime('%B %Y')}"
        await mail.queue(
            pa.email,
            f"Your {row['course_name']} training could not be verified",
            f"Hello {pa.name},\n\nYou added {row['course_name']}, completed on {completed}"
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
