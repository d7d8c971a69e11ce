"""A need's ranked matches page, with reasons and the counts of PAs each rule excluded
(its API is in market.matching.api)."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.response import Redirect, Template

from market.clock import london_today
from market.errors import Invalid
from market.matching import matches
from market.matching.needs.lifecycle import get_need_and_row
from market.matching.pipeline import cover
from market.settings import Settings
from market.web.forms import form_errors, read_form
from market.web.guards import roles
from market.web.pagination import links
from market.web.params import PageNumber, RecordId
from market.web.render import render


class MatchPages(Controller):
    path = "/needs"
    opt = roles("recipient", "staff", "admin")
    include_in_schema = False

    @get("/{need_id:int}/matches")
    async def matches(
        self, request: Request, need_id: RecordId, settings: NamedDependency[Settings], page: PageNumber = 1
    ) -> Template:
        return await self._page(request, need_id, settings, page=page)

    async def _page(
        self,
        request: Request,
        need_id: int,
        settings: Settings,
        *,
        page: int = 1,
        status_code: int = 200,
        **extra: Any,
    ) -> Template:
        need, row = await get_need_and_row(request.user, need_id)
        staff = request.user.role in ("staff", "admin")
        per = matches.PER_PAGE
        found = await matches.for_need(
            need, settings, london_today(), limit=per, offset=(page - 1) * per, banded=not staff, row=row
        )
        pages = max(1, -(-found.total // per))
        return render(
            "matching/matches.html",
            status_code=status_code,
            need=need,
            found=found,
            staff=staff,
            page=page,
            pages=pages,
            pagination=links(page, pages, lambda n: f"/needs/{need_id}/matches?page={n}", "Pages of matches"),
            **extra,
        )

    @post("/{need_id:int}/matches/send")
    async def send(
        self, request: Request, need_id: RecordId, settings: NamedDependency[Settings]
    ) -> Template | Redirect:
        """Staff: send cover to the best few at once."""
        values = await read_form(request)
        try:
            names = await cover.send_to_best(
                request.user, need_id, cover.read_count(values.get("count", "")), settings, london_today()
            )
        except Invalid as invalid:
            return await self._page(
                request, need_id, settings, status_code=422, **form_errors(invalid, values)
            )
        return Redirect(f"/needs/{need_id}/shortlist?done=sent&count={len(names)}")


ROUTES: list[Any] = [MatchPages]
