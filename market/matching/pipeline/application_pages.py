"""One application, for the need's side (the person, whoever acts for them, staff): its stage
and history, interviews (book, move, cancel, notes, the calendar file), the offer, the
safe-recruitment checklist and starting. Each form names its problems next to its fields and
keeps what was typed; a change made against an old version re-renders with the latest state
(409)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from market.clock import london_today
from market.errors import Conflict, Invalid, NotFound
from market.fields import FormReader
from market.matching.needs.lifecycle import get_need
from market.matching.pipeline import applications as pipeline
from market.matching.pipeline import appointments, forms, interviews, starting
from market.matching.pipeline.detail import application_detail
from market.register import directory
from market.settings import Settings
from market.web.forms import form_errors, read_form
from market.web.guards import roles
from market.web.params import RecordId
from market.web.render import render

DONE = {
    "interview": "The interview is booked. We have emailed the details and a calendar file to everyone.",
    "moved": "The interview has been moved. We have told everyone.",
    "cancelled": "The interview has been cancelled. We have told everyone.",
    "notes": "Your notes on the interview are saved.",
    "offered": "The offer has been made. We have emailed the PA.",
    "appointed": "The PA is appointed and the need is marked as filled.",
    "checked": "The check is recorded.",
    "overridden": "The check is overridden and the reason recorded.",
    "started": "The PA has started work.",
}


def version_of(data: Mapping[str, str]) -> int | None:
    """The record version the form was read at (a hidden field)."""
    return FormReader(data).version()


class ApplicationPages(Controller):
    path = "/needs/{need_id:int}/applications/{application_id:int}"
    opt = roles("recipient", "staff", "admin")
    include_in_schema = False

    async def _page(
        self, request: Request, need_id: int, application_id: int, *, status_code: int = 200, **extra: Any
    ) -> Template:
        need = await get_need(request.user, need_id)
        detail = await application_detail(request.user, need_id, application_id)
        application, found = detail.application, detail.interviews
        contact = ""
        if application.stage in pipeline.AGREED_STAGES or application.stage == "started":
            pa = await directory.contact(application.profile_id)
            contact = pa.email if pa else ""
        return render(
            "matching/application.html",
            status_code=status_code,
            need=need,
            application=application,
            contact=contact,
            interviews=found,
            booked=[i for i in found if i.status == "booked"],
            move_values={i.id: interviews.form_values(i) for i in found},
            modes=interviews.MODES,
            lengths=interviews.LENGTHS,
            appointment=detail.appointment,
            clashes=detail.overlapping_hours,
            stages=pipeline.STAGES,
            open_stages=pipeline.OPEN_STAGES,
            staff=request.user.role in ("staff", "admin"),
            today=london_today(),
            need_hours=await appointments.need_hours(need_id),
            **extra,
        )

    @get("/")
    async def show(
        self,
        request: Request,
        need_id: RecordId,
        application_id: RecordId,
        done: FromQuery[str | None] = None,
    ) -> Template:
        return await self._page(request, need_id, application_id, flash=DONE.get(done or "", ""))

    async def _act(
        self,
        request: Request,
        need_id: int,
        application_id: int,
        form: str,
        action: Callable[[dict[str, str]], Awaitable[Any]],
        done: str,
    ) -> Template | Redirect:
        """Run one change; on a problem, the page again with the form's input and errors."""
        await pipeline.get_application(request.user, need_id, application_id)  # 404 unless theirs
        data = await read_form(request)
        try:
            await action(data)
        except Invalid as invalid:
            return await self._page(
                request, need_id, application_id, status_code=422, **form_errors(invalid, data, form=form)
            )
        except Conflict as conflict:
            return await self._page(
                request,
                need_id,
                application_id,
                status_code=409,
                **form_errors({"stage": conflict.detail}, {}),
            )
        return Redirect(f"/needs/{need_id}/applications/{application_id}?done={done}#{form}")

    @post("/interview")
    async def book(
        self, request: Request, need_id: RecordId, application_id: RecordId
    ) -> Template | Redirect:
        async def act(data: dict[str, str]) -> None:
            await interviews.book(request.user, application_id, version_of(data), forms.read_interview(data))

        return await self._act(request, need_id, application_id, "book", act, "interview")

    @post("/interviews/{interview_id:int}/{change:str}")
    async def interview(
        self,
        request: Request,
        need_id: RecordId,
        application_id: RecordId,
        interview_id: RecordId,
        change: FromPath[str],
    ) -> Template | Redirect:
        user = request.user

        async def move(data: dict[str, str]) -> None:
            values = forms.read_interview(data)
            await interviews.reschedule(user, application_id, interview_id, version_of(data), values)

        async def cancel(data: dict[str, str]) -> None:
            await interviews.cancel(
                user, application_id, interview_id, version_of(data), data.get("reason", "")
            )

        async def notes(data: dict[str, str]) -> None:
            await interviews.record_outcome(
                user, application_id, interview_id, version_of(data), data.get(f"notes-{interview_id}", "")
            )

        actions = {"move": (move, "moved"), "cancel": (cancel, "cancelled"), "notes": (notes, "notes")}
        if change not in actions:
            raise NotFound()
        action, done = actions[change]
        return await self._act(request, need_id, application_id, f"interview-{interview_id}", action, done)

    @get("/interviews/{interview_id:int}/interview.ics")
    async def calendar(
        self, request: Request, need_id: RecordId, application_id: RecordId, interview_id: RecordId
    ) -> Response[str]:
        await pipeline.get_application(request.user, need_id, application_id)
        text = await interviews.calendar_for_need_side(request.user, application_id, interview_id)
        return calendar_response(text)

    @post("/offer")
    async def offer(
        self,
        request: Request,
        need_id: RecordId,
        application_id: RecordId,
        settings: NamedDependency[Settings],
    ) -> Template | Redirect:
        async def act(data: dict[str, str]) -> None:
            values = forms.read_offer(data, london_today())
            await appointments.offer(
                request.user, application_id, version_of(data), values, base_url=settings.base_url
            )

        return await self._act(request, need_id, application_id, "offer", act, "offered")

    @post("/accepted")
    async def accepted(
        self, request: Request, need_id: RecordId, application_id: RecordId
    ) -> Template | Redirect:
        async def act(data: dict[str, str]) -> None:
            await appointments.record_acceptance(request.user, application_id, version_of(data))

        return await self._act(request, need_id, application_id, "offer", act, "appointed")

    @post("/checks/{item:str}")
    async def tick(
        self, request: Request, need_id: RecordId, application_id: RecordId, item: FromPath[str]
    ) -> Template | Redirect:
        if item not in appointments.CHECKS:
            raise NotFound()

        async def act(data: dict[str, str]) -> None:
            check = forms.read_check(item, data)
            await appointments.tick(
                request.user, application_id, version_of(data), item, check, london_today()
            )

        return await self._act(request, need_id, application_id, f"check-{item}", act, "checked")

    @post("/checks/{item:str}/override")
    async def override(
        self, request: Request, need_id: RecordId, application_id: RecordId, item: FromPath[str]
    ) -> Template | Redirect:
        async def act(data: dict[str, str]) -> None:
            reason = data.get(f"{item}_reason", "")
            await appointments.override(request.user, application_id, version_of(data), item, reason)

        return await self._act(request, need_id, application_id, f"check-{item}", act, "overridden")

    @post("/start")
    async def start(
        self, request: Request, need_id: RecordId, application_id: RecordId
    ) -> Template | Redirect:
        async def act(data: dict[str, str]) -> None:
            await starting.start(request.user, application_id, version_of(data))

        return await self._act(request, need_id, application_id, "checklist", act, "started")


def calendar_response(text: str) -> Response[str]:
    return Response(
        text,
        media_type="text/calendar; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="interview.ics"'},
    )


ROUTES: list[Any] = [ApplicationPages]
