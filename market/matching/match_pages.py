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
from market.matching.needs.lifecycle import get_need
from market.matching.pipeline import cover
from market.settings import Settings
from market.web.forms import form_errors, read_form
from market.web.guards import roles
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
        need = await get_need(request.user, need_id)
        staff = request.user.role in ("staff", "admin")
        per = matches.PER_PAGE
        found = await matches.for_need(
            need, settings, london_today(), limit=per, offset=(page - 1) * per, banded=not staff
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
            pagination=pagination(f"/needs/{need_id}/matches", page, pages),
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


def pagination(path: str, page: int, pages: int) -> dict[str, Any] | None:
    """The GOV.UK pagination component's arguments: first, last and the pages around this
    one (None when everything fits on one page)."""
    if pages <= 1:
        return None
    numbers = sorted({1, pages, page - 1, page, page + 1} & set(range(1, pages + 1)))
    items: list[dict[str, Any]] = []
    last = 0
    for number in numbers:
        if number - last > 1:
            items.append({"ellipsis": True})
        items.append({"number": number, "href": f"{path}?page={number}", "current": number == page})
        last = number
    return {
        "previous": {"href": f"{path}?page={page - 1}"} if 1 < page <= pages else None,
        "next": {"href": f"{path}?page={page + 1}"} if page < pages else None,
        "items": items,
        "landmarkLabel": "Pages of matches",
    }


ROUTES: list[Any] = [MatchPages]
