"""Matching benchmark: rank() latency on synthetic registers of PAs spread like the
population of England, against two baselines measured in the same run:

- the scan floor: one vectorised numpy haversine pass over every PA, nothing else (a spatial
  pre-filter must beat any full scan);
- a naive ranker: a Python loop over every PA computing geopy geodesic distances and set
  overlaps (what the engine replaces).

The worst case is timed on its own: 10-mile needs at the densest spot of London, found in
each synthetic register by counting PAs within 10 miles on a grid (``dense_centre``, with
``dense_within`` PAs on the register inside the circle).

Quality: planted-truth needs (ideal PAs hidden among distractors, patched in as edits are)
scored by NDCG@10, and a count of hard-requirement violations over random needs and
dense-London needs (must be zero), checked against the index's own columns and an independent
haversine distance.

Upkeep: ``patch_ms`` is the median time to patch one PA who moves (``patch_index`` minus
building the record), ``compact_s`` the time to fold the tail back into the sorted rows.

    make bench                 (1k, 10k, 100k)
    .venv/bin/python bench/matching.py --sizes 1000,100000,1000000

Prints one JSON line per size last: n, build_s, p50_ms, p95_ms, dense_p95_ms, scan_floor_ms,
naive_ms, ndcg10, violations (and more).
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from datetime import date
from pathlib import Path

import numpy as np
from geopy.distance import geodesic

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from market.geo.distance import haversine_miles  # noqa: E402
from market.matching.engine.ranking import DBS_KINDS, ROW_COLUMNS, NeedSpec, naive_distance, rank  # noqa: E402
from market.matching.engine.synthetic import make_index, random_need  # noqa: E402

AT = date(2026, 12, 1)
NEEDS = 300
NAIVE_NEEDS = 3


def percentile(samples: list[float], q: float) -> float:
    return float(np.percentile(np.array(samples), q))


def timed(work) -> float:
    start = time.perf_counter()
    work()
    return (time.perf_counter() - start) * 1000


def naive_rank(need: NeedSpec, index) -> list[int]:
    """The baseline: every PA, one by one, with geopy and Python sets."""
    required = set(need.required_skills)
    kept = []
    skills = index.skill_vocab.codes
    for row in range(len(index)):
        if not index.active[row]:
            continue
        miles = geodesic((need.lat, need.lon), (index.lat[row], index.lon[row])).miles
        if miles > need.max_distance or miles > index.travel_miles[row]:
            continue
        held = {skills[i] for i in range(len(skills)) if int(index.skills[row]) >> i & 1}
        if not required <= held:
            continue
        kept.append((miles, row))
    kept.sort()
    return [row for _, row in kept[:20]]


def plant(index, rng: np.random.Generator, need: NeedSpec, count: int = 5) -> set[int]:
    """Make ``count`` PAs near the need ideal for it (the planted truth), by patching the index
    as an edit would (they move, so they go to its tail); return their ids."""
    picked = rng.choice(len(index), size=count, replace=False)
    ids = list(dict.fromkeys(int(index.profile_id[row]) for row in picked))
    rows = np.array([index.row_of(pid) for pid in ids], dtype=np.int64)
    planted = {name: getattr(index, name)[rows].copy() for name in ROW_COLUMNS}
    n = len(rows)
    planted |= {
        "active": np.ones(n, dtype=bool),
        "lat": need.lat + rng.normal(0, 0.004, n),
        "lon": need.lon + rng.normal(0, 0.006, n),
        "travel_miles": np.full(n, 25, dtype=np.float32),
        "skills": np.full(n, 2**64 - 1, dtype=np.uint64),
        "groups": np.full(n, 2**64 - 1, dtype=np.uint64),
        "languages": np.full(n, 2**64 - 1, dtype=np.uint64),
        "shift_kinds": np.full(n, 2**64 - 1, dtype=np.uint64),
        "gender": np.ones(n, dtype=np.int8),
        "licence": np.ones(n, dtype=bool),
        "car": np.ones(n, dtype=bool),
        "car_insurance": np.ones(n, dtype=bool),
        "min_rate": np.full(n, max(need.max_rate_pence * 0.8, 100), dtype=np.int32),
        "wont_do": np.zeros(n, dtype=np.uint64),
        "year_pattern": np.zeros(n, dtype=np.int8),
        "min_hours": np.zeros(n, dtype=np.float32),
        "max_hours": np.zeros(n, dtype=np.float32),
    }
    planted["dbs_until"][:] = AT.toordinal() + 900
    planted["course_until"][:] = AT.toordinal() + 700
    planted["course_verified"][:] = True
    planted["availability"][:] = 255
    index.patch(planted, {}, ())
    return set(ids)


def ndcg10(ranked: list[int], truth: set[int]) -> float:
    gains = sum(1 / math.log2(i + 2) for i, pid in enumerate(ranked[:10]) if pid in truth)
    ideal = sum(1 / math.log2(i + 2) for i in range(min(10, len(truth))))
    return gains / ideal if ideal else 1.0


def violations(index, need: NeedSpec) -> int:
    today = AT.toordinal()
    found = 0
    for c in rank(need, index, AT, limit=10_000).candidates:
        row = index.row_of(c.profile_id)
        mask = index.skill_vocab.mask(need.required_skills)
        miles = haversine_miles(need.lat, need.lon, float(index.lat[row]), float(index.lon[row]))
        ok = (
            index.active[row]
            and (not need.dbs or index.dbs_until[row, DBS_KINDS.index(need.dbs)] >= today)
            and c.miles <= need.max_distance + 0.05
            and c.miles <= float(index.travel_miles[row]) + 0.05
            and miles <= need.max_distance + 1e-6
            and miles <= float(index.travel_miles[row]) + 1e-6
            and int(index.skills[row]) & mask == mask
            and (not need.rate_firm or not need.max_rate_pence or index.min_rate[row] <= need.max_rate_pence)
            and (need.driving == "none" or index.licence[row])
            and (need.driving != "own_car" or (index.car[row] and index.car_insurance[row]))
            # Free at some of the need's times (issue 16): never a PA with 0 hours of them.
            and (not need.slots or c.factors["availability"] > 0)
        )
        found += not ok
    return found


def densest(index, miles: float = 10.0) -> tuple[float, float, int]:
    """The spot in London with the most PAs on the register within ``miles``: a 0.01-degree
    grid, counted on a sample of at most 200,000 PAs, then exactly at the best spot."""
    on = np.flatnonzero(index.active)
    sample = on if len(on) <= 200_000 else np.random.default_rng(0).choice(on, 200_000, replace=False)
    lat, lon = index.lat[sample], index.lon[sample]
    spots = [(a, b) for a in np.arange(51.30, 51.70, 0.01) for b in np.arange(-0.45, 0.25, 0.01)]
    counts = [int(np.count_nonzero(haversine_miles(a, b, lat, lon) <= miles)) for a, b in spots]
    best_lat, best_lon = spots[int(np.argmax(counts))]
    within = int(np.count_nonzero(haversine_miles(best_lat, best_lon, index.lat[on], index.lon[on]) <= miles))
    return round(float(best_lat), 3), round(float(best_lon), 3), within


def move_one(index, rng: np.random.Generator) -> None:
    """Patch one PA who moves a little (to the index's tail)."""
    row = index.row_of(int(index.profile_id[rng.integers(len(index))]))
    columns = {name: getattr(index, name)[[row]].copy() for name in ROW_COLUMNS}
    columns["lat"] += 0.001
    index.patch(columns, {}, ())


def run(n: int, *, seed: int = 1) -> dict:
    rng = np.random.default_rng(seed)
    started = time.perf_counter()
    index = make_index(n, seed=seed, at=AT)
    built = time.perf_counter() - started
    needs = [random_need(rng, at=AT) for _ in range(NEEDS)]
    dense_lat, dense_lon, dense_within = densest(index)
    dense = [
        NeedSpec(
            **{
                **{f: getattr(need, f) for f in need.__struct_fields__},
                "lat": dense_lat + rng.normal(0, 0.003),
                "lon": dense_lon + rng.normal(0, 0.005),
                "max_distance": 10.0,
            }
        )
        for need in (random_need(rng, at=AT) for _ in range(NEEDS // 3))
    ]
    rank(needs[0], index, AT)  # warm up
    latencies = [timed(lambda need=need: rank(need, index, AT)) for need in needs]
    dense_latencies = [timed(lambda need=need: rank(need, index, AT)) for need in dense]
    floor = [timed(lambda need=need: naive_distance(need, index.lat, index.lon)) for need in needs[:50]]
    naive_n = min(n, 100_000)
    naive_index = index if naive_n == n else make_index(naive_n, seed=seed, at=AT)
    naive = [timed(lambda need=need: naive_rank(need, naive_index)) for need in needs[:NAIVE_NEEDS]]
    naive_ms = percentile(naive, 50) * (n / naive_n)  # beyond 100k: scaled, it is linear in n
    scores = []
    for need in needs[:40]:
        truth = plant(index, rng, need)
        ranked = [c.profile_id for c in rank(need, index, AT, limit=10).candidates]
        scores.append(ndcg10(ranked, truth))
    broken = sum(violations(index, need) for need in [*needs[:100], *dense[:10]])
    index.row_of(0)  # the id -> row map, made on the first patch
    patches = [timed(lambda: move_one(index, rng)) for _ in range(200)]
    compact_s = timed(index.compact) / 1000
    figures = {
        "n": n,
        "build_s": round(built, 2),
        "p50_ms": round(percentile(latencies, 50), 2),
        "p95_ms": round(percentile(latencies, 95), 2),
        "dense_p50_ms": round(percentile(dense_latencies, 50), 2),
        "dense_p95_ms": round(percentile(dense_latencies, 95), 2),
        "dense_centre": [dense_lat, dense_lon],
        "dense_within": dense_within,
        "scan_floor_ms": round(percentile(floor, 50), 2),
        "naive_ms": round(naive_ms, 1),
        "naive_scaled": naive_n != n,
        "speedup_vs_naive": round(naive_ms / percentile(latencies, 95), 0),
        "ndcg10": round(float(np.mean(scores)), 3),
        "violations": broken,
        "patch_ms": round(percentile(patches, 50), 3),
        "compact_s": round(compact_s, 3),
    }
    print(
        f"{n:>9,} PAs: rank p50 {figures['p50_ms']} ms, p95 {figures['p95_ms']} ms, "
        f"dense London p95 {figures['dense_p95_ms']} ms ({dense_within:,} PAs within 10 miles) | scan floor {figures['scan_floor_ms']} ms | "
        f"naive {figures['naive_ms']} ms{' (scaled from 100k)' if naive_n != n else ''} "
        f"({figures['speedup_vs_naive']:.0f}x) | NDCG@10 {figures['ndcg10']} | violations {broken} "
        f"| index built in {figures['build_s']} s, patch {figures['patch_ms']} ms, compact {compact_s:.2f} s",
        flush=True,
    )
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000", help="comma-separated register sizes")
    args = parser.parse_args()
    results = [run(int(size)) for size in args.sizes.split(",")]
    for figures in results:
        print(json.dumps(figures))


if __name__ == "__main__":
    main()
