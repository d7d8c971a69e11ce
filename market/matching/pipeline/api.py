"""The pipeline as JSON: the need's side under /api/v1/needs/{id}/applications, the PA's under
/api/v1/invitations. The same services and rules as the pages: every change carries the
version the caller read (409 with the problem when it moved on), every problem is named by
field (422), and an application that is not the caller's is 404."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

import msgspec
from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import JSONBody

from market.accounts.schemas import CurrentUser
from market.clock import london_today
from market.errors import Invalid
from market.matching.pipeline import applications as pipeline
from market.matching.pipeline import appointments, interviews, starting
from market.matching.pipeline.applications import ApplicationOut, InvitationOut
from market.matching.pipeline.detail import (
    ApplicationDetail,
    InvitationDetail,
    application_detail,
    invitation_detail,
)
from market.matching.pipeline.schemas import (
    HOURS_PER_WEEK,
    RATE_PENCE,
    CheckInput,
    InterviewInput,
    Minutes,
    Mode,
    OfferInput,
)
from market.settings import Settings
from market.web.guards import roles
from market.web.params import RecordId

NeedSideAction = Literal[
    "invite",
    "withdraw",
    "reject",
    "book_interview",
    "move_interview",
    "cancel_interview",
    "interview_notes",
    "offer",
    "record_acceptance",
    "check",
    "override_check",
    "start",
]
PAAction = Literal["accept", "decline", "accept_offer", "decline_offer", "withdraw"]


class ShortlistInput(msgspec.Struct, kw_only=True):
    profile_id: int


class NeedSideInput(msgspec.Struct, kw_only=True):
    """One change. Send the fields the action needs: dates ISO (2027-01-04), times RFC 3339
    (14:30:00, London time), money in pence (1350), hours a week as a number (12.5)."""

    action: NeedSideAction
    version: int
    reason: str = ""
    interview_id: int | None = None
    # book_interview, move_interview
    date: dt.date | None = None
    time: dt.time | None = None
    minutes: Minutes | None = None
    mode: Mode | None = None
    place: str = ""
    attendees: str = ""
    # interview_notes
    notes: str = ""
    # offer
    start_date: dt.date | None = None
    hours_per_week: Annotated[float, HOURS_PER_WEEK] | None = None
    rate_pence: Annotated[int, RATE_PENCE] | None = None
    # For an offer of fewer hours than the need's: once the PA accepts, does the need stay
    # open for the rest (true) or is it filled (false)? Required then, ignored otherwise.
    keep_need_open: bool | None = None
    # check
    item: str = ""
    done_on: dt.date | None = None
    note: str = ""

    def interview(self) -> InterviewInput:
        return InterviewInput(
            day=self.date,
            time=self.time,
            minutes=self.minutes,
            mode=self.mode,
            place=self.place,
            attendees=self.attendees,
        )

    def offer(self) -> OfferInput:
        # The offer's notes are not taken here: "notes" is the interview's (as before).
        return OfferInput(
            start_date=self.start_date,
            hours_per_week=self.hours_per_week,
            rate_pence=self.rate_pence,
            keep_need_open=self.keep_need_open,
        )

    def check(self) -> CheckInput:
        return CheckInput(done_on=self.done_on, note=self.note)


class PAInput(msgspec.Struct, kw_only=True):
    action: PAAction
    version: int
    reason: str = ""


def _interview_id(data: NeedSideInput) -> int:
    if data.interview_id is None:
        raise Invalid({"interview_id": "Say which interview"})
    return data.interview_id


async def _interview_change(
    user: CurrentUser, application_id: int, version: int, data: NeedSideInput
) -> None:
    match data.action:
        case "book_interview":
            await interviews.book(user, application_id, version, data.interview())
        case "move_interview":
            await interviews.reschedule(user, application_id, _interview_id(data), version, data.interview())
        case "cancel_interview":
            await interviews.cancel(user, application_id, _interview_id(data), version, data.reason)
        case "interview_notes":
            await interviews.record_outcome(user, application_id, _interview_id(data), version, data.notes)


class ApplicationsAPI(Controller):
    path = "/api/v1/needs/{need_id:int}/applications"
    opt = roles("recipient", "staff", "admin")
    tags = ["pipeline"]

    async def _detail(self, request: Request, need_id: int, application_id: int) -> ApplicationDetail:
        return await application_detail(request.user, need_id, application_id)

    @get("/", summary="A need's shortlist and everyone taken further, with their history")
    async def index(self, request: Request, need_id: RecordId) -> list[ApplicationOut]:
        return await pipeline.list_applications(request.user, need_id)

    @post("/", summary="Shortlist an approved PA for the need")
    async def create(
        self, request: Request, need_id: RecordId, data: JSONBody[ShortlistInput]
    ) -> ApplicationDetail:
        application_id = await pipeline.shortlist(request.user, need_id, data.profile_id)
        return await self._detail(request, need_id, application_id)

    @get("/{application_id:int}", summary="One application: stage, history, interviews, offer, checklist")
    async def show(self, request: Request, need_id: RecordId, application_id: RecordId) -> ApplicationDetail:
        return await self._detail(request, need_id, application_id)

    @post("/{application_id:int}/actions", summary="Move an application on (send the version you read)")
    async def act(
        self,
        request: Request,
        need_id: RecordId,
        application_id: RecordId,
        data: JSONBody[NeedSideInput],
        settings: NamedDependency[Settings],
    ) -> ApplicationDetail:
        await pipeline.get_application(request.user, need_id, application_id)  # 404 unless theirs
        user, version = request.user, data.version
        match data.action:
            case "invite":
                await pipeline.invite(user, application_id, version, base_url=settings.base_url)
            case "withdraw":
                await pipeline.withdraw(user, application_id, version, data.reason)
            case "reject":
                await pipeline.reject(user, application_id, version, data.reason)
            case "book_interview" | "move_interview" | "cancel_interview" | "interview_notes":
                await _interview_change(user, application_id, version, data)
            case "offer":
                await appointments.offer(
                    user, application_id, version, data.offer(), base_url=settings.base_url
                )
            case "record_acceptance":
                await appointments.record_acceptance(user, application_id, version)
            case "check":
                await appointments.tick(
                    user, application_id, version, data.item, data.check(), london_today()
                )
            case "override_check":
                await appointments.override(user, application_id, version, data.item, data.reason)
            case "start":
                await starting.start(user, application_id, version)
        return await self._detail(request, need_id, application_id)


class InvitationsAPI(Controller):
    path = "/api/v1/invitations"
    opt = roles("pa")
    tags = ["pipeline"]

    async def _detail(self, request: Request, application_id: int) -> InvitationDetail:
        return await invitation_detail(request.user, application_id)

    @get("/", summary="Your invitations: no recipient names or addresses")
    async def index(self, request: Request) -> list[InvitationOut]:
        return await pipeline.list_invitations(request.user)

    @get("/{application_id:int}", summary="One invitation, with its interviews and any offer")
    async def show(self, request: Request, application_id: RecordId) -> InvitationDetail:
        return await self._detail(request, application_id)

    @post("/{application_id:int}/actions", summary="Accept or decline an invitation or an offer, or withdraw")
    async def act(
        self, request: Request, application_id: RecordId, data: JSONBody[PAInput]
    ) -> InvitationDetail:
        await pipeline.get_invitation(request.user, application_id)
        user, version = request.user, data.version
        match data.action:
            case "accept" | "decline":
                await pipeline.respond(user, application_id, data.action == "accept", version, data.reason)
            case "accept_offer":
                await appointments.accept_offer(user, application_id, version)
            case "decline_offer":
                await appointments.decline_offer(user, application_id, version, data.reason)
            case "withdraw":
                await pipeline.pa_withdraw(user, application_id, version, data.reason)
        return await self._detail(request, application_id)


ROUTES: list[Any] = [ApplicationsAPI, InvitationsAPI]
