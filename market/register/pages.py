"""The PA's own profile pages: one question page per section, and a summary with a checklist."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.params import FromQuery
from litestar.response import Redirect, Template

from market.register import services
from market.register.availability import DAYS
from market.register.schemas import EMPLOYMENT, WONT_DO, YEAR_PATTERNS, AboutInput, TermsInput, WhereInput
from market.register.vetting import STATUS_NAMES
from market.web.forms import form_page, form_struct, read_form
from market.web.guards import roles
from market.web.params import RecordId
from market.web.render import render

DONE = {
    "about": "Your one-page profile has been saved.",
    "where": "Where you work has been saved.",
    "terms": "Your pay and right to work have been saved.",
    "skills": "Your skills have been saved.",
    "slot-added": "The slot has been added.",
    "slot-removed": "The slot has been removed.",
    "submitted": "Your profile has been sent to our team. We will email you when we have checked it.",
}


def _pounds(pence: int | None) -> str:
    return "" if pence is None else f"{pence / 100:.2f}"


class ProfilePages(Controller):
    path = "/profile"
    opt = roles("pa")
    include_in_schema = False

    @get("/")
    async def summary(self, request: Request, done: FromQuery[str | None] = None) -> Template:
        profile = await services.own_profile(request.user)
        return render(
            "register/profile.html",
            status_names=STATUS_NAMES,
            profile=profile,
            employment=EMPLOYMENT,
            wont_do=WONT_DO,
            year_patterns=YEAR_PATTERNS,
            hours=services.weekly_hours(profile.availability),
            flash=DONE.get(done or "", ""),
        )

    @get("/about")
    async def about_form(self, request: Request) -> Template:
        profile = await services.own_profile(request.user)
        values = {k: getattr(profile, k) for k in AboutInput.__struct_fields__}
        return render("register/about.html", values=values)

    @post("/about")
    async def about(self, request: Request) -> Redirect:
        data = await read_form(request)
        form_page(request, "register/about.html", {}, data)
        await services.update_about(request.user, form_struct(data, AboutInput))
        return Redirect("/profile?done=about")

    @get("/where")
    async def where_form(self, request: Request) -> Template:
        profile = await services.own_profile(request.user)
        values = {
            "home_postcode": profile.home_postcode,
            "travel_miles": "" if profile.travel_miles is None else str(profile.travel_miles),
            "driving_licence": "yes" if profile.driving_licence else "",
            "has_car": "yes" if profile.has_car else "",
        }
        return render("register/where.html", values=values)

    @post("/where")
    async def where(self, request: Request) -> Redirect:
        data = await read_form(request)
        form_page(request, "register/where.html", {}, data)
        await services.update_where(request.user, form_struct(data, WhereInput))
        return Redirect("/profile?done=where")

    @get("/terms")
    async def terms_form(self, request: Request) -> Template:
        profile = await services.own_profile(request.user)
        values = {
            "min_rate": _pounds(profile.min_rate_pence),
            "employment": profile.employment,
            "right_to_work_declared": "yes" if profile.right_to_work_declared else "",
        }
        return render("register/terms.html", values=values, employment=EMPLOYMENT)

    @post("/terms")
    async def terms(self, request: Request) -> Redirect:
        data = await read_form(request)
        form_page(request, "register/terms.html", {"employment": EMPLOYMENT}, data)
        await services.update_terms(request.user, form_struct(data, TermsInput))
        return Redirect("/profile?done=terms")

    @get("/skills")
    async def skills_form(self, request: Request) -> Template:
        profile = await services.own_profile(request.user)
        values: dict[str, Any] = {}
        for skill in profile.skills:
            values[f"skill_{skill.code}"] = "on"
            values[f"years_{skill.code}"] = str(skill.years)
        return render("register/skills.html", values=values, skills=await services.skill_list())

    @post("/skills")
    async def skills(self, request: Request) -> Redirect:
        data = await read_form(request)
        form_page(request, "register/skills.html", {"skills": await services.skill_list()}, data)
        await services.set_skills(request.user, data)
        return Redirect("/profile?done=skills")

    @get("/availability")
    async def availability(self, request: Request, done: FromQuery[str | None] = None) -> Template:
        return await self._availability_page(request, {}, flash=DONE.get(done or "", ""))

    async def _availability_page(self, request: Request, values: dict[str, str], **extra: Any) -> Template:
        profile = await services.own_profile(request.user)
        return render(
            "register/availability.html",
            values=values,
            slots=profile.availability,
            days=DAYS,
            hours=services.weekly_hours(profile.availability),
            **extra,
        )

    @post("/availability")
    async def add_slot(self, request: Request) -> Redirect:
        data = await read_form(request)
        profile = await services.own_profile(request.user)
        form_page(
            request,
            "register/availability.html",
            {
                "slots": profile.availability,
                "days": DAYS,
                "hours": services.weekly_hours(profile.availability),
            },
            data,
        )
        await services.add_slot(request.user, data.get("day", ""), data.get("start", ""), data.get("end", ""))
        return Redirect("/profile/availability?done=slot-added")

    @post("/availability/{slot_id:int}/remove")
    async def remove_slot(self, request: Request, slot_id: RecordId) -> Redirect:
        await services.remove_slot(request.user, slot_id)
        return Redirect("/profile/availability?done=slot-removed")


ROUTES: list[Any] = [ProfilePages]
