"""The development outbox (staff): never served in production."""

from typing import Any

from market.mail import api, pages

ROUTES: list[Any] = [
    *pages.ROUTES,
    *api.ROUTES,
]
