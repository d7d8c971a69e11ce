"""Reading dates and choices from a form (HTML: day/month/year boxes; API: an ISO date)."""

from __future__ import annotations

from datetime import date

from market.dates import DateProblem, parse_date_parts, parse_date_text


def read_date(
    form: dict[str, str], field: str, label: str, errors: dict[str, str], *, required: bool = True
) -> date | None:
    """``field`` as an ISO date (the API) or as ``field_day``/``_month``/``_year`` (the pages)."""
    try:
        if form.get(field, "").strip():
            return parse_date_text(form[field], label)
        parsed = parse_date_parts(
            form.get(f"{field}_day", ""), form.get(f"{field}_month", ""), form.get(f"{field}_year", ""), label
        )
    except DateProblem as problem:
        errors[field] = str(problem)
        return None
    if parsed is None and required:
        errors[field] = f"Enter {label[0].lower()}{label[1:]}"
    return parsed


def choice(
    form: dict[str, str], field: str, options: dict[str, str], message: str, errors: dict[str, str]
) -> str:
    value = form.get(field, "").strip()
    if value not in options:
        errors[field] = message
    return value


def yes(form: dict[str, str], field: str) -> bool:
    return form.get(field, "").strip().lower() in ("yes", "true", "on", "1")


def date_values(prefix: str, day: date | None) -> dict[str, str]:
    """A stored date as the three boxes of a date input, to fill a form again."""
    if day is None:
        return {}
    return {f"{prefix}_day": str(day.day), f"{prefix}_month": str(day.month), f"{prefix}_year": str(day.year)}
