"""Reporting periods: financial years and quarters, their edges (31 March / 1 April) in
London time, and the mistakes the forms must name."""

from datetime import UTC, date, datetime

import pytest

from market.reports.periods import PeriodError, custom, financial_year, financial_year_of, previous, quarter


def test_financial_years_and_quarters():
    year = financial_year(2025)
    assert (year.start, year.end, year.label, year.days) == (
        date(2025, 4, 1),
        date(2026, 3, 31),
        "2025-26",
        365,
    )
    assert [(q.start, q.end) for q in (quarter(2025, n) for n in (1, 2, 3, 4))] == [
        (date(2025, 4, 1), date(2025, 6, 30)),
        (date(2025, 7, 1), date(2025, 9, 30)),
        (date(2025, 10, 1), date(2025, 12, 31)),
        (date(2026, 1, 1), date(2026, 3, 31)),
    ]
    assert quarter(2025, 4).label == "Q4 2025-26"
    assert financial_year_of(date(2026, 3, 31)) == 2025 and financial_year_of(date(2026, 4, 1)) == 2026
    with pytest.raises(PeriodError):
        quarter(2025, 5)


def test_the_edges_are_london_days():
    year = financial_year(2025)
    # 31 March 2026, 23:30 in London is 22:30 UTC (BST started 29 March): still in the year.
    assert year.contains(datetime(2026, 3, 31, 22, 30, tzinfo=UTC))
    # 1 April 2026, 00:30 in London (23:30 UTC on 31 March): the next year.
    assert not year.contains(datetime(2026, 3, 31, 23, 30, tzinfo=UTC))
    assert year.contains(date(2025, 4, 1)) and not year.contains(date(2025, 3, 31))
    first, after = year.bounds()
    assert first == datetime(2025, 3, 31, 23, 0, tzinfo=UTC)  # midnight BST
    assert after == datetime(2026, 3, 31, 23, 0, tzinfo=UTC)


def test_custom_periods_are_checked():
    assert custom(date(2026, 1, 1), date(2026, 1, 1)).days == 1
    with pytest.raises(PeriodError, match="after the start"):
        custom(date(2026, 2, 1), date(2026, 1, 1))
    before = previous(quarter(2025, 2))  # 92 days, ending the day before 1 July
    assert (before.start, before.end, before.days) == (date(2025, 3, 31), date(2025, 6, 30), 92)
