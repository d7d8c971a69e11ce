"""The published reader: every school year as plain dates, for the matching index, which
turns them into the engine's term calendar (``market.matching.terms_calendar``)."""

from __future__ import annotations

from market.terms.schemas import YearDates
from market.terms.tables import SchoolPeriod, SchoolYear


async def year_dates() -> list[YearDates]:
    """Each school year's first and last day, its terms and its breaks (half terms, holidays,
    INSET days), earliest year first. Two small queries, whatever the register's size."""
    periods: dict[int, list[dict]] = {}
    for row in await SchoolPeriod.select(
        SchoolPeriod.school_year, SchoolPeriod.kind, SchoolPeriod.first_day, SchoolPeriod.last_day
    ).order_by(SchoolPeriod.first_day):
        periods.setdefault(row["school_year"], []).append(row)
    found = []
    for year in await SchoolYear.select(SchoolYear.id, SchoolYear.first_day, SchoolYear.last_day).order_by(
        SchoolYear.first_day
    ):
        rows = periods.get(year["id"], [])
        found.append(
            YearDates(
                first_day=year["first_day"],
                last_day=year["last_day"],
                terms=tuple((p["first_day"], p["last_day"]) for p in rows if p["kind"] == "term"),
                breaks=tuple((p["first_day"], p["last_day"]) for p in rows if p["kind"] != "term"),
            )
        )
    return found
