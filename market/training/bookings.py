"""Booking training sessions: a PA books a place or joins the waiting list, gives it up
again, and the first on the waiting list is promoted (and emailed) when a place comes free;
the trainer (or staff) may cancel the whole session, and everyone booked or waiting is told.

Every booking change runs in one write transaction with the session's row locked
(``for_update``, through ``sessions.session_row``), so two PAs taking the last place at
once cannot both get it.
"""

from __future__ import annotations

from typing import Any

from market.accounts.schemas import CurrentUser
from market.audit import services as audit
from market.clock import utcnow
from market.db import write_transaction
from market.errors import Conflict, Invalid, NotFound
from market.mail import services as mail
from market.register import directory
from market.settings import Settings
from market.training import completions
from market.training.sessions import ACTIVE, TAKEN, aware, session_row, when_text
from market.training.tables import Booking, TrainingSession

# -- for PAs ------------------------------------------------------------------------------------


async def _require_profile(user: CurrentUser) -> int:
    """The PA's profile id."""
    profile_id = await directory.profile_id_of(user.id)
    if profile_id is None:
        raise NotFound("Create your profile before you book training")
    return profile_id


async def book(user: CurrentUser, session_id: int) -> str:
    """Book a place, or join the waiting list when the session is full. Returns the status."""
    profile_id = await _require_profile(user)
    async with write_transaction():
        session = await session_row(session_id, lock=True)
        if session["status"] == "cancelled":
            raise Conflict("This session has been cancelled")
        if session["status"] != "scheduled" or aware(session["starts_at"]) <= utcnow():
            raise Conflict("This session has already started: it can no longer be booked")
        existing = await Booking.select(Booking.status).where(
            (Booking.session == session_id)
            & (Booking.profile == profile_id)
            & Booking.status.is_in(list(ACTIVE))
        )
        if existing:
            if existing[0]["status"] == "waiting":
                raise Conflict("You are already on the waiting list for this session")
            raise Conflict("You have already booked this session")
        taken = await Booking.count().where(
            (Booking.session == session_id) & Booking.status.is_in(list(TAKEN))
        )
        status = "booked" if taken < session["capacity"] else "waiting"
        await Booking.insert(Booking(session=session_id, profile=profile_id, status=status))
        await audit.record(
            "training.booked" if status == "booked" else "training.waiting",
            actor=user,
            subject_type="training_session",
            subject_id=session_id,
            detail={"profile_id": profile_id},
        )
    return status


async def cancel(user: CurrentUser, session_id: int, settings: Settings) -> None:
    """Give up a place (or a waiting-list place); the first on the waiting list is promoted."""
    profile_id = await _require_profile(user)
    async with write_transaction():
        session = await session_row(session_id, lock=True)
        booking = (
            await Booking.select(Booking.id, Booking.status)
            .where(
                (Booking.session == session_id)
                & (Booking.profile == profile_id)
                & Booking.status.is_in(list(ACTIVE))
            )
            .first()
        )
        if booking is None:
            raise Conflict("You have no booking on this session")
        if session["status"] == "scheduled" and aware(session["starts_at"]) <= utcnow():
            raise Conflict("This session has already started: the booking can no longer be cancelled")
        await Booking.update({Booking.status: "cancelled", Booking.updated_at: utcnow()}).where(
            Booking.id == booking["id"]
        )
        await audit.record(
            "training.booking_cancelled",
            actor=user,
            subject_type="training_session",
            subject_id=session_id,
            detail={"profile_id": profile_id, "was": booking["status"]},
        )
        if session["status"] == "scheduled":
            await _promote(session, settings, user)


async def _promote(session: dict[str, Any], settings: Settings, actor: CurrentUser) -> None:
    """Fill free places from the waiting list, in order, and email each PA promoted."""
    taken = await Booking.count().where(
        (Booking.session == session["id"]) & Booking.status.is_in(list(TAKEN))
    )
    free = session["capacity"] - taken
    if free <= 0:
        return
    waiting = (
        await Booking.select(Booking.id, Booking.profile, Booking.profile._.user._.email.as_alias("email"))
        .where((Booking.session == session["id"]) & (Booking.status == "waiting"))
        .order_by(Booking.id)
        .limit(free)
    )
    course = await completions.course(session["course"])
    when = when_text(aware(session["starts_at"]), aware(session["ends_at"]))
    for row in waiting:
        await Booking.update({Booking.status: "booked", Booking.updated_at: utcnow()}).where(
            Booking.id == row["id"]
        )
        await mail.queue(
            row["email"],
            f"A place on {course['name']} is yours",
            f"A place has come free on {course['name']}, {when}, and it is now booked for you.\n\n"
            f"{_where(session)}\n\n"
            f"If you can no longer go, please cancel so that someone else can have the place:\n"
            f"{settings.base_url.rstrip('/')}/training\n",
            kind="training.promoted",
        )
        await audit.record(
            "training.promoted",
            actor=actor,
            subject_type="training_session",
            subject_id=session["id"],
            detail={"profile_id": row["profile"]},
        )


def _where(session: dict[str, Any]) -> str:
    if session["online_link"]:
        return f"Online: {session['online_link']}"
    return f"Venue: {session['venue']}, {session['postcode']}"


# -- for the trainer ----------------------------------------------------------------------------


async def cancel_session(session_id: int, actor: CurrentUser, settings: Settings, *, reason: str = "") -> int:
    """Cancel a session and email everyone booked or waiting. Returns how many were told."""
    reason = " ".join(reason.split())
    if len(reason) > 500:
        raise Invalid({"reason": "The reason must be 500 characters or fewer"})
    async with write_transaction():
        session = await session_row(session_id, actor, lock=True)
        if session["status"] != "scheduled":
            raise Conflict(
                "This session has already been cancelled"
                if session["status"] == "cancelled"
                else "Attendance has been recorded: the session can no longer be cancelled"
            )
        await TrainingSession.update({TrainingSession.status: "cancelled"}).where(
            TrainingSession.id == session_id
        )
        people = await Booking.select(Booking.id, Booking.profile._.user._.email.as_alias("email")).where(
            (Booking.session == session_id) & Booking.status.is_in(list(ACTIVE))
        )
        await Booking.update({Booking.status: "cancelled", Booking.updated_at: utcnow()}).where(
            (Booking.session == session_id) & Booking.status.is_in(list(ACTIVE))
        )
        course = await completions.course(session["course"])
        when = when_text(aware(session["starts_at"]), aware(session["ends_at"]))
        for person in people:
            await mail.queue(
                person["email"],
                f"Cancelled: {course['name']}, {when}",
                f"Sorry: the {course['name']} session on {when} has been cancelled."
                + (f"\n\nThe reason: {reason}" if reason else "")
                + f"\n\nYou can book another session here:\n{settings.base_url.rstrip('/')}/training\n",
                kind="training.session_cancelled",
            )
        await audit.record(
            "training.session_cancelled",
            actor=actor,
            subject_type="training_session",
            subject_id=session_id,
            detail={"told": len(people), "reason": reason},
        )
    return len(people)
