"""The full data export page (admins)."""

from typing import Any

from market.export import pages

ROUTES: list[Any] = [
    *pages.ROUTES,
]
