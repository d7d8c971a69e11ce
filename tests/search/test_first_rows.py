"""The shortcuts a results page takes on the index (issue 22) give what the long way gives:
the first rows of the order as sorting every row would put them, and the exact positions of
index rows, looked up, as searched for by profile id."""

from __future__ import annotations

import numpy as np

from market.geo.distance import unit_vectors
from market.search.extras import Entry, SearchExtras
from market.search.on_index import first_in_order


def test_the_first_rows_in_order_are_those_of_sorting_them_all():
    rng = np.random.default_rng(22)
    for _ in range(2000):
        count = int(rng.integers(0, 200))
        # Few distinct values (many ties, as scores and banded miles have), then a unique id.
        keys = [
            rng.integers(0, int(rng.integers(1, 6)), count).astype(np.float64),
            -rng.integers(0, 4, count),
            rng.permutation(count) + 1000,
        ]
        if rng.random() < 0.5:  # exact miles: hardly any ties first
            keys[0] = rng.random(count).round(int(rng.integers(0, 4)))
        every = np.lexsort(tuple(reversed(keys)))
        for upto in (1, 2, 20, 40, count, count + 7, None):
            if upto is not None and upto < 1:
                continue
            got = first_in_order(keys, upto)
            assert got.tolist() == every[:upto].tolist(), (count, upto)


def _entry(profile_id: int, lat: float | None) -> Entry:
    return Entry(
        profile_id=profile_id,
        lat=lat,
        lon=None if lat is None else -lat,
        place=None,
        document="",
        languages=(),
    )


def test_positions_of_index_rows_follow_the_index_as_it_moves_on():
    extras = SearchExtras([_entry(pid, 50 + pid / 100) for pid in range(1, 400, 2)] + [_entry(2, None)])
    column = np.array([7, 3, 399, 2, 11, 5, 1], dtype=np.int64)  # the index's rows, by place
    rows = np.array([0, 2, 3, 6], dtype=np.int64)
    got = extras.unit_vectors_at(column, rows)
    assert np.array_equal(got, unit_vectors(*extras.positions(column[rows])), equal_nan=True)
    # The index patches under it: rows hold other PAs, one unknown here, and it grows.
    moved = np.array([9, 3, 401, 2, 11, 5, 1, 13, 15], dtype=np.int64)
    rows = np.arange(len(moved))
    got = extras.unit_vectors_at(moved, rows)
    assert np.array_equal(got, unit_vectors(*extras.positions(moved)), equal_nan=True)
    assert np.isnan(got[2]).all() and np.isnan(got[3]).all()  # 401 is not listed; 2 has no position
    # An edited PA's new position wins over the arrays, looked up or not.
    extras.patch([_entry(3, 51.0)])
    assert np.array_equal(extras.unit_vectors_at(moved, np.array([1])), unit_vectors([51.0], [-51.0]))


def test_the_search_page_reads_its_query_as_the_apis_dependency_does():
    """The page reads the query string itself (no second dependency to resolve): as litestar
    reads it for the API's ``search_query``, the last value of a single field, every value of
    a list field, and only the search's own names."""
    from litestar.datastructures import MultiDict

    from market.search.api import SEARCH_FIELDS, search_values_of

    query = MultiDict(
        [("postcode", "ZZ"), ("postcode", "PE1 1AB"), ("radius", ""), ("radius", "10"), ("day", "Monday"),
         ("day", "Sunday"), ("skill", ""), ("done", "saved"), ("from", "PE2"), ("page", "2")]
    )  # fmt: skip
    assert search_values_of(query) == {
        "day": ["Monday", "Sunday"],
        "skill": [""],
        "group": [],
        "postcode": "PE1 1AB",
        "radius": "10",
        "page": "2",
    }
    assert {"postcode", "radius", "day", "skill", "group", "q", "sort", "page"} <= SEARCH_FIELDS
    assert "done" not in SEARCH_FIELDS
