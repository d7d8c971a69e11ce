"""Staff's page of languages typed before the list that matched none (language_fixes)."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.params import FromQuery
from litestar.response import Redirect, Template

from market.errors import Invalid
from market.matching import language_fixes
from market.register import languages
from market.web.forms import form_errors, read_form
from market.web.guards import STAFF
from market.web.params import RecordId
from market.web.render import render

DONE = {
    "mapped": "The language has been mapped, and put on the profile or need it was typed for.",
    "added": "The language has been added to the list, and put on the profile or need it was typed for.",
}


class UnmappedLanguagePages(Controller):
    path = "/staff/languages/unmapped"
    opt = STAFF
    include_in_schema = False

    async def _page(self, status_code: int = 200, **extra: Any) -> Template:
        return render(
            "matching/unmapped_languages.html",
            status_code=status_code,
            entries=await language_fixes.pending(),
            language_suggestions=(await languages.load()).suggestions(),
            **extra,
        )

    @get("/")
    async def unmapped(self, done: FromQuery[str | None] = None) -> Template:
        return await self._page(flash=DONE.get(done or "", ""))

    @post("/{entry_id:int}/map")
    async def map_entry(self, request: Request, entry_id: RecordId) -> Template | Redirect:
        values = await read_form(request)
        typed = values.get("language", "")
        try:
            await language_fixes.map_to(entry_id, typed, actor=request.user)
        except Invalid as problem:
            return await self._page(422, **form_errors(problem, {f"language_{entry_id}": typed}))
        return Redirect("/staff/languages/unmapped?done=mapped")

    @post("/{entry_id:int}/add")
    async def add_entry(self, request: Request, entry_id: RecordId) -> Template | Redirect:
        try:
            await language_fixes.add_as_new(entry_id, actor=request.user)
        except Invalid as problem:
            return await self._page(422, **form_errors(problem, {}))
        return Redirect("/staff/languages/unmapped?done=added")


ROUTES: list[Any] = [UnmappedLanguagePages]
