"""The PA's one-page profile, for print: their own words, skills, pay, availability and DBS
badge on one sheet of A4. It lives here, above both the register and DBS, because the badge
comes from the DBS feature and the register sits below it."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get
from litestar.di import NamedDependency
from litestar.response import Template

from market.clock import london_today
from market.dbs.standing import Policy, standing
from market.register import details, services
from market.register.availability import DAYS, Slot, week_grid
from market.register.schemas import EMPLOYMENT, SHIFT_KINDS, TEXT_LIMIT, WONT_DO, YEAR_PATTERNS
from market.settings import Settings
from market.web.guards import roles
from market.web.render import render


class PrintPages(Controller):
    path = "/profile"
    opt = roles("pa")
    include_in_schema = False

    @get("/print")
    async def print_view(self, request: Request, settings: NamedDependency[Settings]) -> Template:
        profile = await services.own_profile(request.user)
        slots = [Slot(start=s.start_minute, end=s.end_minute) for s in profile.availability]
        dbs = await standing(profile.id, london_today(), Policy.of(settings))
        return render(
            "register/print.html",
            profile=profile,
            experience=await details.experience(profile.id),
            pattern=await details.work_pattern(profile.id),
            grid=week_grid(slots),
            days=DAYS,
            hours=services.weekly_hours(profile.availability),
            shift_kinds=SHIFT_KINDS,
            wont_do=WONT_DO,
            year_patterns=YEAR_PATTERNS,
            employment=EMPLOYMENT,
            dbs_badge=dbs.badge if dbs else "",
            too_long=[
                field
                for field in ("admire", "matters", "how_to_work")
                if len(getattr(profile, field)) > TEXT_LIMIT
            ],
        )


ROUTES: list[Any] = [PrintPages]
