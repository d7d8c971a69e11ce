"""The register's routes: the PA's profile pages, vetting, skills admin, the CSV import and their API."""

from typing import Any

from market.register import (
    api,
    detail_pages,
    details_api,
    import_pages,
    languages_pages,
    pages,
    skills_pages,
    vetting_pages,
)

ROUTES: list[Any] = [
    *pages.ROUTES,
    *detail_pages.ROUTES,
    *vetting_pages.ROUTES,
    *skills_pages.ROUTES,
    *languages_pages.ROUTES,
    *import_pages.ROUTES,
    *api.ROUTES,
    *details_api.ROUTES,
]
