"""Reporting periods: a UK financial year (1 April to 31 March), one of its quarters (Q1 is
April to June), or custom dates. Both ends are inclusive days in England; a moment stored in
UTC belongs to the period if its London date does (``contains``, and ``bounds`` for queries).

A period that has not yet ended is read to today (``so_far``), for every section alike, and
its label says so ("2026-27 so far, to 2 December 2026"): figures "at the end of the period"
are then today's, never a guess at a future day's."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import msgspec

from market.clock import LONDON, london_date

QUARTER_MONTHS = {1: (4, 6), 2: (7, 9), 3: (10, 12), 4: (1, 3)}


class PeriodError(ValueError):
    """A period that cannot be: the message says why, for the form or the command line."""


class Period(msgspec.Struct, frozen=True):
    start: date
    end: date  # inclusive
    label: str
    # Set when the period has not ended: ``end`` is then today and this is the day it will end.
    planned_end: date | None = None

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def contains(self, when: date | datetime | None) -> bool:
        day = london_date(when) if isinstance(when, datetime) else when
        return day is not None and self.start <= day <= self.end

    def bounds(self) -> tuple[datetime, datetime]:
        """[from, to) as UTC moments: midnight in London at the start, and after the end."""
        first = datetime.combine(self.start, time(), tzinfo=LONDON).astimezone(UTC)
        after = datetime.combine(self.end + timedelta(days=1), time(), tzinfo=LONDON).astimezone(UTC)
        return first, after


def financial_year_of(day: date) -> int:
    """The year a financial year starts in: 2025 for any day from 1 April 2025 to 31 March 2026."""
    return day.year if day.month >= 4 else day.year - 1


def financial_year(start_year: int) -> Period:
    return Period(
        date(start_year, 4, 1), date(start_year + 1, 3, 31), f"{start_year}-{str(start_year + 1)[2:]}"
    )


def quarter(start_year: int, number: int) -> Period:
    """Quarter 1–4 of the financial year starting in April ``start_year``."""
    if number not in QUARTER_MONTHS:
        raise PeriodError("A quarter is 1, 2, 3 or 4")
    first_month, last_month = QUARTER_MONTHS[number]
    year = start_year if number < 4 else start_year + 1
    last_day = (date(year + (last_month == 12), last_month % 12 + 1, 1) - timedelta(days=1)).day
    label = f"Q{number} {financial_year(start_year).label}"
    return Period(date(year, first_month, 1), date(year, last_month, last_day), label)


def custom(start: date, end: date) -> Period:
    if end < start:
        raise PeriodError("The end date must be the same as or after the start date")
    if (end - start).days > 366 * 5:
        raise PeriodError("A period can be at most five years long")
    return Period(start, end, f"{start:%-d %B %Y} to {end:%-d %B %Y}")


def so_far(period: Period, today: date) -> Period:
    """The period as it can be reported on ``today``: unchanged once it has ended, else cut
    to end today, labelled "so far". A period that has not begun cannot be reported."""
    if period.start > today:
        raise PeriodError("That period has not started yet: choose one that starts on or before today")
    if period.end <= today:
        return period
    return Period(period.start, today, f"{period.label} so far, to {today:%-d %B %Y}", planned_end=period.end)


def previous(period: Period) -> Period:
    """The period of the same length just before (for comparisons)."""
    end = period.start - timedelta(days=1)
    return custom(end - timedelta(days=period.days - 1), end)
