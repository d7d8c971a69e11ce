"""Admin pages for the list of languages: the list (a table, with the form to add one at the
top) and a page for each language (its name and other names, and retire / bring back)."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.params import FromQuery
from litestar.response import Redirect, Template

from market.errors import Invalid
from market.register import forms, languages, languages_admin
from market.web.forms import form_errors, read_form
from market.web.guards import ADMIN
from market.web.params import OptionalQueryId, RecordId
from market.web.render import render

DONE = {
    "added": "{name} has been added.",
    "changed": "{name} has been changed.",
    "retired": "{name} has been retired: it is no longer suggested. PAs and needs that have it keep it.",
    "restored": "{name} is back in use.",
}


def _flash(done: str | None, language: int | None, rows: list[dict[str, Any]]) -> str:
    """The success banner, naming the language the admin has just added or changed."""
    message = DONE.get(done or "", "")
    if not message:
        return ""
    name = next((row["name"] for row in rows if row["id"] == language), None)
    return message.format(name=name) if name else message.format(name="The language")


class LanguageAdminPages(Controller):
    path = "/admin/languages"
    opt = ADMIN
    include_in_schema = False

    @get("/")
    async def index(self, done: FromQuery[str | None] = None, language: OptionalQueryId = None) -> Template:
        rows = await languages_admin.all_languages()
        return render("register/languages_admin.html", languages=rows, flash=_flash(done, language, rows))

    @post("/")
    async def add(self, request: Request) -> Template | Redirect:
        values = await read_form(request)
        try:
            code = await languages_admin.add_language(forms.language_input(values), actor=request.user)
        except Invalid as problem:
            return render(
                "register/languages_admin.html",
                status_code=422,
                languages=await languages_admin.all_languages(),
                **form_errors(problem, values),
            )
        added = languages.current().by_code[code].id
        return Redirect(f"/admin/languages?done=added&language={added}")

    @get("/{language_id:int}")
    async def language(self, language_id: RecordId) -> Template:
        row = await languages_admin.language(language_id)
        return render(
            "register/language_admin.html",
            language=row,
            values={"name": row["name"], "aliases": row["aliases"]},
        )

    @post("/{language_id:int}/change")
    async def change(self, request: Request, language_id: RecordId) -> Template | Redirect:
        row = await languages_admin.language(language_id)  # 404 before reading a form for none
        values = await read_form(request)
        try:
            await languages_admin.change_language(
                language_id, forms.language_input(values), actor=request.user
            )
        except Invalid as problem:
            return render(
                "register/language_admin.html",
                status_code=422,
                language=row,
                **form_errors(problem, values),
            )
        return Redirect(f"/admin/languages?done=changed&language={language_id}")

    @post("/{language_id:int}/retire")
    async def retire(self, request: Request, language_id: RecordId) -> Redirect:
        await languages_admin.set_active(language_id, False, actor=request.user)
        return Redirect(f"/admin/languages?done=retired&language={language_id}")

    @post("/{language_id:int}/restore")
    async def restore(self, request: Request, language_id: RecordId) -> Redirect:
        await languages_admin.set_active(language_id, True, actor=request.user)
        return Redirect(f"/admin/languages?done=restored&language={language_id}")


ROUTES: list[Any] = [LanguageAdminPages]
