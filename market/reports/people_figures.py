"""The people supported, for the equality duties: how many people had a need the service
worked on in the period, by age group, gender, disability, ethnic group and district.

Staff see every number; anything exported beyond staff shows counts from 1 to 4 as "<5"
(``market.reports.exports``), so that no one can be picked out. Names, dates of birth and
postcodes never appear here: only counts."""

from __future__ import annotations

from datetime import date
from typing import Any

from market.matching.needs.schemas import AGE_GROUPS, DISABILITY, ETHNICITY, GENDERS
from market.matching.tables import Recipient
from market.reports.figures import Breakdown, Figure, Section
from market.reports.periods import Period
from market.reports.register_figures import raw

NOT_GIVEN = "Not given"
CHUNK = 5000
DEFINITION = (
    "People with at least one need that was referred in the period, or open on any day of it: "
    "a need is open from the day it was first opened until the day it was filled or closed (a "
    "need still open or paused at the end of the period counts). Each person is counted once, "
    "however many needs they have."
)


def _worked_on_sql() -> str:
    """Needs worked on in a period, as a WHERE clause (parameters: the period's first and last
    days, then its bounds' end and start as moments): referred in it, or opened on or before its
    last day and still open or paused, or ended on or after its first day (a filled need ends
    when it was filled, any other when it last changed; a need with no such time counts)."""
    ended = "CASE WHEN n.status = 'filled' THEN n.filled_at ELSE n.updated_at END"
    return (
        "(n.referred_on >= {} AND n.referred_on <= {}) OR (n.opened_at < {} AND ("
        f"n.status IN ('open', 'paused') OR {ended} IS NULL OR {ended} >= {{}}))"
    )


def _worked_on_args(period: Period) -> list[Any]:
    first, after = period.bounds()
    return [period.start, period.end, after, first]


async def people_supported(period: Period) -> list[int]:
    """The ids of the people supported in the period."""
    rows = await raw(
        "SELECT DISTINCT n.recipient FROM matching_need n WHERE n.recipient IS NOT NULL AND ("
        + _worked_on_sql()
        + ")",
        *_worked_on_args(period),
    )
    return sorted(r["recipient"] for r in rows)


def _rows(counts: dict[str, int], labels: dict[str, str]) -> list[tuple[str, int]]:
    """Every known group in its order (even at 0), then "Not given" (no value, or one that is
    not a known group), from the people's counts by value."""
    rows = [(labels[code], counts.get(code, 0)) for code in labels if code]
    return [*rows, (NOT_GIVEN, sum(counts.values()) - sum(n for _, n in rows))]


async def recipients(ids: list[int], *columns: Any) -> list[dict[str, Any]]:
    """These people's rows, asked for a few thousand ids at a time: a query may carry at most
    32,767 parameters on PostgreSQL (and a county has tens of thousands of people)."""
    found: list[dict[str, Any]] = []
    for start in range(0, len(ids), CHUNK):
        found += await Recipient.select(*columns).where(Recipient.id.is_in(ids[start : start + CHUNK]))
    return found


BY = ("age_group", "gender", "disability", "ethnicity", "district")


async def section(period: Period, today: date) -> Section:
    # Counted in SQL, one statement: the people once each (IN), then a count per value of each
    # column; nothing about a person is read into Python.
    parts = " UNION ALL ".join(
        f"SELECT '{column}' AS part, {column} AS value, COUNT(*) AS n FROM people GROUP BY {column}"
        for column in BY
    )
    rows = await raw(
        "WITH people AS MATERIALIZED (SELECT r.age_group, r.gender, r.disability, r.ethnicity, r.district"
        " FROM matching_recipient r WHERE r.id IN (SELECT n.recipient FROM matching_need n WHERE "
        + _worked_on_sql()
        + f")) {parts}",
        *_worked_on_args(period),
    )
    counts: dict[str, dict[str, int]] = {column: {} for column in BY}
    for r in rows:
        counts[r["part"]][r["value"]] = r["n"]
    districts: dict[str, int] = {}
    for value, n in counts["district"].items():
        districts[value or NOT_GIVEN] = districts.get(value or NOT_GIVEN, 0) + n
    supported = sum(counts["age_group"].values())  # each person once, in one age group

    def breakdown(key: str, title: str, heading: str, column: str, labels: dict[str, str]) -> Breakdown:
        return Breakdown(
            key=f"people.by_{key}",
            title=f"People supported by {title}",
            definition=f"The people supported (as above), by the {title} recorded on their page today.",
            heading=heading,
            rows=_rows(counts[column], labels),
        )

    return Section(
        key="people",
        title="People supported",
        figures=[
            Figure(key="people.supported", title="People supported", definition=DEFINITION, value=supported)
        ],
        breakdowns=[
            breakdown("age_group", "age group", "Age group", "age_group", AGE_GROUPS),
            breakdown("gender", "gender", "Gender", "gender", GENDERS),
            breakdown("disability", "disability", "Consider themselves disabled", "disability", DISABILITY),
            breakdown("ethnicity", "ethnic group", "Ethnic group", "ethnicity", ETHNICITY),
            Breakdown(
                key="people.by_district",
                title="People supported by district",
                definition="The people supported, by the postcode district where they live, largest first.",
                heading="Postcode district",
                rows=sorted(districts.items(), key=lambda item: (-item[1], item[0])),
                ordered_by_count=True,
            ),
        ],
    )
