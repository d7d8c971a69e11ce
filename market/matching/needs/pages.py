"""The need pages, for the people who act for a recipient and for staff (on behalf of any
recipient): my needs, a need's answers (check your answers) with its status buttons, and its
times (weekly slots, or dates for cover). Every form works without JavaScript and
re-renders with the input kept and each error by its field (422). A change made against an
old version re-renders with the latest state and says so (409).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from litestar import Controller, Request, get, post
from litestar.params import FromQuery
from litestar.response import Redirect, Template

from market.accounts.schemas import CurrentUser
from market.clock import london_today
from market.dbs import rules
from market.errors import Conflict, Invalid
from market.fields import FormReader
from market.matching.needs import forms, recipients, times
from market.matching.needs import lifecycle as needs
from market.matching.needs.schemas import (
    ACTION_NAMES,
    AGE_GROUPS,
    DRIVING,
    DRIVING_HINTS,
    EDITABLE,
    GENDER_PREFERENCES,
    KINDS,
    REFERRAL_SOURCES,
    STATUSES,
    TRANSITIONS,
    YEAR_PATTERNS,
)
from market.matching.needs.sections import sections_for
from market.matching.pipeline.upcoming import upcoming_for_recipient
from market.register import languages as language_list
from market.register.availability import DAYS
from market.register.details import client_group_list
from market.register.forms import slot_input
from market.register.schemas import SHIFT_KINDS
from market.register.services import skill_list
from market.web.forms import form_errors, read_form
from market.web.guards import roles
from market.web.params import RecordId
from market.web.render import render

ACTORS = roles("recipient", "staff", "admin")

DONE = {
    "created": "The need has been saved as a draft.",
    "saved": "Your answers have been saved.",
    "slot-added": "The time has been added.",
    "slot-removed": "The time has been removed.",
    "date-added": "The date has been added.",
    "date-removed": "The date has been removed.",
    "open": "The need is open: PAs who match can now be found for it.",
    "pause": "The need is paused.",
    "fill": "The need is marked as filled.",
    "close": "The need is closed.",
}

CHOICES = {
    "kinds": KINDS,
    "age_groups": AGE_GROUPS,
    "gender_preferences": GENDER_PREFERENCES,
    "year_patterns": YEAR_PATTERNS,
    "driving": DRIVING,
    "driving_hints": DRIVING_HINTS,
    "shift_kinds": SHIFT_KINDS,
    "referral_sources": REFERRAL_SOURCES,
    "dbs_levels": rules.LEVELS,
    "statuses": STATUSES,
    "action_names": ACTION_NAMES,
}


async def every_problem(read: FormReader, check: Callable[[], Awaitable[object]]) -> None:
    """When the form has fields it could not read, raise Invalid naming those and, beside
    them, what the service's rules find in the rest (``check`` writes nothing), so one
    answer names every problem."""
    if read.errors:
        try:
            await check()
        except Invalid as problem:
            raise Invalid({**problem.errors, **read.errors}) from None
        read.done()


async def create_need_from(user: CurrentUser, recipient_id: int, values: Mapping[str, str]) -> int:
    """The new need a posted form describes."""
    read = FormReader(values)
    data = forms.need_input(read)
    await every_problem(read, lambda: needs.check_new_need(user, recipient_id, data))
    return await needs.create_need(user, recipient_id, data)


async def update_need_from(user: CurrentUser, need_id: int, values: Mapping[str, str]) -> int:
    """A need changed as a posted form says."""
    read = FormReader(values)
    data = forms.need_input(read)
    await every_problem(read, lambda: needs.check_need_change(user, need_id, data))
    return await needs.update_need(user, need_id, data)


async def add_slot_from(user: CurrentUser, need_id: int, values: Mapping[str, str]) -> None:
    read = FormReader(values)
    data = slot_input(read)
    read.done()
    await times.add_slot(user, need_id, data)


async def add_cover_date_from(user: CurrentUser, need_id: int, values: Mapping[str, str]) -> None:
    read = FormReader(values)
    data = forms.cover_date_input(read)
    read.done()
    await times.add_cover_date(user, need_id, data)


def actions_for(status: str) -> list[str]:
    return [action for action, (starts, _) in TRANSITIONS.items() if status in starts]


async def form_context(request: Request, recipient_id: int, need: Any = None) -> dict[str, Any]:
    return {
        "recipient": await recipients.get_recipient(request.user, recipient_id),
        "skills": await skill_list(),
        "groups": await client_group_list(),
        "is_staff": recipients.is_staff(request.user),
        "need": need,
        "language_suggestions": (await language_list.load()).suggestions(),
        **CHOICES,
    }


class NeedPages(Controller):
    path = "/needs"
    opt = ACTORS
    include_in_schema = False

    @get("/")
    async def mine(self, request: Request, done: FromQuery[str | None] = None) -> Template | Redirect:
        if recipients.is_staff(request.user):
            return Redirect("/staff/needs")
        people = await recipients.list_recipients(request.user)
        if not people:
            return Redirect("/needs/people/new")
        return render(
            "matching/needs.html",
            people=people,
            needs=await needs.list_needs(request.user),
            statuses=STATUSES,
            interviews=await upcoming_for_recipient(request.user, london_today()),
            flash=DONE.get(done or "", ""),
        )

    async def _summary(
        self, request: Request, need_id: int, *, status_code: int = 200, **extra: Any
    ) -> Template:
        need = await needs.get_need(request.user, need_id)
        skill_names = {s.code: s.name for s in await skill_list()}
        group_names = {g.code: g.name for g in await client_group_list()}
        return render(
            "matching/need.html",
            status_code=status_code,
            need=need,
            actions=actions_for(need.status),
            editable=need.status in EDITABLE,
            skill_names=skill_names,
            group_names=group_names,
            is_staff=recipients.is_staff(request.user),
            sections=sections_for(staff=recipients.is_staff(request.user)),
            **CHOICES,
            **extra,
        )

    @get("/{need_id:int}")
    async def show(self, request: Request, need_id: RecordId, done: FromQuery[str | None] = None) -> Template:
        return await self._summary(request, need_id, flash=DONE.get(done or "", ""))

    @post("/{need_id:int}/status")
    async def status(self, request: Request, need_id: RecordId) -> Template | Redirect:
        values = await read_form(request)
        read = FormReader(values)
        action = read.raw("action")
        try:
            await needs.change_status(request.user, need_id, action, read.version())
        except Conflict as conflict:
            problem = {"status": conflict.detail}
            return await self._summary(
                request, need_id, status_code=409, **form_errors(problem, values, form="need")
            )
        except Invalid as invalid:
            return await self._summary(
                request, need_id, status_code=422, **form_errors(invalid, values, form="need")
            )
        return Redirect(f"/needs/{need_id}?done={action}")

    async def _times(
        self, request: Request, need_id: int, *, status_code: int = 200, **extra: Any
    ) -> Template:
        extra.setdefault("active", "")
        need = await needs.get_need(request.user, need_id)
        return render(
            "matching/times.html",
            status_code=status_code,
            need=need,
            days=DAYS,
            editable=need.status in EDITABLE,
            **extra,
        )

    @get("/{need_id:int}/times")
    async def times_page(
        self, request: Request, need_id: RecordId, done: FromQuery[str | None] = None
    ) -> Template:
        return await self._times(request, need_id, flash=DONE.get(done or "", ""))

    async def _submit(
        self,
        request: Request,
        need_id: int,
        active: str,
        work: Callable[[CurrentUser, int, Mapping[str, str]], Awaitable[None]],
        done: str,
    ) -> Template | Redirect:
        values = await read_form(request)
        try:
            await work(request.user, need_id, values)
        except Invalid as problem:
            return await self._times(
                request, need_id, status_code=422, **form_errors(problem, values, form=active)
            )
        return Redirect(f"/needs/{need_id}/times?done={done}")

    @post("/{need_id:int}/slots")
    async def add_slot(self, request: Request, need_id: RecordId) -> Template | Redirect:
        return await self._submit(request, need_id, "slot", add_slot_from, "slot-added")

    @post("/{need_id:int}/slots/{slot_id:int}/remove")
    async def remove_slot(self, request: Request, need_id: RecordId, slot_id: RecordId) -> Redirect:
        await times.remove_slot(request.user, need_id, slot_id)
        return Redirect(f"/needs/{need_id}/times?done=slot-removed")

    @post("/{need_id:int}/cover-dates")
    async def add_cover_date(self, request: Request, need_id: RecordId) -> Template | Redirect:
        return await self._submit(request, need_id, "cover", add_cover_date_from, "date-added")

    @post("/{need_id:int}/cover-dates/{cover_id:int}/remove")
    async def remove_cover_date(self, request: Request, need_id: RecordId, cover_id: RecordId) -> Redirect:
        await times.remove_cover_date(request.user, need_id, cover_id)
        return Redirect(f"/needs/{need_id}/times?done=date-removed")


ROUTES: list[Any] = [NeedPages]  # the question pages are in section_pages.py
