"""Distance bands and districts: what others may see of where someone is."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from market.geo.display import AS_THE_CROW_FLIES, distance_band, distance_note, district_of
from market.geo.postcodes import InvalidPostcode


@pytest.mark.parametrize(
    ("miles", "band"),
    [
        (0, "under 1 mile"),
        (0.3, "under 1 mile"),
        (0.999, "under 1 mile"),
        (1, "about 1 mile"),
        (1.49, "about 1 mile"),
        (1.5, "about 2 miles"),
        (2.5, "about 3 miles"),  # halves round up
        (3.4, "about 3 miles"),
        (4.49, "about 4 miles"),
        (4.5, "about 5 miles"),
        (7.49, "about 5 miles"),
        (7.5, "about 10 miles"),
        (12.5, "about 15 miles"),
        (16.9, "about 15 miles"),
        (47.49, "about 45 miles"),
        (50, "about 50 miles"),
        (50.01, "over 50 miles"),
        (321.7, "over 50 miles"),
        (float("inf"), "over 50 miles"),
    ],
)
def test_distance_bands(miles, band):
    assert distance_band(miles) == band


@given(st.floats(0, 1000, allow_nan=False))
def test_a_band_never_states_more_than_the_rounding_allows(miles):
    band = distance_band(miles)
    assert band.startswith(("under ", "about ", "over "))
    if band.startswith("about "):
        shown = int(band.split()[1])
        assert abs(shown - miles) <= (0.5 if miles < 4.5 else 2.5)
        assert shown <= 4 or shown % 5 == 0


@given(st.floats(0, 200, allow_nan=False), st.floats(0, 200, allow_nan=False))
def test_bands_never_go_backwards(a, b):
    order = [distance_band(x) for x in sorted([a, b])]
    values = [
        0.0 if s.startswith("under") else 1e9 if s.startswith("over") else int(s.split()[1]) for s in order
    ]
    assert values == sorted(values)


@pytest.mark.parametrize("bad", [-0.1, float("nan"), "three", None])
def test_rejects_what_is_not_a_distance(bad):
    with pytest.raises(ValueError):
        distance_band(bad)


def test_the_note_says_as_the_crow_flies():
    assert distance_note(3.2) == "about 3 miles as the crow flies"
    assert distance_note(0.2).endswith(AS_THE_CROW_FLIES)


@pytest.mark.parametrize(
    ("text", "district"),
    [("PE1 1AB", "PE1"), ("pe11ab", "PE1"), ("SW1A 1AA", "SW1A"), ("PE1 1", "PE1"), ("pe1", "PE1")],
)
def test_district_of_never_reveals_more_than_the_district(text, district):
    assert district_of(text) == district
    assert " " not in district_of(text)


def test_district_of_rejects_nonsense():
    with pytest.raises(InvalidPostcode):
        district_of("my house")


@given(st.floats(min_value=0, max_value=500, allow_nan=False))
def test_the_band_as_miles_is_in_the_same_band(miles):
    from market.geo.display import banded_miles

    assert distance_band(banded_miles(miles)) == distance_band(miles)


def test_banded_miles_is_one_number_a_band_and_takes_arrays():
    import numpy as np

    from market.geo.display import FAR_MILES, banded_miles

    assert banded_miles(0.2) == banded_miles(0.99) == 0.5
    assert banded_miles(3.4) == 3 and banded_miles(7.4) == 5 and banded_miles(7.5) == 10
    assert banded_miles(51) == banded_miles(400) == FAR_MILES + 5
    assert banded_miles(np.array([0.1, 2.6, 12.6])).tolist() == [0.5, 3.0, 15.0]
