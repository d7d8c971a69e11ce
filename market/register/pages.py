"""The PA's own profile pages: one question page per section, and a summary with a checklist."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.params import FromQuery
from litestar.response import Redirect, Template

from market.errors import Invalid
from market.fields import FormReader
from market.register import forms, services
from market.register.availability import DAYS
from market.register.schemas import EMPLOYMENT, TEXT_FIELDS, TEXT_LIMIT, WONT_DO, YEAR_PATTERNS, AboutInput
from market.register.vetting import STATUS_NAMES
from market.web.forms import form_errors, read_form
from market.web.guards import roles
from market.web.params import RecordId
from market.web.render import render

DONE = {
    "about": "Your one-page profile has been saved.",
    "where": "Where you work has been saved.",
    "terms": "Your pay and right to work have been saved.",
    "skills": "Your skills have been saved.",
    "experience": "Who you have supported, and your languages, have been saved.",
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
        # A text saved before the limit was lowered still shows; the form asks for it shorter.
        errors = {
            field: f"This answer is {len(values[field]):,} characters: shorten it to {TEXT_LIMIT:,} or fewer, "
            "so that your one-page profile fits on one sheet"
            for field in TEXT_FIELDS
            if len(values[field]) > TEXT_LIMIT
        }
        return render("register/about.html", values=values, too_long=errors, text_limit=TEXT_LIMIT)

    @post("/about")
    async def about(self, request: Request) -> Template | Redirect:
        values = await read_form(request)
        try:
            await services.update_about(request.user, forms.about_input(values))
        except Invalid as problem:
            return render(
                "register/about.html", status_code=422, text_limit=TEXT_LIMIT, **form_errors(problem, values)
            )
        return Redirect("/profile?done=about")

    @get("/where")
    async def where_form(self, request: Request) -> Template:
        profile = await services.own_profile(request.user)
        values = {
            "home_postcode": profile.home_postcode,
            "travel_miles": "" if profile.travel_miles is None else str(profile.travel_miles),
            "driving_licence": "yes" if profile.driving_licence else "no",
            "has_car": "yes" if profile.has_car else "no",
            "car_insurance": {True: "yes", False: "no", None: ""}[profile.car_insurance],
        }
        return render("register/where.html", values=values)

    @post("/where")
    async def where(self, request: Request) -> Template | Redirect:
        values = await read_form(request)
        try:
            await services.update_where(request.user, forms.where_input(values))
        except Invalid as problem:
            return render("register/where.html", status_code=422, **form_errors(problem, values))
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
    async def terms(self, request: Request) -> Template | Redirect:
        values = await read_form(request)
        try:
            await services.update_terms(request.user, forms.terms_input(values))
        except Invalid as problem:
            return render(
                "register/terms.html", status_code=422, employment=EMPLOYMENT, **form_errors(problem, values)
            )
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
    async def skills(self, request: Request) -> Template | Redirect:
        values = await read_form(request)
        skills = await services.skill_list()
        try:
            data = forms.skills_input(values, {s.code: s.name for s in skills})
            await services.set_skills(request.user, data)
        except Invalid as problem:
            return render(
                "register/skills.html", status_code=422, skills=skills, **form_errors(problem, values)
            )
        return Redirect("/profile?done=skills")

    @get("/availability")
    async def availability(self, request: Request, done: FromQuery[str | None] = None) -> Template:
        return render(
            "register/availability.html",
            **await self._availability_context(request),
            flash=DONE.get(done or "", ""),
        )

    async def _availability_context(self, request: Request) -> dict[str, Any]:
        profile = await services.own_profile(request.user)
        return {
            "slots": profile.availability,
            "days": DAYS,
            "hours": services.weekly_hours(profile.availability),
        }

    @post("/availability")
    async def add_slot(self, request: Request) -> Template | Redirect:
        values = await read_form(request)
        try:
            read = FormReader(values)
            data = forms.slot_input(read)
            read.done()
            await services.add_slot(request.user, data)
        except Invalid as problem:
            return render(
                "register/availability.html",
                status_code=422,
                **await self._availability_context(request),
                **form_errors(problem, values),
            )
        return Redirect("/profile/availability?done=slot-added")

    @post("/availability/{slot_id:int}/remove")
    async def remove_slot(self, request: Request, slot_id: RecordId) -> Redirect:
        await services.remove_slot(request.user, slot_id)
        return Redirect("/profile/availability?done=slot-removed")


ROUTES: list[Any] = [ProfilePages]
