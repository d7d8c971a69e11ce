"""Dates typed by people are read within the years 1900 to 2100, from ASCII digits of a
date's lengths: a 23-digit day or an unknown script is a named problem, not an overflow."""

from __future__ import annotations

from datetime import date

import pytest

from market.dates import DateProblem, parse_date_parts, parse_date_text
from market.fields import FormReader


def test_real_dates_are_read():
    assert parse_date_parts("27", "3", "2027", "The date") == date(2027, 3, 27)
    assert parse_date_parts("01", "01", "1900", "The date") == date(1900, 1, 1)
    assert parse_date_parts("31", "12", "2100", "The date") == date(2100, 12, 31)
    assert parse_date_text("2027-03-27", "The date") == date(2027, 3, 27)
    assert parse_date_text("27/03/2027", "The date") == date(2027, 3, 27)
    assert parse_date_parts("", "", "", "The date") is None


@pytest.mark.parametrize(
    ("day", "month", "year"),
    [("1" * 23, "1", "2027"), ("1", "1" * 23, "2027"), ("1", "1", "1" * 23), ("1", "1", "9" * 5000),
     ("٣", "1", "2027"), ("²", "1", "2027"), ("1", "1", "27"), ("001", "1", "2027"), ("-1", "1", "2027"),
     ("30", "2", "2027"), ("1", "13", "2027")],
)  # fmt: skip
def test_parts_that_are_not_a_date_are_a_problem(day, month, year):
    with pytest.raises(DateProblem, match="The date must be a real date, like 27 3 2027"):
        parse_date_parts(day, month, year, "The date")


@pytest.mark.parametrize(
    ("day", "month", "year"),
    [("31", "12", "1899"), ("1", "1", "2101"), ("1", "1", "9999"), ("1", "1", "0001")],
)
def test_years_outside_1900_to_2100_are_refused(day, month, year):
    with pytest.raises(DateProblem, match="with a year from 1900 to 2100"):
        parse_date_parts(day, month, year, "The date")


@pytest.mark.parametrize(
    "text",
    [
        "9999-12-31",
        "0001-01-01",
        "1899-12-31",
        "2101-01-01",
        "31/12/9999",
        "1/1/" + "1" * 23,
        "1" * 23,
        "NaN",
    ],
)
def test_text_dates_are_bounded_too(text):
    with pytest.raises(DateProblem):
        parse_date_text(text, "The date")


def test_the_form_reader_names_the_field():
    read = FormReader({"start_day": "1" * 23, "start_month": "1", "start_year": "2027", "end": "9999-12-31"})
    assert read.date("start", "The start date") is None
    assert read.date("end", "The end date") is None
    assert read.errors == {
        "start": "The start date must be a real date, like 27 3 2027",
        "end": "The end date must be a real date, with a year from 1900 to 2100",
    }


def test_long_dates_have_no_leading_zero():
    from datetime import date

    from market.dates import long_date

    assert long_date(date(2027, 1, 4)) == "4 January 2027"
    assert long_date(date(2027, 11, 25)) == "25 November 2027"


def test_any_date_reads_iso_uk_and_written_dates():
    from market.dates import parse_any_date

    for text in (
        "2026-01-03",
        "03/01/2026",
        "3 January 2026",
        "Saturday 3 January 2026",
        "3 Jan 2026",
        "3rd January, 2026",
    ):
        assert parse_any_date(text, "The first day") == date(2026, 1, 3), text
    for text in ("3 Janvier 2026", "31 February 2026", "3 January 20266", "tomorrow", "3 January 1800"):
        with pytest.raises(DateProblem):
            parse_any_date(text, "The first day")


def test_add_months_of_many_days_is_add_months_of_each():
    """The vectorised add_months (the index build's) gives each day what add_months gives:
    a month's end kept within the shorter month, leap days, years either way."""
    import numpy as np

    from market.dates import add_months, add_months_days

    days = np.arange(date(2019, 12, 1).toordinal(), date(2029, 3, 31).toordinal())
    for months in (0, 1, 6, 11, 12, 13, 35, 36, -1, -13, 120):
        expected = [add_months(date.fromordinal(int(d)), months).toordinal() for d in days]
        assert add_months_days(days, months).tolist() == expected, months
