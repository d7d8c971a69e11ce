"""Appointed → started: only once the safe-recruitment checklist is complete, not before the
appointment's start date, and not before an interview still to come has happened."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from market.accounts.schemas import CurrentUser
from market.clock import london, london_today, utcnow
from market.dates import long_date
from market.errors import Invalid
from market.matching.pipeline import applications as pipeline
from market.matching.pipeline.appointments import appointment_of
from market.matching.tables import Appointment, Interview


async def _interview_to_come(application_id: int) -> datetime | None:
    """When an interview that has not yet finished starts, if there is one (booked, or with
    notes already written for it: either way it has not happened yet)."""
    booked = await Interview.select(Interview.starts_at, Interview.minutes).where(
        Interview.application == application_id, Interview.status != "cancelled"
    )
    now = utcnow()
    to_come = []
    for row in booked:
        # SQLite gives back naive UTC times.
        starts = row["starts_at"] if row["starts_at"].tzinfo else row["starts_at"].replace(tzinfo=UTC)
        if starts + timedelta(minutes=row["minutes"]) > now:
            to_come.append(starts)
    return min(to_come, default=None)


async def start(user: CurrentUser, application_id: int, version: int | None) -> int:
    """The PA has started work."""
    await pipeline.need_side_row(user, application_id)
    appointment = await appointment_of(application_id)
    if appointment is None or not appointment.appointed:
        raise Invalid({"checklist": "Only a PA who has been appointed can start work"})
    missing = [c.text for c in appointment.checks if c.needed and not c.done]
    if missing:
        raise Invalid(
            {"checklist": "Finish the checklist before the PA starts. Still to do: " + "; ".join(missing)}
        )
    if london_today() < appointment.start_date:
        raise Invalid(
            {
                "checklist": f"The PA's start date is {long_date(appointment.start_date)}: "
                "record that they started on or after that day"
            }
        )
    if (interview := await _interview_to_come(application_id)) is not None:
        raise Invalid(
            {
                "checklist": f"The interview is booked for {london(interview)}: record that the PA "
                "started once it has happened (or cancel it)"
            }
        )

    async def write(current: dict[str, Any]) -> None:
        await Appointment.update({Appointment.started_at: utcnow()}).where(
            Appointment.application == application_id
        )

    return await pipeline.move(
        user, application_id, version, "started", ("appointed",), "Started work", also=write
    )
