"""The register's JSON API: the PA's own profile, and staff vetting. Same services, same guards."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, delete, get, post, put
from litestar.di import NamedDependency
from litestar.params import JSONBody

from market.register import services, vetting, vetting_queue
from market.register.schemas import (
    AboutInput,
    CheckInput,
    DecisionInput,
    OutcomeInput,
    OwnProfileOut,
    ReasonInput,
    ReferenceInput,
    SkillsInput,
    SlotInput,
    TermsInput,
    WhereInput,
)
from market.settings import Settings
from market.web.guards import STAFF, roles
from market.web.params import RecordId


class OwnProfileAPI(Controller):
    path = "/api/v1/profile"
    opt = roles("pa")
    tags = ["register"]

    @get("/", summary="Your profile, with what is missing before it can be sent for checks")
    async def profile(self, request: Request) -> OwnProfileOut:
        return await services.own_profile(request.user)

    @put("/about", summary="The one-page texts")
    async def about(self, request: Request, data: JSONBody[AboutInput]) -> OwnProfileOut:
        await services.update_about(request.user, data)
        return await services.own_profile(request.user)

    @put("/where", summary="Home postcode (private), travel and driving")
    async def where(self, request: Request, data: JSONBody[WhereInput]) -> OwnProfileOut:
        await services.update_where(request.user, data)
        return await services.own_profile(request.user)

    @put("/terms", summary="Lowest hourly rate, employment, right to work")
    async def terms(self, request: Request, data: JSONBody[TermsInput]) -> OwnProfileOut:
        await services.update_terms(request.user, data)
        return await services.own_profile(request.user)

    @put("/skills", summary="Skills by code, with years of experience")
    async def skills(self, request: Request, data: JSONBody[SkillsInput]) -> OwnProfileOut:
        await services.set_skills(request.user, data)
        return await services.own_profile(request.user)

    @post("/slots", status_code=201, summary="Add a weekly slot (an end before the start means the next day)")
    async def add_slot(self, request: Request, data: JSONBody[SlotInput]) -> OwnProfileOut:
        await services.add_slot(request.user, data)
        return await services.own_profile(request.user)

    @delete("/slots/{slot_id:int}", status_code=204, summary="Remove one of your slots")
    async def remove_slot(self, request: Request, slot_id: RecordId) -> None:
        await services.remove_slot(request.user, slot_id)

    @post("/submit", status_code=200, summary="Send a complete profile to staff for checks")
    async def submit(self, request: Request) -> OwnProfileOut:
        await vetting.submit(request.user)
        return await services.own_profile(request.user)


class VettingAPI(Controller):
    path = "/api/v1/vetting"
    opt = STAFF
    tags = ["vetting"]

    @get("/", summary="Waiting for checks, due for review, suspended")
    async def queue(self) -> dict[str, list[vetting_queue.QueueRow]]:
        return await vetting_queue.queue()

    @get("/{profile_id:int}", summary="One PA's vetting: checks, references, history, what is outstanding")
    async def state(self, profile_id: RecordId) -> vetting.VettingState:
        return await vetting.state(profile_id)

    @post("/{profile_id:int}/checks", status_code=201, summary="Record a check")
    async def check(
        self, request: Request, profile_id: RecordId, data: JSONBody[CheckInput]
    ) -> vetting.VettingState:
        await vetting.record_check(profile_id, data.kind, data.outcome, data.note, actor=request.user)
        return await vetting.state(profile_id)

    @post("/{profile_id:int}/references", status_code=201, summary="Add a referee")
    async def reference(
        self, request: Request, profile_id: RecordId, data: JSONBody[ReferenceInput]
    ) -> vetting.VettingState:
        await vetting.add_reference(profile_id, data, actor=request.user)
        return await vetting.state(profile_id)

    @put("/{profile_id:int}/references/{reference_id:int}", summary="Record a reference's outcome")
    async def reference_outcome(
        self,
        request: Request,
        profile_id: RecordId,
        reference_id: RecordId,
        data: JSONBody[OutcomeInput],
    ) -> vetting.VettingState:
        await vetting.record_reference(profile_id, reference_id, data.outcome, actor=request.user)
        return await vetting.state(profile_id)

    @post("/{profile_id:int}/decision", status_code=200, summary="Approve, ask for changes, or decline")
    async def decision(
        self,
        request: Request,
        profile_id: RecordId,
        data: JSONBody[DecisionInput],
        settings: NamedDependency[Settings],
    ) -> vetting.VettingState:
        await vetting.decide(profile_id, data.decision, data.reason, actor=request.user, settings=settings)
        return await vetting.state(profile_id)

    @post("/{profile_id:int}/suspend", status_code=200, summary="Suspend a listed PA, with a reason")
    async def suspend(
        self,
        request: Request,
        profile_id: RecordId,
        data: JSONBody[ReasonInput],
        settings: NamedDependency[Settings],
    ) -> vetting.VettingState:
        await vetting.suspend(profile_id, data.reason, actor=request.user, settings=settings)
        return await vetting.state(profile_id)

    @post("/{profile_id:int}/reinstate", status_code=200, summary="Reinstate a suspended PA, with a reason")
    async def reinstate(
        self,
        request: Request,
        profile_id: RecordId,
        data: JSONBody[ReasonInput],
        settings: NamedDependency[Settings],
    ) -> vetting.VettingState:
        await vetting.reinstate(profile_id, data.reason, actor=request.user, settings=settings)
        return await vetting.state(profile_id)


ROUTES: list[Any] = [OwnProfileAPI, VettingAPI]
