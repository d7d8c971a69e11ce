"""Matching benchmark: rank() latency on synthetic registers of PAs spread like the
population of England, against two baselines measured in the same run:

- the scan floor: one vectorised numpy haversine pass over every PA, nothing else (a spatial
  pre-filter must beat any full scan);
- a naive ranker: a Python loop over every PA computing geopy geodesic distances and set
  overlaps (what the engine replaces).

Quality: planted-truth needs (ideal PAs hidden among distractors) scored by NDCG@10, and a
count of hard-requirement violations over many random needs (must be zero).

    make bench                 (1k, 10k, 100k)
    .venv/bin/python bench/matching.py --sizes 1000,100000,1000000

Prints one JSON line per size last: n, p50_ms, p95_ms, dense_p95_ms, scan_floor_ms,
naive_ms, ndcg10, violations.
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

from market.matching.engine import DBS_KINDS, NeedSpec, naive_distance, rank  # noqa: E402
from market.matching.synthetic import make_index, random_need  # noqa: E402

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
    """Make ``count`` PAs near the need ideal for it (the planted truth); return their ids."""
    rows = rng.choice(len(index), size=count, replace=False)
    for row in rows:
        index.active[row] = True
        index.lat[row] = need.lat + rng.normal(0, 0.004)
        index.lon[row] = need.lon + rng.normal(0, 0.006)
        index.points.remove(int(row))
        index.points.add(int(row), float(index.lat[row]), float(index.lon[row]))
        index.travel_miles[row] = 25
        index.dbs_until[row, :] = AT.toordinal() + 900
        index.skills[row] = np.uint64(2**64 - 1)
        index.course_until[row, :] = AT.toordinal() + 700
        index.course_verified[row, :] = True
        index.groups[row] = np.uint64(2**64 - 1)
        index.languages[row] = np.uint64(2**64 - 1)
        index.gender[row] = 1
        index.drives[row] = True
        index.min_rate[row] = max(need.max_rate_pence * 0.8, 100)
        index.wont_do[row] = 0
        index.year_pattern[row] = 0
        index.shift_kinds[row] = np.uint64(2**64 - 1)
        index.availability[row, :] = 255
        index.min_hours[row] = 0
        index.max_hours[row] = 0
    return {int(index.profile_id[r]) for r in rows}


def ndcg10(ranked: list[int], truth: set[int]) -> float:
    gains = sum(1 / math.log2(i + 2) for i, pid in enumerate(ranked[:10]) if pid in truth)
    ideal = sum(1 / math.log2(i + 2) for i in range(min(10, len(truth))))
    return gains / ideal if ideal else 1.0


def violations(index, need: NeedSpec) -> int:
    today = AT.toordinal()
    ids = index.profile_id
    found = 0
    for c in rank(need, index, AT, limit=10_000).candidates:
        row = int(np.searchsorted(ids, c.profile_id))
        mask = index.skill_vocab.mask(need.required_skills)
        ok = (
            index.active[row]
            and (not need.dbs or index.dbs_until[row, DBS_KINDS.index(need.dbs)] >= today)
            and c.miles <= need.max_distance + 0.05
            and c.miles <= float(index.travel_miles[row]) + 0.05
            and int(index.skills[row]) & mask == mask
            and (not need.rate_firm or not need.max_rate_pence or index.min_rate[row] <= need.max_rate_pence)
            and (not need.driver_needed or index.drives[row])
        )
        found += not ok
    return found


def run(n: int, *, seed: int = 1) -> dict:
    rng = np.random.default_rng(seed)
    started = time.perf_counter()
    index = make_index(n, seed=seed, at=AT)
    built = time.perf_counter() - started
    needs = [random_need(rng, at=AT) for _ in range(NEEDS)]
    dense = [
        NeedSpec(**{**{f: getattr(need, f) for f in need.__struct_fields__}, "max_distance": 10.0})
        for need in (random_need(rng, at=AT, dense=True) for _ in range(NEEDS // 3))
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
    broken = sum(violations(index, need) for need in needs[:100])
    figures = {
        "n": n,
        "build_s": round(built, 2),
        "p50_ms": round(percentile(latencies, 50), 2),
        "p95_ms": round(percentile(latencies, 95), 2),
        "dense_p95_ms": round(percentile(dense_latencies, 95), 2),
        "scan_floor_ms": round(percentile(floor, 50), 2),
        "naive_ms": round(naive_ms, 1),
        "naive_scaled": naive_n != n,
        "speedup_vs_naive": round(naive_ms / percentile(latencies, 95), 0),
        "ndcg10": round(float(np.mean(scores)), 3),
        "violations": broken,
    }
    print(
        f"{n:>9,} PAs: rank p50 {figures['p50_ms']} ms, p95 {figures['p95_ms']} ms, "
        f"dense London p95 {figures['dense_p95_ms']} ms | scan floor {figures['scan_floor_ms']} ms | "
        f"naive {figures['naive_ms']} ms{' (scaled from 100k)' if naive_n != n else ''} "
        f"({figures['speedup_vs_naive']:.0f}x) | NDCG@10 {figures['ndcg10']} | violations {broken} "
        f"| index built in {figures['build_s']} s",
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
