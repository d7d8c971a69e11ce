"""The people supported: who counts in a period (referred in it, or a need open on any day of
it), each person once, by age group, gender, disability, ethnic group and district; every
group listed even at 0, and nothing that names anyone."""

from __future__ import annotations

from datetime import UTC, date, datetime

from market.matching.tables import Need, Recipient
from market.reports import exports, people_figures
from market.reports.periods import financial_year, quarter
from tests.matching.factories import make_need, make_recipient


async def _person(name, *, postcode="PE1 1AB", **columns):
    row = await make_recipient(name=name, postcode=postcode)
    if columns:
        await Recipient.update({getattr(Recipient, k): v for k, v in columns.items()}).where(
            Recipient.id == row["id"]
        )
    return row


async def _need(person, **columns):
    need = await make_need(person, status=columns.pop("status", "open"))
    await Need.update({getattr(Need, k): v for k, v in columns.items()}).where(Need.id == need["id"])
    return need


async def test_who_is_supported_and_how_they_are_counted(database):
    at = lambda y, m, d: datetime(y, m, d, 12, tzinfo=UTC)  # noqa: E731
    ada = await _person("Ada", age_group="older_adult", gender="woman", disability="yes", ethnicity="white")
    ben = await _person("Ben", postcode="OX4 1AA", age_group="child", gender="man", ethnicity="black")
    cal = await _person("Cal", age_group="adult")
    dee = await _person("Dee", age_group="adult")
    # Ada: two needs in 2025-26, counted once. Ben: referred on 31 March 2026 (the last day).
    await _need(ada, opened_at=at(2025, 5, 1))
    await _need(ada, status="filled", opened_at=at(2025, 4, 2), filled_at=at(2025, 6, 1))
    await _need(ben, status="draft", opened_at=None, referred_on=date(2026, 3, 31))
    # Cal: filled before the year began. Dee: closed during it (its last change).
    await _need(cal, status="filled", opened_at=at(2024, 6, 1), filled_at=at(2025, 3, 1))
    await _need(dee, status="closed", opened_at=at(2024, 6, 1), updated_at=at(2025, 4, 10))

    year = await people_figures.section(financial_year(2025), date(2026, 11, 1))
    assert year.figures[0].value == 3  # Ada, Ben, Dee
    rows = {b.key: dict(b.rows) for b in year.breakdowns}
    assert rows["people.by_age_group"] == {
        "Child (under 18)": 1,
        "Adult (18 to 64)": 1,
        "Older adult (65 or over)": 1,
        "Not given": 0,
    }
    assert rows["people.by_gender"]["Woman"] == 1 and rows["people.by_gender"]["Not given"] == 1
    assert rows["people.by_disability"]["Yes"] == 1 and rows["people.by_disability"]["Not given"] == 2
    assert rows["people.by_ethnicity"]["White"] == 1 and rows["people.by_ethnicity"]["Prefer not to say"] == 0
    assert rows["people.by_district"] == {"PE1": 2, "OX4": 1}

    before = await people_figures.section(financial_year(2024), date(2026, 11, 1))
    assert before.figures[0].value == 2  # Cal and Dee had open needs in 2024-25
    q1 = await people_figures.section(quarter(2025, 1), date(2026, 11, 1))
    assert q1.figures[0].value == 2  # Ada and Dee (closed 10 April); Ben is referred in Q4

    text = exports.section_csv(year, financial_year(2025), for_staff=False)
    assert "Ada" not in text and "PE1 1AB" not in text
    # Three people in all: "<5", and no breakdown of them is shown beyond staff.
    assert "People supported,<5" in text and "Woman" not in text
    assert text.count(exports.WITHHELD) == len(year.breakdowns)
