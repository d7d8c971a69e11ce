"""School terms' routes: the admin's school years, their dates and the CSV import."""

from typing import Any

from market.terms import pages

ROUTES: list[Any] = [*pages.ROUTES]
