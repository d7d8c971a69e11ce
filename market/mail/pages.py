"""Development only: the outbox, so sign-up and reset emails can be followed without SMTP."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get
from litestar.di import NamedDependency
from litestar.params import FromQuery
from litestar.response import Template

from market.errors import NotFound
from market.mail import outbox, services
from market.settings import Settings
from market.web.guards import STAFF
from market.web.params import PageNumber, RecordId
from market.web.render import render


class OutboxPages(Controller):
    path = "/staff/outbox"
    opt = STAFF
    include_in_schema = False

    @get("/")
    async def outbox(
        self,
        request: Request,
        q: FromQuery[str | None] = None,
        status: FromQuery[str | None] = None,
        page: PageNumber = 1,
    ) -> Template:
        status = status if status in services.STATUSES else ""
        emails = await outbox.page(request.user.email, query=q or "", status=status, number=page)
        return render(
            "mail/outbox.html",
            emails=emails,
            q=q or "",
            status=status,
            statuses=services.STATUSES,
            filters={"q": q or "", "status": status},
            withheld_reason=outbox.WITHHELD_REASON,
        )

    @get("/{email_id:int}")
    async def email(
        self, request: Request, email_id: RecordId, settings: NamedDependency[Settings]
    ) -> Template:
        email = await outbox.one(email_id, request.user.email)
        if email is None:
            raise NotFound()
        return render(
            "mail/email.html",
            email=email,
            withheld_reason=outbox.WITHHELD_REASON,
            # What the sender adds at the foot when the email goes (mail.services.signature).
            signature=services.signature(settings),
        )


ROUTES: list[Any] = [OutboxPages]
