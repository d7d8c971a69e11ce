"""Training sessions: trainers (and staff) schedule them, and everyone reads them: the
trainer's list and roster, and the sessions near a PA with their own booking on each.

Booking and cancelling live in ``bookings``, recording attendance in ``attendance``; both
build on the shared pieces here (the statuses that hold a place, ``session_row`` to lock a
session, ``aware`` and ``when_text`` for its times), so this module imports neither.
"""

from __future__ import annotations

import math
from collections.abc import Collection
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import urlsplit

import msgspec
from piccolo.columns.combination import Where
from piccolo.query import Select

from market.accounts import services as accounts
from market.accounts.schemas import CurrentUser, UserOut
from market.audit import services as audit
from market.clock import LONDON, london_today, utcnow
from market.db import for_update, write_transaction
from market.errors import Invalid, NotFound
from market.fields import PG_INT_MAX
from market.geo import services as geo
from market.geo.display import distance_note
from market.geo.distance import haversine_miles
from market.register.tables import PAProfile
from market.roles import STAFF_ROLES
from market.settings import Settings
from market.training.schemas import DELIVERY, Delivery, SessionInput
from market.training.tables import Booking, Course, TrainingSession

MAX_CAPACITY = 200
MAX_NOTES = 1000
MAX_VENUE = 200
MAX_LINK = 300
ACTIVE = ("booked", "waiting")
TAKEN = ("booked", "completed", "attended", "absent")  # holding a place
PAST_LIMIT = 100
TRAINER_LIMIT = 1000


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


class NearSession(msgspec.Struct, kw_only=True):
    session: SessionOut
    online: bool
    distance: str  # "about 5 miles as the crow flies"; "" online
    my_status: str = ""  # "" | booked | waiting
    my_position: int | None = None


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


# -- kept for matching.pipeline.interviews only -----------------------------------------------
# wt-pipeline reads the interview form with market.fields and no longer imports this; delete
# it when that branch is merged.


# -- scheduling ---------------------------------------------------------------------------------


def _link_problem(text: str) -> str | None:
    parts = urlsplit(text)
    if not text:
        return "Enter the link people use to join the session online"
    if parts.scheme != "https" or not parts.netloc or " " in text:
        return "Enter the link as a full web address starting https://"
    if len(text) > MAX_LINK:
        return f"The link must be {MAX_LINK} characters or fewer"
    return None


def delivery_of(data: SessionInput) -> Delivery | None:
    """The delivery chosen, or (the API may leave it out) what follows from what was given."""
    if data.delivery is not None:
        return data.delivery
    if data.online_link.strip() and not data.venue.strip():
        return "online"
    if data.venue.strip() or data.postcode.strip():
        return "venue"
    return None


def _place_problems(data: SessionInput, delivery: Delivery | None) -> dict[str, str]:
    errors: dict[str, str] = {}
    venue = " ".join(data.venue.split())
    if delivery is None or delivery not in DELIVERY:
        errors["delivery"] = "Select whether the session is at a venue or online"
    elif delivery == "venue":
        if not venue:
            errors["venue"] = "Enter the name and address of the venue"
        elif len(venue) > MAX_VENUE:
            errors["venue"] = f"The venue must be {MAX_VENUE} characters or fewer"
        if not data.postcode.strip():
            errors["postcode"] = "Enter the venue's postcode"
    elif problem := _link_problem(data.online_link.strip()):
        errors["online_link"] = problem
    return errors


def _times(data: SessionInput) -> tuple[datetime, datetime]:
    starts_at = datetime.combine(data.date, data.start_time, tzinfo=LONDON).astimezone(UTC)
    return starts_at, datetime.combine(data.date, data.end_time, tzinfo=LONDON).astimezone(UTC)


def session_problems(data: SessionInput, *, skip: Collection[str] = ()) -> dict[str, str]:
    """The rules a session meets, without the database, by field; fields in ``skip`` (those
    a form could not read) are neither checked nor used."""
    errors: dict[str, str] = {}
    if "date" not in skip and data.date < london_today():
        errors["date"] = "The date of the session must be today or in the future"
    timed = not {"start_time", "end_time"} & set(skip)
    if timed and data.end_time <= data.start_time:
        errors["end_time"] = "The end time must be after the start time"
    errors.update(_place_problems(data, delivery_of(data)))
    if "capacity" not in skip and not 1 <= data.capacity <= MAX_CAPACITY:
        errors["capacity"] = f"The number of places must be between 1 and {MAX_CAPACITY}"
    if len(data.notes.strip()) > MAX_NOTES:
        errors["notes"] = f"The notes must be {MAX_NOTES} characters or fewer"
    if timed and "date" not in skip and "date" not in errors and _times(data)[0] <= utcnow():
        errors["start_time"] = "The start time must be in the future"
    return errors


async def _course(course_id: int) -> dict[str, Any] | None:
    if not 0 < course_id <= PG_INT_MAX:
        return None
    return await Course.select().where((Course.id == course_id) & (Course.active == True)).first()  # noqa: E712


async def _trainer(trainer_id: int | None, actor: CurrentUser) -> int | None:
    """A trainer's sessions are their own; staff may name a trainer (or run it themselves).
    None: the one named has no active trainer's account."""
    if actor.role not in STAFF_ROLES or trainer_id is None:
        return actor.id
    if not 0 < trainer_id <= PG_INT_MAX:
        return None
    try:
        user = await accounts.get_user(trainer_id)
    except NotFound:
        return None
    return user.id if user.role == "trainer" and user.is_active else None


async def trainers() -> list[UserOut]:
    """Active trainer accounts, for staff to choose who runs a session."""
    found = await accounts.list_users(role="trainer", limit=TRAINER_LIMIT)
    return sorted((u for u in found if u.is_active), key=lambda u: u.display_name)


async def courses() -> list[dict[str, Any]]:
    return await Course.select(Course.id, Course.name).where(Course.active == True).order_by(Course.position)  # noqa: E712


async def _place(data: SessionInput, errors: dict[str, str]) -> dict[str, Any]:
    """The venue's postcode, located (when the session is at a venue)."""
    if delivery_of(data) != "venue" or not data.postcode.strip():
        return {}
    try:
        point = await geo.locate(data.postcode, field="postcode")
    except Invalid as problem:
        errors.update(problem.errors)
        return {}
    return {"postcode": point.postcode, "district": point.district, "lat": point.lat, "lon": point.lon}


async def create(data: SessionInput, actor: CurrentUser) -> int:
    """Schedule a session; every problem is reported at once and nothing is saved on any."""
    errors = session_problems(data)
    course = await _course(data.course_id)
    if course is None:
        errors["course"] = "Select the course from the catalogue"
    trainer_id = await _trainer(data.trainer_id, actor)
    if trainer_id is None:
        errors["trainer"] = "Select a trainer with a trainer's account"
    place = await _place(data, errors)
    if errors or course is None or trainer_id is None:
        raise Invalid(errors)
    online = delivery_of(data) == "online"
    starts_at, ends_at = _times(data)
    async with write_transaction():
        rows = await TrainingSession.insert(
            TrainingSession(
                course=course["id"],
                trainer=trainer_id,
                starts_at=starts_at,
                ends_at=ends_at,
                venue="" if online else " ".join(data.venue.split()),
                online_link=data.online_link.strip() if online else "",
                capacity=data.capacity,
                notes=data.notes.strip(),
                created_by=actor.id,
                **place,
            )
        ).returning(TrainingSession.id)
        session_id = rows[0]["id"]
        await audit.record(
            "training.session_created",
            actor=actor,
            subject_type="training_session",
            subject_id=session_id,
            detail={"course": course["code"], "trainer_id": trainer_id, "starts_at": starts_at.isoformat()},
        )
    return session_id


# -- reading sessions ---------------------------------------------------------------------------


def _select() -> Select:
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


async def _outs(rows: list[dict[str, Any]]) -> list[SessionOut]:
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
    upcoming = _select().where(TrainingSession.ends_at > now).order_by(TrainingSession.starts_at)
    past = (
        _select()
        .where(TrainingSession.ends_at <= now)
        .order_by(TrainingSession.starts_at, ascending=False)
        .limit(PAST_LIMIT)
    )
    if mine is not None:
        upcoming, past = upcoming.where(mine), past.where(mine)
    return SessionLists(upcoming=await _outs(await upcoming), past=await _outs(await past))


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
    rows = await _select().where(TrainingSession.id == session_id)
    session = (await _outs(rows))[0]
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


# -- for PAs ------------------------------------------------------------------------------------


async def profile_of(user: CurrentUser) -> dict[str, Any] | None:
    return await PAProfile.select().where(PAProfile.user == user.id).first()


async def _my_bookings(
    profile_id: int, session_ids: list[int] | None = None
) -> dict[int, tuple[str, int | None]]:
    """Session id -> (booked | waiting, waiting-list position) for this PA's live bookings."""
    query = Booking.select(Booking.id, Booking.session, Booking.status).where(
        (Booking.profile == profile_id) & Booking.status.is_in(list(ACTIVE))
    )
    if session_ids is not None:
        if not session_ids:
            return {}
        query = query.where(Booking.session.is_in(session_ids))
    mine: dict[int, tuple[str, int | None]] = {}
    for row in await query:
        position = None
        if row["status"] == "waiting":
            position = 1 + await Booking.count().where(
                (Booking.session == row["session"]) & (Booking.status == "waiting") & (Booking.id < row["id"])
            )
        mine[row["session"]] = (row["status"], position)
    return mine


async def upcoming_near(profile: dict[str, Any], settings: Settings) -> list[NearSession]:
    """Scheduled sessions still to start, online or within ``training_near_miles`` of the
    PA's home, soonest first, with places left and whether this PA has booked or waits."""
    miles = settings.training_near_miles
    where = TrainingSession.online_link != ""
    lat, lon = profile.get("lat"), profile.get("lon")
    if lat is not None and lon is not None:
        dlat = miles / 69.0 + 0.01
        dlon = miles / max(69.0 * abs(math.cos(math.radians(lat))), 1.0) + 0.01
        box = (
            (TrainingSession.lat >= lat - dlat)
            & (TrainingSession.lat <= lat + dlat)
            & (TrainingSession.lon >= lon - dlon)
            & (TrainingSession.lon <= lon + dlon)
        )
        where = where | box
    rows = (
        await _select()
        .where((TrainingSession.status == "scheduled") & (TrainingSession.starts_at > utcnow()))
        .where(where)
        .order_by(TrainingSession.starts_at)
    )
    near: list[tuple[dict[str, Any], str]] = []
    for row in rows:
        if row["online_link"]:
            near.append((row, ""))
        elif row["lat"] is not None and lat is not None and lon is not None:
            distance = haversine_miles(lat, lon, row["lat"], row["lon"])
            if distance <= miles:
                near.append((row, distance_note(distance)))
    outs = await _outs([row for row, _ in near])
    mine = await _my_bookings(profile["id"], [o.id for o in outs])
    return [
        _for_pa(out, distance, *mine.get(out.id, ("", None)))
        for out, (_, distance) in zip(outs, near, strict=True)
    ]


def _for_pa(out: SessionOut, distance: str, status: str, position: int | None) -> NearSession:
    """A session as a PA sees it: the online link only once they have a place."""
    return NearSession(
        session=out if status == "booked" else msgspec.structs.replace(out, online_link=""),
        online=bool(out.online_link),
        distance=distance,
        my_status=status,
        my_position=position,
    )


async def my_bookings(profile: dict[str, Any]) -> list[NearSession]:
    """This PA's live bookings and waiting-list places, soonest first."""
    mine = await _my_bookings(profile["id"])
    if not mine:
        return []
    rows = await _select().where(TrainingSession.id.is_in(list(mine))).order_by(TrainingSession.starts_at)
    return [_for_pa(out, "", *mine[out.id]) for out in await _outs(rows)]
