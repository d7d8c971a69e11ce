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
import re
import sys
import tempfile
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import httpx
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.loading import fill_postgres, fill_sqlite  # noqa: E402
from market import db  # noqa: E402
from market.accounts import services as accounts  # noqa: E402
from market.accounts.schemas import NewUserInput  # noqa: E402
from market.accounts.tables import User  # noqa: E402
from market.app import create_app  # noqa: E402
from market.geo.centroids import load_table  # noqa: E402
from market.matching import matches  # noqa: E402
from market.matching.engine.synthetic import NOT_ENGLAND
from market.matching.tables import Need, NeedSkill, NeedSlot, Recipient, RecipientAccess  # noqa: E402
from market.register import changes  # noqa: E402
from market.register.tables import ClientGroup, PAProfile, Skill  # noqa: E402
from market.settings import Settings  # noqa: E402
from market.training.tables import Course  # noqa: E402

PASSWORD = "benchmark password 1"
TODAY = date.today()
NOW = datetime.now(UTC)
SEED = 7


def sectors() -> tuple[list[str], np.ndarray, np.ndarray, np.ndarray]:
    """Every English postcode sector: (codes, lat, lon, weight by postcodes)."""
    table = load_table()
    codes = [c for c in table.sectors if c.split(" ")[0].rstrip("0123456789") not in NOT_ENGLAND]
    lat = np.array([table.sectors[c][0] for c in codes])
    lon = np.array([table.sectors[c][1] for c in codes])
    weight = np.array([table.sector_postcodes.get(c, 1) for c in codes], dtype=np.float64)
    return codes, lat, lon, weight / weight.sum()


# -- the synthetic register, as rows per table ---------------------------------------------------


def register_rows(
    n: int, codes: dict[str, dict[str, int]], first_user: int
) -> dict[str, tuple[list[str], list]]:
    """Rows for each table: {table: (columns, rows)}. Profile ids are 1..n."""
    rng = np.random.default_rng(SEED)
    names, lat_s, lon_s, weight = sectors()
    where = rng.choice(len(weight), size=n, p=weight)
    lat = lat_s[where] + rng.normal(0, 0.01, n)
    lon = lon_s[where] + rng.normal(0, 0.015, n)
    travel = rng.choice([5, 8, 10, 12, 15, 20, 25], size=n)
    rate = rng.integers(46, 67, n) * 25
    drives = rng.random(n) < 0.6
    gender = rng.choice(["", "woman", "man"], size=n, p=[0.1, 0.65, 0.25])
    min_hours = rng.choice([0, 8, 16], size=n)
    max_hours = rng.choice([0, 20, 30, 40], size=n)
    year = rng.choice(["all_year", "term_time", "school_holidays"], size=n, p=[0.85, 0.1, 0.05])
    polish = rng.random(n) < 0.05
    users, profiles = [], []
    for i in range(n):
        pid, uid = i + 1, first_user + i
        sector = names[where[i]]
        users.append((uid, f"pa{pid}@bench.example", "!", "pa", f"Pat Bench{pid}", NOW))
        profiles.append(
            (
                pid, uid, "approved", f"Pat{pid}", "Experienced and kind", f"{sector}AA", sector,
                sector.split(" ")[0], float(lat[i]), float(lon[i]), int(travel[i]), bool(drives[i]),
                bool(drives[i]), int(rate[i]), "either", True, int(min_hours[i]), int(max_hours[i]),
                '["day"]', '["English", "Polish"]' if polish[i] else '["English"]', str(gender[i]),
                "[]", str(year[i]), NOW,
            )
        )  # fmt: skip
    skill_ids = list(codes["skills"].values())
    held = rng.random((n, len(skill_ids))) < 0.25
    held[:, 0] |= rng.random(n) < 0.5  # personal care is common
    years = rng.integers(0, 15, (n, len(skill_ids)))
    pa_skills = [(int(p) + 1, skill_ids[s], int(years[p, s])) for p, s in zip(*np.nonzero(held), strict=True)]
    group_ids = list(codes["groups"].values())
    in_group = rng.random((n, len(group_ids))) < 0.3
    pa_groups = [(int(p) + 1, group_ids[g]) for p, g in zip(*np.nonzero(in_group), strict=True)]
    patterns = _patterns()
    slots = [(i + 1, a, b) for i, k in enumerate(rng.integers(0, len(patterns), n)) for a, b in patterns[k]]
    has_dbs = rng.random(n) < 0.85
    issued = rng.integers(30, 1000, n)
    lists = rng.choice(["none", "adults", "children", "both"], size=n, p=[0.05, 0.7, 0.1, 0.15])
    checks = [
        (i + 1, "enhanced", str(lists[i]), "adult", "001234567890", TODAY - timedelta(days=int(issued[i])),
         "clear", "suitable", NOW)
        for i in range(n) if has_dbs[i]
    ]  # fmt: skip
    course_ids = [codes["courses"][c] for c in ("moving_handling", "medication", "safeguarding_adults")]
    took = rng.random((n, len(course_ids))) < 0.6
    done = rng.integers(10, 500, (n, len(course_ids)))
    completions = [
        (int(p) + 1, course_ids[c], TODAY - timedelta(days=int(done[p, c])),
         TODAY - timedelta(days=int(done[p, c])) + timedelta(days=365), "import", NOW)
        for p, c in zip(*np.nonzero(took), strict=True)
    ]  # fmt: skip
    return {
        "account_user": (["id", "email", "password_hash", "role", "display_name", "verified_at"], users),
        "register_pa_profile": (
            [
                "id",
                "user",
                "status",
                "display_name",
                "headline",
                "home_postcode",
                "sector",
                "district",
                "lat",
                "lon",
                "travel_miles",
                "driving_licence",
                "has_car",
                "min_rate_pence",
                "employment",
                "right_to_work_declared",
                "min_hours",
                "max_hours",
                "shift_kinds",
                "languages",
                "gender",
                "wont_do",
                "year_pattern",
                "approved_at",
            ],
            profiles,
        ),  # fmt: skip
        "register_pa_skill": (["profile", "skill", "years"], pa_skills),
        "register_pa_client_group": (["profile", "group"], pa_groups),
        "register_availability_slot": (["profile", "start_minute", "end_minute"], slots),
        "dbs_check": (
            [
                "profile",
                "level",
                "barred_lists",
                "workforce",
                "certificate_number",
                "issued_on",
                "certificate_result",
                "decision",
                "decided_at",
            ],
            checks,
        ),  # fmt: skip
        "training_completion": (
            ["profile", "course", "completed_on", "expires_on", "source", "verified_at"],
            completions,
        ),
    }


def _day(day: int, start_hour: float, end_hour: float) -> tuple[int, int]:
    return (day * 1440 + int(start_hour * 60), day * 1440 + int(end_hour * 60))


def _patterns() -> list[list[tuple[int, int]]]:
    weekdays = [_day(d, 9, 17) for d in range(5)]
    mornings = [_day(d, 7, 10) for d in range(7)]
    evenings = [_day(d, 17, 22) for d in range(5)]
    weekends = [_day(d, 8, 20) for d in (5, 6)]
    return [weekdays, mornings, evenings, weekends, weekdays + evenings, mornings + weekends]


async def codes() -> dict[str, dict[str, int]]:
    """The seeded skills, client groups and courses: code -> id."""
    return {
        name: {r["code"]: r["id"] for r in await table.select(table.id, table.code)}
        for name, table in (("skills", Skill), ("groups", ClientGroup), ("courses", Course))
    }


async def first_user_id() -> int:
    top = await User.select(User.id).order_by(User.id, ascending=False).first()
    return (top["id"] if top else 0) + 1


# -- the recipient, their needs, and the timed requests ------------------------------------------


async def make_needs(user_id: int, count: int) -> list[int]:
    rng = np.random.default_rng(SEED + 1)
    names, lat, lon, weight = sectors()
    recipient = (
        await Recipient.insert(
            Recipient(display_name="Alex Bench", postcode="PE1 1AA", sector="PE1 1", district="PE1")
        ).returning(Recipient.id)
    )[0]["id"]
    await RecipientAccess.insert(RecipientAccess(recipient=recipient, user=user_id, relationship="self"))
    skill = {r["code"]: r["id"] for r in await Skill.select(Skill.id, Skill.code)}
    ids = []
    for k in range(count):
        i = int(rng.choice(len(weight), p=weight))
        sector = names[i]
        personal_care = bool(rng.random() < 0.5)
        need_id = (
            await Need.insert(
                Need(
                    recipient=recipient, title=f"Support {k}", status="open", postcode=f"{sector}AA", sector=sector,
                    district=sector.split(" ")[0], lat=float(lat[i]), lon=float(lon[i]), hours_per_week=8.0,
                    personal_care=personal_care, max_distance_miles=int(rng.choice([5, 10, 15])),
                    max_rate_pence=int(rng.integers(52, 70)) * 25,
                    dbs_level="enhanced" if personal_care else "basic", dbs_adults_barred=personal_care,
                    opened_at=NOW,
                )
            ).returning(Need.id)
        )[0]["id"]  # fmt: skip
        start = int(rng.integers(0, 5)) * 1440 + 9 * 60
        await NeedSlot.insert(NeedSlot(need=need_id, start_minute=start, end_minute=start + 240))
        if personal_care:
            await NeedSkill.insert(NeedSkill(need=need_id, skill=skill["personal_care"], required=True))
        ids.append(need_id)
    return ids


async def sign_in(client: httpx.AsyncClient, email: str) -> None:
    page = await client.get("/login")
    token = re.search(r'name="_csrf_token" value="([^"]+)"', page.text).group(1)
    response = await client.post("/login", data={"email": email, "password": PASSWORD, "_csrf_token": token})
    assert response.status_code in (302, 303), response.status_code


async def timed_get(client: httpx.AsyncClient, path: str) -> float:
    start = time.perf_counter()
    response = await client.get(path)
    elapsed = (time.perf_counter() - start) * 1000
    assert response.status_code == 200, (path, response.status_code, response.text[-3000:])
    return elapsed


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
    result = {
        "db": label,
        "pas": n,
        "needs": len(need_ids),
        "requests": len(samples),
        "p50_ms": round(float(np.percentile(samples, 50)), 1),
        "p95_ms": round(float(np.percentile(samples, 95)), 1),
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


def remove_sqlite(path: str) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(path + suffix).unlink(missing_ok=True)


def settings_for(url: str, folder: str) -> Settings:
    return Settings(
        database_url=url,
        secret_key="b" * 40,
        env="test",
        var_dir=folder,
        mail_poll_seconds=0,
        login_attempts_per_window=10**6,
    )


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
            name = f"bench_http_{uuid.uuid4().hex[:8]}"
            url = urlunsplit(urlsplit(args.postgres)._replace(path=f"/{name}"))
            admin = await asyncpg.connect(args.postgres)
            await admin.execute(f'CREATE DATABASE "{name}"')
            try:

                async def to_postgres(tables):
                    await fill_postgres(url, [tables])

                results.append(
                    await run(
                        "postgres", settings_for(url, folder), args.pas, args.needs, args.rounds, to_postgres
                    )
                )
                await db.close_pool(db.current_engine())
            finally:
                await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                await admin.close()
    for result in results:
        print(json.dumps(result))


if __name__ == "__main__":
    asyncio.run(main())
