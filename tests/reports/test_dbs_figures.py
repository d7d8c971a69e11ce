"""DBS figures over a known history: every figure exactly, for both financial years and a
quarter, with an application and a status check on 31 March and a recheck that falls due on
the last day of a year."""

from datetime import date

import pytest

from market.dbs.standing import Policy
from market.reports import dbs_figures
from market.reports.periods import custom, financial_year, quarter
from tests.reports.history import TODAY, build

KEYS = (
    "dbs.pas_with_procedure",
    "dbs.applications_started",
    "dbs.certificates_issued",
    "dbs.status_checks",
    "dbs.rechecks_overdue",
)
EXPECTED = {
    # F's application and B's status check, both on 31 March 2025; D's recheck was due in 2024.
    "2024-25": (2, 1, 0, 1, 1),
    # A's and E's applications and certificates; C's and A's status checks. B's check, extended
    # by the status check of 31 March 2025, was current until 30 March 2026: overdue on the 31st.
    # C's check was stopped by a status check saying NEW_INFO: on the to-do list, not overdue.
    "2025-26": (3, 2, 2, 2, 1),
    # At 30 June 2025 A's new certificate was not yet decided (2 July): A and D were overdue.
    "Q1 2025-26": (3, 2, 2, 1, 2),
}


@pytest.mark.parametrize("period", [financial_year(2024), financial_year(2025), quarter(2025, 1)], ids=str)
async def test_dbs_figures(database, period):
    await build()
    section = await dbs_figures.section(period, TODAY)
    assert {f.key: f.value for f in section.figures} == dict(zip(KEYS, EXPECTED[period.label], strict=True))


async def test_overdue_by_the_worklist_rules_at_a_date(database):
    pas = (await build()).pas
    a, b, d = pas["A"], pas["B"], pas["D"]
    policy = Policy()
    # B's check is current until 30 March 2026 and overdue from the day after; D is overdue
    # until withdrawn (23:59 London on 31 March 2026).
    assert await dbs_figures.overdue_at(date(2026, 3, 30), policy) == {d}
    assert await dbs_figures.overdue_at(date(2026, 3, 31), policy) == {b}
    # A's old check is current until 31 May 2025; the new one counts from its decision.
    assert await dbs_figures.overdue_at(date(2025, 5, 31), policy) == {d}
    assert await dbs_figures.overdue_at(date(2025, 6, 1), policy) == {a, d}
    assert await dbs_figures.overdue_at(date(2025, 7, 2), policy) == {d}
    # A period that has not ended is counted at today: D has left, B is overdue.
    section = await dbs_figures.section(custom(date(2026, 4, 1), date(2026, 6, 30)), TODAY)
    assert {f.key: f.value for f in section.figures}["dbs.rechecks_overdue"] == 1


async def test_every_figure_is_defined(database):
    section = await dbs_figures.section(financial_year(2025), TODAY)
    assert len({f.key for f in section.figures}) == len(section.figures) == 5
    assert all(f.key.startswith("dbs.") and f.title and len(f.definition) > 40 for f in section.figures)
    assert [f.value for f in section.figures] == [0] * 5
    assert all("certificate number" not in f.definition for f in section.figures)
