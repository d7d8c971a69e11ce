"""One page of a long list: the shared limit/offset and count, so every staff and admin list
pages the same way and says how many there are ("Showing 1 to 50 of 301 accounts").

A service builds its query (with the filters) and its count (with the same filters), and
hands both here; the page asked for is kept within the pages there are, so an old link to
page 9 of what is now 3 pages shows page 3, not an empty list.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, Generic, Protocol, TypeVar

import msgspec

T = TypeVar("T")
PER_PAGE = 50


class Page(msgspec.Struct, Generic[T], kw_only=True):
    items: list[T]
    total: int
    page: int = 1
    per_page: int = PER_PAGE

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def first(self) -> int:
        """The position of this page's first item, from 1 (0 when the list is empty)."""
        return (self.page - 1) * self.per_page + 1 if self.items else 0

    @property
    def last(self) -> int:
        return (self.page - 1) * self.per_page + len(self.items)


class _Limitable(Protocol):
    def limit(self, number: int) -> Any: ...


def within(page: int, total: int, per_page: int = PER_PAGE) -> int:
    """``page`` kept between 1 and the last page there is."""
    return min(max(1, page), max(1, -(-total // per_page)))


async def page_of(
    select: Any,
    count: Awaitable[int],
    convert: Callable[[dict[str, Any]], T],
    *,
    page: int = 1,
    per_page: int = PER_PAGE,
) -> Page[T]:
    """The ``page``-th ``per_page`` rows of ``select`` (a piccolo select, ordered and
    filtered), each through ``convert``; ``count`` counts the same filtered rows."""
    total = await count
    page = within(page, total, per_page)
    rows = await select.limit(per_page).offset((page - 1) * per_page)
    return Page(items=[convert(r) for r in rows], total=total, page=page, per_page=per_page)


def page_of_list(items: list[T], *, page: int = 1, per_page: int = PER_PAGE) -> Page[T]:
    """A page of a list already in memory (one built from several queries)."""
    page = within(page, len(items), per_page)
    start = (page - 1) * per_page
    return Page(items=items[start : start + per_page], total=len(items), page=page, per_page=per_page)
