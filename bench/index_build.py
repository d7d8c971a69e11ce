"""The matching index build: time and memory, streaming build beside the old one.

Writes a synthetic register of ``--pas`` approved PAs (``bench.matches_http.register_rows``:
skills, client groups, availability, DBS checks, training) into a scratch SQLite file and into
a PostgreSQL database of its own beside ``--postgres`` (dropped after). Then, per database,
builds the index in a fresh subprocess per way of building it:

- ``stream``: ``market.matching.index.build`` (column batches straight into numpy arrays);
- ``records``: ``market.matching.index.build_from_records``, the old build (one ``PARow`` per
  PA, then ``records.build_index``), kept importable as the streaming build's reference.

Each subprocess imports and connects, runs one small query, and reads its resident set size
(``steady``); then builds once and reads its peak (VmHWM; ``ru_maxrss`` is printed too, but
it counts the parent's memory when it forked).
Printed: time, steady, peak and peak minus steady, and the old build's figures beside the
new one's as ratios; one JSON line per database and way last.

    nice -n 10 python -m bench.index_build --pas 100000
    nice -n 10 python -m bench.index_build --pas 100000 --million   (then 1,000,000 PAs, new build only)

Writing 1,000,000 PAs takes many minutes; ``--reuse`` keeps each register written (the SQLite
file ``--sqlite`` with ``-<PAs>`` before its suffix, the PostgreSQL database
``bench_index_keep_<PAs>``) and measures a kept one again without writing it. A register is
kept only once completely written (written under another name, then renamed), so one cut
short is never reused. ``--drop-kept`` removes them.

    nice -n 10 python -m bench.index_build --pas 1000000 --ways stream --reuse
    python -m bench.index_build --drop-kept
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import io
import json
import resource
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.loading import fill_postgres, fill_sqlite  # noqa: E402
from bench.matches_http import codes, first_user_id, register_rows, remove_sqlite  # noqa: E402
from market import db  # noqa: E402
from market.settings import Settings  # noqa: E402

WAYS = ("records", "stream")
POSTGRES = "postgresql://postgres@127.0.0.1:5432/postgres"


def settings_for(url: str) -> Settings:
    return Settings(database_url=url, secret_key="b" * 40, env="test", var_dir="/tmp")


def rss_mb(field: str = "VmRSS") -> float:
    """This process's resident set now (VmRSS), or its peak (VmHWM), in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    return 0.0


async def measure(url: str, way: str) -> dict:
    """In this (fresh) process: steady RSS, one build, its time and peak RSS."""
    from market.dbs.standing import Policy
    from market.matching import index as match_index
    from market.register.tables import PAProfile

    db.activate(db.create_engine(settings_for(url)))
    await PAProfile.count()  # connected, tables loaded: the worker's steady state
    steady = rss_mb()
    build = match_index.build if way == "stream" else match_index.build_from_records
    started = time.perf_counter()
    index = await build(policy=Policy())
    seconds = time.perf_counter() - started
    # VmHWM, the peak of this process's own memory: ru_maxrss also counts the parent's
    # resident set when it forked (Linux keeps the larger across exec), and the parent holds
    # the register it just wrote.
    peak = rss_mb("VmHWM")
    maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    await db.close_pool(db.current_engine())
    return {
        "way": way,
        "pas": len(index),
        "seconds": round(seconds, 2),
        "steady_mb": round(steady),
        "peak_mb": round(peak),
        "above_steady_mb": round(peak - steady),
        "ru_maxrss_mb": round(maxrss),
    }


def run_measure(url: str, way: str) -> dict:
    command = [sys.executable, "-m", "bench.index_build", "--measure", way, "--url", url]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode:
        raise SystemExit(f"{way} build failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


async def fill(url: str, n: int, load) -> float:
    started = time.perf_counter()
    db.activate(db.create_engine(settings_for(url)))
    with contextlib.redirect_stdout(io.StringIO()):  # the migrations' progress
        await db.migrate()
    tables = register_rows(n, await codes(), await first_user_id())
    await db.close_pool(db.current_engine())
    await load(tables)
    del tables
    return time.perf_counter() - started


def report(label: str, n: int, results: dict[str, dict]) -> None:
    for way, r in results.items():
        print(
            f"{label} {n:,} PAs, {way:>7}: {r['seconds']:6.2f} s, steady {r['steady_mb']} MB, "
            f"peak {r['peak_mb']} MB, peak above steady {r['above_steady_mb']} MB"
        )
    if len(results) == 2:
        old, new = results["records"], results["stream"]
        print(
            f"{label} {n:,} PAs, stream / records: time {new['seconds'] / old['seconds']:.2f}, "
            f"peak above steady {new['above_steady_mb'] / max(old['above_steady_mb'], 1):.2f}"
        )


KEPT_PREFIX = "bench_index_keep_"  # --reuse: the kept PostgreSQL databases' names


def kept_sqlite(path: str, n: int) -> Path:
    """Where ``--reuse`` keeps the SQLite register of n PAs."""
    base = Path(path)
    return base.with_name(f"{base.stem}-{n}{base.suffix}")


async def sqlite_register(n: int, sqlite_path: str, reuse: bool) -> str:
    """The path of a SQLite register of n PAs: written now, or (reuse) the kept one."""
    path = str(kept_sqlite(sqlite_path, n)) if reuse else sqlite_path
    if reuse and exists(path):
        print(f"sqlite: {n:,} PAs kept in {path}", flush=True)
        return path
    writing = path + ".writing" if reuse else path
    remove_sqlite(writing)
    made = await fill(
        f"sqlite:///{writing}", n, lambda tables: asyncio.to_thread(fill_sqlite, writing, [tables])
    )
    print(f"sqlite: {n:,} PAs written in {made:.0f} s", flush=True)
    if reuse:
        keep(writing, path)
    return path


def exists(path: str) -> bool:
    return Path(path).exists()


def keep(writing: str, path: str) -> None:
    """Rename a register written in full (with its WAL, if any: the file last, as its name
    says it is complete)."""
    for suffix in ("-wal", "-shm", ""):
        if Path(writing + suffix).exists():
            Path(writing + suffix).rename(path + suffix)


async def postgres_register(admin: asyncpg.Connection, postgres: str, n: int, reuse: bool) -> str:
    """The name of a PostgreSQL database holding a register of n PAs: written now, or
    (reuse) the kept one."""
    name = f"{KEPT_PREFIX}{n}" if reuse else f"bench_index_{uuid.uuid4().hex[:8]}"
    if reuse and await admin.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name):
        print(f"postgres: {n:,} PAs kept in database {name}", flush=True)
        return name
    writing = f"bench_index_{uuid.uuid4().hex[:8]}"
    await admin.execute(f'CREATE DATABASE "{writing}"')
    try:
        url = urlunsplit(urlsplit(postgres)._replace(path=f"/{writing}"))

        async def to_postgres(tables):
            await fill_postgres(url, [tables])

        made = await fill(url, n, to_postgres)
        print(f"postgres: {n:,} PAs written in {made:.0f} s", flush=True)
        if writing != name:
            await admin.execute(f'ALTER DATABASE "{writing}" RENAME TO "{name}"')
    except BaseException:
        await admin.execute(f'DROP DATABASE IF EXISTS "{writing}" WITH (FORCE)')
        raise
    return name


async def bench(n: int, ways: tuple[str, ...], sqlite_path: str, postgres: str, reuse: bool) -> list[dict]:
    lines = []
    path = await sqlite_register(n, sqlite_path, reuse)
    url = f"sqlite:///{path}"
    results = {way: run_measure(url, way) for way in ways}
    report("sqlite", n, results)
    lines += [{"db": "sqlite", **r} for r in results.values()]
    if not reuse:
        remove_sqlite(path)
    if postgres:
        admin = await asyncpg.connect(postgres)
        try:
            name = await postgres_register(admin, postgres, n, reuse)
            try:
                url = urlunsplit(urlsplit(postgres)._replace(path=f"/{name}"))
                results = {way: run_measure(url, way) for way in ways}
                report("postgres", n, results)
                lines += [{"db": "postgres", **r} for r in results.values()]
            finally:
                if not reuse:
                    await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await admin.close()
    return lines


async def drop_kept(sqlite_path: str, postgres: str) -> None:
    """Remove every register ``--reuse`` kept."""
    base = Path(sqlite_path)
    for path in base.parent.glob(f"{base.stem}-*{base.suffix}"):
        if path.stem.removeprefix(f"{base.stem}-").isdigit():
            remove_sqlite(str(path))
            print(f"removed {path}")
    if postgres:
        admin = await asyncpg.connect(postgres)
        try:
            for row in await admin.fetch(
                "SELECT datname FROM pg_database WHERE datname LIKE $1", f"{KEPT_PREFIX}%"
            ):
                await admin.execute(f'DROP DATABASE IF EXISTS "{row["datname"]}" WITH (FORCE)')
                print(f"dropped database {row['datname']}")
        finally:
            await admin.close()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pas", type=int, default=100_000)
    parser.add_argument("--million", action="store_true", help="then 1,000,000 PAs (the new build only)")
    parser.add_argument("--ways", default=",".join(WAYS), help="records,stream")
    parser.add_argument(
        "--sqlite", default="/tmp/market_bench_index.db", help="the SQLite file to (re)create"
    )
    parser.add_argument("--postgres", default=POSTGRES, help="a PostgreSQL URL ('' for none)")
    parser.add_argument(
        "--reuse", action="store_true", help="keep each register written, and measure a kept one again"
    )
    parser.add_argument("--drop-kept", action="store_true", help="remove the registers --reuse kept")
    parser.add_argument("--measure", default="", help=argparse.SUPPRESS)  # in the subprocess
    parser.add_argument("--url", default="", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(await measure(args.url, args.measure)))
        return
    if args.drop_kept:
        await drop_kept(args.sqlite, args.postgres)
        return
    ways = tuple(w for w in args.ways.split(",") if w)
    lines = await bench(args.pas, ways, args.sqlite, args.postgres, args.reuse)
    if args.million:
        lines += await bench(1_000_000, ("stream",), args.sqlite, args.postgres, args.reuse)
    for line in lines:
        print(json.dumps(line))


if __name__ == "__main__":
    asyncio.run(main())
