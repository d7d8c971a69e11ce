"""The people supported, for the equality duties: how many people had a need the service
worked on in the period, by age group, gender, disability, ethnic group and district.

Staff see every number; anything exported beyond staff shows counts from 1 to 4 as "<5"
(``market.reports.exports``), so that no one can be picked out. Names, dates of birth and
postcodes never appear here: only counts."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from market.clock import london_date
from market.matching.needs.schemas import AGE_GROUPS, DISABILITY, ETHNICITY, GENDERS
from market.matching.tables import Need, Recipient
from market.reports.figures import Breakdown, Figure, Section
from market.reports.periods import Period

NOT_GIVEN = "Not given"
CHUNK = 5000
DEFINITION = (
    "People with at least one need that was referred in the period, or open on any day of it: "
    "a need is open from the day it was first opened until the day it was filled or closed (a "
    "need still open or paused at the end of the period counts). Each person is counted once, "
    "however many needs they have."
)


def _day(moment: datetime | None) -> date | None:
    return london_date(moment) if moment is not None else None


def _worked_on(need: dict[str, Any], period: Period) -> bool:
    if need["referred_on"] is not None and period.contains(need["referred_on"]):
        return True
    opened = _day(need["opened_at"])
    if opened is None or opened > period.end:
        return False
    if need["status"] in ("open", "paused"):
        return True
    ended = _day(need["filled_at"]) if need["status"] == "filled" else _day(need["updated_at"])
    return ended is None or ended >= period.start


async def people_supported(period: Period) -> list[int]:
    """The ids of the people supported in the period."""
    _, after = period.bounds()
    needs = await Need.select(
        Need.recipient, Need.referred_on, Need.opened_at, Need.status, Need.filled_at, Need.updated_at
    ).where((Need.opened_at < after) | (Need.referred_on.is_not_null()))
    return sorted({n["recipient"] for n in needs if _worked_on(n, period)})


def _rows(values: list[str], labels: dict[str, str]) -> list[tuple[str, int]]:
    """Every known group in its order (even at 0), then "Not given"."""
    counts = {code: values.count(code) for code in labels if code}
    rows = [(labels[code], counts[code]) for code in labels if code]
    return [*rows, (NOT_GIVEN, sum(1 for v in values if v not in counts))]


async def recipients(ids: list[int], *columns: Any) -> list[dict[str, Any]]:
    """These people's rows, asked for a few thousand ids at a time: a query may carry at most
    32,767 parameters on PostgreSQL (and a county has tens of thousands of people)."""
    found: list[dict[str, Any]] = []
    for start in range(0, len(ids), CHUNK):
        found += await Recipient.select(*columns).where(Recipient.id.is_in(ids[start : start + CHUNK]))
    return found


async def section(period: Period, today: date) -> Section:
    ids = await people_supported(period)
    people = await recipients(
        ids,
        Recipient.age_group,
        Recipient.gender,
        Recipient.disability,
        Recipient.ethnicity,
        Recipient.district,
    )
    districts: dict[str, int] = {}
    for p in people:
        districts[p["district"] or NOT_GIVEN] = districts.get(p["district"] or NOT_GIVEN, 0) + 1

    def breakdown(key: str, title: str, heading: str, column: str, labels: dict[str, str]) -> Breakdown:
        return Breakdown(
            key=f"people.by_{key}",
            title=f"People supported by {title}",
            definition=f"The people supported (as above), by the {title} recorded on their page today.",
            heading=heading,
            rows=_rows([p[column] for p in people], labels),
        )

    return Section(
        key="people",
        title="People supported",
        figures=[
            Figure(key="people.supported", title="People supported", definition=DEFINITION, value=len(ids))
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
