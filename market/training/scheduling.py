"""Scheduling a training session: the rules a session meets (its date and times, a venue
with a postcode or an https link, the number of places) and creating it, by a trainer for
themselves or by staff for a trainer they name."""

from __future__ import annotations

from collections.abc import Collection
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from market.accounts import listing
from market.accounts import services as accounts
from market.accounts.schemas import CurrentUser, UserOut
from market.audit import services as audit
from market.clock import LONDON, london_today, utcnow
from market.db import write_transaction
from market.errors import Invalid, NotFound
from market.fields import PG_INT_MAX
from market.geo import services as geo
from market.roles import STAFF_ROLES
from market.training.schemas import DELIVERY, Delivery, SessionInput
from market.training.tables import Course, TrainingSession

MAX_CAPACITY = 200
MAX_NOTES = 1000
MAX_VENUE = 200
MAX_LINK = 300
TRAINER_LIMIT = 1000


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
    found = await listing.list_users(role="trainer", limit=TRAINER_LIMIT)
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
