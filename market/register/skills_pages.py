"""Admin pages for the list of skills."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.params import FromQuery
from litestar.response import Redirect, Template

from market.errors import Invalid
from market.register import forms, skills_admin
from market.web.forms import form_errors, read_form
from market.web.guards import ADMIN
from market.web.params import RecordId
from market.web.render import render

DONE = {
    "added": "The skill has been added.",
    "renamed": "The skill has been renamed.",
    "retired": "The skill has been retired: it no longer appears in forms. PAs who hold it keep it.",
    "restored": "The skill is back in use.",
}


class SkillAdminPages(Controller):
    path = "/admin/skills"
    opt = ADMIN
    include_in_schema = False

    @get("/")
    async def skills(self, done: FromQuery[str | None] = None) -> Template:
        return render(
            "register/skills_admin.html",
            skills=await skills_admin.all_skills(),
            flash=DONE.get(done or "", ""),
        )

    async def _again(self, problem: Invalid, values: dict[str, str]) -> Template:
        return render(
            "register/skills_admin.html",
            status_code=422,
            skills=await skills_admin.all_skills(),
            **form_errors(problem, values),
        )

    @post("/")
    async def add(self, request: Request) -> Template | Redirect:
        values = await read_form(request)
        try:
            await skills_admin.add_skill(forms.skill_name_input(values), actor=request.user)
        except Invalid as problem:
            return await self._again(problem, values)
        return Redirect("/admin/skills?done=added")

    @post("/{skill_id:int}/rename")
    async def rename(self, request: Request, skill_id: RecordId) -> Template | Redirect:
        values = await read_form(request)
        try:
            await skills_admin.rename_skill(skill_id, forms.skill_name_input(values), actor=request.user)
        except Invalid as problem:
            # Each skill has its own rename box on the page: name the one that was used.
            field = f"name_{skill_id}"
            return await self._again(
                Invalid({field: problem.errors["name"]}), {field: values.get("name", "")}
            )
        return Redirect("/admin/skills?done=renamed")

    @post("/{skill_id:int}/retire")
    async def retire(self, request: Request, skill_id: RecordId) -> Redirect:
        await skills_admin.set_active(skill_id, False, actor=request.user)
        return Redirect("/admin/skills?done=retired")

    @post("/{skill_id:int}/restore")
    async def restore(self, request: Request, skill_id: RecordId) -> Redirect:
        await skills_admin.set_active(skill_id, True, actor=request.user)
        return Redirect("/admin/skills?done=restored")


ROUTES: list[Any] = [SkillAdminPages]
