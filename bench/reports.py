"""The quarterly monitoring return over a large synthetic service (issue 9's benchmark).

Builds a database (a SQLite file under /tmp; and PostgreSQL with --postgres URL, in a fresh
database ``bench_reports`` beside it; both removed afterwards unless --keep) from the real
migrations (``market migrate``),
then writes in bulk (executemany on SQLite, COPY on PostgreSQL), with dates spread over the
last two years (so over two financial years and more):

- ``--pas`` PAs with their status history (submitted, changes asked for, approved, declined,
  suspended, reinstated, withdrawn), skills, client groups and qualifications; several
  training completions each (with renewals), a few hundred sessions with their bookings; DBS
  checks (renewals, Update Service status checks) and DBS applications;
- ``--needs`` needs over as many recipients, with referral dates and sources, first contact
  and set-up dates, opened, filled and closed, and their applications carried through the
  pipeline (stage changes, interviews, appointments); the audit events of needs opened and
  closed, among unrelated events.

Then times ``returns.monitoring_return`` for the last complete quarter and the last complete
financial year (``--runs`` times each: median and max), each section on its own, and the XLSX
workbook. Prints a table per database, whether both databases gave the same figures, then
last one JSON line per database (``met``: the quarter under TARGET_S on PostgreSQL, and
``ratio_to_target``; ``bench/pages.py`` reports the same figure against the same target).
``--keep`` then ``--reuse`` times a PostgreSQL service again without building it. About three
minutes with both databases on two cores (most of it writing the rows).

    make bench-reports BENCH_POSTGRES=postgresql://postgres@127.0.0.1:5432/postgres
    .venv/bin/python bench/reports.py --postgres postgresql://postgres@127.0.0.1:5432/postgres
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.loading import Rows, fill_postgres, fill_sqlite  # noqa: E402
from market import db  # noqa: E402  (imports piccolo's SQLite adapters: dates as piccolo writes them)
from market.dates import add_months  # noqa: E402
from market.geo.centroids import load_table  # noqa: E402
from market.matching.engine.synthetic import NOT_ENGLAND  # noqa: E402
from market.matching.needs.schemas import REFERRAL_SOURCES  # noqa: E402
from market.reports import (  # noqa: E402
    dbs_figures,
    exports,
    recruitment_figures,
    register_figures,
    returns,
    training_figures,
)
from market.reports.periods import Period, financial_year, financial_year_of, quarter  # noqa: E402
from market.settings import Settings  # noqa: E402

try:  # the demography section (issue 9 continues): timed when it is there
    from market.reports import people_figures  # noqa: E402
except ImportError:  # pragma: no cover
    people_figures = None

SEED = 11
TODAY = date.today()
NOW = datetime.now(UTC).replace(microsecond=0)
HISTORY_DAYS = 730  # the window most of the history falls in: two years back from today
TARGET_S = 1.5  # issue 22: the quarter on PostgreSQL at 100k PAs and 50k needs


def _at(days_before_now: float) -> datetime:
    return NOW - timedelta(days=float(days_before_now))


def _districts() -> tuple[list[str], np.ndarray]:
    """English postcode sectors and their weights by postcodes (as bench/matches_http.py)."""
    table = load_table()
    codes = [c for c in table.sectors if c.split(" ")[0].rstrip("0123456789") not in NOT_ENGLAND]
    weight = np.array([table.sector_postcodes.get(c, 1) for c in codes], dtype=np.float64)
    return codes, weight / weight.sum()


# ---- the register, training and DBS ------------------------------------------------------------


def register_rows(n: int, ref: dict, first_user: int, rng: np.random.Generator) -> tuple[Rows, list[int]]:
    """Rows for PAs 1..n and everything hanging off them; also the ids of PAs ever approved."""
    sectors, weight = _districts()
    where = rng.choice(len(sectors), size=n, p=weight)
    users, profiles, changes, quals = [], [], [], []
    ever_approved: list[int] = []
    # A PA signs up up to four years ago (half of them before the two-year window).
    signed = rng.uniform(5, 2 * HISTORY_DAYS, n)
    fate = rng.random(n)
    later = rng.random((n, 6))
    change_id = 0
    first_submitted: list[datetime] = []
    for i in range(n):
        pid, uid = i + 1, first_user + i
        t = _at(signed[i])
        steps = [("draft", "submitted", t)]
        r = fate[i]
        if r < 0.04:
            pass  # still waiting to be vetted
        elif r < 0.10:
            t += timedelta(days=3 + 7 * later[i, 0])
            steps.append(("submitted", "changes_requested", t))
            if later[i, 1] < 0.7:
                t += timedelta(days=5 + 15 * later[i, 2])
                steps.append(("changes_requested", "submitted", t))
                t += timedelta(days=3 + 11 * later[i, 3])
                steps.append(("submitted", "approved", t))
        elif r < 0.13:
            steps.append(("submitted", "declined", t + timedelta(days=5 + 15 * later[i, 0])))
        else:
            t += timedelta(days=3 + 27 * later[i, 0])
            steps.append(("submitted", "approved", t))
            if later[i, 1] < 0.06:
                t += timedelta(days=30 + 570 * later[i, 2])
                steps.append(("approved", "suspended", t))
                if later[i, 3] < 0.6:
                    steps.append(("suspended", "approved", t + timedelta(days=14 + 76 * later[i, 4])))
                elif later[i, 3] < 0.8:
                    steps.append(("suspended", "withdrawn", t + timedelta(days=14 + 76 * later[i, 4])))
            elif later[i, 1] < 0.14:
                steps.append(("approved", "withdrawn", t + timedelta(days=60 + 840 * later[i, 2])))
        steps = [s for s in steps if s[2] < NOW]
        status = steps[-1][1]
        approved = next((s[2] for s in steps if s[1] == "approved"), None)
        if approved is not None:
            ever_approved.append(pid)
        for from_status, to_status, at in steps:
            change_id += 1
            changes.append((change_id, pid, from_status, to_status, "", at))
        sector = sectors[where[i]]
        users.append((uid, f"pa{pid}@bench.example", "!", "pa", f"Pat Bench{pid}", steps[0][2]))
        profiles.append(
            (pid, uid, status, f"Pat{pid}", "Experienced and kind", f"{sector}AA", sector, sector.split(" ")[0],
             steps[0][2], steps[-1][2], steps[0][2], approved)
        )  # fmt: skip
        first_submitted.append(steps[0][2])
    skill_ids = list(ref["skills"].values())
    held = rng.random((n, len(skill_ids))) < 0.25
    held[:, 0] |= rng.random(n) < 0.5
    years = rng.integers(0, 15, (n, len(skill_ids)))
    pa_skills = [(int(p) + 1, skill_ids[s], int(years[p, s])) for p, s in zip(*np.nonzero(held), strict=True)]
    group_ids = list(ref["groups"].values())
    in_group = rng.random((n, len(group_ids))) < 0.3
    pa_groups = [(int(p) + 1, group_ids[g]) for p, g in zip(*np.nonzero(in_group), strict=True)]
    kinds = ["care_certificate", "level_2_diploma", "level_3_diploma", "level_4_diploma", "level_5_diploma",
             "registered_nurse", "other"]  # fmt: skip
    kind_p = [0.3, 0.3, 0.2, 0.05, 0.03, 0.02, 0.1]
    how_many = rng.choice([0, 1, 2], size=n, p=[0.45, 0.45, 0.10])
    for i in range(n):
        for _ in range(how_many[i]):
            kind = str(rng.choice(kinds, p=kind_p))
            achieved = None if rng.random() < 0.2 else TODAY - timedelta(days=int(rng.integers(0, 2200)))
            quals.append((i + 1, kind, kind.replace("_", " "), achieved))
    rows: Rows = {
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
                "created_at",
                "updated_at",
                "submitted_at",
                "approved_at",
            ],
            profiles,
        ),
        "register_status_change": (
            ["id", "profile", "from_status", "to_status", "reason", "changed_at"],
            changes,
        ),
        "register_pa_skill": (["profile", "skill", "years"], pa_skills),
        "register_pa_client_group": (["profile", "group"], pa_groups),
        "register_qualification": (["profile", "kind", "title", "achieved_on"], quals),
    }
    rows.update(training_rows(n, ref, first_submitted, first_user + n, rng))
    rows.update(dbs_rows(n, first_submitted, rng))
    return rows, ever_approved


def training_rows(n: int, ref: dict, joined: list[datetime], trainer: int, rng: np.random.Generator) -> Rows:
    courses = ref["courses"]  # [(id, kind, validity_months)]
    weight = np.array([5.0 if kind == "mandatory" else 1.0 for _, kind, _ in courses])
    weight /= weight.sum()
    completions = []
    taken = rng.integers(2, 8, n)
    sources = ["import", "session", "claim"]
    for i in range(n):
        since = max((TODAY - joined[i].date()).days + 60, 30)
        for c in rng.choice(len(courses), size=int(taken[i]), replace=False, p=weight):
            course, _, months = courses[c]
            done = TODAY - timedelta(days=int(rng.integers(0, min(since, 3 * HISTORY_DAYS))))
            while True:
                expires = add_months(done, months) if months else None
                source = sources[int(rng.integers(0, 3))]
                verified = None if source == "claim" and rng.random() < 0.5 else NOW
                completions.append((i + 1, course, done, expires, source, verified))
                # Half renew a course that ran out (a little before or after it did).
                if expires is None or expires > TODAY or rng.random() < 0.5:
                    break
                done = expires + timedelta(days=int(rng.integers(-45, 30)))
                if done > TODAY:
                    break
    sessions, bookings = [], []
    mandatory = [c for c, kind, _ in courses if kind == "mandatory"]
    statuses = ["attended", "completed", "booked", "cancelled"]
    for s in range(600):
        starts = _at(rng.uniform(-60, HISTORY_DAYS))
        sessions.append((s + 1, mandatory[s % len(mandatory)], trainer, starts, starts + timedelta(hours=3),
                         "Town hall", 12, "scheduled"))  # fmt: skip
        for p in {int(x) for x in rng.integers(1, n + 1, 12)}:
            status = statuses[int(rng.choice(4, p=[0.3, 0.5, 0.1, 0.1]))] if starts < NOW else "booked"
            bookings.append((s + 1, p, status, starts - timedelta(days=20), starts))
    return {
        "training_completion": (
            ["profile", "course", "completed_on", "expires_on", "source", "verified_at"],
            completions,
        ),
        "training_session": (
            ["id", "course", "trainer", "starts_at", "ends_at", "venue", "capacity", "status"],
            sessions,
        ),
        "training_booking": (["session", "profile", "status", "created_at", "updated_at"], bookings),
    }


def dbs_rows(n: int, joined: list[datetime], rng: np.random.Generator) -> Rows:
    checks, status_checks, applications = [], [], []
    lists = ["none", "adults", "children", "both"]
    check_id = 0
    for i in range(n):
        pid = i + 1
        start = joined[i].date()
        if rng.random() < 0.3:  # applied through the service when signing up
            requested = start + timedelta(days=int(rng.integers(0, 10)))
            issued = requested + timedelta(days=int(rng.integers(10, 45)))
            done = issued <= TODAY and rng.random() < 0.9
            applications.append((pid, "service", "enhanced", "adult", "adults", "issued" if done else "submitted",
                                 requested, requested + timedelta(days=3), issued if done else None))  # fmt: skip
            first_issue = issued if done else None
        else:
            first_issue = start - timedelta(days=int(rng.integers(0, 700)))
        if first_issue is None or rng.random() > 0.92:
            continue
        issue = first_issue
        update_service = rng.random() < 0.45
        while issue <= TODAY:
            check_id += 1
            decided = datetime.combine(issue, datetime.min.time(), UTC) + timedelta(
                days=float(rng.uniform(3, 30))
            )
            decision = "suitable" if rng.random() < 0.96 else "not_suitable"
            if decided > NOW:
                decision, decided = "pending", None
            checks.append((check_id, pid, "enhanced", lists[int(rng.choice(4, p=[0.05, 0.7, 0.1, 0.15]))],
                           "adult", f"{check_id:012d}", issue, "clear", update_service,
                           issue if update_service else None, decision, decided))  # fmt: skip
            if update_service:
                checked = issue + timedelta(days=int(rng.integers(300, 380)))
                while checked <= TODAY:
                    result = "BLANK_NO_NEW_INFO" if rng.random() < 0.99 else "NEW_INFO"
                    status_checks.append((check_id, checked, result, 1))
                    checked += timedelta(days=int(rng.integers(300, 400)))
                break
            # Without the Update Service, most renew around the third anniversary; some lapse.
            if rng.random() < 0.35:
                break
            issue = add_months(issue, 36) - timedelta(days=int(rng.integers(-30, 60)))
    return {
        "dbs_check": (
            [
                "id",
                "profile",
                "level",
                "barred_lists",
                "workforce",
                "certificate_number",
                "issued_on",
                "certificate_result",
                "update_service",
                "update_service_joined_on",
                "decision",
                "decided_at",
            ],
            checks,
        ),
        "dbs_status_check": (["dbs_check", "checked_on", "result", "checked_by"], status_checks),
        "dbs_application": (
            [
                "profile",
                "route",
                "level",
                "workforce",
                "barred_lists",
                "step",
                "requested_on",
                "submitted_on",
                "issued_on",
            ],
            applications,
        ),
    }


# ---- recipients, needs and the pipeline --------------------------------------------------------

HAPPY_PATH = ["shortlisted", "invited", "accepted", "interview", "offered", "appointed", "started"]


def matching_rows(needs: int, approved: list[int], rng: np.random.Generator) -> Rows:
    sectors, weight = _districts()
    people = needs
    where = rng.choice(len(sectors), size=people, p=weight)
    recipients = []
    genders, disability = ["", "woman", "man", "non_binary"], ["", "yes", "no", "prefer_not"]
    ethnicity = ["", "asian", "black", "mixed", "white", "other", "prefer_not"]
    for r in range(people):
        age = str(rng.choice(["child", "adult", "older_adult"], p=[0.15, 0.55, 0.3]))
        sector = sectors[where[r]]
        recipients.append(
            (r + 1, f"Person {r + 1}", TODAY - timedelta(days=int(rng.integers(2000, 35000))), age,
             f"{sector}AB", sector, sector.split(" ")[0], genders[int(rng.choice(4, p=[0.2, 0.45, 0.33, 0.02]))],
             disability[int(rng.integers(0, 4))], ethnicity[int(rng.choice(7, p=[0.2, 0.08, 0.04, 0.03, 0.6, 0.02, 0.03]))],
             _at(HISTORY_DAYS + 30))
        )  # fmt: skip
    need_rows, events, apps, stage_changes, interviews, appointments = [], [], [], [], [], []
    sources = list(REFERRAL_SOURCES)
    approved_arr = np.array(approved)
    app_id = change_id = 0
    for j in range(needs):
        nid = j + 1
        recipient = int(rng.integers(1, people + 1))
        created = _at(rng.uniform(1, HISTORY_DAYS + 60))
        status = str(
            rng.choice(["draft", "open", "paused", "filled", "closed"], p=[0.04, 0.18, 0.04, 0.52, 0.22])
        )
        referred = source = contact = set_up = None
        if rng.random() < 0.85:
            referred = created.date() - timedelta(days=int(rng.integers(0, 5)))
            source = "" if rng.random() < 0.1 else sources[int(rng.integers(0, len(sources)))]
            if rng.random() < 0.9:
                contact = min(referred + timedelta(days=int(rng.geometric(0.2))), TODAY)
        opened = filled = closed = None
        if status != "draft" and not (status == "closed" and rng.random() < 0.15):
            opened = created + timedelta(days=float(rng.uniform(0, 3)))
        if opened is not None and (status == "filled" or (status == "closed" and rng.random() < 0.5)):
            filled = opened + timedelta(days=float(rng.uniform(5, 80)))
            if filled >= NOW:
                status, filled = "open", None
        if status == "closed":
            closed = (filled or opened or created) + timedelta(days=float(rng.uniform(5, 200)))
            if closed >= NOW:
                closed = NOW - timedelta(hours=float(rng.uniform(1, 48)))
        if filled is not None and referred is not None and rng.random() < 0.9:
            set_up = min(filled.date() + timedelta(days=int(rng.integers(0, 21))), TODAY)
        updated = closed or filled or opened or created
        if closed is None and opened is not None and rng.random() < 0.3:
            updated = min(updated + timedelta(days=float(rng.uniform(0, 60))), NOW)
        need_rows.append(
            (nid, recipient, f"Support {nid}", status, source or "", referred, contact, set_up, created, updated,
             opened, filled)
        )  # fmt: skip
        if opened is not None:
            events.append((opened, "need.opened", "need", str(nid)))
        if closed is not None and rng.random() < 0.9:
            events.append((closed, "need.closed", "need", str(nid)))
        if opened is None:
            continue
        # Applications: the first carries the fill (appointed, then started); the rest stop on the way.
        k = int(min(max(rng.poisson(4), 1), 10))
        profiles = list(dict.fromkeys(int(p) for p in approved_arr[rng.integers(0, len(approved_arr), k)]))
        for a, profile in enumerate(profiles):
            app_id += 1
            t = opened + timedelta(days=float(rng.uniform(0, 10)))
            if a == 0 and filled is not None:
                path = HAPPY_PATH[:-1] if rng.random() < 0.3 else HAPPY_PATH
                if rng.random() < 0.05:
                    path = [*path, "withdrawn"]
            else:
                path = ["shortlisted"]
                for stage, p in (("invited", 0.6), ("accepted", 0.6), ("interview", 0.7)):
                    if rng.random() >= p:
                        break
                    path.append(stage)
                if len(path) > 1 and rng.random() < 0.7:
                    path.append(str(rng.choice(["declined", "rejected", "withdrawn"])))
            stage_at: dict[str, datetime] = {}
            previous = ""
            for stage in path:
                if stage == "appointed" and filled is not None and a == 0:
                    t = max(t, filled)
                if t >= NOW:
                    break
                change_id += 1
                stage_changes.append((change_id, app_id, previous, stage, t))
                stage_at[stage] = t
                previous = stage
                t += timedelta(days=float(rng.uniform(0.5, 7)))
            apps.append((app_id, nid, profile, previous, opened, stage_at[previous] if previous else opened))
            if "interview" in stage_at:
                at = stage_at["interview"] + timedelta(days=float(rng.uniform(2, 10)))
                interviews.append((app_id, at, "held" if at < NOW else "booked"))
            if "offered" in stage_at:
                appointed = stage_at.get("appointed")
                appointments.append(
                    (app_id, (appointed or stage_at["offered"]).date() + timedelta(days=14), 10.0, 1500,
                     stage_at["offered"], appointed, stage_at.get("started"))
                )  # fmt: skip
    # Everything else the audit log holds (profile edits, sign-ins), so the needs' events are a few among many.
    for e in range(3 * needs):
        events.append((_at(rng.uniform(0, HISTORY_DAYS)), "profile.updated", "profile", str(e % 100_000 + 1)))
    return {
        "matching_recipient": (
            [
                "id",
                "display_name",
                "birth_date",
                "age_group",
                "postcode",
                "sector",
                "district",
                "gender",
                "disability",
                "ethnicity",
                "created_at",
            ],
            recipients,
        ),
        "matching_need": (
            [
                "id",
                "recipient",
                "title",
                "status",
                "referral_source",
                "referred_on",
                "first_contact_on",
                "support_set_up_on",
                "created_at",
                "updated_at",
                "opened_at",
                "filled_at",
            ],
            need_rows,
        ),
        "matching_application": (["id", "need", "profile", "stage", "created_at", "updated_at"], apps),
        "matching_stage_change": (["id", "application", "from_stage", "to_stage", "at"], stage_changes),
        "matching_interview": (["application", "starts_at", "status"], interviews),
        "matching_appointment": (
            [
                "application",
                "start_date",
                "hours_per_week",
                "rate_pence",
                "offered_at",
                "appointed_at",
                "started_at",
            ],
            appointments,
        ),
        "audit_event": (["at", "action", "subject_type", "subject_id"], events),
    }


# ---- writing -----------------------------------------------------------------------------------


def migrate(url: str, folder: str) -> None:
    """The real migrations, as an operator runs them."""
    env = {**os.environ, "MARKET_DATABASE_URL": url, "MARKET_VAR_DIR": folder, "MARKET_ENV": "test"}
    market = Path(sys.executable).with_name("market")
    command = [str(market)] if market.exists() else [sys.executable, "-m", "market.cli"]
    subprocess.run([*command, "migrate"], env=env, check=True, cwd=ROOT, stdout=subprocess.DEVNULL)


async def reference(url: str) -> dict:
    """The seeded skills, client groups and courses, and the first free user id."""
    if url.startswith("sqlite"):
        with sqlite3.connect(url.removeprefix("sqlite:///")) as c:

            def fetch(sql):
                return c.execute(sql).fetchall()

            return _reference(fetch)
    connection = await asyncpg.connect(url)
    try:
        cache = {}
        for sql in _REFERENCE_SQL:
            cache[sql] = [tuple(r) for r in await connection.fetch(sql)]
        return _reference(cache.__getitem__)
    finally:
        await connection.close()


_REFERENCE_SQL = (
    "SELECT id FROM register_skill ORDER BY position, id",
    "SELECT id FROM register_client_group ORDER BY position, id",
    "SELECT id, kind, validity_months FROM training_course ORDER BY position, id",
    "SELECT COALESCE(MAX(id), 0) FROM account_user",
)


def _reference(fetch: Callable[[str], list]) -> dict:
    skills, groups, courses, top = (fetch(sql) for sql in _REFERENCE_SQL)
    return {
        "skills": {i: r[0] for i, r in enumerate(skills)},
        "groups": {i: r[0] for i, r in enumerate(groups)},
        "courses": [(r[0], r[1], r[2]) for r in courses],
        "first_user": top[0][0] + 1,
    }


def staff_user(uid: int) -> Rows:
    return {"account_user": (["id", "email", "password_hash", "role", "display_name", "verified_at"],
                             [(uid, "trainer@bench.example", "!", "trainer", "Terry Trainer", NOW)])}  # fmt: skip


def count(tables: list[Rows]) -> dict[str, int]:
    out: dict[str, int] = {}
    for rows in tables:
        for table, (_, values) in rows.items():
            out[table] = out.get(table, 0) + len(values)
    return out


# ---- timing ------------------------------------------------------------------------------------


def sections() -> list[tuple[str, Callable[[Period, date], Awaitable]]]:
    """Each section as returns.monitoring_return computes it, to time on its own."""
    out = [
        ("register", register_figures.section),
        ("training", training_figures.section),
        ("dbs", dbs_figures.section),
        ("activity", lambda period, today: recruitment_figures.activity(period)),
        ("recruitment", recruitment_figures.section),
    ]
    if people_figures is not None:
        out.append(("people", people_figures.section))
    return out


async def timed(make: Callable[[], Awaitable], runs: int) -> tuple[list[float], object]:
    samples, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = await make()
        samples.append(time.perf_counter() - start)
    return samples, result


def summary(samples: list[float]) -> dict[str, float]:
    return {"median": round(statistics.median(samples), 3), "max": round(max(samples), 3)}


async def measure(periods: dict[str, Period], runs: int) -> dict:
    out: dict = {"returns": {}, "sections": {}, "xlsx": {}}
    for name, period in periods.items():
        samples, result = await timed(lambda period=period: returns.monitoring_return(period, TODAY), runs)
        out["returns"][name] = summary(samples)
        xlsx, _ = await timed(
            lambda result=result, period=period: _async(exports.workbook, result, period), runs
        )
        out["xlsx"][name] = summary(xlsx)
        for key, compute in sections():
            s, _ = await timed(lambda compute=compute, period=period: compute(period, TODAY), runs)
            out["sections"].setdefault(key, {})[name] = summary(s)
    return out


async def _async(function, *args):
    return function(*args)


def periods_for(today: date) -> dict[str, Period]:
    """The last complete quarter and the last complete financial year before ``today``."""
    fy = financial_year_of(today)
    number = {4: 1, 5: 1, 6: 1, 7: 2, 8: 2, 9: 2, 10: 3, 11: 3, 12: 3, 1: 4, 2: 4, 3: 4}[today.month]
    previous = (fy, number - 1) if number > 1 else (fy - 1, 4)
    return {"quarter": quarter(*previous), "year": financial_year(fy - 1)}


async def built(url: str) -> bool:
    """Whether a (kept) PostgreSQL database already holds a service: --reuse then times it as it is."""
    connection = await asyncpg.connect(url)
    try:
        return bool(await connection.fetchval("SELECT EXISTS (SELECT 1 FROM register_pa_profile)"))
    except asyncpg.UndefinedTableError:
        return False
    finally:
        await connection.close()


async def analyze(url: str) -> None:
    """The planner's statistics, after migrations made new indexes on a reused database."""
    connection = await asyncpg.connect(url)
    try:
        await connection.execute("ANALYZE")
    finally:
        await connection.close()


async def build(label: str, url: str, folder: str, pas: int, needs: int) -> float:
    """Migrate ``url`` and write the service into it; the seconds it took."""
    started = time.perf_counter()
    migrate(url, folder)
    ref = await reference(url)
    rng = np.random.default_rng(SEED)
    register, approved = register_rows(pas, ref, ref["first_user"], rng)
    tables = [staff_user(ref["first_user"] + pas), register, matching_rows(needs, approved, rng)]
    made = time.perf_counter() - started
    if url.startswith("sqlite"):
        fill_sqlite(url.removeprefix("sqlite:///"), tables)
    else:
        await fill_postgres(url, tables)
    written = time.perf_counter() - started - made
    sizes = count(tables)
    print(
        f"\n{label}: built in {made:.0f} s, written in {written:.0f} s: "
        + ", ".join(f"{t} {k:,}" for t, k in sizes.items())
    )
    return made + written


async def run(label: str, url: str, folder: str, args, periods: dict[str, Period]) -> dict:
    if label == "postgres" and args.reuse and await built(url):
        migrate(url, folder)  # migrations added since it was built (new indexes), as an upgrade would
        await analyze(url)
        print(f"\n{label}: reusing the service already in {url} (--reuse; its sizes are as built)")
        setup = 0.0
    else:
        setup = await build(label, url, folder, args.pas, args.needs)
    settings = Settings(
        database_url=url, secret_key="b" * 40, env="test", var_dir=folder, mail_poll_seconds=0
    )
    engine = db.activate(db.create_engine(settings))
    await db.open_pool(engine)  # as the app does on start-up
    try:
        # Warm the caches and the pool; keep the figures, to compare the two databases.
        figures = {
            name: returns.as_json(await returns.monitoring_return(period, TODAY), period)
            for name, period in periods.items()
        }
        timings = await measure(periods, args.runs)
    finally:
        await db.close_pool(engine)
    print_table(label, periods, timings, args.runs)
    result = {
        "db": label,
        "pas": args.pas,
        "needs": args.needs,
        "quarter_s": timings["returns"]["quarter"]["median"],
        "year_s": timings["returns"]["year"]["median"],
        "sections": {
            key: {"quarter_s": v["quarter"]["median"], "year_s": v["year"]["median"]}
            for key, v in timings["sections"].items()
        },
        "xlsx_s": timings["xlsx"]["quarter"]["median"],
        "target_s": TARGET_S,
        "ratio_to_target": round(timings["returns"]["quarter"]["median"] / TARGET_S, 2),
        "runs": args.runs,
        "setup_s": round(setup, 1),
    }
    if label == "postgres":
        result["met"] = result["quarter_s"] < TARGET_S
    FIGURES[label] = figures
    return result


def print_table(label: str, periods: dict[str, Period], t: dict, runs: int) -> None:
    q, y = periods["quarter"], periods["year"]
    print(f"{label}: seconds, median / max of {runs} runs; quarter {q.label}, year {y.label}")
    print(f"  {'':<26}{'quarter':>17}{'year':>17}")

    def line(name: str, v: dict) -> None:
        cells = "".join(f"{v[p]['median']:>9.3f} /{v[p]['max']:>6.3f}" for p in ("quarter", "year"))
        print(f"  {name:<26}{cells}")

    line("monitoring return (all)", t["returns"])
    quarter_s = t["returns"]["quarter"]["median"]
    print(
        f"  {'  the quarter / target':<26}{quarter_s / TARGET_S:>9.2f} x  (target {TARGET_S} s on PostgreSQL)"
    )
    for key, v in t["sections"].items():
        line(f"  {key}", v)
    line("XLSX workbook", t["xlsx"])


FIGURES: dict[str, dict] = {}  # per database, the return's figures for each period


def compare_figures() -> None:
    """The same records give the same figures on both databases: say where they do not."""
    if len(FIGURES) < 2:
        return
    first, second = (FIGURES[k] for k in ("sqlite", "postgres"))
    differ = [
        f"{period} {section}.{part}.{key}: sqlite {a[key]!r}, postgres {b.get(key)!r}"
        for period in first
        for section, figures in first[period]["sections"].items()
        for part in ("figures", "breakdowns")
        for a, b in [(figures[part], second[period]["sections"][section][part])]
        for key in a
        if a[key] != b.get(key)
    ]
    print(f"figures on SQLite and PostgreSQL: {'the same' if not differ else f'{len(differ)} differ'}")
    for line in differ[:20]:
        print(f"  {line}")


def remove_sqlite(path: str) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(path + suffix).unlink(missing_ok=True)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pas", type=int, default=100_000)
    parser.add_argument("--needs", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--sqlite", default="/tmp/market_bench_reports.db", help="the SQLite file to (re)create"
    )
    parser.add_argument(
        "--postgres", default="", help="a PostgreSQL URL: bench_reports is made beside it and dropped"
    )
    parser.add_argument("--no-sqlite", action="store_true", help="PostgreSQL only")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="PostgreSQL: time the service a --keep run left in bench_reports (migrated to the newest"
        " first) instead of building it again; the sizes are then those it was built with",
    )
    parser.add_argument(
        "--keep",
        action="store_true",
        help="keep the databases (SQLite file, PostgreSQL bench_reports), to EXPLAIN",
    )
    args = parser.parse_args()
    periods = periods_for(TODAY)
    results = []
    with tempfile.TemporaryDirectory() as folder:
        if not args.no_sqlite:
            remove_sqlite(args.sqlite)
            results.append(await run("sqlite", f"sqlite:///{args.sqlite}", folder, args, periods))
        if args.postgres:
            name = "bench_reports"
            url = urlunsplit(urlsplit(args.postgres)._replace(path=f"/{name}"))
            admin = await asyncpg.connect(args.postgres)
            there = await admin.fetchval("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", name)
            if not (args.reuse and there):
                await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                await admin.execute(f'CREATE DATABASE "{name}"')
            try:
                results.append(await run("postgres", url, folder, args, periods))
            finally:
                if args.keep or args.reuse:
                    print(f"kept {url} (drop it with: DROP DATABASE {name})", file=sys.stderr)
                else:
                    await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                await admin.close()
    if not args.no_sqlite and not args.keep:
        remove_sqlite(args.sqlite)  # some 400 MB
    compare_figures()
    for result in results:
        print(json.dumps(result))


if __name__ == "__main__":
    asyncio.run(main())
