"""Training session pages: trainers' and staff's list, the form to schedule a session, a
session's roster with its attendance form; and the PA's page at /training to book
sessions near them (or online). A form with a problem re-renders with the input kept and
each error by its field; a booking that cannot be made says why at the top of the page."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromQuery
from litestar.response import Redirect, Template

from market.errors import Conflict, Invalid
from market.roles import STAFF_ROLES
from market.settings import Settings
from market.training import attendance, bookings, forms, pa_sessions, scheduling, session_api, sessions
from market.training.schemas import OUTCOMES
from market.web.forms import form_errors, read_form
from market.web.guards import roles
from market.web.params import RecordId
from market.web.render import render

TRAINER_DONE = {
    "created": "The session has been scheduled. PAs near the venue (or anyone, for an online session) can book it.",
    "recorded": "Attendance has been recorded. Each PA who completed the course has a certificate on their record.",
    "cancelled": "The session has been cancelled. Everyone booked or waiting has been emailed.",
}
PA_DONE = {
    "booked": "Your place is booked.",
    "waiting": "The session is full, so you are on the waiting list. We will email you if a place comes free.",
    "cancelled": "Your booking has been cancelled.",
}


class SessionPages(Controller):
    path = "/training/sessions"
    opt = roles("trainer", "staff", "admin")
    include_in_schema = False

    @get("/")
    async def index(self, request: Request, done: FromQuery[str | None] = None) -> Template:
        return render(
            "training/sessions.html",
            lists=await sessions.listing(request.user),
            flash=TRAINER_DONE.get(done or "", ""),
        )

    async def _new_context(self, request: Request) -> dict[str, Any]:
        is_staff = request.user.role in STAFF_ROLES
        return {
            "courses": await scheduling.courses(),
            "trainers": await scheduling.trainers() if is_staff else [],
            "is_staff": is_staff,
            "deliveries": scheduling.DELIVERY,
        }

    @get("/new")
    async def new(self, request: Request) -> Template:
        return render("training/session_new.html", **await self._new_context(request))

    @post("/new")
    async def create(self, request: Request) -> Template | Redirect:
        values = await read_form(request)
        try:
            session_id = await scheduling.create(forms.session_input(values), request.user)
        except Invalid as problem:
            return render(
                "training/session_new.html",
                status_code=422,
                **await self._new_context(request),
                **form_errors(problem, values, form="session"),
            )
        return Redirect(f"/training/sessions/{session_id}?done=created")

    async def _context(self, request: Request, session_id: int) -> dict[str, Any]:
        return {"detail": await sessions.get(session_id, request.user), "outcomes": OUTCOMES, "active": ""}

    @get("/{session_id:int}")
    async def show(
        self, request: Request, session_id: RecordId, done: FromQuery[str | None] = None
    ) -> Template:
        return render(
            "training/session.html",
            **await self._context(request, session_id),
            flash=TRAINER_DONE.get(done or "", ""),
        )

    async def _submit(
        self,
        request: Request,
        session_id: int,
        form: str,
        work: Callable[[dict[str, str]], Awaitable[Any]],
        done: str,
    ) -> Template | Redirect:
        values = await read_form(request)
        try:
            await work(values)
        except Invalid as problem:
            context = await self._context(request, session_id)
            return render(
                "training/session.html", status_code=422, **context | form_errors(problem, values, form=form)
            )
        except Conflict as problem:
            return render(
                "training/session.html",
                status_code=409,
                **await self._context(request, session_id),
                error_list=[{"text": problem.detail, "href": f"#{form}"}],
            )
        return Redirect(f"/training/sessions/{session_id}?done={done}")

    @post("/{session_id:int}/attendance")
    async def attendance(self, request: Request, session_id: RecordId) -> Template | Redirect:
        return await self._submit(
            request,
            session_id,
            "attendance",
            lambda values: attendance.record_attendance(
                session_id, forms.attendance_input(values), request.user
            ),
            "recorded",
        )

    @post("/{session_id:int}/cancel")
    async def cancel(
        self, request: Request, session_id: RecordId, settings: NamedDependency[Settings]
    ) -> Template | Redirect:
        return await self._submit(
            request,
            session_id,
            "cancel",
            lambda values: bookings.cancel_session(
                session_id, request.user, settings, reason=values.get("reason", "")
            ),
            "cancelled",
        )


class PATrainingPages(Controller):
    path = "/training"
    opt = roles("pa")
    include_in_schema = False

    async def _context(self, request: Request, settings: Settings) -> dict[str, Any]:
        home = await pa_sessions.home_of(request.user)
        return {
            "has_profile": home is not None,
            "near": await pa_sessions.upcoming_near(home, settings) if home else [],
            "bookings": await pa_sessions.my_bookings(home.profile_id) if home else [],
            "miles": settings.training_near_miles,
        }

    @get("/")
    async def page(
        self, request: Request, settings: NamedDependency[Settings], done: FromQuery[str | None] = None
    ) -> Template:
        return render(
            "training/session_near.html",
            **await self._context(request, settings),
            flash=PA_DONE.get(done or "", ""),
        )

    async def _act(
        self, request: Request, settings: Settings, session_id: int, work: Callable[[], Awaitable[str]]
    ) -> Template | Redirect:
        try:
            done = await work()
        except Conflict as problem:
            return render(
                "training/session_near.html",
                status_code=409,
                **await self._context(request, settings),
                error_list=[{"text": problem.detail, "href": f"#session-{session_id}"}],
            )
        return Redirect(f"/training?done={done}")

    @post("/book/{session_id:int}")
    async def book(
        self, request: Request, session_id: RecordId, settings: NamedDependency[Settings]
    ) -> Template | Redirect:
        return await self._act(request, settings, session_id, lambda: bookings.book(request.user, session_id))

    @post("/cancel/{session_id:int}")
    async def cancel(
        self, request: Request, session_id: RecordId, settings: NamedDependency[Settings]
    ) -> Template | Redirect:
        async def work() -> str:
            await bookings.cancel(request.user, session_id, settings)
            return "cancelled"

        return await self._act(request, settings, session_id, work)


ROUTES: list[Any] = [SessionPages, PATrainingPages, *session_api.ROUTES]
