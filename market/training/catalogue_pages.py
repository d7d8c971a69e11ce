"""The admin's course catalogue: validity (refresher intervals), safeguarding, linked skills."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.params import FromQuery
from litestar.response import Redirect, Template

from market.errors import Invalid
from market.register import services as register
from market.register.schemas import Choice
from market.training import catalogue, forms, rules
from market.web.forms import form_errors, read_form
from market.web.guards import ADMIN
from market.web.params import OptionalQueryWholeNumber, RecordId
from market.web.render import render


async def _skills() -> list[Choice]:
    """The skills a course can count for: the register's active skills, in its order."""
    return await register.skill_list()


class CataloguePages(Controller):
    path = "/admin/training/courses"
    opt = ADMIN
    include_in_schema = False

    @get("/")
    async def list(
        self, done: FromQuery[str | None] = None, recomputed: OptionalQueryWholeNumber = None
    ) -> Template:
        flash = ""
        if done == "saved":
            flash = "The course has been saved." + (
                f" The expiry of {recomputed} completion{'s' if recomputed != 1 else ''} was recomputed."
                if recomputed
                else ""
            )
        elif done == "added":
            flash = "The course has been added to the catalogue."
        return render(
            "training/catalogue.html",
            courses=await catalogue.courses(),
            kinds=rules.KINDS,
            flash=flash,
            skills=await _skills(),
            safeguarding_options=rules.SAFEGUARDING,
        )

    @get("/{course_id:int}")
    async def edit(self, course_id: RecordId) -> Template:
        course = await catalogue.course_out(course_id)
        return render(
            "training/course.html",
            course=course,
            values=catalogue.form_values(course),
            skills=await _skills(),
            safeguarding_options=rules.SAFEGUARDING,
        )

    @post("/{course_id:int}")
    async def save(self, request: Request, course_id: RecordId) -> Template | Redirect:
        values = await read_form(request)
        try:
            recomputed = await catalogue.update(
                course_id, forms.course_settings_input(values), actor=request.user
            )
        except Invalid as problem:
            return render(
                "training/course.html",
                status_code=422,
                course=await catalogue.course_out(course_id),
                **form_errors(problem, values),
                skills=await _skills(),
                safeguarding_options=rules.SAFEGUARDING,
            )
        return Redirect(f"/admin/training/courses?done=saved&recomputed={recomputed}")

    @post("/")
    async def add(self, request: Request) -> Template | Redirect:
        values = await read_form(request)
        try:
            await catalogue.add(forms.new_course_input(values), actor=request.user)
        except Invalid as problem:
            return render(
                "training/catalogue.html",
                status_code=422,
                courses=await catalogue.courses(),
                kinds=rules.KINDS,
                **form_errors(problem, values),
                skills=await _skills(),
                safeguarding_options=rules.SAFEGUARDING,
            )
        return Redirect("/admin/training/courses?done=added")


ROUTES: list[Any] = [CataloguePages]
