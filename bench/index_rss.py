"""The candidate index's build, measured in a fresh process (so no earlier build's memory is
counted): the resident set once the worker's modules are loaded and the database connected
(its steady state), then the build's time and the process's peak resident set.

    python -m bench.index_rss sqlite:////tmp/market_bench_pages.db

Prints one JSON line; ``bench/pages.py`` runs it and prints the figures.
"""

from __future__ import annotations

import asyncio
import gc
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.harness import settings_for  # noqa: E402
from market import db  # noqa: E402
from market.app import create_app  # noqa: E402
from market.dbs.standing import Policy  # noqa: E402
from market.matching import matches  # noqa: E402


def rss_mb(field: str = "VmRSS") -> float:
    """This process's resident set now (VmRSS), or its peak (VmHWM), from /proc (Linux)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no {field} in /proc/self/status")


async def measure(url: str) -> dict:
    with tempfile.TemporaryDirectory() as folder:
        settings = settings_for(url, folder)
        engine = db.activate(db.create_engine(settings))
        await db.open_pool(engine)
        try:
            create_app(settings)  # a worker has the whole app loaded before its first build
            gc.collect()
            steady = rss_mb()
            start = time.perf_counter()
            await matches.CACHE.get(Policy.of(settings))
            seconds = time.perf_counter() - start
        finally:
            await db.close_pool(engine)
    # VmHWM, the peak of this process's own memory: ru_maxrss keeps, across the exec, the
    # resident set of the parent it was forked from (bench/pages.py, holding the register it
    # wrote: 650 to 850 MB "above steady" at 100k PAs, none of it the build's).
    peak = rss_mb("VmHWM")
    return {"build_s": round(seconds, 2), "steady_mb": round(steady, 1), "peak_mb": round(peak, 1),
            "above_steady_mb": round(peak - steady, 1)}  # fmt: skip


if __name__ == "__main__":
    print(json.dumps(asyncio.run(measure(sys.argv[1]))))
