"""Dates typed by people: GOV.UK date inputs (day, month, year) and ISO or UK text."""

from __future__ import annotations

from datetime import date


class DateProblem(ValueError):
    pass


def parse_date_parts(day: str, month: str, year: str, label: str) -> date | None:
    """None when all three are blank; DateProblem with a GOV.UK-style message otherwise."""
    day, month, year = day.strip(), month.strip(), year.strip()
    if not (day or month or year):
        return None
    missing = [name for name, value in (("day", day), ("month", month), ("year", year)) if not value]
    if missing:
        raise DateProblem(f"{label} must include a {' and a '.join(missing)}")
    if not (day.isdigit() and month.isdigit() and year.isdigit()) or len(year) != 4:
        raise DateProblem(f"{label} must be a real date, like 27 3 2027")
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        raise DateProblem(f"{label} must be a real date, like 27 3 2027") from None


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
        return date.fromisoformat(text)
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
