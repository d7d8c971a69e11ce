"""Postcode normalisation and validation: pure, no database."""

import msgspec
import pytest
from hypothesis import given
from hypothesis import strategies as st

from market.geo.postcodes import (
    MESSAGE,
    InvalidPostcode,
    PartialPostcode,
    Postcode,
    is_valid_postcode,
    normalise_postcode,
    parse_outward_or_sector,
    parse_postcode,
)


def test_parses_a_postcode_into_its_parts():
    assert parse_postcode("PE1 1AB") == Postcode(
        full="PE1 1AB", outward="PE1", inward="1AB", area="PE", district="PE1", sector="PE1 1"
    )
    assert str(parse_postcode("PE1 1AB")) == "PE1 1AB"


@pytest.mark.parametrize(
    "text",
    ["pe1 1ab", "PE11AB", "pe11ab", "  PE1   1AB  ", "Pe1 1aB", "PE1\t1AB", "PE1\u00a01AB", " p e 1 1 a b "],
)
def test_case_and_spacing_do_not_matter(text):
    assert normalise_postcode(text) == "PE1 1AB"


@pytest.mark.parametrize(
    ("text", "outward", "area", "sector"),
    [
        ("M1 1AE", "M1", "M", "M1 1"),  # A9 9AA
        ("M60 1NW", "M60", "M", "M60 1"),  # A99 9AA
        ("W1A 1AA", "W1A", "W", "W1A 1"),  # A9A 9AA
        ("CR2 6XH", "CR2", "CR", "CR2 6"),  # AA9 9AA
        ("DN55 1PT", "DN55", "DN", "DN55 1"),  # AA99 9AA
        ("EC1A 1BB", "EC1A", "EC", "EC1A 1"),  # AA9A 9AA
        ("SW1A 1AA", "SW1A", "SW", "SW1A 1"),  # AA9A 9AA
        ("GIR 0AA", "GIR", "GIR", "GIR 0"),  # the special one
    ],
)
def test_every_official_shape(text, outward, area, sector):
    postcode = parse_postcode(text.lower().replace(" ", ""))
    assert postcode.full == text
    assert postcode.outward == postcode.district == outward
    assert postcode.inward == text.split()[1]
    assert postcode.area == area
    assert postcode.sector == sector


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "PE1",  # only the outward code
        "PE1 1",  # only the sector
        "1PE 1AB",  # starts with a digit
        "PE1 AB1",  # inward code the wrong way round
        "PE1 1A",  # inward code too short
        "PE1 1ABC",  # too long
        "PEE1 1AB",  # three area letters
        "P 1AB",  # no district digit
        "PE123 1AB",  # three district digits
        "QE1 1AB",  # Q never starts a postcode
        "PJ1 1AB",  # J never second
        "PE1 1CA",  # C never in the inward letters
        "M1I 1AA",  # I is not a valid A9A letter
        "SW1C 1AA",  # C is not a valid AA9A letter
        "PE1-1AB",
        "PE1 1A#",
        "GIR 0AB",  # only GIR 0AA is special
        "ＰＥ1 1AB",  # full-width letters
    ],
)
def test_rejects_what_is_not_a_postcode(text):
    with pytest.raises(InvalidPostcode) as caught:
        parse_postcode(text)
    assert str(caught.value) == MESSAGE == "Enter a real postcode, like PE1 1AB"
    assert isinstance(caught.value, ValueError)
    assert not is_valid_postcode(text)


def test_rejects_non_text():
    with pytest.raises(InvalidPostcode):
        parse_postcode(None)  # type: ignore[arg-type]


def test_postcode_is_a_frozen_struct():
    postcode = parse_postcode("OX1 1DP")
    assert msgspec.json.decode(msgspec.json.encode(postcode), type=Postcode) == postcode
    with pytest.raises(AttributeError):
        postcode.full = "OX1 1AA"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("PE1", PartialPostcode(area="PE", district="PE1")),
        (" pe1 ", PartialPostcode(area="PE", district="PE1")),
        ("PE11", PartialPostcode(area="PE", district="PE11")),  # no space: a district, not "PE1 1"
        ("pe1 1", PartialPostcode(area="PE", district="PE1", sector="PE1 1")),
        ("PE1   1", PartialPostcode(area="PE", district="PE1", sector="PE1 1")),
        ("ec1a 1", PartialPostcode(area="EC", district="EC1A", sector="EC1A 1")),
        ("pe11ab", PartialPostcode(area="PE", district="PE1", sector="PE1 1")),  # a full postcode
        ("GIR", PartialPostcode(area="GIR", district="GIR")),
    ],
)
def test_parses_districts_and_sectors(text, expected):
    assert parse_outward_or_sector(text) == expected


@pytest.mark.parametrize("text", ["", "P", "PE", "1", "PE1 A", "PE1 12", "QE1", "PE1 1A", "PE123"])
def test_rejects_partial_input_that_is_not_a_district_or_sector(text):
    with pytest.raises(InvalidPostcode):
        parse_outward_or_sector(text)


_letters = st.sampled_from("ABDEFGHJLNPQRSTUWXYZ")


@given(
    area=st.sampled_from(["B", "M", "PE", "SW", "OX", "EH"]),
    number=st.integers(1, 99),
    sector=st.integers(0, 9),
    unit=st.tuples(_letters, _letters),
    spaces=st.sampled_from(["", " ", "   "]),
    lower=st.booleans(),
)
def test_normalising_is_stable(area, number, sector, unit, spaces, lower):
    text = f"{area}{number}{spaces}{sector}{''.join(unit)}"
    postcode = parse_postcode(text.lower() if lower else text)
    assert postcode.full == f"{area}{number} {sector}{''.join(unit)}"
    assert parse_postcode(postcode.full) == postcode
    assert parse_outward_or_sector(postcode.sector).sector == postcode.sector
    assert parse_outward_or_sector(postcode.district).district == postcode.district
