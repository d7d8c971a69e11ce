"""The shipped sector/district table, and real distances measured with it."""

import gzip
from importlib import resources

import numpy as np
import pytest

from market.geo import centroids
from market.geo.centroids import Location, district_centroid, known_district, known_sector, load_table, locate
from market.geo.distance import haversine_miles
from market.geo.postcodes import InvalidPostcode, parse_postcode


def test_table_counts_are_in_range():
    table = load_table()
    assert 10_000 <= len(table.sectors) <= 12_500
    assert 2_700 <= len(table.districts) <= 3_100
    assert len(table.sector_codes) == len(table.sector_lat) == len(table.sector_lon) == len(table.sectors)
    assert len(table.district_codes) == len(table.districts)
    # about 1.74 million postcodes in Code-Point Open, each counted once per level
    assert 1_700_000 <= sum(table.sector_postcodes.values()) == sum(table.district_postcodes.values())


def test_every_centroid_is_in_great_britain():
    table = load_table()
    for lats, lons in ((table.sector_lat, table.sector_lon), (table.district_lat, table.district_lon)):
        assert np.all((lats > 49.8) & (lats < 61.0))
        assert np.all((lons > -8.7) & (lons < 1.8))


def test_every_sector_belongs_to_a_known_district():
    table = load_table()
    assert {code.split()[0] for code in table.sectors} == set(table.districts)


def test_file_is_sorted_with_the_documented_header():
    data = resources.files("market.geo.data").joinpath("centroids.csv.gz").read_bytes()
    assert data[4:8] == b"\0\0\0\0"  # gzip mtime 0: a rebuild is byte-identical
    lines = gzip.decompress(data).decode().splitlines()
    assert lines[0] == "kind,code,lat,lon,postcodes"
    keys = [tuple(line.split(",")[:2]) for line in lines[1:]]
    assert keys == sorted(keys)
    assert {kind for kind, _ in keys} == {"district", "sector"}


def test_pe1_1_is_in_peterborough():
    lat, lon = centroids.sector_centroid("PE1 1")
    assert abs(lat - 52.58) < 0.02
    assert abs(lon - -0.24) < 0.02
    assert known_sector("PE1 1") and known_sector(" pe1  1 ")
    assert known_district("PE1") and known_district("pe1")
    assert centroids.sector_centroid("pe1 1") == (lat, lon)


def test_unknown_codes_answer_none():
    assert centroids.sector_centroid("PE1 7") is None
    assert district_centroid("ZZ99") is None
    assert not known_sector("BT1 1")  # Northern Ireland is not in Code-Point Open
    assert not known_district("BT1")


def test_locate_prefers_the_sector():
    location = locate(parse_postcode("PE1 1AB"))
    assert location == Location(*centroids.sector_centroid("PE1 1"), precision="sector", code="PE1 1")
    assert locate("pe11ab") == location
    assert locate("PE1 1") == location


def test_locate_falls_back_to_the_district_for_a_new_sector():
    assert not known_sector("PE1 7")
    location = locate("PE1 7ZZ")
    assert location == Location(*district_centroid("PE1"), precision="district", code="PE1")
    assert locate("PE1") == location


def test_locate_gives_none_outside_the_data_and_rejects_nonsense():
    assert locate("BT1 1AA") is None
    with pytest.raises(InvalidPostcode):
        locate("not a postcode")


def test_the_table_is_loaded_once():
    assert load_table() is load_table()


# Exact geodesic miles between the postcodes themselves (Code-Point Open eastings/northings,
# converted with pyproj, measured with geopy's geodesic). At sector precision each should
# still come out within a mile.
KNOWN_DISTANCES = [
    ("PE1 1AB", "OX1 1DP", 71.30),  # Peterborough - Oxford; BNG 518993,298647 and 451420,205951
    ("SW1A 1AA", "EH1 1YZ", 332.10),  # London - Edinburgh
    ("M1 1AE", "LS1 1UR", 35.68),  # Manchester - Leeds
    ("CF10 1EP", "CB2 1TN", 149.85),  # Cardiff - Cambridge
    ("TR18 2AA", "KW15 1AA", 621.57),  # Penzance - Kirkwall
]


@pytest.mark.parametrize(("a", "b", "miles"), KNOWN_DISTANCES)
def test_known_distances_at_sector_precision(a, b, miles):
    first, second = locate(a), locate(b)
    assert first.precision == second.precision == "sector"
    assert haversine_miles(first.lat, first.lon, second.lat, second.lon) == pytest.approx(miles, abs=1.0)


def test_peterborough_to_oxford_is_about_71_miles():
    first, second = locate("PE1 1AB"), locate("OX1 1DP")
    assert abs(haversine_miles(first.lat, first.lon, second.lat, second.lon) - 71) < 1.0
    # the straight line on the National Grid agrees (grid scale is within 0.1% here)
    grid_miles = np.hypot(518993 - 451420, 298647 - 205951) / 1609.344
    assert grid_miles == pytest.approx(71.3, abs=0.1)


def test_sector_point_is_the_sector_centre_whatever_is_given():
    from market.geo.centroids import districts_within, nearest_sector, sector_centroid, sector_point

    centre = sector_centroid("PE1 1")
    assert sector_point("PE1 1AB") == sector_point("pe1 1bf") == sector_point("PE1 1") == centre
    assert sector_point("PE1") == district_centroid("PE1")  # a district: its centre
    # A sector the table lacks falls back to its district; no postcode at all, to the nearest sector.
    assert sector_point("PE1 9ZZ") in (sector_centroid("PE1 9"), district_centroid("PE1"))
    assert sector_point("", 52.5727, -0.2456) == centre == sector_point("not a postcode", *centre)
    assert nearest_sector(52.5727, -0.2456) == "PE1 1"
    assert sector_point(None) is None and sector_point("") is None
    near = districts_within(*centre, 5)
    assert {"PE1", "PE2", "PE3"} <= set(near) and "OX1" not in near
