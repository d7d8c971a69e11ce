"""The DBS routes: staff pages, the PA's own pages, the admin's fees and their API."""

from typing import Any

from market.dbs import api, pa_pages, pages

ROUTES: list[Any] = [
    *pages.ROUTES,
    *pa_pages.ROUTES,
    *api.ROUTES,
]
