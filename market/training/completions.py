"""Writing completions: the one place that computes expiry and numbers our certificates, so
that sessions, imports and verified claims all agree."""

from __future__ import annotations

from datetime import date
from typing import Any

from market.accounts.schemas import CurrentUser
from market.audit import services as audit
from market.clock import utcnow
from market.errors import NotFound
from market.register import changes
from market.training import rules
from market.training.tables import Completion, Course


async def course(course_id: int) -> dict[str, Any]:
    row = await Course.select().where(Course.id == course_id).first()
    if row is None:
        raise NotFound()
    return row


def certificate_number(completion_id: int, completed_on: date) -> str:
    """Our certificate for a session completion: e.g. PAR-2026-000123 (unique: the row id)."""
    return f"PAR-{completed_on.year}-{completion_id:06d}"


async def add(
    profile_id: int,
    course_row: dict[str, Any],
    completed_on: date,
    *,
    source: str,
    actor: CurrentUser,
    verified: bool,
    evidence: str = "",
    provider: str = "",
    session_id: int | None = None,
) -> int:
    """Insert one completion (inside the caller's transaction) and audit it."""
    now = utcnow()
    rows = await Completion.insert(
        Completion(
            profile=profile_id,
            course=course_row["id"],
            completed_on=completed_on,
            expires_on=rules.expires_on(completed_on, course_row["validity_months"]),
            evidence=evidence,
            provider=provider,
            source=source,
            session=session_id,
            recorded_by=actor.id,
            verified_at=now if verified else None,
            verified_by=actor.id if verified else None,
        )
    ).returning(Completion.id)
    completion_id = rows[0]["id"]
    await changes.touch(profile_id)
    if source == "session":
        await Completion.update(
            {Completion.certificate_number: certificate_number(completion_id, completed_on)}
        ).where(Completion.id == completion_id)
    await audit.record(
        "training.completion_recorded",
        actor=actor,
        subject_type="pa_profile",
        subject_id=profile_id,
        detail={"completion_id": completion_id, "course": course_row["code"], "source": source},
    )
    return completion_id
