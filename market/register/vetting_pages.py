"""Staff vetting pages, and the PA's "send to the team" button."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromQuery
from litestar.response import Redirect, Template

from market.errors import Invalid
from market.register import details, forms, vetting, vetting_queue
from market.register import services as profiles
from market.register.schemas import EMPLOYMENT, WONT_DO, YEAR_PATTERNS
from market.settings import Settings
from market.web.forms import form_errors, read_form
from market.web.guards import STAFF, roles
from market.web.params import PageNumber, RecordId
from market.web.render import render

DONE = {
    "check": "The check has been recorded.",
    "reference": "The reference has been added.",
    "reference-outcome": "The reference's outcome has been recorded.",
    "approve": "The PA is now on the register. They have been emailed.",
    "changes": "The PA has been asked to change their profile. They have been emailed.",
    "decline": "The profile has been declined. The PA has been emailed.",
    "suspend": "The PA has been suspended and no longer appears in searches. They have been emailed.",
    "reinstate": "The PA is back on the register. They have been emailed.",
    "qualification": "The qualification is marked as checked.",
}


class SubmitProfilePages(Controller):
    path = "/profile"
    opt = roles("pa")
    include_in_schema = False

    @post("/submit")
    async def submit(self, request: Request) -> Redirect:
        await vetting.submit(request.user)
        return Redirect("/profile?done=submitted")


class VettingPages(Controller):
    path = "/staff/vetting"
    opt = STAFF
    include_in_schema = False

    @get("/")
    async def queue(
        self,
        show: FromQuery[str | None] = None,
        q: FromQuery[str | None] = None,
        page: PageNumber = 1,
    ) -> Template:
        kind = show if show in vetting_queue.LISTS else "submitted"
        return render(
            "register/vetting_queue.html",
            kind=kind,
            lists=vetting_queue.LISTS,
            counts=await vetting_queue.counts(),
            rows=await vetting_queue.queue_page(kind, query=q or "", page=page),
            q=q or "",
            filters={"show": kind, "q": q or ""},
            status_names=vetting.STATUS_NAMES,
        )

    async def _page(self, profile_id: int, **extra: Any) -> dict[str, Any]:
        return {
            "profile": await profiles.profile_for_staff(profile_id),
            "experience": await details.experience(profile_id),
            "vetting": await vetting.state(profile_id),
            "check_kinds": vetting.CHECK_KINDS,
            "check_outcomes": vetting.CHECK_OUTCOMES,
            "reference_outcomes": vetting.REFERENCE_OUTCOMES,
            "status_names": vetting.STATUS_NAMES,
            "employment": EMPLOYMENT,
            "wont_do": WONT_DO,
            "year_patterns": YEAR_PATTERNS,
            **extra,
        }

    @get("/{profile_id:int}")
    async def pa(self, profile_id: RecordId, done: FromQuery[str | None] = None) -> Template:
        return render(
            "register/vetting_pa.html", **await self._page(profile_id, flash=DONE.get(done or "", ""))
        )

    async def _again(self, profile_id: int, problem: Invalid, values: dict[str, str]) -> Template:
        """The PA's vetting page again, with the staff member's input and what was wrong."""
        return render(
            "register/vetting_pa.html",
            status_code=422,
            **await self._page(profile_id),
            **form_errors(problem, values),
        )

    @post("/{profile_id:int}/checks")
    async def record_check(self, request: Request, profile_id: RecordId) -> Template | Redirect:
        values = await read_form(request)
        try:
            await vetting.record_check(
                profile_id,
                values.get("kind", ""),
                values.get("outcome", ""),
                values.get("note", ""),
                actor=request.user,
            )
        except Invalid as problem:
            return await self._again(profile_id, problem, values)
        return Redirect(f"/staff/vetting/{profile_id}?done=check")

    @post("/{profile_id:int}/references")
    async def add_reference(self, request: Request, profile_id: RecordId) -> Template | Redirect:
        values = await read_form(request)
        try:
            await vetting.add_reference(profile_id, forms.reference_input(values), actor=request.user)
        except Invalid as problem:
            return await self._again(profile_id, problem, values)
        return Redirect(f"/staff/vetting/{profile_id}?done=reference")

    @post("/{profile_id:int}/references/{reference_id:int}")
    async def record_reference(
        self, request: Request, profile_id: RecordId, reference_id: RecordId
    ) -> Template | Redirect:
        values = await read_form(request)
        try:
            await vetting.record_reference(
                profile_id, reference_id, values.get("outcome", ""), actor=request.user
            )
        except Invalid as problem:
            return await self._again(profile_id, problem, values)
        return Redirect(f"/staff/vetting/{profile_id}?done=reference-outcome")

    @post("/{profile_id:int}/decision")
    async def decide(
        self, request: Request, profile_id: RecordId, settings: NamedDependency[Settings]
    ) -> Template | Redirect:
        values = await read_form(request)
        decision = values.get("decision", "")
        try:
            await vetting.decide(
                profile_id, decision, values.get("reason", ""), actor=request.user, settings=settings
            )
        except Invalid as problem:
            return await self._again(profile_id, problem, values)
        return Redirect(f"/staff/vetting/{profile_id}?done={decision}")

    @post("/{profile_id:int}/suspend")
    async def suspend(
        self, request: Request, profile_id: RecordId, settings: NamedDependency[Settings]
    ) -> Template | Redirect:
        values = await read_form(request)
        try:
            await vetting.suspend(profile_id, values.get("reason", ""), actor=request.user, settings=settings)
        except Invalid as problem:
            return await self._again(profile_id, problem, values)
        return Redirect(f"/staff/vetting/{profile_id}?done=suspend")

    @post("/{profile_id:int}/reinstate")
    async def reinstate(
        self, request: Request, profile_id: RecordId, settings: NamedDependency[Settings]
    ) -> Template | Redirect:
        values = await read_form(request)
        try:
            await vetting.reinstate(
                profile_id, values.get("reason", ""), actor=request.user, settings=settings
            )
        except Invalid as problem:
            return await self._again(profile_id, problem, values)
        return Redirect(f"/staff/vetting/{profile_id}?done=reinstate")

    @post("/{profile_id:int}/qualifications/{qualification_id:int}/verify")
    async def verify_qualification(
        self, request: Request, profile_id: RecordId, qualification_id: RecordId
    ) -> Redirect:
        await details.verify_qualification(profile_id, qualification_id, actor=request.user)
        return Redirect(f"/staff/vetting/{profile_id}?done=qualification")


ROUTES: list[Any] = [SubmitProfilePages, VettingPages]
