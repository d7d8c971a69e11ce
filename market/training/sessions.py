"""Training sessions as their trainer and staff read them: the list and one session with
its roster and waiting list; and the pieces every session module shares (the statuses that
hold a place, ``session_row`` to lock a session, ``aware`` and ``when_text`` for its times).

Scheduling is in ``scheduling``, what a PA sees in ``pa_sessions``, booking and cancelling
in ``bookings``, recording attendance in ``attendance``: all build on this module, which
imports none of them.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import msgspec
from piccolo.columns.combination import Where
from piccolo.query import Select

from market.accounts.schemas import CurrentUser
from market.clock import LONDON, utcnow
from market.db import for_update
from market.errors import NotFound
from market.roles import STAFF_ROLES
from market.training.tables import Booking, TrainingSession

ACTIVE = ("booked", "waiting")
TAKEN = ("booked", "completed", "attended", "absent")  # holding a place
PAST_LIMIT = 100


class SessionOut(msgspec.Struct, kw_only=True):
    id: int
    course_id: int
    course_code: str
    course_name: str
    trainer_id: int
    trainer_name: str
    starts_at: datetime
    ends_at: datetime
    when: str
    venue: str
    postcode: str
    district: str
    online_link: str
    capacity: int
    notes: str
    status: str  # scheduled | cancelled | recorded
    booked: int
    waiting: int
    places_left: int
    started: bool


class RosterEntry(msgspec.Struct, kw_only=True):
    booking_id: int
    profile_id: int
    name: str
    status: str
    position: int | None = None  # on the waiting list, from 1


class SessionDetail(msgspec.Struct, kw_only=True):
    session: SessionOut
    roster: list[RosterEntry]  # holding a place (booked, or the recorded outcome)
    waiting: list[RosterEntry]  # in order
    can_record: bool


class SessionLists(msgspec.Struct, kw_only=True):
    upcoming: list[SessionOut]
    past: list[SessionOut]


# -- times (shared with bookings and attendance) ------------------------------------------------


def aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _clock(moment: datetime) -> str:
    local = moment.astimezone(LONDON)
    hour = local.strftime("%I").lstrip("0") or "12"
    return f"{hour}:{local:%M}{local:%p}".lower()


def when_text(starts: datetime, ends: datetime) -> str:
    """Tuesday 3 March 2026, 9:30am to 12:30pm (London time)."""
    local = starts.astimezone(LONDON)
    return f"{local:%A} {local.day} {local:%B %Y}, {_clock(starts)} to {_clock(ends)}"


def session_day(session: dict[str, Any] | SessionOut) -> date:
    """The session's day in London, the date its completions carry."""
    starts = session.starts_at if isinstance(session, SessionOut) else session["starts_at"]
    return aware(starts).astimezone(LONDON).date()


# -- reading sessions ---------------------------------------------------------------------------


def select_sessions() -> Select:
    return TrainingSession.select(
        *TrainingSession.all_columns(),
        TrainingSession.course.code.as_alias("course_code"),
        TrainingSession.course.name.as_alias("course_name"),
        TrainingSession.trainer.display_name.as_alias("trainer_name"),
    )


async def _counts(session_ids: list[int]) -> dict[int, dict[str, int]]:
    counts: dict[int, dict[str, int]] = {i: {"taken": 0, "waiting": 0} for i in session_ids}
    if not session_ids:
        return counts
    rows = await Booking.select(Booking.session, Booking.status).where(
        Booking.session.is_in(session_ids) & Booking.status.is_in([*TAKEN, "waiting"])
    )
    for row in rows:
        counts[row["session"]]["waiting" if row["status"] == "waiting" else "taken"] += 1
    return counts


async def session_outs(rows: list[dict[str, Any]]) -> list[SessionOut]:
    counts = await _counts([r["id"] for r in rows])
    now = utcnow()
    found = []
    for row in rows:
        starts, ends = aware(row["starts_at"]), aware(row["ends_at"])
        taken = counts[row["id"]]["taken"]
        found.append(
            SessionOut(
                id=row["id"],
                course_id=row["course"],
                course_code=row["course_code"],
                course_name=row["course_name"],
                trainer_id=row["trainer"],
                trainer_name=row["trainer_name"],
                starts_at=starts,
                ends_at=ends,
                when=when_text(starts, ends),
                venue=row["venue"],
                postcode=row["postcode"],
                district=row["district"],
                online_link=row["online_link"],
                capacity=row["capacity"],
                notes=row["notes"],
                status=row["status"],
                booked=taken,
                waiting=counts[row["id"]]["waiting"],
                places_left=max(row["capacity"] - taken, 0),
                started=starts <= now,
            )
        )
    return found


def _mine(actor: CurrentUser) -> Where | None:
    """Staff and admins see every session; a trainer only those they run."""
    return None if actor.role in STAFF_ROLES else TrainingSession.trainer == actor.id


async def listing(actor: CurrentUser) -> SessionLists:
    """Upcoming (not yet ended, soonest first) and past (latest first) sessions."""
    now = utcnow()
    mine = _mine(actor)
    upcoming = select_sessions().where(TrainingSession.ends_at > now).order_by(TrainingSession.starts_at)
    past = (
        select_sessions()
        .where(TrainingSession.ends_at <= now)
        .order_by(TrainingSession.starts_at, ascending=False)
        .limit(PAST_LIMIT)
    )
    if mine is not None:
        upcoming, past = upcoming.where(mine), past.where(mine)
    return SessionLists(upcoming=await session_outs(await upcoming), past=await session_outs(await past))


async def session_row(
    session_id: int, actor: CurrentUser | None = None, *, lock: bool = False
) -> dict[str, Any]:
    """One session; with ``actor``, only one they may manage (else NotFound)."""
    query = TrainingSession.select().where(TrainingSession.id == session_id)
    if actor is not None and (mine := _mine(actor)) is not None:
        query = query.where(mine)
    row = await (for_update(query) if lock else query).first()
    if row is None:
        raise NotFound()
    return row


async def get(session_id: int, actor: CurrentUser) -> SessionDetail:
    """A session with its roster and waiting list, for its trainer or staff."""
    await session_row(session_id, actor)
    rows = await select_sessions().where(TrainingSession.id == session_id)
    session = (await session_outs(rows))[0]
    bookings = (
        await Booking.select(
            Booking.id,
            Booking.profile,
            Booking.status,
            Booking.profile._.user._.display_name.as_alias("name"),
        )
        .where((Booking.session == session_id) & Booking.status.is_in([*TAKEN, "waiting"]))
        .order_by(Booking.id)
    )
    roster = sorted(
        (_entry(b) for b in bookings if b["status"] != "waiting"),
        key=lambda e: (e.name.lower(), e.booking_id),
    )
    waiting = [_entry(b, n) for n, b in enumerate((b for b in bookings if b["status"] == "waiting"), 1)]
    return SessionDetail(
        session=session,
        roster=roster,
        waiting=waiting,
        can_record=session.status == "scheduled" and session.started,
    )


def _entry(row: dict[str, Any], position: int | None = None) -> RosterEntry:
    return RosterEntry(
        booking_id=row["id"],
        profile_id=row["profile"],
        name=row["name"],
        status=row["status"],
        position=position,
    )
