"""The matching APIs beside the needs and pipeline ones: a need's matches (for the people
who act for it and staff), and a PA's work near them."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, get
from litestar.di import NamedDependency
from litestar.params import QueryParameter

from market.clock import london_today
from market.fields import PG_INT_MAX
from market.matching import matches
from market.matching import work_near as work
from market.matching.matches import PER_PAGE, MatchesOut
from market.settings import Settings
from market.web.guards import roles
from market.web.params import RecordId


class MatchAPI(Controller):
    path = "/api/v1/needs"
    opt = roles("recipient", "staff", "admin")
    tags = ["matching"]

    @get(
        "/{need_id:int}/matches",
        summary="The PAs who meet every requirement of a need, best first, with reasons",
        description=(
            "A page of the matches: at most `limit`, after the best `offset`; `total` counts "
            "them all, so every match can be reached (`offset` + `limit` < `total`: there are "
            "more). `reasons` say why each PA is suggested and `worth_knowing` what tells "
            "against them; `rules` are what every listed PA meets, for this need."
        ),
    )
    async def matches(
        self,
        request: Request,
        need_id: RecordId,
        settings: NamedDependency[Settings],
        limit: Annotated[
            int, QueryParameter(ge=1, le=100, description="The most to return (1 to 100)")
        ] = PER_PAGE,
        offset: Annotated[
            int, QueryParameter(ge=0, le=PG_INT_MAX, description="How many of the best to skip")
        ] = 0,
    ) -> MatchesOut:
        return await matches.matches(
            request.user, need_id, settings, london_today(), limit=limit, offset=offset
        )


class WorkAPI(Controller):
    path = "/api/v1/work"
    opt = roles("pa")
    tags = ["matching"]

    @get("/", summary="Open needs you meet every requirement of, best first (no names or addresses)")
    async def near_me(self, request: Request, settings: NamedDependency[Settings]) -> list[work.WorkOut]:
        return await work.work_near_me(request.user, settings, london_today())


ROUTES: list[Any] = [MatchAPI, WorkAPI]
