"""The reports pages (staff)."""

from typing import Any

from market.reports import pages

ROUTES: list[Any] = [
    *pages.ROUTES,
]
