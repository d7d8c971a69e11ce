"""Finding PAs: the search page, the public profile, the shortlist and their API."""

from typing import Any

from market.search import api, pages

ROUTES: list[Any] = [
    *pages.ROUTES,
    *api.ROUTES,
]
