"""Development only: the outbox as JSON, so a script can follow sign-up and reset emails."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get
from litestar.params import FromQuery

from market.mail import outbox, services
from market.web.guards import STAFF


class OutboxAPI(Controller):
    path = "/api/v1/outbox"
    opt = STAFF
    tags = ["development"]

    @get(
        "/",
        summary="Recent emails (development only)",
        description="An email holding a link into someone else's account (password reset, invitation, "
        "email confirmation, sign-in link) is listed with `withheld: true` and an empty `body_text`.",
    )
    async def outbox(self, request: Request, to: FromQuery[str | None] = None) -> list[services.OutboxRow]:
        return await outbox.listing(request.user.email, to_address=to or "")


ROUTES: list[Any] = [OutboxAPI]
