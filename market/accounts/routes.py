"""The accounts routes: sign-up, sign-in, password pages, account admin and their API."""

from typing import Any

from market.accounts import admin_pages, api, pages

ROUTES: list[Any] = [
    *pages.ROUTES,
    *admin_pages.ROUTES,
    *api.ROUTES,
]
