"""Dates typed by people: GOV.UK date inputs (day, month, year) and ISO or UK text."""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache

import numpy as np

# The years a date typed into the service may fall in: every birth date and every date of
# the service's work does. Outside them a date is a slip (0202, 20277) or an attack, and
# arithmetic on it (a year's end, a renewal date) would fail past 9999.
MIN_YEAR, MAX_YEAR = 1900, 2100
_DAY_OR_MONTH = re.compile(r"[0-9]{1,2}")
_YEAR = re.compile(r"[0-9]{4}")


class DateProblem(ValueError):
    pass


def year_in_range(day: date) -> bool:
    return MIN_YEAR <= day.year <= MAX_YEAR


def _within_years(day: date, label: str) -> date:
    if not year_in_range(day):
        raise DateProblem(f"{label} must be a real date, with a year from {MIN_YEAR} to {MAX_YEAR}")
    return day


def parse_date_parts(day: str, month: str, year: str, label: str) -> date | None:
    """None when all three are blank; DateProblem with a GOV.UK-style message otherwise."""
    day, month, year = day.strip(), month.strip(), year.strip()
    if not (day or month or year):
        return None
    missing = [name for name, value in (("day", day), ("month", month), ("year", year)) if not value]
    if missing:
        raise DateProblem(f"{label} must include a {' and a '.join(missing)}")
    # ASCII digits only, of a date's lengths: str.isdigit() also takes "²" and "٣", and a
    # part of 23 digits overflows date() (OverflowError, not ValueError).
    if not (_DAY_OR_MONTH.fullmatch(day) and _DAY_OR_MONTH.fullmatch(month) and _YEAR.fullmatch(year)):
        raise DateProblem(f"{label} must be a real date, like 27 3 2027")
    try:
        parsed = date(int(year), int(month), int(day))
    except ValueError:
        raise DateProblem(f"{label} must be a real date, like 27 3 2027") from None
    return _within_years(parsed, label)


def parse_date_text(text: str, label: str) -> date:
    """'2027-03-27' or '27/03/2027'."""
    text = text.strip()
    try:
        if "/" in text:
            day, month, year = text.split("/")
            parsed = parse_date_parts(day, month, year, label)
            if parsed is None:
                raise DateProblem(f"Enter {label.lower()}")
            return parsed
        return _within_years(date.fromisoformat(text), label)
    except ValueError as error:
        if isinstance(error, DateProblem):
            raise
        raise DateProblem(f"{label} must be a real date, like 2027-03-27 or 27/03/2027") from None


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later, or the month's last day when it is shorter (31 Jan + 1 = 28 Feb)."""
    year, month = divmod(day.month - 1 + months, 12)
    for last in (31, 30, 29, 28):
        try:
            return date(day.year + year, month + 1, min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)  # pragma: no cover - every month has a 28th


_EPOCH = date(1970, 1, 1).toordinal()  # numpy's day 0


def add_months_days(days: np.ndarray, months: int) -> np.ndarray:
    """``add_months`` of many days at once, as day numbers (``date.toordinal``) in and out:
    the same day of the month ``months`` later, or that month's last day when it is shorter."""
    day = (np.asarray(days, dtype=np.int64) - _EPOCH).astype("datetime64[D]")
    month = day.astype("datetime64[M]")
    into = (day - month.astype("datetime64[D]")).astype(np.int64)  # 0 on the 1st
    later = month + np.timedelta64(months, "M")
    length = (
        (later + np.timedelta64(1, "M")).astype("datetime64[D]") - later.astype("datetime64[D]")
    ).astype(np.int64)
    return (later.astype("datetime64[D]").astype(np.int64) + np.minimum(into, length - 1)) + _EPOCH


@lru_cache(maxsize=4096)
def long_date(day: date) -> str:
    """A date as people in England write it: 4 January 2027 (no leading zero). Remembered:
    a results page words the same few dates on every card."""
    return f"{day.day} {day:%B %Y}"


_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"),
            ("may",), ("june", "jun"), ("july", "jul"), ("august", "aug"),
            ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}  # fmt: skip
_DAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_WRITTEN = re.compile(r"([0-9]{1,2})(?:st|nd|rd|th)?\s+([a-z]+)\.?,?\s+([0-9]{4})")


def parse_any_date(text: str, label: str) -> date:
    """A date as people write it in a file or a council's list: '2026-01-03', '03/01/2026',
    '3 January 2026', 'Saturday 3 January 2026' or '3 Jan 2026'."""
    cleaned = " ".join(text.strip().lower().replace(",", " ").split())
    first, _, rest = cleaned.partition(" ")
    if first in _DAY_NAMES:
        cleaned = rest
    if match := _WRITTEN.fullmatch(cleaned):
        day, month, year = match.groups()
        if month not in _MONTHS:
            raise DateProblem(f"{label} must be a real date, like 2026-01-03 or 3 January 2026")
        parsed = parse_date_parts(day, str(_MONTHS[month]), year, label)
        assert parsed is not None
        return parsed
    try:
        return parse_date_text(text, label)
    except DateProblem:
        raise DateProblem(f"{label} must be a real date, like 2026-01-03 or 3 January 2026") from None
