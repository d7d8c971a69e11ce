"""The home pages' routes: the start page, each role's home, the static pages and /healthz."""

from typing import Any

from market.home import health, pages, print_pages

ROUTES: list[Any] = [
    *pages.ROUTES,
    *health.ROUTES,
    *print_pages.ROUTES,
]
