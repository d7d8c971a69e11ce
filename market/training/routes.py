"""Every training page and API route, for the app factory."""

from typing import Any

from market.training import catalogue_pages, import_api, import_pages, record_pages, session_pages

ROUTES: list[Any] = [
    *catalogue_pages.ROUTES,
    *session_pages.ROUTES,
    *record_pages.ROUTES,
    *import_pages.ROUTES,
    *import_api.ROUTES,
]
