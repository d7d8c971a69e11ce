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
from market.web.params import RecordId
from market.web.render import render


class OutboxPages(Controller):
    path = "/staff/outbox"
    opt = STAFF
    include_in_schema = False

    @get("/")
    async def outbox(self, request: Request, to: FromQuery[str | None] = None) -> Template:
        emails = await outbox.listing(request.user.email, to_address=to or "")
        return render("mail/outbox.html", emails=emails, to=to or "", withheld_reason=outbox.WITHHELD_REASON)

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
