"""Training record pages: the PA's own record (with the form to add training done elsewhere),
the claims waiting for verification (trainers and staff), and staff's overview across the
register with each PA's record.

A form with a problem re-renders its page with the error next to its field (422); a change
that worked redirects with ``?done=`` and the page shows a success banner.
"""

from __future__ import annotations

import re
from typing import Any

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromQuery
from litestar.response import Redirect, Template

from market.clock import london_today
from market.errors import Invalid
from market.paging import PER_PAGE, page_of_list
from market.roles import STAFF_ROLES
from market.settings import Settings
from market.training import claims, forms, record_api, records
from market.web.forms import form_errors, read_form
from market.web.guards import STAFF, roles
from market.web.params import PageNumber, RecordId
from market.web.render import render

DONE = {
    "added": "Your training has been added. It shows as unverified until our team or a trainer checks it.",
    "deleted": "The training has been removed from your record.",
    "verified": "The training has been verified. It now counts on the PA's record.",
    "rejected": "The claim has been rejected and removed. The PA has been emailed the reason.",
}
DAY_CHOICES = {str(d): f"Next {d} days" for d in records.OVERVIEW_DAYS}
_STAFF_RECORD = re.compile(r"/staff/training/pa/\d+")


class OwnTrainingPages(Controller):
    path = "/profile/training"
    opt = roles("pa")
    include_in_schema = False

    async def _context(self, request: Request, settings: Settings) -> dict[str, Any]:
        profile_id = await records.own_profile_id(request.user)
        record = None
        if profile_id is not None:
            record = await records.pa_record(profile_id, london_today(), settings, viewer=request.user)
        return {"record": record, "courses": await records.active_courses()}

    @get("/")
    async def page(
        self,
        request: Request,
        settings: NamedDependency[Settings],
        done: FromQuery[str | None] = None,
        course: FromQuery[str | None] = None,
    ) -> Template:
        return render(
            "training/record_own.html",
            **await self._context(request, settings),
            flash=DONE.get(done or "", ""),
            values={"course": course or ""},
        )

    @post("/claims")
    async def add(self, request: Request, settings: NamedDependency[Settings]) -> Template | Redirect:
        values = await read_form(request)
        today = london_today()
        try:
            await claims.add_claim(request.user, forms.claim_input(values, today), today)
        except Invalid as problem:
            return render(
                "training/record_own.html",
                status_code=422,
                **await self._context(request, settings),
                **form_errors(problem, values, form="claim"),
            )
        return Redirect("/profile/training?done=added")

    @post("/claims/{completion_id:int}/delete")
    async def delete(self, request: Request, completion_id: RecordId) -> Redirect:
        await claims.delete_claim(request.user, completion_id)
        return Redirect("/profile/training?done=deleted")


async def _staff_record(request: Request, profile_id: int, settings: Settings) -> dict[str, Any]:
    return {
        "record": await records.pa_record(profile_id, london_today(), settings, viewer=request.user),
        "claims": await claims.claims_waiting(profile_id),
    }


class ClaimPages(Controller):
    """Trainers and staff verify or reject what PAs added themselves."""

    path = "/training/claims"
    opt = roles(*claims.VERIFIERS)
    include_in_schema = False

    @get("/")
    async def page(self, done: FromQuery[str | None] = None, page: PageNumber = 1) -> Template:
        waiting = page_of_list(await claims.claims_waiting(), page=page)
        return render(
            "training/record_claims.html",
            claims=waiting.items,
            waiting=waiting,
            flash=DONE.get(done or "", ""),
        )

    def _back(self, request: Request, data: dict[str, str]) -> str:
        """Back to the staff record the form was on, or else to the claims list."""
        back = data.get("back", "")
        if request.user.role in STAFF_ROLES and _STAFF_RECORD.fullmatch(back):
            return back
        return "/training/claims"

    @post("/{completion_id:int}/verify")
    async def verify(self, request: Request, completion_id: RecordId) -> Redirect:
        data = await read_form(request)
        await claims.verify_claim(request.user, completion_id)
        return Redirect(f"{self._back(request, data)}?done=verified")

    @post("/{completion_id:int}/reject")
    async def reject(
        self, request: Request, completion_id: RecordId, settings: NamedDependency[Settings]
    ) -> Template | Redirect:
        values = await read_form(request)
        back = self._back(request, values)
        try:
            await claims.reject_claim(request.user, completion_id, forms.reject_input(values), settings)
        except Invalid as problem:
            shown = form_errors(problem, values, form=f"reject-{completion_id}")
            if back == "/training/claims":
                # The page of the list that holds the claim, so its error shows beside it.
                every = await claims.claims_waiting()
                at = next((i for i, c in enumerate(every) if c.id == completion_id), 0)
                waiting = page_of_list(every, page=at // PER_PAGE + 1)
                return render(
                    "training/record_claims.html",
                    status_code=422,
                    claims=waiting.items,
                    waiting=waiting,
                    **shown,
                )
            profile_id = int(back.rsplit("/", 1)[1])
            return render(
                "training/staff_record.html",
                status_code=422,
                **await _staff_record(request, profile_id, settings),
                **shown,
            )
        return Redirect(f"{back}?done=rejected")


class StaffTrainingPages(Controller):
    path = "/staff/training"
    opt = STAFF
    include_in_schema = False

    @get("/")
    async def overview(self, days: FromQuery[str | None] = None) -> Template:
        chosen = days if days in DAY_CHOICES else str(records.OVERVIEW_DAYS[0])
        return render(
            "training/staff_overview.html",
            rows=await records.overview(london_today(), int(chosen)),
            days=int(chosen),
            day_choices=DAY_CHOICES,
            values={"days": chosen},
            claims=len(await claims.claims_waiting()),
        )

    @get("/pa/{profile_id:int}")
    async def record(
        self,
        request: Request,
        profile_id: RecordId,
        settings: NamedDependency[Settings],
        done: FromQuery[str | None] = None,
    ) -> Template:
        return render(
            "training/staff_record.html",
            **await _staff_record(request, profile_id, settings),
            flash=DONE.get(done or "", ""),
        )


ROUTES: list[Any] = [OwnTrainingPages, ClaimPages, StaffTrainingPages, *record_api.ROUTES]
