"""Admin pages for the list of languages (as the skills list's: skills_pages.py)."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.params import FromQuery
from litestar.response import Redirect, Template

from market.errors import Invalid
from market.register import forms, languages_admin
from market.web.forms import form_errors, read_form
from market.web.guards import ADMIN
from market.web.params import RecordId
from market.web.render import render

DONE = {
    "added": "The language has been added.",
    "changed": "The language has been changed.",
    "retired": "The language has been retired: it is no longer suggested. PAs and needs that have it keep it.",
    "restored": "The language is back in use.",
}


class LanguageAdminPages(Controller):
    path = "/admin/languages"
    opt = ADMIN
    include_in_schema = False

    @get("/")
    async def languages(self, done: FromQuery[str | None] = None) -> Template:
        return render(
            "register/languages_admin.html",
            languages=await languages_admin.all_languages(),
            flash=DONE.get(done or "", ""),
        )

    async def _again(self, problem: Invalid, values: dict[str, str]) -> Template:
        return render(
            "register/languages_admin.html",
            status_code=422,
            languages=await languages_admin.all_languages(),
            **form_errors(problem, values),
        )

    @post("/")
    async def add(self, request: Request) -> Template | Redirect:
        values = await read_form(request)
        try:
            await languages_admin.add_language(forms.language_input(values), actor=request.user)
        except Invalid as problem:
            return await self._again(problem, values)
        return Redirect("/admin/languages?done=added")

    @post("/{language_id:int}/change")
    async def change(self, request: Request, language_id: RecordId) -> Template | Redirect:
        values = await read_form(request)
        try:
            await languages_admin.change_language(
                language_id, forms.language_input(values), actor=request.user
            )
        except Invalid as problem:
            # Each language has its own boxes on the page: name the ones that were used.
            kept = {
                f"name_{language_id}": values.get("name", ""),
                f"aliases_{language_id}": values.get("aliases", ""),
            }
            return await self._again(problem, kept)
        return Redirect("/admin/languages?done=changed")

    @post("/{language_id:int}/retire")
    async def retire(self, request: Request, language_id: RecordId) -> Redirect:
        await languages_admin.set_active(language_id, False, actor=request.user)
        return Redirect("/admin/languages?done=retired")

    @post("/{language_id:int}/restore")
    async def restore(self, request: Request, language_id: RecordId) -> Redirect:
        await languages_admin.set_active(language_id, True, actor=request.user)
        return Redirect("/admin/languages?done=restored")


ROUTES: list[Any] = [LanguageAdminPages]
