"""Straight-line ("as the crow flies") distances in miles, a patchable spatial index, and a
banded sort key under which the points within a radius are a few contiguous slices (what the
matching engine's candidate index is laid out by).

Units, everywhere in this module:

- latitude / longitude in **decimal degrees** (WGS84), latitude first;
- distances in **statute miles** (1 mile = 1,609.344 m);
- only inside :class:`PointIndex` (and scikit-learn's ``BallTree(metric="haversine")``) are
  positions in radians and distances in radians of arc; convert with :data:`EARTH_RADIUS_MILES`;
- :func:`unit_vectors` are points on the unit sphere: the dot product of two is the cosine of
  the distance between them over :data:`EARTH_RADIUS_MILES`.

The Earth is treated as a sphere of radius :data:`EARTH_RADIUS_MILES`, chosen for Great Britain:
between any two points in GB (latitudes 49.9 to 60.9) the haversine distance agrees with the
WGS84 ellipsoidal geodesic (``geopy.distance.geodesic``) to within about 0.2% (the usual mean
radius, 3,958.8 miles, is up to 0.4% short here). ``geodesic`` is exact but costs ~100 µs a call;
this is vectorised numpy.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from functools import lru_cache
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray
from sklearn.neighbors import BallTree

__all__ = [
    "BAND_DEGREES",
    "EARTH_RADIUS_MILES",
    "METRES_PER_MILE",
    "PointIndex",
    "band_keys",
    "band_ranges",
    "haversine_miles",
    "unit_vectors",
]

# The ratio geodesic miles / haversine radians over GB spans about 3,960 (north-south, southern
# England) to 3,973 (east-west, Shetland); the middle of that range halves the worst error.
EARTH_RADIUS_MILES = 3966.6
METRES_PER_MILE = 1609.344


def haversine_miles(lat1: ArrayLike, lon1: ArrayLike, lat2: ArrayLike, lon2: ArrayLike) -> Any:
    """Great-circle distance in miles between (lat1, lon1) and (lat2, lon2), in degrees.

    Arguments may be scalars or arrays and broadcast together (one point against many, or
    pairwise). Returns a float for all-scalar input, else a float64 array of the broadcast shape.
    """
    phi1, lam1, phi2, lam2 = (np.radians(np.asarray(v, dtype=np.float64)) for v in (lat1, lon1, lat2, lon2))
    h = np.sin((phi2 - phi1) / 2.0) ** 2 + np.cos(phi1) * np.cos(phi2) * np.sin((lam2 - lam1) / 2.0) ** 2
    miles = 2.0 * EARTH_RADIUS_MILES * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))
    return float(miles) if np.ndim(miles) == 0 else miles


# -- banded layout ------------------------------------------------------------------------------
#
# Points sorted by ``band_keys`` (latitude band, then longitude) can be searched by radius with
# ``band_ranges``: a few key ranges, i.e. a few contiguous slices of the sorted arrays, whose
# union holds every point within the radius (and a little more: test the exact distance after).

BAND_DEGREES = 1 / 16  # the height of a latitude band: 4.3 miles
_BAND_STRIDE = 1000.0  # key = band * stride + (lon + 180): longitudes never reach the next band


def unit_vectors(lats: ArrayLike, lons: ArrayLike) -> NDArray[np.float64]:
    """Points (degrees) as unit vectors [n, 3]: the chord between two is 2·sin(d / 2R), so the
    dot product of two is cos(d / R) and comparing it with cos(limit / R) tests a distance."""
    phi = np.radians(np.asarray(lats, dtype=np.float64).reshape(-1))
    lam = np.radians(np.asarray(lons, dtype=np.float64).reshape(-1))
    across = np.cos(phi)
    return np.column_stack([across * np.cos(lam), across * np.sin(lam), np.sin(phi)])


def band_keys(lats: ArrayLike, lons: ArrayLike) -> NDArray[np.float64]:
    """Each point's sort key: its latitude band, then its longitude (monotonic in both)."""
    lat = np.asarray(lats, dtype=np.float64).reshape(-1)
    lon = np.asarray(lons, dtype=np.float64).reshape(-1)
    return np.floor((lat + 90.0) / BAND_DEGREES) * _BAND_STRIDE + (lon + 180.0)


def band_ranges(lat: float, lon: float, miles: float) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Inclusive key ranges ``(lows, highs)``, sorted and disjoint, whose union holds the key of
    every point within ``miles`` of (lat, lon) degrees: per latitude band the circle crosses,
    the longitudes of the circle at its widest within the band (a superset, never short).
    Remembered (a pure function, asked again for each search from the same place and each
    need's matches), so the arrays are read-only."""
    return _band_ranges(float(lat), float(lon), float(miles))


@lru_cache(maxsize=4096)
def _band_ranges(lat: float, lon: float, miles: float) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    lows, highs = _ranges(lat, lon, miles)
    lows.setflags(write=False)
    highs.setflags(write=False)
    return lows, highs


def _ranges(lat: float, lon: float, miles: float) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    theta = min(max(miles, 0.0) / EARTH_RADIUS_MILES, np.pi)
    reach = np.degrees(theta) + 1e-9
    if lat - reach <= -90.0 or lat + reach >= 90.0:  # the circle holds a pole: every longitude
        return np.array([-np.inf]), np.array([np.inf])
    first = np.floor((lat - reach + 90.0) / BAND_DEGREES)
    last = np.floor((lat + reach + 90.0) / BAND_DEGREES)
    bands = np.arange(first, last + 1.0)
    low = np.maximum(bands * BAND_DEGREES - 90.0, lat - reach)
    high = np.minimum((bands + 1.0) * BAND_DEGREES - 90.0, lat + reach)
    # hav(dlon) = (hav(theta) - hav(dlat)) / (cos(lat) cos(lat')): at its largest with the band's
    # latitude nearest the centre (numerator) and furthest from the equator (denominator).
    gap = np.sin(np.radians(np.clip(lat, low, high) - lat) / 2.0) ** 2
    slack = np.sin(theta / 2.0) ** 2 - gap
    polar = np.cos(np.radians(np.maximum(np.abs(low), np.abs(high))))
    ratio = slack / (np.cos(np.radians(lat)) * polar)
    half = np.degrees(2.0 * np.arcsin(np.sqrt(np.clip(ratio, 0.0, 1.0)))) * (1.0 + 1e-9) + 1e-9
    full = ratio >= 1.0  # the whole band
    base = bands * _BAND_STRIDE + 180.0
    lows = [np.where(full, base - 180.0, base + np.maximum(lon - half, -180.0))]
    highs = [np.where(full, base + 180.0, base + np.minimum(lon + half, 180.0))]
    west = ~full & (lon - half < -180.0)  # the circle crosses the antimeridian: the far side too
    east = ~full & (lon + half > 180.0)
    if west.any() or east.any():
        lows += [base[west] + lon - half[west] + 360.0, base[east] - 180.0]
        highs += [base[west] + 180.0, base[east] + lon + half[east] - 360.0]
    lo, hi = np.concatenate(lows), np.concatenate(highs)
    order = np.argsort(lo, kind="stable")
    return lo[order], hi[order]


def _join(arrays: list[NDArray[Any]], empty: NDArray[Any]) -> NDArray[Any]:
    """Concatenate the non-empty arrays (so an empty float array never promotes int ids)."""
    filled = [array for array in arrays if len(array)]
    if not filled:
        return empty
    return filled[0] if len(filled) == 1 else np.concatenate(filled)


def _degrees(values: ArrayLike, name: str, limit: float) -> NDArray[np.float64]:
    array = np.asarray(values, dtype=np.float64).reshape(-1)
    if not np.all(np.isfinite(array)) or np.any(np.abs(array) > limit):
        raise ValueError(f"{name} must be finite degrees within ±{limit:g}")
    return array


class PointIndex:
    """Points (id, lat, lon) that can be searched by radius and patched without a full rebuild.

    Built from column arrays: ``PointIndex(ids, lats, lons)``, degrees. Ids must be unique and
    hashable (ints or strings); results come back as a numpy array of ids.

    Layout: a scikit-learn ``BallTree(metric="haversine")`` over the points as they were at the
    last build, plus

    - a *removed* mask over the tree's points (removed points stay in the tree and are filtered
      out of results), and
    - a small unindexed *overflow* of points added (or moved) since, scanned with numpy.

    Edits cost O(1) (``remove``) or O(overflow) (``add``); a query costs the tree search plus a
    scan of the overflow. When overflow + removed points pass ``rebuild_threshold`` (default:
    2% of the points, at least 1,000) the next query rebuilds the tree (≈1.7 s for 1M points),
    or call :meth:`rebuild` yourself, e.g. off the request path. Not thread-safe: guard edits
    and queries with one lock if several threads share an index.
    """

    def __init__(
        self,
        ids: ArrayLike,
        lats: ArrayLike,
        lons: ArrayLike,
        *,
        rebuild_threshold: int | None = None,
        leaf_size: int = 40,
    ) -> None:
        self._rebuild_threshold = rebuild_threshold
        self._leaf_size = leaf_size
        ids_array = np.asarray(ids).reshape(-1)
        lat_array = _degrees(lats, "latitude", 90.0)
        lon_array = _degrees(lons, "longitude", 180.0)
        if not (len(ids_array) == len(lat_array) == len(lon_array)):
            raise ValueError("ids, lats and lons must have the same length")
        self._build(ids_array, lat_array, lon_array)

    # -- building -------------------------------------------------------------------------------

    def _build(self, ids: NDArray[Any], lats: NDArray[np.float64], lons: NDArray[np.float64]) -> None:
        positions = {key: i for i, key in enumerate(ids.tolist())}
        if len(positions) != len(ids):
            raise ValueError("ids must be unique")
        self._ids = ids
        self._lats = lats
        self._lons = lons
        self._positions: dict[Hashable, int] = positions  # id -> row in the tree, live rows only
        self._alive = np.ones(len(ids), dtype=bool)
        self._removed = 0
        self._tree = (
            BallTree(np.radians(np.column_stack([lats, lons])), metric="haversine", leaf_size=self._leaf_size)
            if len(ids)
            else None
        )
        self._overflow: dict[Hashable, tuple[float, float]] = {}
        self._overflow_arrays: tuple[NDArray[Any], NDArray[np.float64], NDArray[np.float64]] | None = None

    def rebuild(self) -> None:
        """Fold the overflow and removals into a fresh tree."""
        keep = self._alive
        extra_ids, extra_lats, extra_lons = self._overflow_columns()
        self._build(
            _join([self._ids[keep], extra_ids], self._ids[:0]),
            np.concatenate([self._lats[keep], extra_lats]),
            np.concatenate([self._lons[keep], extra_lons]),
        )

    @property
    def rebuild_threshold(self) -> int:
        if self._rebuild_threshold is not None:
            return self._rebuild_threshold
        return max(1000, len(self) // 50)

    @property
    def pending(self) -> int:
        """Edits not yet folded into the tree (overflow points + removed tree points)."""
        return len(self._overflow) + self._removed

    @property
    def needs_rebuild(self) -> bool:
        return self.pending > self.rebuild_threshold

    def _overflow_columns(self) -> tuple[NDArray[Any], NDArray[np.float64], NDArray[np.float64]]:
        if self._overflow_arrays is None:
            if self._overflow:
                ids = np.array(list(self._overflow))
                where = np.array(list(self._overflow.values()), dtype=np.float64)
                self._overflow_arrays = (ids, where[:, 0].copy(), where[:, 1].copy())
            else:
                empty = np.empty(0, dtype=np.float64)
                self._overflow_arrays = (np.empty(0, dtype=self._ids.dtype), empty, empty)
        return self._overflow_arrays

    # -- editing --------------------------------------------------------------------------------

    def add(self, point_id: Hashable, lat: float, lon: float) -> None:
        """Add a point, or move it if the id is already present (an upsert)."""
        lat_value = float(_degrees(lat, "latitude", 90.0)[0])
        lon_value = float(_degrees(lon, "longitude", 180.0)[0])
        self.remove(point_id, missing_ok=True)
        self._overflow[point_id] = (lat_value, lon_value)
        self._overflow_arrays = None

    def remove(self, point_id: Hashable, *, missing_ok: bool = False) -> None:
        """Remove a point by id; KeyError if it is not there (unless ``missing_ok``)."""
        if point_id in self._overflow:
            del self._overflow[point_id]
            self._overflow_arrays = None
        elif (row := self._positions.pop(point_id, None)) is not None:
            self._alive[row] = False
            self._removed += 1
        elif not missing_ok:
            raise KeyError(point_id)

    # -- reading --------------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._positions) + len(self._overflow)

    def __contains__(self, point_id: object) -> bool:
        return point_id in self._overflow or point_id in self._positions

    def location(self, point_id: Hashable) -> tuple[float, float]:
        """(lat, lon) in degrees of a point; KeyError if absent."""
        if point_id in self._overflow:
            return self._overflow[point_id]
        row = self._positions[point_id]
        return float(self._lats[row]), float(self._lons[row])

    def ids(self) -> NDArray[Any]:
        """Every id currently in the index (tree points first, then overflow)."""
        return _join([self._ids[self._alive], self._overflow_columns()[0]], self._ids[:0])

    def _prepare(self) -> None:
        if self.needs_rebuild:
            self.rebuild()

    @staticmethod
    def _ordered(ids: NDArray[Any], miles: NDArray[np.float64]) -> tuple[NDArray[Any], NDArray[np.float64]]:
        order = np.lexsort((ids, miles)) if len(ids) else np.empty(0, dtype=np.intp)
        return ids[order], miles[order]

    def within(
        self, lat: float, lon: float, miles: float, *, ordered: bool = True
    ) -> tuple[NDArray[Any], NDArray[np.float64]]:
        """Points within ``miles`` (inclusive) of (lat, lon) degrees.

        Returns ``(ids, distances_in_miles)``, nearest first (ties by id); with
        ``ordered=False`` in no particular order, skipping the sort (for callers that rank
        the points themselves).
        """
        if not np.isfinite(miles) or miles < 0:
            raise ValueError("miles must be a finite number, 0 or more")
        lat_value = float(_degrees(lat, "latitude", 90.0)[0])
        lon_value = float(_degrees(lon, "longitude", 180.0)[0])
        self._prepare()
        found_ids: list[NDArray[Any]] = []
        found_miles: list[NDArray[np.float64]] = []
        if self._tree is not None:
            query = np.radians([[lat_value, lon_value]])
            rows, arcs = self._tree.query_radius(query, r=miles / EARTH_RADIUS_MILES, return_distance=True)
            rows, arcs = rows[0], arcs[0]
            live = self._alive[rows]
            found_ids.append(self._ids[rows[live]])
            found_miles.append(arcs[live] * EARTH_RADIUS_MILES)
        extra_ids, extra_lats, extra_lons = self._overflow_columns()
        if len(extra_ids):
            extra_miles = haversine_miles(lat_value, lon_value, extra_lats, extra_lons)
            near = extra_miles <= miles
            found_ids.append(extra_ids[near])
            found_miles.append(extra_miles[near])
        ids, distances = _join(found_ids, self._ids[:0]), np.concatenate([np.empty(0), *found_miles])
        return self._ordered(ids, distances) if ordered else (ids, distances)

    def nearest(self, lat: float, lon: float, k: int) -> tuple[NDArray[Any], NDArray[np.float64]]:
        """The ``k`` nearest points to (lat, lon) degrees: ``(ids, distances_in_miles)``, nearest first."""
        if k < 0:
            raise ValueError("k must be 0 or more")
        lat_value = float(_degrees(lat, "latitude", 90.0)[0])
        lon_value = float(_degrees(lon, "longitude", 180.0)[0])
        self._prepare()
        found_ids: list[NDArray[Any]] = []
        found_miles: list[NDArray[np.float64]] = []
        if self._tree is not None and k:
            # Ask for enough extra neighbours to survive filtering out removed points.
            wanted = min(k + self._removed, len(self._ids))
            arcs, rows = self._tree.query(np.radians([[lat_value, lon_value]]), k=wanted)
            rows, arcs = rows[0], arcs[0]
            live = self._alive[rows]
            found_ids.append(self._ids[rows[live]])
            found_miles.append(arcs[live] * EARTH_RADIUS_MILES)
        extra_ids, extra_lats, extra_lons = self._overflow_columns()
        if len(extra_ids) and k:
            found_ids.append(extra_ids)
            found_miles.append(haversine_miles(lat_value, lon_value, extra_lats, extra_lons))
        ids, miles = self._ordered(
            _join(found_ids, self._ids[:0]), np.concatenate([np.empty(0), *found_miles])
        )
        return ids[:k], miles[:k]

    @classmethod
    def from_points(cls, points: Iterable[tuple[Hashable, float, float]], **options: Any) -> PointIndex:
        """Build from ``(id, lat, lon)`` tuples."""
        rows = list(points)
        ids: list[Any] = [row[0] for row in rows]  # any hashable: a postcode, a record id
        return cls(ids, [row[1] for row in rows], [row[2] for row in rows], **options)
