"""What of a PA's training expires soon and what has expired: one entry per course, by the
completion of it that lasts longest (a renewal, even one waiting to be verified, replaces
the old completion for these warnings). Pure: the caller reads the completions."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

import msgspec

from market.training import rules


class ExpiryOut(msgspec.Struct, kw_only=True):
    course_id: int
    code: str
    course: str
    expires_on: date
    days: int  # days left (negative: days since it expired)


def latest_by_course(items: Iterable[rules.Held]) -> dict[int, rules.Held]:
    """Per course, the completion that lasts longest, verified or not."""
    best: dict[int, rules.Held] = {}
    for item in items:
        rank = (item.expires_on or date.max, item.verified, item.completed_on)
        current = best.get(item.course_id)
        if current is None or rank > (current.expires_on or date.max, current.verified, current.completed_on):
            best[item.course_id] = item
    return best


def expiry_lists(items: Iterable[rules.Held], at: date, days: int) -> tuple[list[ExpiryOut], list[ExpiryOut]]:
    """(expiring within ``days``, expired): one entry per course, by its latest completion."""
    expiring, expired = [], []
    for held in latest_by_course(items).values():
        if held.expires_on is None:
            continue
        out = ExpiryOut(
            course_id=held.course_id,
            code=held.code,
            course=held.name,
            expires_on=held.expires_on,
            days=(held.expires_on - at).days,
        )
        if not rules.is_current(held.expires_on, at):
            expired.append(out)
        elif held.expires_on <= at + timedelta(days=days):
            expiring.append(out)
    return sorted(expiring, key=lambda e: e.expires_on), sorted(expired, key=lambda e: e.expires_on)
