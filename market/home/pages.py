"""The start page, each role's home page, and the pages linked from the footer."""

from __future__ import annotations

from datetime import date
from typing import Any

from litestar import Controller, Request, get
from litestar.di import NamedDependency
from litestar.params import FromQuery
from litestar.response import Redirect, Template

from market.accounts.pages import done_message
from market.clock import london_date
from market.register import services as register
from market.register.import_rows import INVITE_LIFETIME
from market.settings import Settings
from market.web.guards import PUBLIC, SIGNED_IN
from market.web.render import render


def _long(day: date | None) -> str:
    return f"{day.day} {day.strftime('%B %Y')}" if day else ""


class PublicPages(Controller):
    opt = PUBLIC
    include_in_schema = False

    @get("/")
    async def start(self, request: Request) -> Template | Redirect:
        if request.scope.get("user"):
            return Redirect("/home")
        return render("pages/start.html")

    @get("/privacy")
    async def privacy(self, settings: NamedDependency[Settings]) -> Template:
        # The notice states the retention periods and the online look-ups actually configured.
        return render(
            "pages/privacy.html",
            rationale_months=settings.dbs_rationale_retention_months,
            session_days=settings.session_days,
            token_hours=settings.token_hours,
            invite_days=INVITE_LIFETIME.days,
            geocoder=settings.geocoder,
            smtp=bool(settings.smtp_host),
        )

    @get("/accessibility")
    async def accessibility(self, settings: NamedDependency[Settings]) -> Template:
        return render("pages/accessibility.html", base_url=settings.base_url)

    @get("/cookies")
    async def cookies(self) -> Template:
        return render("pages/cookies.html")


class HomePages(Controller):
    opt = SIGNED_IN
    include_in_schema = False

    @get("/home")
    async def home(self, request: Request, done: FromQuery[str | None] = None) -> Template:
        context: dict[str, Any] = {}
        if request.user.role == "pa":
            profile = await register.own_profile(request.user)
            context = {
                "checklist": profile.checklist,
                "profile_status": profile.status,
                "status_reason": profile.status_reason,
                "approved_on": _long(london_date(profile.approved_at)),
                "review_due_on": _long(profile.review_due_on),
                # A car, but nothing said of its business insurance (it could not be carried
                # over from before the question was asked, issue 21): ask for it.
                "ask_insurance": profile.has_car and profile.car_insurance is None,
            }
        return render(f"home/{request.user.role}.html", flash=done_message(done), **context)


ROUTES: list[Any] = [PublicPages, HomePages]
