"""Where postcode sectors and districts are: the table shipped as package data.

``market/geo/data/centroids.csv.gz`` (built by ``scripts/build_geo_table.py`` from Ordnance
Survey Code-Point Open, see ``PROVENANCE.md`` beside it) holds the mean position of every GB
postcode sector ("PE1 1") and district ("PE1"), in WGS84 degrees. It is read once, on first
use, in well under 100 ms, and kept in memory (about 14,000 rows).

Coordinates are ``(lat, lon)`` tuples in decimal degrees (WGS84). A sector centroid is
typically within a mile of any address in the sector; a district's within a few miles.
"""

from __future__ import annotations

import gzip
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Literal

import msgspec
import numpy as np

from market.geo.distance import haversine_miles
from market.geo.postcodes import InvalidPostcode, PartialPostcode, Postcode, parse_outward_or_sector

__all__ = [
    "CentroidTable",
    "Location",
    "district_centroid",
    "districts_within",
    "known_district",
    "known_sector",
    "load_table",
    "locate",
    "nearest_sector",
    "sector_centroid",
    "sector_point",
]

DATA_PACKAGE = "market.geo.data"
DATA_FILE = "centroids.csv.gz"

LatLon = tuple[float, float]


class Location(msgspec.Struct, frozen=True):
    """Where a postcode is, at the precision the table allows."""

    lat: float  # degrees north, WGS84
    lon: float  # degrees east, WGS84 (negative west of Greenwich)
    precision: Literal["sector", "district"]
    code: str  # the sector ("PE1 1") or district ("PE1") whose centroid this is


@dataclass(frozen=True, slots=True)
class CentroidTable:
    """The loaded table: dicts for look-ups, column arrays for vectorised work."""

    sectors: dict[str, LatLon]
    districts: dict[str, LatLon]
    sector_postcodes: dict[str, int]  # how many postcodes each centroid averages
    district_postcodes: dict[str, int]
    sector_codes: np.ndarray  # str, sorted
    sector_lat: np.ndarray  # float64 degrees, aligned with sector_codes
    sector_lon: np.ndarray
    district_codes: np.ndarray
    district_lat: np.ndarray
    district_lon: np.ndarray


def _columns(entries: dict[str, LatLon]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    codes = np.array(list(entries), dtype=str)
    positions = np.array(list(entries.values()), dtype=np.float64).reshape(-1, 2)
    return codes, positions[:, 0].copy(), positions[:, 1].copy()


def parse_table(data: bytes) -> CentroidTable:
    """Parse the gzip'd CSV (header kind,code,lat,lon,postcodes)."""
    lines = gzip.decompress(data).decode("utf-8").splitlines()
    if not lines or lines[0] != "kind,code,lat,lon,postcodes":
        raise ValueError(f"unexpected centroid table header: {lines[:1]}")
    found: dict[str, dict[str, LatLon]] = {"sector": {}, "district": {}}
    counts: dict[str, dict[str, int]] = {"sector": {}, "district": {}}
    # The builder writes no quoted fields (codes are letters, digits and one space), so a plain
    # split is safe and about three times faster than the csv module.
    for line in lines[1:]:
        kind, code, lat, lon, postcodes = line.split(",")
        found[kind][code] = (float(lat), float(lon))
        counts[kind][code] = int(postcodes)
    sector_codes, sector_lat, sector_lon = _columns(found["sector"])
    district_codes, district_lat, district_lon = _columns(found["district"])
    return CentroidTable(
        sectors=found["sector"],
        districts=found["district"],
        sector_postcodes=counts["sector"],
        district_postcodes=counts["district"],
        sector_codes=sector_codes,
        sector_lat=sector_lat,
        sector_lon=sector_lon,
        district_codes=district_codes,
        district_lat=district_lat,
        district_lon=district_lon,
    )


@cache
def load_table() -> CentroidTable:
    """The shipped table, read on first call and cached for the life of the process."""
    return parse_table(resources.files(DATA_PACKAGE).joinpath(DATA_FILE).read_bytes())


def _code(text: str) -> str:
    """ "pe1  1" -> "PE1 1": upper case, single spaces."""
    return " ".join(text.upper().split())


def sector_centroid(sector: str) -> LatLon | None:
    """(lat, lon) of a postcode sector such as "PE1 1", or None if the table does not have it."""
    return load_table().sectors.get(_code(sector))


def district_centroid(district: str) -> LatLon | None:
    """(lat, lon) of a postcode district such as "PE1", or None if the table does not have it."""
    return load_table().districts.get(_code(district))


def known_sector(sector: str) -> bool:
    return _code(sector) in load_table().sectors


def known_district(district: str) -> bool:
    return _code(district) in load_table().districts


def locate(postcode: Postcode | PartialPostcode | str) -> Location | None:
    """Best position for a postcode: its sector's centroid, else its district's, else None.

    Takes a parsed :class:`Postcode` / :class:`PartialPostcode`, or text (a full postcode, a
    sector like "PE1 1" or a district like "PE1"); text that is none of these raises
    :class:`~market.geo.postcodes.InvalidPostcode`. A new sector (not yet in the table) falls
    back to its district; None means even the district is unknown (e.g. Northern Ireland's BT,
    which Code-Point Open does not cover).
    """
    if isinstance(postcode, str):
        postcode = parse_outward_or_sector(postcode)
    if not isinstance(postcode, Postcode | PartialPostcode):
        raise InvalidPostcode()
    table = load_table()
    if postcode.sector is not None and (found := table.sectors.get(postcode.sector)) is not None:
        return Location(lat=found[0], lon=found[1], precision="sector", code=postcode.sector)
    if (found := table.districts.get(postcode.district)) is not None:
        return Location(lat=found[0], lon=found[1], precision="district", code=postcode.district)
    return None


def nearest_sector(lat: float, lon: float) -> str:
    """The code of the sector whose centroid is nearest (lat, lon): one vectorised pass over
    the table's ~11,000 sectors (well under a millisecond)."""
    table = load_table()
    # Squared degrees with longitude scaled by cos(lat): the nearest centroid, not a distance.
    across = np.cos(np.radians(lat))
    gap = (table.sector_lat - lat) ** 2 + ((table.sector_lon - lon) * across) ** 2
    return str(table.sector_codes[int(np.argmin(gap))])


def sector_point(code: str | None, lat: float | None = None, lon: float | None = None) -> LatLon | None:
    """Where someone is, as precisely as others may be told: the centroid of the sector of
    ``code`` (a full postcode "PE1 1AB", a sector "PE1 1", or a district "PE1").

    A sector the table lacks (a new one) falls back to its district's centroid; text that is
    no postcode, or a district the table lacks, falls back to the sector centroid nearest
    (lat, lon) when a position is given. None when nothing is known. Every distance shown to
    someone who is neither staff nor the person themself is measured between two of these.
    """
    table = load_table()
    text = " ".join((code or "").upper().split())
    if text:
        try:
            parsed = parse_outward_or_sector(text)
        except InvalidPostcode:
            parsed = None
        if parsed is not None:
            if parsed.sector is not None and (found := table.sectors.get(parsed.sector)) is not None:
                return found
            if (found := table.districts.get(parsed.district)) is not None:
                return found
    if lat is None or lon is None:
        return None
    return table.sectors[nearest_sector(lat, lon)]


@cache
def _sector_districts() -> np.ndarray:
    """The district of each sector in the table, aligned with ``sector_codes``."""
    return np.array([code.split()[0] for code in load_table().sector_codes.tolist()], dtype=str)


def districts_within(lat: float, lon: float, miles: float) -> list[str]:
    """Every district with a sector centre, or its own centre, within ``miles`` of (lat, lon):
    the districts of everyone whose ``sector_point`` can be that close (sorted)."""
    table = load_table()
    near_sectors = haversine_miles(lat, lon, table.sector_lat, table.sector_lon) <= miles
    near_districts = haversine_miles(lat, lon, table.district_lat, table.district_lon) <= miles
    found = set(_sector_districts()[near_sectors].tolist()) | set(
        table.district_codes[near_districts].tolist()
    )
    return sorted(found)
