"""Training rules as pure functions: expiry, currency, and gaps. No database, no web."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date

import msgspec

from market.dates import add_months

KINDS = {
    "care_certificate_standard": "Care Certificate standard",
    "care_certificate": "Care Certificate",
    "mandatory": "Mandatory and refresher",
    "specialist": "Specialist",
    "qualification": "Qualification",
}
SOURCES = {"session": "A session we ran", "import": "Imported from a provider", "claim": "Added by the PA"}
SAFEGUARDING = {"": "No", "adults": "Safeguarding adults", "children": "Safeguarding children"}
MAX_VALIDITY_MONTHS = 120


def expires_on(completed_on: date, validity_months: int | None) -> date | None:
    """The first day the training no longer counts: the same day ``validity_months`` later,
    or the month's last day when that month is shorter (31 January + 1 month: 28 February,
    29 February in a leap year). None: it does not expire."""
    if validity_months is None:
        return None
    return add_months(completed_on, validity_months)


def is_current(expiry: date | None, at: date) -> bool:
    return expiry is None or at < expiry


class Held(msgspec.Struct, frozen=True, kw_only=True):
    """A course a PA holds, as the register and matching see it."""

    course_id: int
    code: str
    name: str
    completed_on: date
    expires_on: date | None
    verified: bool


def best_by_course(held: Iterable[Held]) -> dict[int, Held]:
    """Per course, the completion that lasts longest (verified before unverified)."""
    best: dict[int, Held] = {}
    for item in held:
        current = best.get(item.course_id)
        if current is None or _rank(item) > _rank(current):
            best[item.course_id] = item
    return best


def _rank(item: Held) -> tuple[bool, date, date]:
    return (item.verified, item.expires_on or date.max, item.completed_on)


def gaps(
    skill_codes: Iterable[str], courses_for_skill: Mapping[str, Iterable[int]], current_course_ids: set[int]
) -> dict[str, list[int]]:
    """For each listed skill, the linked courses the PA does not hold current (verified)."""
    missing: dict[str, list[int]] = {}
    for skill in skill_codes:
        lacking = [c for c in courses_for_skill.get(skill, ()) if c not in current_course_ids]
        if lacking:
            missing[skill] = lacking
    return missing
