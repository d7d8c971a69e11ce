"""Matches through the whole app: GET /needs/{id}/matches on a register of synthetic PAs.

Builds a database (a SQLite file under /tmp; and PostgreSQL with --postgres URL) holding
``--pas`` approved PAs at real English postcode sectors, weighted by their postcodes, with
skills, client groups, availability, DBS checks and training, written in bulk (raw
executemany on SQLite, COPY on PostgreSQL). Then one recipient signs in, in process (an
httpx ASGITransport client, as the tests do), and asks for the matches of ``--needs`` needs
spread over England, ``--rounds`` times each.

Prints, per database: the first request (it builds this worker's index), p50/p95 of the
rest, and the first request after a PA's profile changes (it patches the index); last, one
JSON line per database.

    make bench-http
    .venv/bin/python bench/matches_http.py --pas 100000 --postgres postgresql://postgres@127.0.0.1:5432/postgres
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import io
import json
import logging
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.harness import (  # noqa: E402
    PASSWORD,
    percentile,
    remove_sqlite,
    scratch_postgres,
    settings_for,
    sign_in,
    timed_get,
)
from bench.loading import fill_postgres, fill_sqlite  # noqa: E402
from bench.register import check_same, codes, digest, first_user_id, make_needs, register_rows  # noqa: E402
from market import db  # noqa: E402
from market.accounts import services as accounts  # noqa: E402
from market.accounts.schemas import NewUserInput  # noqa: E402
from market.app import create_app  # noqa: E402
from market.matching import matches  # noqa: E402
from market.register import changes  # noqa: E402
from market.register.tables import PAProfile  # noqa: E402
from market.settings import Settings  # noqa: E402


async def run(label: str, settings: Settings, n: int, needs: int, rounds: int, fill) -> dict:
    started = time.perf_counter()
    db.activate(db.create_engine(settings))
    with contextlib.redirect_stdout(io.StringIO()):  # the migrations' progress
        await db.migrate()
    tables = register_rows(n, await codes(), await first_user_id())
    await fill(tables)
    made = time.perf_counter() - started
    app = create_app(settings)
    matches.CACHE.reset()
    builds_before = matches.CACHE.builds
    async with (
        app.lifespan(),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench") as client,
    ):
        user = await accounts.create_user(
            NewUserInput(
                email="recipient@bench.example",
                display_name="Alex Bench",
                role="recipient",
                password=PASSWORD,
            )
        )
        need_ids = await make_needs(user.id, needs)
        await sign_in(client, user.email)
        first = await timed_get(client, f"/needs/{need_ids[0]}/matches")
        samples = [await timed_get(client, f"/needs/{i}/matches") for _ in range(rounds) for i in need_ids]
        # A PA's travel limit changes (as the service would write it): the next poll patches.
        await PAProfile.update({PAProfile.travel_miles: 3}).where(PAProfile.id == 1)
        await changes.touch(1)
        await asyncio.sleep(matches.CACHE.poll)
        patches = matches.CACHE.patches
        after_edit = await timed_get(client, f"/needs/{need_ids[0]}/matches")
        assert matches.CACHE.patches == patches + 1, "the edit was not patched in"
        builds = matches.CACHE.builds - builds_before
        DIGESTS[label] = await digest()
    result = {
        "db": label,
        "pas": n,
        "needs": len(need_ids),
        "requests": len(samples),
        "p50_ms": percentile(samples, 50),
        "p95_ms": percentile(samples, 95),
        "first_request_ms": round(first, 1),
        "after_edit_ms": round(after_edit, 1),
        "index_builds": builds,
        "setup_s": round(made, 1),
    }
    print(
        f"{label}: {n:,} PAs written in {made:.1f} s; first request (builds the index) {first:.0f} ms; "
        f"{len(samples)} requests p50 {result['p50_ms']} ms, p95 {result['p95_ms']} ms; "
        f"first request after an edit (patch) {after_edit:.0f} ms"
    )
    return result


DIGESTS: dict[str, tuple[str, dict[str, int]]] = {}  # per database, what register it built


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pas", type=int, default=100_000)
    parser.add_argument("--needs", type=int, default=40)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--sqlite", default="/tmp/market_bench_http.db", help="the SQLite file to (re)create")
    parser.add_argument(
        "--postgres", default="", help="a PostgreSQL URL: a database is made beside it and dropped"
    )
    args = parser.parse_args()
    logging.getLogger("httpx").setLevel(logging.WARNING)
    results = []
    with tempfile.TemporaryDirectory() as folder:
        remove_sqlite(args.sqlite)
        settings = settings_for(f"sqlite:///{args.sqlite}", folder)

        async def to_sqlite(tables):
            fill_sqlite(args.sqlite, [tables])

        results.append(await run("sqlite", settings, args.pas, args.needs, args.rounds, to_sqlite))
        await db.close_pool(db.current_engine())
        if args.postgres:
            async with scratch_postgres(args.postgres, "bench_http") as url:

                async def to_postgres(tables):
                    await fill_postgres(url, [tables])

                results.append(
                    await run(
                        "postgres", settings_for(url, folder), args.pas, args.needs, args.rounds, to_postgres
                    )
                )
                await db.close_pool(db.current_engine())
    check_same(DIGESTS)
    for result in results:
        print(json.dumps(result))


if __name__ == "__main__":
    asyncio.run(main())
