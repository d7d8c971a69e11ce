"""Help and contact's routes: the contact page, the feedback form and staff's feedback list."""

from typing import Any

from market.help import pages

ROUTES: list[Any] = [*pages.ROUTES]
