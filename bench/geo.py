"""Geography benchmarks: geocoding rate, and "everyone within 10 miles" with the BallTree
against a plain numpy scan, both measured in the same run.

    make bench-geo        (or: .venv/bin/python bench/geo.py)
"""

from __future__ import annotations

import asyncio
import logging
import random
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from market import db  # noqa: E402
from market.geo import services as geo  # noqa: E402
from market.geo.centroids import load_table  # noqa: E402
from market.geo.distance import PointIndex, haversine_miles  # noqa: E402
from market.geo.postcodes import parse_postcode  # noqa: E402
from market.settings import Settings  # noqa: E402

POSTCODES = 100_000
POINTS = 100_000
QUERIES = 1_000
RADIUS_MILES = 10.0


def sample_postcodes(count: int, rng: random.Random) -> list[str]:
    sectors = sorted(load_table().sectors)
    letters = "ABDEFGHJLNPQRSTUWXYZ"  # the letters an inward code may end with
    return [f"{rng.choice(sectors)}{rng.choice(letters)}{rng.choice(letters)}" for _ in range(count)]


async def geocoding(rng: random.Random) -> None:
    texts = sample_postcodes(POSTCODES, rng)
    messy = [t.lower().replace(" ", "") if i % 2 else f"  {t} " for i, t in enumerate(texts)]
    start = time.perf_counter()
    for text in messy:
        parse_postcode(text)
    parse_rate = POSTCODES / (time.perf_counter() - start)

    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(
            database_url=f"sqlite:///{folder}/geo.db", secret_key="b" * 40, env="development", var_dir=folder
        )
        db.activate(db.create_engine(settings))
        await db.migrate()
        start = time.perf_counter()
        results = await geo.locate_many(messy)
        locate_rate = POSTCODES / (time.perf_counter() - start)
    located = sum(1 for r in results if not isinstance(r, str))
    print(f"\nGeocoding {POSTCODES:,} postcodes (sector table, no full import; {located:,} located)")
    print(f"  baseline: parse and validate only   {parse_rate:12,.0f} postcodes/s")
    print(
        f"  locate_many (parse + centroid)      {locate_rate:12,.0f} postcodes/s   {locate_rate / parse_rate:5.2f} x baseline"
    )


def radius_search(rng: random.Random) -> None:
    np_rng = np.random.default_rng(rng.randrange(2**32))
    table = load_table()
    # Points scattered round real sector centroids, so density follows where people live.
    picks = np_rng.integers(0, len(table.sector_lat), POINTS)
    lats = table.sector_lat[picks] + np_rng.normal(0, 0.02, POINTS)
    lons = table.sector_lon[picks] + np_rng.normal(0, 0.03, POINTS)
    ids = np.arange(POINTS)
    start = time.perf_counter()
    index = PointIndex(ids, lats, lons)
    build = time.perf_counter() - start
    queries = np_rng.integers(0, POINTS, QUERIES)

    start = time.perf_counter()
    scan_counts = []
    for q in queries:
        miles = haversine_miles(lats[q], lons[q], lats, lons)
        scan_counts.append(int(np.count_nonzero(miles <= RADIUS_MILES)))
    scan = (time.perf_counter() - start) / QUERIES

    start = time.perf_counter()
    tree_counts = [len(index.within(float(lats[q]), float(lons[q]), RADIUS_MILES)[0]) for q in queries]
    tree = (time.perf_counter() - start) / QUERIES
    assert tree_counts == scan_counts, "the BallTree and the scan disagree"

    print(
        f'\n"PAs within {RADIUS_MILES:g} miles" over {POINTS:,} points ({QUERIES:,} queries, '
        f"mean {np.mean(scan_counts):,.0f} found; tree built in {build:.2f} s)"
    )
    print(f"  baseline: numpy haversine scan      {scan * 1000:10.3f} ms/query")
    print(f"  BallTree (haversine)                {tree * 1000:10.3f} ms/query   {scan / tree:5.1f} x faster")


def main() -> None:
    logging.disable(logging.INFO)
    rng = random.Random(20261125)
    asyncio.run(geocoding(rng))
    radius_search(rng)


if __name__ == "__main__":
    main()
