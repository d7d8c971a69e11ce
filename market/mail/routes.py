"""The development outbox (staff): never served in production."""

from typing import Any

from market.mail import pages

ROUTES: list[Any] = [
    *pages.ROUTES,
]
