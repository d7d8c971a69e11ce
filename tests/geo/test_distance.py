"""Haversine miles against geopy's geodesic, and the BallTree index against a brute-force scan."""

import random

import numpy as np
import pytest
from geopy.distance import geodesic
from hypothesis import given, settings
from hypothesis import strategies as st

from market.geo.distance import EARTH_RADIUS_MILES, PointIndex, haversine_miles

# Great Britain, Scilly to Shetland
UK_LAT = (49.9, 60.9)
UK_LON = (-8.2, 1.8)

uk_lat = st.floats(*UK_LAT, allow_nan=False)
uk_lon = st.floats(*UK_LON, allow_nan=False)
uk_point = st.tuples(uk_lat, uk_lon)


@settings(max_examples=300, deadline=None)
@given(a=uk_point, b=uk_point)
def test_haversine_agrees_with_geodesic_within_half_a_percent(a, b):
    exact = geodesic(a, b).miles
    if exact < 0.01:
        return  # coincident points: relative error means nothing
    assert haversine_miles(*a, *b) == pytest.approx(exact, rel=0.005)


def test_haversine_agrees_with_geodesic_on_many_pairs_short_and_long():
    rng = np.random.default_rng(20250422)
    lat1, lon1 = rng.uniform(*UK_LAT, 2000), rng.uniform(*UK_LON, 2000)
    lat2 = np.concatenate([rng.uniform(*UK_LAT, 1000), lat1[1000:] + rng.normal(0, 0.1, 1000)])
    lon2 = np.concatenate([rng.uniform(*UK_LON, 1000), lon1[1000:] + rng.normal(0, 0.15, 1000)])
    fast = haversine_miles(lat1, lon1, lat2, lon2)
    exact = np.array(
        [
            geodesic(p, q).miles
            for p, q in zip(zip(lat1, lon1, strict=True), zip(lat2, lon2, strict=True), strict=True)
        ]
    )
    error = np.abs(fast / exact - 1)
    assert error.max() < 0.005
    assert error.max() < 0.0025  # the GB-tuned radius does better than the requirement


def test_haversine_scalars_and_broadcasting():
    assert haversine_miles(52.5, -0.25, 52.5, -0.25) == 0.0
    assert isinstance(haversine_miles(52.5, -0.25, 51.75, -1.26), float)
    lats = np.array([51.75, 52.0, 53.0])
    lons = np.array([-1.26, -0.5, -1.5])
    many = haversine_miles(52.5, -0.25, lats, lons)
    assert many.shape == (3,)
    assert many[0] == pytest.approx(haversine_miles(52.5, -0.25, 51.75, -1.26))
    grid = haversine_miles(lats[:, None], lons[:, None], lats[None, :], lons[None, :])
    assert grid.shape == (3, 3)
    assert np.allclose(grid, grid.T)
    assert np.allclose(np.diag(grid), 0)


def test_one_degree_of_latitude_is_about_69_miles():
    assert haversine_miles(52, 0, 53, 0) == pytest.approx(69.2, abs=0.2)
    assert 3960 < EARTH_RADIUS_MILES < 3975  # between the GB extremes of the local radius


def _brute(points: dict, lat: float, lon: float) -> dict:
    if not points:
        return {}
    ids = list(points)
    where = np.array([points[i] for i in ids])
    miles = haversine_miles(lat, lon, where[:, 0], where[:, 1])
    return dict(zip(ids, miles.tolist(), strict=True))


def _check(index: PointIndex, points: dict, lat: float, lon: float, radius: float) -> None:
    """The index answers what a brute-force scan does (allowing for float noise at the edge)."""
    ids, miles = index.within(lat, lon, radius)
    assert len(ids) == len(miles) == len(set(ids.tolist()))
    assert np.all(np.diff(miles) >= 0)
    brute = _brute(points, lat, lon)
    got = set(ids.tolist())
    assert {i for i, d in brute.items() if d <= radius - 1e-7} <= got
    assert got <= {i for i, d in brute.items() if d <= radius + 1e-7}
    for point_id, distance in zip(ids.tolist(), miles.tolist(), strict=True):
        assert distance == pytest.approx(brute[point_id], abs=1e-7)


def _random_points(rng: random.Random, count: int, start: int = 0) -> dict:
    return {start + i: (rng.uniform(*UK_LAT), rng.uniform(*UK_LON)) for i in range(count)}


def _index(points: dict, **options) -> PointIndex:
    ids = list(points)
    return PointIndex(ids, [points[i][0] for i in ids], [points[i][1] for i in ids], **options)


def test_within_matches_brute_force_on_random_points():
    rng = random.Random(7)
    points = _random_points(rng, 5000)
    index = _index(points)
    for _ in range(50):
        _check(index, points, rng.uniform(*UK_LAT), rng.uniform(*UK_LON), rng.choice([0.5, 5, 20, 60, 200]))


@settings(max_examples=60, deadline=None)
@given(
    points=st.dictionaries(st.integers(0, 10_000), uk_point, max_size=300),
    centre=uk_point,
    radius=st.floats(0, 400, allow_nan=False),
)
def test_within_matches_brute_force(points, centre, radius):
    _check(_index(points), points, *centre, radius)


@settings(max_examples=40, deadline=None)
@given(
    start=st.dictionaries(st.integers(0, 500), uk_point, max_size=120),
    edits=st.lists(
        st.tuples(st.sampled_from(["add", "remove", "query"]), st.integers(0, 600), uk_point),
        max_size=80,
    ),
    threshold=st.integers(0, 30),
    radius=st.floats(1, 150, allow_nan=False),
)
def test_patching_matches_brute_force(start, edits, threshold, radius):
    """Adds (including moves), removals and queries in any order, with rebuilds along the way."""
    index = _index(start, rebuild_threshold=threshold)
    model = dict(start)
    for action, point_id, (lat, lon) in edits:
        if action == "add":
            index.add(point_id, lat, lon)
            model[point_id] = (lat, lon)
        elif action == "remove":
            if point_id in model:
                index.remove(point_id)
                del model[point_id]
            else:
                with pytest.raises(KeyError):
                    index.remove(point_id)
        else:
            _check(index, model, lat, lon, radius)
        assert len(index) == len(model)
        if action == "query":
            assert not index.needs_rebuild  # a query folds pending edits in once past the threshold
    assert sorted(index.ids().tolist()) == sorted(model)
    for point_id, where in model.items():
        assert point_id in index
        assert index.location(point_id) == pytest.approx(where)


def test_patches_are_seen_without_a_rebuild_and_folded_in_later():
    index = PointIndex([1, 2, 3], [52.57, 51.75, 55.95], [-0.24, -1.26, -3.19], rebuild_threshold=2)
    peterborough = (52.57, -0.24)
    assert index.within(*peterborough, 1)[0].tolist() == [1]

    index.add(4, 52.58, -0.25)  # a new PA a mile away
    index.remove(1)  # the first one leaves
    assert index.pending == 2 and not index.needs_rebuild
    ids, miles = index.within(*peterborough, 5)
    assert ids.tolist() == [4]
    assert miles[0] == pytest.approx(haversine_miles(*peterborough, 52.58, -0.25))

    index.add(2, 52.60, -0.24)  # Oxford moves to Peterborough: an upsert
    assert index.pending == 4 and index.needs_rebuild  # 4 and 2 in the overflow; 1 and old 2 removed
    assert index.within(*peterborough, 5)[0].tolist() == [4, 2]
    assert index.pending == 0  # the query rebuilt the tree first
    assert len(index) == 3 and 1 not in index and index.location(2) == (52.60, -0.24)
    index.remove(7, missing_ok=True)
    with pytest.raises(KeyError):
        index.remove(7)


def test_default_threshold_and_explicit_rebuild():
    rng = random.Random(3)
    points = _random_points(rng, 2000)
    index = _index(points)
    assert index.rebuild_threshold == 1000  # at least 1,000, or 2% of the points
    extra = _random_points(rng, 10, start=10_000)
    for point_id, (lat, lon) in extra.items():
        index.add(point_id, lat, lon)
        points[point_id] = (lat, lon)
    assert index.pending == 10
    index.rebuild()
    assert index.pending == 0 and len(index) == 2010
    _check(index, points, 53.0, -1.5, 40)


def test_string_ids_and_an_empty_index():
    empty = PointIndex([], [], [])
    ids, miles = empty.within(52.5, -0.25, 100)
    assert len(ids) == 0 and len(miles) == 0
    empty.add("pa-1", 52.5, -0.25)
    assert empty.within(52.5, -0.25, 1)[0].tolist() == ["pa-1"]
    index = PointIndex(["a", "b"], [52.5, 52.6], [-0.25, -0.25])
    index.add("longer-id", 52.55, -0.25)
    assert index.within(52.5, -0.25, 10)[0].tolist() == ["a", "longer-id", "b"]


def test_nearest_matches_brute_force_with_patches():
    rng = random.Random(11)
    points = _random_points(rng, 1000)
    index = _index(points, rebuild_threshold=10_000)
    for point_id in list(points)[:50]:
        index.remove(point_id)
        del points[point_id]
    for point_id, (lat, lon) in _random_points(rng, 30, start=5000).items():
        index.add(point_id, lat, lon)
        points[point_id] = (lat, lon)
    for _ in range(20):
        lat, lon = rng.uniform(*UK_LAT), rng.uniform(*UK_LON)
        ids, miles = index.nearest(lat, lon, 15)
        brute = sorted(_brute(points, lat, lon).values())[:15]
        assert miles.tolist() == pytest.approx(brute, abs=1e-7)
        assert len(set(ids.tolist())) == 15
    assert len(index.nearest(52.5, -0.25, 0)[0]) == 0


@pytest.mark.parametrize(
    "bad",
    [
        dict(ids=[1, 1], lats=[52, 53], lons=[0, 0]),
        dict(ids=[1, 2], lats=[52], lons=[0, 0]),
        dict(ids=[1], lats=[95], lons=[0]),
        dict(ids=[1], lats=[52], lons=[float("nan")]),
    ],
)
def test_rejects_bad_input(bad):
    with pytest.raises(ValueError):
        PointIndex(**bad)


def test_rejects_a_negative_radius():
    with pytest.raises(ValueError):
        PointIndex([1], [52], [0]).within(52, 0, -1)
