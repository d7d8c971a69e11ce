"""Training figures over a known history: every figure exactly, for both financial years and
a quarter, with completions, a session and expiries on 31 March and 1 April."""

import pytest

from market.reports import training_figures
from market.reports.periods import custom, financial_year, quarter
from tests.reports.history import TODAY, build

KEYS = (
    "training.attended",
    "training.qualification_achieved",
    "training.safeguarding_adults",
    "training.safeguarding_children",
    "training.falling_due_in_period",
    "training.due_within_90_days",
)
EXPECTED = {
    # D's session (18:00 London, 31 March 2025) counts in 2024-25; B's care certificate and A's
    # moving and handling renewal (31 March 2025) too; B's safeguarding children (1 April) not.
    "2024-25": (
        (3, 1, 1, 0, 1, 2),
        [
            ("The Care Certificate (all 16 standards)", 1),
            ("Moving and handling", 1),
            ("First aid", 1),
            ("Safeguarding adults", 1),
        ],
    ),
    # A's moving and handling runs out on 31 March 2026 (in), B's safeguarding children on
    # 1 April 2026 (out); E's Level 2 diploma, achieved 1 April 2026, is not in the year.
    "2025-26": (
        (4, 1, 2, 1, 1, 2),
        [
            ("Care Certificate standard 10: Safeguarding adults", 1),
            ("Moving and handling", 1),
            ("Safeguarding adults", 1),
            ("Safeguarding children", 1),
            ("Level 3 Diploma in Adult Care", 1),
        ],
    ),
    # D's first aid runs out on 1 May 2025; A renewed safeguarding before it ran out.
    "Q1 2025-26": (
        (4, 0, 2, 1, 1, 2),
        [
            ("Care Certificate standard 10: Safeguarding adults", 1),
            ("Moving and handling", 1),
            ("Safeguarding adults", 1),
            ("Safeguarding children", 1),
        ],
    ),
}


@pytest.mark.parametrize("period", [financial_year(2024), financial_year(2025), quarter(2025, 1)], ids=str)
async def test_training_figures(database, period):
    await build()
    section = await training_figures.section(period, TODAY)
    counts, by_course = EXPECTED[period.label]
    assert {f.key: f.value for f in section.figures} == dict(zip(KEYS, counts, strict=True))
    (breakdown,) = section.breakdowns
    assert breakdown.key == "training.completions_by_course"
    assert breakdown.rows == by_course


async def test_edges_of_a_single_day(database):
    await build()
    # 1 April 2025 alone: B's safeguarding children; 31 March 2025 alone: A, B and D's session.
    first = {
        f.key: f.value
        for f in (await training_figures.section(custom(*[TODAY.replace(2025, 4, 1)] * 2), TODAY)).figures
    }
    assert (first["training.attended"], first["training.safeguarding_children"]) == (1, 1)
    last = {
        f.key: f.value
        for f in (await training_figures.section(custom(*[TODAY.replace(2025, 3, 31)] * 2), TODAY)).figures
    }
    assert (last["training.attended"], last["training.qualification_achieved"]) == (3, 1)

    # Due within 90 days counts from today, both ends as the reminders count them: on 12 March
    # 2026, E's moving and handling (runs out 10 June 2026, day 90) is due, with A's and B's
    # training; on 11 March it is day 91 and E is not counted.
    def due(today):
        return training_figures.section(financial_year(2025), today)

    on_12 = {f.key: f.value for f in (await due(TODAY.replace(2026, 3, 12))).figures}
    on_11 = {f.key: f.value for f in (await due(TODAY.replace(2026, 3, 11))).figures}
    assert (on_12["training.due_within_90_days"], on_11["training.due_within_90_days"]) == (3, 2)


async def test_every_figure_is_defined(database):
    section = await training_figures.section(financial_year(2025), TODAY)
    items = [*section.figures, *section.breakdowns]
    assert len({i.key for i in items}) == len(items)
    assert all(i.key.startswith("training.") and i.title and len(i.definition) > 40 for i in items)
    assert [f.value for f in section.figures] == [0] * 6 and section.breakdowns[0].rows == []
