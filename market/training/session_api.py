"""The training sessions JSON API: trainers and staff schedule sessions, read rosters and
record attendance; PAs list sessions near them and book or cancel. The same services as
the pages; dates ISO, times "HH:MM" (24-hour, London)."""

from __future__ import annotations

from datetime import date
from typing import Any

import msgspec
from litestar import Controller, Request, delete, get, post
from litestar.di import NamedDependency
from litestar.params import JSONBody

from market.settings import Settings
from market.training import attendance, bookings, sessions
from market.training.sessions import NearSession, SessionDetail, SessionLists
from market.web.guards import roles
from market.web.params import RecordId

PATH = "/api/v1/training/sessions"


class SessionInput(msgspec.Struct, kw_only=True):
    """A session: at a venue (venue and postcode) or online (online_link, https)."""

    course_id: int
    date: date
    start_time: str
    end_time: str
    capacity: int
    venue: str = ""
    postcode: str = ""
    online_link: str = ""
    notes: str = ""
    trainer_id: int | None = None  # staff only: the trainer who runs it


class AttendanceInput(msgspec.Struct, kw_only=True):
    """Every booked PA's outcome, by booking id: completed, attended or absent."""

    outcomes: dict[str, str]


class CancelInput(msgspec.Struct, kw_only=True):
    reason: str = ""


class CreatedOut(msgspec.Struct, kw_only=True):
    id: int


class BookingOut(msgspec.Struct, kw_only=True):
    status: str  # booked | waiting


class AttendanceOut(msgspec.Struct, kw_only=True):
    completed: int
    attended: int
    absent: int


def session_form(data: SessionInput) -> dict[str, str]:
    return {
        "course": str(data.course_id),
        "date": data.date.isoformat(),
        "start_time": data.start_time,
        "end_time": data.end_time,
        "capacity": str(data.capacity),
        "venue": data.venue,
        "postcode": data.postcode,
        "online_link": data.online_link,
        "notes": data.notes,
        "trainer": str(data.trainer_id) if data.trainer_id is not None else "",
    }


class TrainerSessionAPI(Controller):
    path = PATH
    opt = roles("trainer", "staff", "admin")
    tags = ["training"]

    @get("/", summary="Sessions you run (staff: every session), upcoming and past")
    async def index(self, request: Request) -> SessionLists:
        return await sessions.listing(request.user)

    @post("/", summary="Schedule a session", status_code=201)
    async def create(self, request: Request, data: JSONBody[SessionInput]) -> CreatedOut:
        return CreatedOut(id=await sessions.create(session_form(data), request.user))

    @get("/{session_id:int}", summary="A session with its roster and waiting list")
    async def show(self, request: Request, session_id: RecordId) -> SessionDetail:
        return await sessions.get(session_id, request.user)

    @post("/{session_id:int}/attendance", summary="Record every booked PA's outcome at once (once only)")
    async def attendance(
        self, request: Request, session_id: RecordId, data: JSONBody[AttendanceInput]
    ) -> AttendanceOut:
        form = {f"outcome_{key}": value for key, value in data.outcomes.items()}
        tally = await attendance.record_attendance(session_id, form, request.user)
        return AttendanceOut(**tally)

    @post("/{session_id:int}/cancel", summary="Cancel the session and email everyone booked", status_code=204)
    async def cancel(
        self,
        request: Request,
        session_id: RecordId,
        settings: NamedDependency[Settings],
        data: JSONBody[CancelInput],
    ) -> None:
        await bookings.cancel_session(session_id, request.user, settings, reason=data.reason)


class PASessionAPI(Controller):
    path = PATH
    opt = roles("pa")
    tags = ["training"]

    @get("/near", summary="Sessions near your home (and online) still to start, soonest first")
    async def near(self, request: Request, settings: NamedDependency[Settings]) -> list[NearSession]:
        profile = await sessions.profile_of(request.user)
        return await sessions.upcoming_near(profile, settings) if profile else []

    @get("/bookings", summary="Your bookings and waiting-list places")
    async def bookings(self, request: Request) -> list[NearSession]:
        profile = await sessions.profile_of(request.user)
        return await sessions.my_bookings(profile) if profile else []

    @post(
        "/{session_id:int}/book", summary="Book a place (or join the waiting list when full)", status_code=201
    )
    async def book(self, request: Request, session_id: RecordId) -> BookingOut:
        return BookingOut(status=await bookings.book(request.user, session_id))

    @delete("/{session_id:int}/booking", summary="Cancel your booking or waiting-list place", status_code=204)
    async def cancel(
        self, request: Request, session_id: RecordId, settings: NamedDependency[Settings]
    ) -> None:
        await bookings.cancel(request.user, session_id, settings)


ROUTES: list[Any] = [TrainerSessionAPI, PASessionAPI]
