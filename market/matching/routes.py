"""Every matching page and API route, for the app factory."""

from typing import Any

from market.matching import api as matching_api
from market.matching import language_pages, match_pages, work_pages
from market.matching.needs import api, recipient_pages, section_pages
from market.matching.needs import pages as need_pages
from market.matching.pipeline import api as pipeline_api
from market.matching.pipeline import application_pages
from market.matching.pipeline import pages as pipeline_pages

ROUTES: list[Any] = [
    *section_pages.ROUTES,
    *need_pages.ROUTES,
    *match_pages.ROUTES,
    *recipient_pages.ROUTES,
    *pipeline_pages.ROUTES,
    *application_pages.ROUTES,
    *pipeline_api.ROUTES,
    *api.ROUTES,
    *work_pages.ROUTES,
    *language_pages.ROUTES,
    *matching_api.ROUTES,
]
