"""Every matching page and API route, for the app factory."""

from typing import Any

from market.matching import (
    api,
    application_pages,
    match_pages,
    need_pages,
    pipeline_api,
    pipeline_pages,
    recipient_pages,
    work_pages,
)

ROUTES: list[Any] = [
    *need_pages.ROUTES,
    *match_pages.ROUTES,
    *recipient_pages.ROUTES,
    *pipeline_pages.ROUTES,
    *application_pages.ROUTES,
    *pipeline_api.ROUTES,
    *api.ROUTES,
    *work_pages.ROUTES,
]
