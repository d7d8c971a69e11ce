"""A need's ranked matches, with reasons and the counts of PAs each rule excluded."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get
from litestar.di import NamedDependency
from litestar.response import Template

from market.dbs.forms import london_today
from market.matching import matches
from market.matching.needs import get_need
from market.settings import Settings
from market.web.guards import roles
from market.web.params import RecordId
from market.web.render import render


class MatchPages(Controller):
    path = "/needs"
    opt = roles("recipient", "staff", "admin")
    include_in_schema = False

    @get("/{need_id:int}/matches")
    async def matches(
        self, request: Request, need_id: RecordId, settings: NamedDependency[Settings]
    ) -> Template:
        need = await get_need(request.user, need_id)
        found = await matches.for_need(need, settings, london_today())
        return render("matching/matches.html", need=need, found=found)


class MatchAPI(Controller):
    path = "/api/v1/needs"
    opt = roles("recipient", "staff", "admin")
    tags = ["matching"]

    @get(
        "/{need_id:int}/matches",
        summary="The PAs who meet every requirement of a need, best first, with reasons",
    )
    async def matches(
        self, request: Request, need_id: RecordId, settings: NamedDependency[Settings]
    ) -> matches.MatchesOut:
        return await matches.matches(request.user, need_id, settings, london_today())


ROUTES: list[Any] = [MatchPages, MatchAPI]
