"""Every page at national scale (issue 22, "Speed"): each figure beside a baseline measured in
the same run, as a ratio, on SQLite and on PostgreSQL.

On a register of ``PAS`` approved PAs and ``NEEDS`` open needs (``bench.register``, written
in bulk into a fresh database from the real migrations), through the whole app:

- latency (in process, as the tests' clients): register search, the page and the API, for
  10 miles with a skill and a day, in ordinary places and in dense London; work near you (the
  page and the API) for a PA in an ordinary place and one in central London. Baseline: the
  matches page;
- queries per page (``market.db.count_queries``): a PA's public profile, matches, search,
  work near you and home, each asked twice and counted the second time;
- one worker's throughput over HTTP (``bench.throughput``: uvicorn, one worker, concurrent
  clients): the profile, matches and search pages against a signed-in /home;
- the index build in a fresh process (``bench.index_rss``): time, peak resident set, and the
  peak above the worker's steady state; at 1M PAs too with --million (a slow build);
- on PostgreSQL, the quarterly monitoring return over ``bench/reports.py``'s service of PAS
  PAs and NEEDS needs, against the pinned target of 1.5 s.

    make bench-pages
    .venv/bin/python -m bench.pages --quick          (2,000 PAs and 1,000 needs: a smoke run)
    .venv/bin/python -m bench.pages --sizes 100000,50000 --sqlite-only
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import io
import json
import logging
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import reports  # noqa: E402
from bench.harness import (  # noqa: E402
    PASSWORD,
    give_password,
    percentile,
    remove_sqlite,
    scratch_postgres,
    settings_for,
    sign_in,
    timed_get,
)
from bench.loading import fill_postgres, fill_sqlite  # noqa: E402
from bench.register import (  # noqa: E402
    check_same,
    codes,
    digest,
    first_user_id,
    make_needs,
    open_needs_rows,
    register_rows,
    sectors,
)
from bench.throughput import rate, served, signed_in  # noqa: E402
from market import db  # noqa: E402
from market.accounts import services as accounts  # noqa: E402
from market.accounts.schemas import NewUserInput  # noqa: E402
from market.app import create_app  # noqa: E402
from market.geo.distance import haversine_miles  # noqa: E402
from market.matching import matches  # noqa: E402
from market.matching.tables import Need, Recipient  # noqa: E402
from market.reports import returns  # noqa: E402

POSTGRES = "postgresql://postgres@127.0.0.1:5432/postgres"
SQLITE = "/tmp/market_bench_pages.db"
LONDON = (51.5074, -0.1278)  # Charing Cross
RETURN_TARGET_S = reports.TARGET_S  # one target for the return, bench/reports.py's
MILLION = 1_000_000  # the --million build's PAs
STARTED = time.perf_counter()


def progress(message: str) -> None:
    print(f"[{time.perf_counter() - STARTED:6.0f} s] {message}", flush=True)


def search_places() -> dict[str, list[str]]:
    """Five postcodes in ordinary places (sectors over 60 miles from London, by postcodes)
    and the five sectors nearest Charing Cross."""
    names, lat, lon, weight = sectors()
    miles = haversine_miles(LONDON[0], LONDON[1], lat, lon)
    far = np.flatnonzero(miles > 60)
    ordinary = np.random.default_rng(3).choice(far, size=5, replace=False, p=weight[far] / weight[far].sum())
    return {
        "ordinary": [f"{names[i]}AA" for i in ordinary],
        "London": [f"{names[i]}AA" for i in np.argsort(miles)[:5]],
    }


def search_path(page: str, postcode: str) -> str:
    return f"{page}?postcode={postcode.replace(' ', '+')}&radius=10&skill=personal_care&day=Monday"


async def next_id(table: Any) -> int:
    top = await table.select(table.id).order_by(table.id, ascending=False).first()
    return (top["id"] if top else 0) + 1


async def build(label: str, url: str, pas: int, needs: int) -> dict[str, Any]:
    """Migrate a fresh database and write the register and the open needs into it; the
    profiles of a PA in an ordinary place and of the one nearest Charing Cross."""
    db.activate(db.create_engine(settings_for(url, tempfile.gettempdir())))
    with contextlib.redirect_stdout(io.StringIO()):  # the migrations' progress
        await db.migrate()
    ref = await codes()
    register = register_rows(pas, ref, await first_user_id())
    open_needs = open_needs_rows(needs, ref, await next_id(Recipient), await next_id(Need))
    progress(f"{label}: rows drawn; writing {pas:,} PAs and {needs:,} open needs")
    if url.startswith("sqlite"):
        fill_sqlite(url.removeprefix("sqlite:///"), [register, open_needs])
    else:
        await fill_postgres(url, [register, open_needs])
    DIGESTS[label] = await digest()
    check_same(DIGESTS)
    profiles = register["register_pa_profile"][1]  # (id, user, ..., lat, lon, ...)
    lat = np.array([p[8] for p in profiles])
    lon = np.array([p[9] for p in profiles])
    london = int(np.argmin(haversine_miles(LONDON[0], LONDON[1], lat, lon)))
    return {"ordinary": profiles[0][:2], "London": profiles[london][:2]}


DIGESTS: dict[str, tuple[str, dict[str, int]]] = {}


async def user(email: str, role: str) -> int:
    made = await accounts.create_user(
        NewUserInput(email=email, display_name="Bench User", role=role, password=PASSWORD)
    )
    return made.id


async def samples(client: httpx.AsyncClient, paths: list[str], rounds: int) -> list[float]:
    await timed_get(client, paths[0])  # the first may build an index: not a steady request
    return [await timed_get(client, p) for _ in range(rounds) for p in paths]


async def in_process(label: str, url: str, folder: str, pas: dict, size: argparse.Namespace) -> dict:
    """Latency and queries per page, through the app in this process."""
    out: dict[str, Any] = {"latency": {}, "queries": {}}
    app = create_app(settings_for(url, folder))
    matches.CACHE.reset()
    transport = httpx.ASGITransport(app=app)
    async with contextlib.AsyncExitStack() as stack:
        await stack.enter_async_context(app.lifespan())
        clients = {}
        for who in ("recipient", "staff", "ordinary", "London"):
            clients[who] = await stack.enter_async_context(
                httpx.AsyncClient(transport=transport, base_url="http://bench", timeout=600)
            )
        recipient = await user("recipient@bench.example", "recipient")
        await user("staff@bench.example", "staff")
        need_ids = await make_needs(recipient, size.matches_needs)
        await sign_in(clients["recipient"], "recipient@bench.example")
        await sign_in(clients["staff"], "staff@bench.example")
        for where in ("ordinary", "London"):
            await sign_in(clients[where], await give_password(pas[where][1]))
        progress(f"{label}: timing the matches page (its first request builds the index)")
        latency = out["latency"]
        paths = [f"/needs/{i}/matches" for i in need_ids]
        latency["matches page"] = await samples(clients["recipient"], paths, size.rounds)
        for where, postcodes in search_places().items():
            for page in ("/search", "/api/v1/register/search"):
                progress(f"{label}: timing {page} in {where} places")
                paths = [search_path(page, p) for p in postcodes]
                latency[f"{page}, {where}"] = await samples(clients["staff"], paths, size.rounds)
        for page in ("/work", "/api/v1/work"):
            progress(f"{label}: timing {page}")
            latency[page] = [
                t for w in ("ordinary", "London") for t in await samples(clients[w], [page], size.work_rounds)
            ]
        progress(f"{label}: counting queries per page")
        pages = {
            "PA profile (/pas/{id})": ("recipient", f"/pas/{pas['ordinary'][0]}"),
            "matches": ("recipient", f"/needs/{need_ids[0]}/matches"),
            "search": ("staff", search_path("/search", search_places()["ordinary"][0])),
            "work near you": ("ordinary", "/work"),
            "home": ("recipient", "/home"),
        }
        for name, (who, path) in pages.items():
            await timed_get(clients[who], path)
            with db.count_queries() as sql:
                await timed_get(clients[who], path)
            out["queries"][name] = len(sql)
    out["need_ids"], out["profile_ids"] = need_ids, [p[0] for p in pas.values()]
    return out


async def over_http(label: str, url: str, folder: str, found: dict, size: argparse.Namespace) -> dict:
    """Requests per second of one uvicorn worker, per page and for the /home baseline."""
    progress(f"{label}: throughput of one worker ({size.clients} clients, {size.seconds:g} s a page)")
    search = [search_path("/search", p) for ps in search_places().values() for p in ps]
    async with (
        served(url, folder) as worker,
        signed_in(worker.base, "recipient@bench.example") as rc,
        signed_in(worker.base, "staff@bench.example") as sc,
    ):
        figures = {"/home (baseline)": await rate(rc, worker, ["/home"], size.seconds, size.clients)}
        figures["PA profile"] = await rate(
            rc, worker, [f"/pas/{p}" for p in found["profile_ids"]], size.seconds, size.clients
        )
        figures["matches page"] = await rate(
            rc, worker, [f"/needs/{i}/matches" for i in found["need_ids"]], size.seconds, size.clients
        )
        figures["search page"] = await rate(sc, worker, search, size.seconds, size.clients)
    return figures


def index_build(url: str) -> dict:
    done = subprocess.run([sys.executable, "-m", "bench.index_rss", url], cwd=ROOT, check=True,
                          capture_output=True, text=True)  # fmt: skip
    return json.loads(done.stdout.strip().splitlines()[-1])


async def quarterly_return(folder: str, pas: int, needs: int, runs: int) -> float:
    """The median seconds of the last complete quarter's return, over bench/reports.py's service."""
    async with scratch_postgres(POSTGRES, "bench_pages_return") as url:
        progress(
            f"postgres: building bench/reports.py's service ({pas:,} PAs, {needs:,} needs) for the return"
        )
        await reports.build("postgres", url, folder, pas, needs)
        engine = db.activate(db.create_engine(settings_for(url, folder)))
        await db.open_pool(engine)
        try:
            period = reports.periods_for(reports.TODAY)["quarter"]
            await returns.monitoring_return(period, reports.TODAY)  # warm the pool and the caches
            times, _ = await reports.timed(lambda: returns.monitoring_return(period, reports.TODAY), runs)
        finally:
            await db.close_pool(engine)
    return float(np.median(times))


async def one_database(label: str, url: str, folder: str, size: argparse.Namespace) -> dict:
    pas = await build(label, url, size.pas, size.needs)
    found = await in_process(label, url, folder, pas, size)
    await db.close_pool(db.current_engine())
    found["throughput"] = (
        {} if "throughput" in size.skip else await over_http(label, url, folder, found, size)
    )
    found["index"] = {}
    if "index" not in size.skip:
        progress(f"{label}: the index build at {size.pas:,} PAs, in a fresh process")
        found["index"][size.pas] = index_build(url)
    return found


async def million_build(label: str, url: str) -> dict:
    progress(f"{label}: writing {MILLION:,} PAs for the index build (slow)")
    db.activate(db.create_engine(settings_for(url, tempfile.gettempdir())))
    with contextlib.redirect_stdout(io.StringIO()):
        await db.migrate()
    register = register_rows(MILLION, await codes(), await first_user_id())
    if url.startswith("sqlite"):
        fill_sqlite(url.removeprefix("sqlite:///"), [register])
    else:
        await fill_postgres(url, [register])
    del register
    await db.close_pool(db.current_engine())
    progress(f"{label}: the index build at {MILLION:,} PAs, in a fresh process")
    return index_build(url)


def ratio(value: float, baseline: float) -> str:
    return f"{value / baseline:6.2f} x" if baseline else "     - x"


def report(label: str, found: dict, size: argparse.Namespace) -> dict:
    """Print one database's figures; return them as one JSON-able dict."""
    print(f"\n== {label}: {size.pas:,} PAs, {size.needs:,} open needs ==")
    lat = {
        k: {"p50_ms": percentile(v, 50), "p95_ms": percentile(v, 95), "n": len(v)}
        for k, v in found["latency"].items()
    }
    base = lat["matches page"]["p95_ms"]
    print(f"  latency, p95 (p50), ratio to the matches page's p95 ({base} ms), target 50 ms:")
    for name, v in lat.items():
        print(
            f"    {name:<38} {v['p95_ms']:8.1f} ms ({v['p50_ms']:7.1f}) {ratio(v['p95_ms'], base)}   n={v['n']}"
        )
    rates = found["throughput"]
    if rates:
        home = rates["/home (baseline)"]
        print(
            f"  one worker's throughput, ratio to a signed-in /home ({home.per_second:.1f} req/s); targets profile 0.6, others 0.3;"
            "\n  and its capacity: the worker's CPU per request, /home's over the page's:"
        )  # fmt: skip
        for name, v in rates.items():
            print(f"    {name:<38} {v.per_second:8.1f} req/s {ratio(v.per_second, home.per_second)}"
                  f"   {v.cpu_ms:6.2f} ms CPU {ratio(home.cpu_ms, v.cpu_ms)}")  # fmt: skip
    print("  queries per page (target at most 4):")
    for name, v in found["queries"].items():
        print(f"    {name:<38} {v:4d}")
    if found["index"]:
        print(
            "  index build, in a fresh process (target at 100k: at most 250 MB above steady; at 1M: 20 s, 1.5 GB):"
        )
        for n, v in found["index"].items():
            print(f"    {n:>9,} PAs: {v['build_s']:6.2f} s, peak {v['peak_mb']:7.1f} MB, steady {v['steady_mb']:6.1f} MB,"
                  f" peak above steady {v['above_steady_mb']:7.1f} MB")  # fmt: skip
    return {"db": label, "pas": size.pas, "needs": size.needs, "latency": lat, "throughput": {k: round(v.per_second, 1) for k, v in rates.items()},
            "cpu_ms_per_request": {k: round(v.cpu_ms, 3) for k, v in rates.items()},
            "queries": found["queries"], "index": found["index"]}  # fmt: skip


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="100000,50000", help="PAs,open needs (default 100000,50000)")
    parser.add_argument(
        "--quick", action="store_true", help="a smoke run: 2,000 PAs, 1,000 needs, short timings"
    )
    parser.add_argument("--million", action="store_true", help="also the index build at 1M PAs (slow)")
    only = parser.add_mutually_exclusive_group()
    only.add_argument("--sqlite-only", action="store_true")
    only.add_argument("--postgres-only", action="store_true")
    parser.add_argument(
        "--postgres", default=POSTGRES, help="the PostgreSQL server (a database is made and dropped)"
    )
    parser.add_argument("--sqlite", default=SQLITE, help=f"the SQLite file to (re)create (default {SQLITE})")
    parser.add_argument(
        "--skip",
        default="",
        help="parts to leave out, comma-separated: throughput, index, return (for a quicker look at one page)",
    )
    args = parser.parse_args()
    pas, _, needs = (args.sizes if not args.quick else "2000,1000").partition(",")
    args.pas, args.needs = int(pas), int(needs or int(pas) // 2)
    args.rounds, args.work_rounds, args.matches_needs = (1, 2, 10) if args.quick else (2, 4, 40)
    args.seconds, args.clients, args.return_runs = (2.0, 4, 1) if args.quick else (8.0, 4, 3)
    args.skip = {part.strip() for part in args.skip.split(",") if part.strip()}
    unknown = args.skip - {"throughput", "index", "return"}
    if unknown:
        parser.error(f"--skip: unknown part {', '.join(sorted(unknown))}")
    return args


async def main() -> None:
    size = arguments()
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("piccolo").setLevel(logging.WARNING)
    results, summaries = {}, []
    with tempfile.TemporaryDirectory() as folder:
        if not size.postgres_only:
            remove_sqlite(size.sqlite)
            try:
                results["sqlite"] = await one_database("sqlite", f"sqlite:///{size.sqlite}", folder, size)
            finally:
                remove_sqlite(size.sqlite)
        if not size.sqlite_only:
            async with scratch_postgres(size.postgres, "bench_pages") as url:
                results["postgres"] = await one_database("postgres", url, folder, size)
            if "return" not in size.skip:
                seconds = await quarterly_return(folder, size.pas, size.needs, size.return_runs)
        if size.million:
            if "sqlite" in results:
                remove_sqlite(size.sqlite + ".1m")
                try:
                    results["sqlite"]["index"][MILLION] = await million_build(
                        "sqlite", f"sqlite:///{size.sqlite}.1m"
                    )
                finally:
                    remove_sqlite(size.sqlite + ".1m")
            if "postgres" in results:
                async with scratch_postgres(size.postgres, "bench_pages_1m") as url:
                    results["postgres"]["index"][MILLION] = await million_build("postgres", url)
    for label, found in results.items():
        summaries.append(report(label, found, size))
    if not size.sqlite_only and "return" not in size.skip:
        print(f"\n== the quarterly return on PostgreSQL, {size.pas:,} PAs and {size.needs:,} needs ==")
        print(f"  median of {size.return_runs}: {seconds:.3f} s; pinned target {RETURN_TARGET_S} s;"
              f" {seconds / RETURN_TARGET_S:.2f} x the target")  # fmt: skip
        summaries.append(
            {"db": "postgres", "quarterly_return_s": round(seconds, 3), "target_s": RETURN_TARGET_S}
        )
    if len(DIGESTS) > 1:
        print(f"\nregister check: both databases built the same register ({next(iter(DIGESTS.values()))[0]})")
    for summary in summaries:
        print(json.dumps(summary))


if __name__ == "__main__":
    asyncio.run(main())
