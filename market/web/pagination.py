"""The GOV.UK pagination component's arguments for a market.paging.Page, for the shared
macro in templates/macros/lists.html."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import urlencode

from market.paging import Page


def page_href(path: str, params: Mapping[str, Any], number: int) -> str:
    """``path`` with the list's filters and ``page=number`` (page 1 needs no number)."""
    pairs = [(k, str(v)) for k, v in params.items() if v not in (None, "") and k != "page"]
    if number > 1:
        pairs.append(("page", str(number)))
    return f"{path}?{urlencode(pairs)}" if pairs else path


def links(current: int, pages: int, href: Callable[[int], str], label: str = "") -> dict[str, Any] | None:
    """The component's arguments for page ``current`` of ``pages``, each page's address from
    ``href``: first, last and the pages either side of this one, with ellipses between; None
    for a list that fits on one page. A page past the end (an old link) offers no "previous"."""
    if pages <= 1:
        return None
    numbers = sorted({1, pages, current - 1, current, current + 1} & set(range(1, pages + 1)))
    items: list[dict[str, Any]] = []
    last = 0
    for number in numbers:
        if number - last > 1:
            items.append({"ellipsis": True})
        items.append({"number": number, "href": href(number), "current": number == current})
        last = number
    arguments: dict[str, Any] = {
        "previous": {"href": href(current - 1)} if 1 < current <= pages else None,
        "next": {"href": href(current + 1)} if current < pages else None,
        "items": items,
    }
    if label:
        arguments["landmarkLabel"] = label
    return arguments


def pagination(page: Page[Any], path: str, params: Mapping[str, Any] | None = None) -> dict[str, Any] | None:
    """The arguments for a market.paging.Page of the list at ``path``, its filters kept."""
    params = params or {}
    return links(page.page, page.pages, lambda number: page_href(path, params, number))
