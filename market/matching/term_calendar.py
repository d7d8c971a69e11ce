"""The council's school terms as the engine's ``TermCalendar``: read from ``market.terms``
(two small queries) whenever an index is built. Every change to the dates logs "everyone" in
the change log, so each worker rebuilds its index, and with it this calendar."""

from __future__ import annotations

from market.matching.engine.terms import SchoolYearDates, TermCalendar, calendar_of
from market.terms import calendar


async def load() -> TermCalendar:
    """Every school year kept, as one calendar of term time, holiday and unknown days."""
    return calendar_of(
        SchoolYearDates(starts=y.first_day, ends=y.last_day, terms=y.terms, breaks=y.breaks)
        for y in await calendar.year_dates()
    )
