"""What the school-term pages and the import take, and what they show."""

from __future__ import annotations

from datetime import date
from typing import Literal

import msgspec

from market.dates import long_date

Kind = Literal["term", "half_term", "holiday", "inset"]
KINDS: dict[str, str] = {
    "term": "Term",
    "half_term": "Half term",
    "holiday": "Holiday",
    "inset": "INSET day",
}
NAME_LIMIT = 40
PERIOD_NAME_LIMIT = 80
SOURCE_LIMIT = 500
MAX_YEAR_DAYS = 400  # a school year is about 365 days; more is a typing slip


class SchoolYearInput(msgspec.Struct, frozen=True, kw_only=True):
    name: str  # "2025 to 2026"
    first_day: date
    last_day: date
    source: str  # where the dates come from


class PeriodInput(msgspec.Struct, frozen=True, kw_only=True):
    kind: Kind
    first_day: date
    last_day: date
    name: str = ""  # blank: the kind's name ("Half term")


class PeriodOut(msgspec.Struct, frozen=True, kw_only=True):
    id: int
    kind: str
    name: str
    first_day: date
    last_day: date

    @property
    def kind_text(self) -> str:
        return KINDS.get(self.kind, self.kind)

    @property
    def dates_text(self) -> str:
        return dates_text(self.first_day, self.last_day)


class SchoolYearOut(msgspec.Struct, frozen=True, kw_only=True):
    id: int
    name: str
    first_day: date
    last_day: date
    source: str
    periods: list[PeriodOut]

    @property
    def dates_text(self) -> str:
        return dates_text(self.first_day, self.last_day)


class YearDates(msgspec.Struct, frozen=True, kw_only=True):
    """A school year as the matching engine reads it: term periods, and breaks (half terms,
    holidays, INSET days), each (first day, last day) inclusive."""

    first_day: date
    last_day: date
    terms: tuple[tuple[date, date], ...]
    breaks: tuple[tuple[date, date], ...]


def dates_text(first: date, last: date) -> str:
    if first == last:
        return long_date(first)
    return f"{long_date(first)} to {long_date(last)}"
