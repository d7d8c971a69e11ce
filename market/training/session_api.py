"""The training sessions JSON API: trainers and staff schedule sessions, read rosters and
record attendance; PAs list sessions near them and book or cancel. The same services as
the pages; dates ISO, times "HH:MM:SS" (24-hour, London)."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Controller, Request, delete, get, post
from litestar.di import NamedDependency
from litestar.params import JSONBody

from market.settings import Settings
from market.training import attendance, bookings, pa_sessions, scheduling, sessions
from market.training.pa_sessions import NearSession
from market.training.schemas import AttendanceInput, CancelInput, SessionInput
from market.training.sessions import SessionDetail, SessionLists
from market.web.guards import roles
from market.web.params import RecordId

PATH = "/api/v1/training/sessions"


class CreatedOut(msgspec.Struct, kw_only=True):
    id: int


class BookingOut(msgspec.Struct, kw_only=True):
    status: str  # booked | waiting


class AttendanceOut(msgspec.Struct, kw_only=True):
    completed: int
    attended: int
    absent: int


class TrainerSessionAPI(Controller):
    path = PATH
    opt = roles("trainer", "staff", "admin")
    tags = ["training"]

    @get("/", summary="Sessions you run (staff: every session), upcoming and past")
    async def index(self, request: Request) -> SessionLists:
        return await sessions.listing(request.user)

    @post("/", summary="Schedule a session", status_code=201)
    async def create(self, request: Request, data: JSONBody[SessionInput]) -> CreatedOut:
        return CreatedOut(id=await scheduling.create(data, request.user))

    @get("/{session_id:int}", summary="A session with its roster and waiting list")
    async def show(self, request: Request, session_id: RecordId) -> SessionDetail:
        return await sessions.get(session_id, request.user)

    @post("/{session_id:int}/attendance", summary="Record every booked PA's outcome at once (once only)")
    async def attendance(
        self, request: Request, session_id: RecordId, data: JSONBody[AttendanceInput]
    ) -> AttendanceOut:
        tally = await attendance.record_attendance(session_id, data, request.user)
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
        home = await pa_sessions.home_of(request.user)
        return await pa_sessions.upcoming_near(home, settings) if home else []

    @get("/bookings", summary="Your bookings and waiting-list places")
    async def bookings(self, request: Request) -> list[NearSession]:
        home = await pa_sessions.home_of(request.user)
        return await pa_sessions.my_bookings(home.profile_id) if home else []

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
