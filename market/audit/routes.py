"""The audit log's page and API (staff)."""

from typing import Any

from market.audit import api, pages

ROUTES: list[Any] = [
    *pages.ROUTES,
    *api.ROUTES,
]
