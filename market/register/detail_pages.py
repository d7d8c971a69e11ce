"""The PA's pages for experience, qualifications and work pattern."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.params import FromQuery
from litestar.response import Redirect, Template

from market.errors import Invalid
from market.register import details, forms, languages, services
from market.register.schemas import PA_GENDERS, QUALIFICATION_KINDS, SHIFT_KINDS, WONT_DO, YEAR_PATTERNS
from market.web.forms import form_errors, read_form
from market.web.guards import roles
from market.web.params import RecordId
from market.web.render import render

DONE = {
    "experience": "Your experience has been saved.",
    "pattern": "Your work pattern has been saved.",
    "away-added": "The dates away have been added.",
    "away-removed": "The dates away have been removed.",
    "qualification-added": "The qualification has been added.",
    "qualification-removed": "The qualification has been removed.",
}


class ProfileDetailPages(Controller):
    path = "/profile"
    opt = roles("pa")
    include_in_schema = False

    @get("/experience")
    async def experience_form(self, request: Request) -> Template:
        row = await services.profile_row(request.user)
        current = await details.experience(row["id"])
        values: dict[str, str] = {f"group_{code}": "on" for code in current.client_groups}
        catalogue = await languages.load()
        values.update(languages.box_values("language", current.languages, catalogue))
        values["gender"] = current.gender
        return render(
            "register/experience.html",
            values=values,
            groups=await details.client_group_list(),
            genders=PA_GENDERS,
            language_boxes_count=languages.box_count(values, "language"),
            language_suggestions=catalogue.suggestions(),
        )

    @post("/experience")
    async def experience(self, request: Request) -> Template | Redirect:
        values = await read_form(request)
        groups = await details.client_group_list()
        catalogue = await languages.load()
        again: dict[str, Any] = {
            "groups": groups,
            "genders": PA_GENDERS,
            "language_boxes_count": languages.box_count(values, "language"),
            "language_suggestions": catalogue.suggestions(),
        }
        if values.get("add_language"):
            # "Add another language": the same page with one more box, nothing saved.
            return render("register/experience.html", values=values, **again)
        try:
            data = forms.experience_input(values, [g.code for g in groups], catalogue)
            await details.set_experience(request.user, data)
        except Invalid as problem:
            return render(
                "register/experience.html", status_code=422, **again, **form_errors(problem, values)
            )
        return Redirect("/profile?done=experience")

    async def _pattern_context(self, request: Request) -> dict[str, Any]:
        row = await services.profile_row(request.user)
        return {
            "pattern": await details.work_pattern(row["id"]),
            "shift_kinds": SHIFT_KINDS,
            "wont_do": WONT_DO,
            "year_patterns": YEAR_PATTERNS,
        }

    @get("/pattern")
    async def pattern_form(self, request: Request, done: FromQuery[str | None] = None) -> Template:
        context = await self._pattern_context(request)
        pattern = context["pattern"]
        values: dict[str, str] = {f"shift_{kind}": "on" for kind in pattern.shift_kinds}
        values.update({f"wont_{code}": "on" for code in pattern.wont_do})
        values["year_pattern"] = pattern.year_pattern
        if pattern.earliest_start:
            start = pattern.earliest_start
            values.update(start_day=str(start.day), start_month=str(start.month), start_year=str(start.year))
        values["min_hours"] = "" if pattern.min_hours is None else str(pattern.min_hours)
        values["max_hours"] = "" if pattern.max_hours is None else str(pattern.max_hours)
        return render("register/pattern.html", values=values, flash=DONE.get(done or "", ""), **context)

    @post("/pattern")
    async def pattern(self, request: Request) -> Template | Redirect:
        values = await read_form(request)
        try:
            await details.set_work_pattern(request.user, forms.pattern_input(values))
        except Invalid as problem:
            return render(
                "register/pattern.html",
                status_code=422,
                **await self._pattern_context(request),
                **form_errors(problem, values),
            )
        return Redirect("/profile?done=pattern")

    @post("/pattern/away")
    async def add_away(self, request: Request) -> Template | Redirect:
        values = await read_form(request)
        try:
            await details.add_away(request.user, forms.away_input(values))
        except Invalid as problem:
            return render(
                "register/pattern.html",
                status_code=422,
                **await self._pattern_context(request),
                **form_errors(problem, values),
            )
        return Redirect("/profile/pattern?done=away-added")

    @post("/pattern/away/{away_id:int}/remove")
    async def remove_away(self, request: Request, away_id: RecordId) -> Redirect:
        await details.remove_away(request.user, away_id)
        return Redirect("/profile/pattern?done=away-removed")

    async def _qualification_context(self, request: Request) -> dict[str, Any]:
        row = await services.profile_row(request.user)
        return {"experience": await details.experience(row["id"]), "kinds": QUALIFICATION_KINDS}

    @get("/qualifications")
    async def qualifications(self, request: Request, done: FromQuery[str | None] = None) -> Template:
        return render(
            "register/qualifications.html",
            flash=DONE.get(done or "", ""),
            **await self._qualification_context(request),
        )

    @post("/qualifications")
    async def add_qualification(self, request: Request) -> Template | Redirect:
        values = await read_form(request)
        try:
            await details.add_qualification(request.user, forms.qualification_input(values))
        except Invalid as problem:
            return render(
                "register/qualifications.html",
                status_code=422,
                **await self._qualification_context(request),
                **form_errors(problem, values),
            )
        return Redirect("/profile/qualifications?done=qualification-added")

    @post("/qualifications/{qualification_id:int}/remove")
    async def remove_qualification(self, request: Request, qualification_id: RecordId) -> Redirect:
        await details.remove_qualification(request.user, qualification_id)
        return Redirect("/profile/qualifications?done=qualification-removed")


ROUTES: list[Any] = [ProfileDetailPages]
