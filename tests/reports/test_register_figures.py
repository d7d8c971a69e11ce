"""Register figures over a known history: every figure exactly, for both financial years and
a quarter, with approvals and a withdrawal on either side of midnight in London on 31 March."""

from datetime import UTC, datetime

import pytest

from market.reports import register_figures
from market.reports.periods import financial_year, quarter
from tests.reports.history import TODAY, at, build

LEVELS = [
    "Registered nurse (degree, level 6)",
    "Level 5 diploma",
    "Level 4 diploma",
    "Level 3 diploma",
    "Level 2 diploma or certificate",
    "Care Certificate only",
    "No recorded qualification",
]

EXPECTED = {
    # period: (on register at end, new, suspended, suspended at end, removed), skills, groups, districts, levels
    "2024-25": (
        (3, 3, 1, 0, 0),  # D, suspended in November, was back by 31 March
        {"Personal care": 2, "Medication support": 2},
        {"Older people": 1, "Learning disability": 1},
        [("OX1", 2), ("PE1", 1)],
        [0, 0, 0, 0, 1, 1, 1],
    ),
    "2025-26": (
        (3, 2, 1, 1, 1),  # C, suspended on 10 May 2025, still is
        {"Personal care": 2, "Medication support": 1, "Shopping": 1},
        {"Older people": 2, "Learning disability": 2},
        [("PE1", 2), ("OX1", 1)],
        [0, 0, 0, 1, 0, 1, 1],
    ),
    "Q1 2025-26": (
        (4, 2, 1, 1, 0),
        {"Personal care": 2, "Medication support": 2, "Shopping": 1},
        {"Older people": 2, "Learning disability": 2},
        [("OX1", 2), ("PE1", 2)],
        [0, 0, 0, 0, 1, 1, 2],
    ),
}


def test_london_edges_of_the_history():
    # BST began on 30 March 2025 and 29 March 2026: 31 March is UTC+1 in both years.
    assert at(2025, 3, 31, 23, 30) == datetime(2025, 3, 31, 22, 30, tzinfo=UTC)  # B: 2024-25
    assert at(2025, 4, 1, 0, 30) == datetime(2025, 3, 31, 23, 30, tzinfo=UTC)  # C: 2025-26
    assert at(2026, 3, 31, 23, 59) == datetime(2026, 3, 31, 22, 59, tzinfo=UTC)  # D leaves in 2025-26
    assert at(2025, 6, 30, 23, 30) == datetime(2025, 6, 30, 22, 30, tzinfo=UTC)  # E: in Q1
    assert financial_year(2024).bounds()[1] == datetime(2025, 3, 31, 23, 0, tzinfo=UTC)


@pytest.mark.parametrize("period", [financial_year(2024), financial_year(2025), quarter(2025, 1)], ids=str)
async def test_register_figures(database, period):
    await build()
    section = await register_figures.section(period, TODAY)
    counts, skills, groups, districts, levels = EXPECTED[period.label]
    values = {f.key: f.value for f in section.figures}
    assert values == dict(
        zip(
            (
                "register.on_register_at_end",
                "register.new_in_period",
                "register.suspended_in_period",
                "register.suspended_at_end",
                "register.removed_in_period",
            ),
            counts,
            strict=True,
        )
    )
    tables = {b.key: b for b in section.breakdowns}
    skill_rows = tables["register.by_skill"].rows
    assert {label: n for label, n in skill_rows if n} == skills
    assert len(skill_rows) == 25 and skill_rows[0][0] == "Personal care"  # every skill, in order
    group_rows = tables["register.by_client_group"].rows
    assert {label: n for label, n in group_rows if n} == groups
    assert [label for label, _ in group_rows][:3] == [
        "Older people",
        "Physical disability",
        "Learning disability",
    ]
    assert tables["register.by_district"].rows == districts
    assert tables["register.by_qualification_level"].rows == list(zip(LEVELS, levels, strict=True))


async def test_every_figure_is_defined(database):
    section = await register_figures.section(financial_year(2025), TODAY)
    items = [*section.figures, *section.breakdowns]
    assert len({i.key for i in items}) == len(items)
    assert all(i.key.startswith("register.") and i.title and len(i.definition) > 40 for i in items)
    assert [f.value for f in section.figures] == [0, 0, 0, 0, 0]  # an empty register counts nothing
