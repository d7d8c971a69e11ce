"""The pipeline's pages. The need's side: a Shortlist button on the matches page, and the
shortlist with each PA's stage, history and Invite / Withdraw / Reject buttons. The PA:
their invitations, each with Accept / Decline. A change made against an old version
re-renders the page with the latest state and says so (409).
"""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from market.clock import london_today
from market.errors import Conflict, Invalid, NotFound
from market.fields import whole_number
from market.matching.needs.lifecycle import get_need
from market.matching.pipeline import applications as pipeline
from market.matching.pipeline import appointments, interviews
from market.matching.pipeline.application_pages import calendar_response, version_of
from market.matching.pipeline.detail import invitation_detail
from market.matching.pipeline.upcoming import upcoming_for_pa
from market.settings import Settings
from market.web.forms import form_errors, read_form
from market.web.guards import roles
from market.web.params import RecordId
from market.web.render import render

DONE = {
    "shortlisted": "The PA is on the shortlist.",
    "sent": "The cover has been sent: each PA below has been invited and emailed.",
    "invited": "The PA has been invited. We have emailed them.",
    "withdrawn": "The invitation has been withdrawn.",
    "rejected": "The PA will not be taken forward.",
    "accepted": "You have accepted the invitation.",
    "declined": "You have declined the invitation.",
    "appointed": "You have accepted the offer. Congratulations.",
    "offer-declined": "You have declined the offer.",
    "stepped-back": "You have withdrawn. We have told them.",
}
# What a PA may do with an invitation: the service that does it, and the message after.
PA_ANSWERS = {
    "accept": "accepted",
    "decline": "declined",
    "accept-offer": "appointed",
    "decline-offer": "offer-declined",
    "withdraw": "stepped-back",
}


class ShortlistPages(Controller):
    path = "/needs"
    opt = roles("recipient", "staff", "admin")
    include_in_schema = False

    async def _page(
        self, request: Request, need_id: int, *, status_code: int = 200, **extra: Any
    ) -> Template:
        return render(
            "matching/shortlist.html",
            status_code=status_code,
            need=await get_need(request.user, need_id),
            applications=await pipeline.list_applications(request.user, need_id),
            stages=pipeline.STAGES,
            open_stages=pipeline.OPEN_STAGES,
            **extra,
        )

    @get("/{need_id:int}/shortlist")
    async def shortlist(
        self, request: Request, need_id: RecordId, done: FromQuery[str | None] = None
    ) -> Template:
        return await self._page(request, need_id, flash=DONE.get(done or "", ""))

    @post("/{need_id:int}/shortlist")
    async def add(self, request: Request, need_id: RecordId) -> Template | Redirect:
        data = await read_form(request)
        raw = data.get("profile_id", "")
        try:
            await pipeline.shortlist(request.user, need_id, whole_number(raw) or 0)
        except Invalid as invalid:
            message = next(iter(invalid.errors.values()))
            return await self._page(
                request, need_id, status_code=422, **form_errors({"profile": message}, data)
            )
        return Redirect(f"/needs/{need_id}/shortlist?done=shortlisted")

    @post("/{need_id:int}/shortlist/{application_id:int}/{action:str}")
    async def change(
        self,
        request: Request,
        need_id: RecordId,
        application_id: RecordId,
        action: FromPath[str],
        settings: NamedDependency[Settings],
    ) -> Template | Redirect:
        data = await read_form(request)
        apps = {a.id for a in await pipeline.list_applications(request.user, need_id)}
        if application_id not in apps or action not in ("invite", "withdraw", "reject"):
            return await self._page(request, need_id, status_code=404)
        version = version_of(data)
        reason = data.get("reason", "")
        try:
            if action == "invite":
                await pipeline.invite(request.user, application_id, version, base_url=settings.base_url)
            elif action == "withdraw":
                await pipeline.withdraw(request.user, application_id, version, reason)
            else:
                await pipeline.reject(request.user, application_id, version, reason)
        except Conflict as conflict:
            return await self._page(
                request,
                need_id,
                status_code=409,
                **form_errors({f"application-{application_id}": conflict.detail}, {}),
            )
        done = {"invite": "invited", "withdraw": "withdrawn", "reject": "rejected"}[action]
        return Redirect(f"/needs/{need_id}/shortlist?done={done}")


class InvitationPages(Controller):
    path = "/invitations"
    opt = roles("pa")
    include_in_schema = False

    @get("/")
    async def mine(self, request: Request, done: FromQuery[str | None] = None) -> Template:
        return render(
            "matching/invitations.html",
            invitations=await pipeline.list_invitations(request.user),
            flash=DONE.get(done or "", ""),
        )

    async def _page(
        self, request: Request, application_id: int, *, status_code: int = 200, **extra: Any
    ) -> Template:
        detail = await invitation_detail(request.user, application_id)
        return render(
            "matching/invitation.html",
            status_code=status_code,
            invitation=detail.invitation,
            interviews=detail.interviews,
            lengths=interviews.LENGTHS,
            offer=detail.offer,
            clashes=detail.overlapping_hours,
            agreed=pipeline.AGREED_STAGES,
            **extra,
        )

    @get("/{application_id:int}")
    async def show(
        self, request: Request, application_id: RecordId, done: FromQuery[str | None] = None
    ) -> Template:
        return await self._page(request, application_id, flash=DONE.get(done or "", ""))

    @get("/{application_id:int}/interviews/{interview_id:int}/interview.ics")
    async def calendar(
        self, request: Request, application_id: RecordId, interview_id: RecordId
    ) -> Response[str]:
        return calendar_response(await interviews.calendar_for_pa(request.user, application_id, interview_id))

    @post("/{application_id:int}/{answer:str}")
    async def respond(
        self, request: Request, application_id: RecordId, answer: FromPath[str]
    ) -> Template | Redirect:
        data = await read_form(request)
        await pipeline.get_invitation(request.user, application_id)  # 404 unless theirs
        if answer not in PA_ANSWERS:
            raise NotFound()
        user, version, reason = request.user, version_of(data), data.get("reason", "")
        try:
            if answer in ("accept", "decline"):
                await pipeline.respond(user, application_id, answer == "accept", version, reason)
            elif answer == "accept-offer":
                await appointments.accept_offer(user, application_id, version)
            elif answer == "decline-offer":
                await appointments.decline_offer(user, application_id, version, reason)
            else:
                await pipeline.pa_withdraw(user, application_id, version, reason)
        except Conflict as conflict:
            return await self._page(
                request, application_id, status_code=409, **form_errors({"answer": conflict.detail}, {})
            )
        done = PA_ANSWERS[answer]
        if answer in ("accept", "decline"):
            return Redirect(f"/invitations?done={done}")
        return Redirect(f"/invitations/{application_id}?done={done}")


class PAInterviewPages(Controller):
    path = "/interviews"
    opt = roles("pa")
    include_in_schema = False

    @get("/")
    async def upcoming(self, request: Request) -> Template:
        return render(
            "matching/interviews.html",
            interviews=await upcoming_for_pa(request.user, london_today()),
            lengths=interviews.LENGTHS,
        )


ROUTES: list[Any] = [ShortlistPages, InvitationPages, PAInterviewPages]
