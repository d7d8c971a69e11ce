"""The PA's "work near me" page (its API is in market.matching.api)."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get
from litestar.di import NamedDependency
from litestar.response import Template

from market.clock import london_today
from market.matching import work_near as work
from market.register import directory
from market.settings import Settings
from market.web.guards import roles
from market.web.render import render


class WorkPages(Controller):
    path = "/work"
    opt = roles("pa")
    include_in_schema = False

    @get("/")
    async def page(self, request: Request, settings: NamedDependency[Settings]) -> Template:
        worker = await directory.worker_of_user(request.user.id)
        listed = worker is not None and worker.status == "approved"
        found = await work.work_near_me(request.user, settings, london_today(), worker=worker)
        return render("matching/work.html", work=found, listed=listed)


ROUTES: list[Any] = [WorkPages]
