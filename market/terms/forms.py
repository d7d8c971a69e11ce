"""The posted school-year and period forms as typed inputs, every problem named at once."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any, cast

from market.fields import FormReader, date_values
from market.terms.schemas import (
    KINDS,
    NAME_LIMIT,
    PERIOD_NAME_LIMIT,
    SOURCE_LIMIT,
    Kind,
    PeriodInput,
    PeriodOut,
    SchoolYearInput,
    SchoolYearOut,
)

PLACEHOLDER = date(2000, 1, 1)  # never reaches a service: done() raises first


def year_input(values: Mapping[str, str]) -> SchoolYearInput:
    read = FormReader(values)
    name = read.text("name", "the school year's name, like 2025 to 2026", required=True, limit=NAME_LIMIT)
    first = read.date("first_day", "The first day of the school year")
    last = read.date("last_day", "The last day of the school year")
    source = read.text(
        "source", "where the dates come from, like the council's term dates page", required=True,
        limit=SOURCE_LIMIT,
    )  # fmt: skip
    if first and last and last < first:
        read.problem("last_day", "The last day must be the same as or after the first day")
    read.done()
    return SchoolYearInput(
        name=name, first_day=first or PLACEHOLDER, last_day=last or PLACEHOLDER, source=source
    )


def period_input(values: Mapping[str, str]) -> PeriodInput:
    read = FormReader(values)
    kind = read.choice("kind", KINDS, "Choose whether this is a term, half term, holiday or INSET day")
    name = read.text("name", "the name", limit=PERIOD_NAME_LIMIT)
    first = read.date("first_day", "The first day")
    last = read.date("last_day", "The last day")
    if first and last and last < first:
        read.problem("last_day", "The last day must be the same as or after the first day")
    read.done()
    return PeriodInput(
        kind=cast(Kind, kind), name=name, first_day=first or PLACEHOLDER, last_day=last or PLACEHOLDER
    )


def year_values(year: SchoolYearOut) -> dict[str, Any]:
    return {
        "name": year.name,
        "source": year.source,
        **date_values("first_day", year.first_day),
        **date_values("last_day", year.last_day),
    }


def period_values(period: PeriodOut) -> dict[str, Any]:
    return {
        "kind": period.kind,
        "name": period.name,
        **date_values("first_day", period.first_day),
        **date_values("last_day", period.last_day),
    }
