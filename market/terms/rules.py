"""The rules school years and their periods meet, without the database: shared by the pages'
services and the CSV import, so that both refuse the same things in the same words.

- a range ends on or after the day it starts;
- a period lies within its school year;
- a term overlaps no holiday and no other term (half terms and INSET days inside a term are
  how terms are written, so they are fine);
- school years do not overlap each other.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import NamedTuple

from market.terms.schemas import KINDS, MAX_YEAR_DAYS, dates_text


class Span(NamedTuple):
    kind: str  # a period's kind, or "year"
    name: str
    first: date
    last: date

    @property
    def text(self) -> str:
        label = self.name or KINDS.get(self.kind, "")
        if self.kind == "year":
            label = f"the school year {self.name}"
        return f"{label} ({dates_text(self.first, self.last)})"


ENDS_BEFORE = "The last day must be the same as or after the first day"


def overlap(a: Span, b: Span) -> bool:
    return a.first <= b.last and b.first <= a.last


def clashes(a: Span, b: Span) -> bool:
    """Two periods that cannot share a day: a term and a holiday, or two terms."""
    kinds = {a.kind, b.kind}
    return overlap(a, b) and (kinds == {"term", "holiday"} or kinds == {"term"})


def clash_message(new: Span, other: Span) -> str:
    if new.kind == other.kind == "term":
        return f"This term overlaps {other.text}: terms cannot overlap each other"
    if new.kind == "term":
        return (
            f"This term overlaps {other.text}: a term cannot include a holiday "
            "(half terms and INSET days inside a term are fine)"
        )
    return f"This holiday overlaps {other.text}: a holiday cannot be in a term"


def first_clash(new: Span, others: Iterable[Span]) -> Span | None:
    return next((other for other in others if clashes(new, other)), None)


def year_length_problem(first: date, last: date) -> str | None:
    if last >= first and (last - first).days + 1 > MAX_YEAR_DAYS:
        return f"A school year is at most {MAX_YEAR_DAYS} days: check the years of its first and last day"
    return None


def outside_message(year: Span) -> str:
    return f"The dates must be within {year.text}"


def outside(span: Span, year: Span) -> bool:
    return span.first < year.first or span.last > year.last
