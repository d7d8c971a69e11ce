"""The training record JSON API: the PA's own record and claims; claims waiting for
verification (trainers and staff); staff's overview and each PA's record. Dates are ISO."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Controller, Request, delete, get, post
from litestar.di import NamedDependency
from litestar.params import JSONBody

from market.clock import london_today
from market.errors import Invalid, NotFound
from market.settings import Settings
from market.training import claims, records
from market.training.schemas import ClaimInput, RejectInput
from market.web.guards import STAFF, roles
from market.web.params import QueryWholeNumber, RecordId


class CreatedOut(msgspec.Struct, kw_only=True):
    id: int


class OwnTrainingAPI(Controller):
    path = "/api/v1/training/me"
    opt = roles("pa")
    tags = ["training"]

    @get("/", summary="Your training record: completions, what expires soon, gaps")
    async def own(self, request: Request, settings: NamedDependency[Settings]) -> records.RecordOut:
        profile_id = await records.own_profile_id(request.user)
        if profile_id is None:
            raise NotFound("You have no profile yet")
        return await records.pa_record(profile_id, london_today(), settings, viewer=request.user)

    @post("/claims", summary="Add training you did elsewhere (unverified until checked)", status_code=201)
    async def add(self, request: Request, data: JSONBody[ClaimInput]) -> CreatedOut:
        return CreatedOut(id=await claims.add_claim(request.user, data, london_today()))

    @delete("/claims/{completion_id:int}", summary="Delete your own unverified claim", status_code=204)
    async def remove(self, request: Request, completion_id: RecordId) -> None:
        await claims.delete_claim(request.user, completion_id)


class ClaimsAPI(Controller):
    path = "/api/v1/training/claims"
    opt = roles(*claims.VERIFIERS)
    tags = ["training"]

    @get("/", summary="Claims waiting for verification, oldest first")
    async def waiting(self) -> list[claims.ClaimOut]:
        return await claims.claims_waiting()

    @post("/{completion_id:int}/verify", summary="Verify a claim", status_code=204)
    async def verify(self, request: Request, completion_id: RecordId) -> None:
        await claims.verify_claim(request.user, completion_id)

    @post(
        "/{completion_id:int}/reject",
        summary="Reject a claim: it is deleted, the PA emailed",
        status_code=204,
    )
    async def reject(
        self,
        request: Request,
        completion_id: RecordId,
        settings: NamedDependency[Settings],
        data: JSONBody[RejectInput],
    ) -> None:
        await claims.reject_claim(request.user, completion_id, data, settings)


class StaffTrainingAPI(Controller):
    path = "/api/v1/training"
    opt = STAFF
    tags = ["training"]

    @get("/overview", summary="Approved PAs with training expiring, expired, gaps or claims waiting")
    async def overview(self, days: QueryWholeNumber = records.OVERVIEW_DAYS[0]) -> list[records.OverviewRow]:
        if days not in records.OVERVIEW_DAYS:
            raise Invalid({"days": f"Choose one of {', '.join(map(str, records.OVERVIEW_DAYS))}"})
        return await records.overview(london_today(), days)

    @get("/pa/{profile_id:int}", summary="A PA's training record")
    async def record(
        self, request: Request, profile_id: RecordId, settings: NamedDependency[Settings]
    ) -> records.RecordOut:
        return await records.pa_record(profile_id, london_today(), settings, viewer=request.user)


ROUTES: list[Any] = [OwnTrainingAPI, ClaimsAPI, StaffTrainingAPI]
