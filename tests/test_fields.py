"""Money and numbers typed into forms are read exactly and within bounds: exponents, NaN,
infinity, other scripts' digits and amounts no column could hold are named problems, never
an exception that would be a 500."""

from __future__ import annotations

from decimal import Decimal

import pytest

from market.fields import MAX_PENCE, AmountTooLarge, FormReader, parse_number, parse_pounds


@pytest.mark.parametrize(
    ("typed", "pence"),
    [("12.50", 1250), ("£12.5", 1250), ("12", 1200), (" £ 1,250.00 ", 125000), (".5", 50), ("12.", 1200),
     ("0", 0), ("12.500", 1250), ("1000000", MAX_PENCE)],
)  # fmt: skip
def test_money_as_people_type_it(typed, pence):
    assert parse_pounds(typed) == pence


@pytest.mark.parametrize(
    "typed",
    ["1e309", "1E+30", "1e3", "NaN", "nan", "Infinity", "-inf", "-5", "12.505", "1_000", "١٢", "²",
     "12 50", "", "£", ".", "0x10", "1" * 40, "12.5" + "0" * 20],
)  # fmt: skip
def test_anything_else_is_not_money(typed):
    with pytest.raises(ValueError):
        parse_pounds(typed)


def test_an_amount_beyond_the_maximum_is_too_large():
    with pytest.raises(AmountTooLarge):
        parse_pounds("1000000.01")
    with pytest.raises(AmountTooLarge):
        parse_pounds("999999999999999")
    assert parse_pounds("50", maximum=5000) == 5000
    with pytest.raises(AmountTooLarge):
        parse_pounds("50.01", maximum=5000)


@pytest.mark.parametrize(
    ("typed", "number"),
    [("12", Decimal(12)), ("12.25", Decimal("12.25")), (".5", Decimal("0.5")), ("-3", Decimal(-3))],
)
def test_plain_numbers(typed, number):
    assert parse_number(typed) == number


@pytest.mark.parametrize(
    "typed", ["NaN", "inf", "Infinity", "1e309", "1E+30", "1_0", "٣", "1" * 16, "1.2.3", "+4", ""]
)
def test_numbers_that_are_not_plain_are_none(typed):
    assert parse_number(typed) is None


def test_the_readers_name_the_field():
    read = FormReader(
        {"rate": "1e309", "fee": "2000000", "hours": "NaN", "big": "1E+30", "low": "0.1", "high": "500"}
    )
    assert read.pence("rate", "the hourly rate") is None
    assert read.pence("fee", "the fee") is None
    assert read.number("hours", "hours a week") is None
    assert read.number("big", "hours a week") is None
    assert read.number("low", "hours a week", minimum=0.25, maximum=84) is None
    assert read.number("high", "hours a week", maximum=84) is None
    assert read.number("missing", "the hours a week") is None
    assert read.number("blank", "the hours", required=False) is None
    assert read.errors == {
        "rate": "Enter the hourly rate in pounds and pence, like 12.50",
        "fee": "The fee must be £1,000,000 or less",
        "hours": "Hours a week must be a number, like 12.5",
        "big": "Hours a week must be a number, like 12.5",
        "low": "Hours a week must be between 0.25 and 84",
        "high": "Hours a week must be 84 or less",
        "missing": "Enter the hours a week",
    }
    assert FormReader({"hours": "12.25"}).number("hours", "hours") == 12.25
