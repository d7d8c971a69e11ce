"""The GOV.UK pagination component's arguments for a market.paging.Page, for the shared
macro in templates/macros/lists.html."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from market.paging import Page


def page_href(path: str, params: Mapping[str, Any], number: int) -> str:
    """``path`` with the list's filters and ``page=number`` (page 1 needs no number)."""
    pairs = [(k, str(v)) for k, v in params.items() if v not in (None, "") and k != "page"]
    if number > 1:
        pairs.append(("page", str(number)))
    return f"{path}?{urlencode(pairs)}" if pairs else path


def pagination(page: Page[Any], path: str, params: Mapping[str, Any] | None = None) -> dict[str, Any] | None:
    """First, last and the pages either side of this one, with ellipses between; None for a
    list that fits on one page."""
    params = params or {}
    if page.pages <= 1:
        return None
    numbers = sorted({1, page.pages, page.page - 1, page.page, page.page + 1} & set(range(1, page.pages + 1)))
    items: list[dict[str, Any]] = []
    last = 0
    for number in numbers:
        if number - last > 1:
            items.append({"ellipsis": True})
        items.append(
            {"number": number, "href": page_href(path, params, number), "current": number == page.page}
        )
        last = number
    return {
        "previous": {"href": page_href(path, params, page.page - 1)} if page.page > 1 else None,
        "next": {"href": page_href(path, params, page.page + 1)} if page.page < page.pages else None,
        "items": items,
    }
