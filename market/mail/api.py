"""Development only: the outbox as JSON, so a script can follow sign-up and reset emails."""

from __future__ import annotations

from typing import Any

from litestar import Controller, get
from litestar.params import FromQuery

from market.mail import services
from market.web.guards import STAFF


class OutboxAPI(Controller):
    path = "/api/v1/outbox"
    opt = STAFF
    tags = ["development"]

    @get("/", summary="Recent emails (development only)")
    async def outbox(self, to: FromQuery[str | None] = None) -> list[services.OutboxRow]:
        return await services.recent(to_address=to or "")


ROUTES: list[Any] = [OutboxAPI]
