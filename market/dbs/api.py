"""The DBS JSON API: the PA's own status; staff's record, certificates, decisions, status
checks, applications and lists. The same services as the pages; dates are ISO strings."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import JSONBody

from market.dbs import application_lists, applications, checks, records, worklist
from market.dbs.schemas import (
    AccessOut,
    ApplicationInput,
    ApplicationOut,
    CertificateInput,
    ConsentInput,
    DecisionInput,
    HolderInput,
    OriginalSeenInput,
    OwnDBSOut,
    StaffRecordOut,
    StatusCheckInput,
    StepInput,
    WithdrawInput,
)
from market.settings import Settings
from market.web.guards import STAFF, roles
from market.web.params import RecordId


class CreatedOut(msgspec.Struct, kw_only=True):
    id: int


class StepOut(msgspec.Struct, kw_only=True):
    step: str


class OwnDBSAPI(Controller):
    path = "/api/v1/dbs/me"
    opt = roles("pa")
    tags = ["dbs"]

    @get("/", summary="Your DBS status: the badge, your certificates (numbers masked), your applications")
    async def own(self, request: Request, settings: NamedDependency[Settings]) -> OwnDBSOut:
        return await records.own_record(request.user, settings)

    @post(
        "/checks/{check_id:int}/consent", summary="Consent to Update Service status checks", status_code=204
    )
    async def consent(self, request: Request, check_id: RecordId) -> None:
        await checks.give_consent(request.user, check_id)

    @post("/checks/{check_id:int}/consent/withdraw", summary="Withdraw that consent", status_code=204)
    async def withdraw_consent(self, request: Request, check_id: RecordId) -> None:
        await checks.withdraw_consent(request.user, check_id)

    @post("/applications", summary="Ask for a check (route: service or own)", status_code=201)
    async def ask(self, request: Request, data: JSONBody[ApplicationInput]) -> CreatedOut:
        return CreatedOut(id=await applications.request_by_pa(request.user, data))


class StaffDBSAPI(Controller):
    path = "/api/v1/dbs"
    opt = STAFF
    tags = ["dbs"]

    @get("/worklist", summary="Checks overdue and falling due in 30/60/90 days, and the to-do list")
    async def worklist(self, settings: NamedDependency[Settings]) -> worklist.Worklist:
        return await worklist.build(settings)

    @get("/applications", summary="Open applications by step, with days waiting")
    async def queue(self, settings: NamedDependency[Settings]) -> dict[str, list[ApplicationOut]]:
        return await application_lists.queue(settings.dbs_stuck_days)

    @get("/pa/{profile_id:int}", summary="A PA's DBS record (this read is audit-logged)")
    async def record(
        self, request: Request, profile_id: RecordId, settings: NamedDependency[Settings]
    ) -> StaffRecordOut:
        return await records.staff_record(profile_id, request.user, settings)

    @get("/pa/{profile_id:int}/access", summary="Every read and change of the PA's DBS data")
    async def access(self, request: Request, profile_id: RecordId) -> list[AccessOut]:
        return await records.who_looked(profile_id, request.user)

    @post("/pa/{profile_id:int}/checks", summary="Record a certificate the PA holds", status_code=201)
    async def add_check(
        self, request: Request, profile_id: RecordId, data: JSONBody[CertificateInput]
    ) -> CreatedOut:
        return CreatedOut(id=await checks.record_check(profile_id, data, actor=request.user))

    @post(
        "/pa/{profile_id:int}/checks/{check_id:int}/holder",
        summary="Update Service and holder details",
        status_code=204,
    )
    async def holder(
        self, request: Request, profile_id: RecordId, check_id: RecordId, data: JSONBody[HolderInput]
    ) -> None:
        await checks.update_holder(profile_id, check_id, data, actor=request.user)

    @post(
        "/pa/{profile_id:int}/checks/{check_id:int}/decision",
        summary="Record a decision (needs the DBS permission)",
        status_code=204,
    )
    async def decision(
        self, request: Request, profile_id: RecordId, check_id: RecordId, data: JSONBody[DecisionInput]
    ) -> None:
        await checks.record_decision(profile_id, check_id, data, actor=request.user)

    @post(
        "/pa/{profile_id:int}/checks/{check_id:int}/consent",
        summary="Record the PA's consent",
        status_code=204,
    )
    async def consent(
        self, request: Request, profile_id: RecordId, check_id: RecordId, data: JSONBody[ConsentInput]
    ) -> None:
        await checks.record_consent(profile_id, check_id, data, actor=request.user)

    @post(
        "/pa/{profile_id:int}/checks/{check_id:int}/original-seen",
        summary="Record seeing the original certificate in person",
        status_code=204,
    )
    async def original(
        self, request: Request, profile_id: RecordId, check_id: RecordId, data: JSONBody[OriginalSeenInput]
    ) -> None:
        await checks.record_original_seen(profile_id, check_id, data, actor=request.user)

    @post(
        "/pa/{profile_id:int}/checks/{check_id:int}/status-checks",
        summary="Record an Update Service status check",
        status_code=201,
    )
    async def status_check(
        self, request: Request, profile_id: RecordId, check_id: RecordId, data: JSONBody[StatusCheckInput]
    ) -> dict[str, Any]:
        result = await checks.record_status_check(profile_id, check_id, data, actor=request.user)
        return {"result": result}

    @post("/pa/{profile_id:int}/applications", summary="Start an application (any route)", status_code=201)
    async def start(
        self, request: Request, profile_id: RecordId, data: JSONBody[ApplicationInput]
    ) -> CreatedOut:
        return CreatedOut(id=await applications.start(profile_id, data, actor=request.user))

    @post("/pa/{profile_id:int}/applications/{application_id:int}/step", summary="Record the next step")
    async def step(
        self, request: Request, profile_id: RecordId, application_id: RecordId, data: JSONBody[StepInput]
    ) -> StepOut:
        return StepOut(step=await applications.advance(profile_id, application_id, data, actor=request.user))

    @post(
        "/pa/{profile_id:int}/applications/{application_id:int}/withdraw",
        summary="Withdraw an application",
        status_code=204,
    )
    async def withdraw(
        self, request: Request, profile_id: RecordId, application_id: RecordId, data: JSONBody[WithdrawInput]
    ) -> None:
        await applications.withdraw(profile_id, application_id, data, actor=request.user)


ROUTES: list[Any] = [OwnDBSAPI, StaffDBSAPI]
