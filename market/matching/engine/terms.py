"""School terms as the engine reads them: one byte a day, term time, holiday or unknown.

The council's school years (``market.terms`` keeps them) become a ``TermCalendar``: a small
array of day kinds from the first school year's first day to the last one's last day. A
dated cover need's dates are looked up in it and judged against a PA's year pattern (term
time only, school holidays only). Pure: no database.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

import msgspec
import numpy as np
from numpy.typing import NDArray

UNKNOWN, TERM, HOLIDAY = 0, 1, 2


class SchoolYearDates(msgspec.Struct, frozen=True, kw_only=True):
    """One school year: within [starts, ends] a day in a term and not in a break (half term,
    holiday, INSET day) is term time; every other day of the year is a holiday."""

    starts: date
    ends: date
    terms: tuple[tuple[date, date], ...] = ()
    breaks: tuple[tuple[date, date], ...] = ()


class TermCalendar(msgspec.Struct, frozen=True):
    """Day kinds from day ``first`` (an ordinal): ``kinds[i]`` is UNKNOWN, TERM or HOLIDAY.
    Days before ``first`` or past the end are unknown."""

    first: int = 0
    kinds: bytes = b""

    def kind(self, day: date) -> int:
        i = day.toordinal() - self.first
        return self.kinds[i] if 0 <= i < len(self.kinds) else UNKNOWN

    def kinds_of(self, days: Sequence[date]) -> NDArray[np.int8]:
        return np.array([self.kind(day) for day in days], dtype=np.int8)

    def __bool__(self) -> bool:
        return bool(self.kinds)


NO_TERMS = TermCalendar()


def calendar_of(years: Iterable[SchoolYearDates]) -> TermCalendar:
    """The calendar of these school years (where two overlap, the later one listed wins)."""
    years = list(years)
    if not years:
        return NO_TERMS
    first = min(y.starts for y in years).toordinal()
    last = max(y.ends for y in years).toordinal()
    kinds = np.full(last - first + 1, UNKNOWN, dtype=np.int8)

    def span(start: date, end: date) -> slice:
        return slice(max(start.toordinal() - first, 0), max(end.toordinal() - first + 1, 0))

    for year in years:
        kinds[span(year.starts, year.ends)] = HOLIDAY
        for start, end in year.terms:
            kinds[span(max(start, year.starts), min(end, year.ends))] = TERM
        for start, end in year.breaks:
            kinds[span(max(start, year.starts), min(end, year.ends))] = HOLIDAY
    return TermCalendar(first, kinds.tobytes())
