"""Recording attendance: once a session has started, its trainer (or staff) records every
booked PA's outcome at once, and each completion goes on the PA's record with its
certificate number (through ``completions``, as imports and verified claims do).

Recording runs in one write transaction with the session's row locked, and only once:
the first record stands.
"""

from __future__ import annotations

from typing import Any

from market.accounts.schemas import CurrentUser
from market.audit import services as audit
from market.clock import utcnow
from market.db import write_transaction
from market.errors import Conflict, Invalid
from market.training import completions
from market.training.schemas import OUTCOMES, AttendanceInput
from market.training.sessions import aware, session_day, session_row
from market.training.tables import Booking, TrainingSession


async def record_attendance(session_id: int, data: AttendanceInput, actor: CurrentUser) -> dict[str, int]:
    """Record every booked PA's outcome at once (by booking id; on the page, ``outcome_<id>``): completed,
    attended (not completed) or absent. Completions are dated the session's day (London)
    and get a certificate number. Recording twice is refused (Conflict): the first record
    stands. Returns how many of each outcome."""
    async with write_transaction():
        session = await session_row(session_id, actor, lock=True)
        if session["status"] == "cancelled":
            raise Conflict("This session was cancelled: there is no attendance to record")
        if session["status"] == "recorded":
            raise Conflict("Attendance for this session has already been recorded")
        if aware(session["starts_at"]) > utcnow():
            raise Conflict("Attendance can be recorded from the start of the session")
        bookings = await Booking.select(
            Booking.id, Booking.profile, Booking.profile._.user._.display_name.as_alias("name")
        ).where((Booking.session == session_id) & (Booking.status == "booked"))
        outcomes, errors = _outcomes(data, bookings)
        if errors:
            raise Invalid(errors)
        course = await completions.course(session["course"])
        on = session_day(session)
        now = utcnow()
        for b in bookings:
            outcome = outcomes[b["id"]]
            await Booking.update({Booking.status: outcome, Booking.updated_at: now}).where(
                Booking.id == b["id"]
            )
            if outcome == "completed":
                await completions.add(
                    b["profile"],
                    course,
                    on,
                    source="session",
                    actor=actor,
                    verified=True,
                    session_id=session_id,
                )
        await TrainingSession.update({TrainingSession.status: "recorded"}).where(
            TrainingSession.id == session_id
        )
        tally = {k: sum(1 for v in outcomes.values() if v == k) for k in OUTCOMES}
        await audit.record(
            "training.attendance_recorded",
            actor=actor,
            subject_type="training_session",
            subject_id=session_id,
            detail=tally,
        )
    return tally


def _outcomes(data: AttendanceInput, bookings: list[dict[str, Any]]) -> tuple[dict[int, str], dict[str, str]]:
    """Each booking's outcome, and a problem for each booking left out or not on the session."""
    known = {b["id"] for b in bookings}
    errors = {
        f"outcome_{key}": f"Booking {key} is not a place booked on this session"
        for key in data.outcomes
        if key not in known
    }
    outcomes: dict[int, str] = {}
    for b in sorted(bookings, key=lambda b: b["name"].lower()):
        value = data.outcomes.get(b["id"], "")
        if value not in OUTCOMES:
            errors[f"outcome_{b['id']}"] = (
                f"Select whether {b['name']} completed the course, attended without completing, or was absent"
            )
        outcomes[b["id"]] = value
    return outcomes, errors
