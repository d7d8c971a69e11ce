"""The synthetic register the HTTP benchmarks serve (``matches_http.py``, ``pages.py``): approved
PAs at real English postcode sectors weighted by their postcodes, with skills, client groups,
availability, DBS checks and training, as rows per table for ``bench.loading``; a recipient's
needs (written one by one, through the tables) and open needs in bulk (for work near you);
and a digest of who holds which skill, so a run can check that its SQLite and PostgreSQL
registers are the same one.

Everything is drawn from fixed seeds against the reference rows read in id order, so the same
size gives the same register on either database.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime, timedelta

import numpy as np

from bench.loading import Rows
from market.accounts.tables import User
from market.geo.centroids import load_table
from market.matching.engine.synthetic import NOT_ENGLAND
from market.matching.tables import Need, NeedSkill, NeedSlot, Recipient, RecipientAccess
from market.register.tables import ClientGroup, PAProfile, PASkill, Skill
from market.training.tables import Course

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


def register_rows(n: int, codes: dict[str, dict[str, int]], first_user: int) -> Rows:
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
    """The seeded skills, client groups and courses: code -> id, in id order (the rows are
    drawn against this order, so both databases must read it the same way)."""
    return {
        name: {r["code"]: r["id"] for r in await table.select(table.id, table.code).order_by(table.id)}
        for name, table in (("skills", Skill), ("groups", ClientGroup), ("courses", Course))
    }


async def first_user_id() -> int:
    top = await User.select(User.id).order_by(User.id, ascending=False).first()
    return (top["id"] if top else 0) + 1


async def make_needs(user_id: int, count: int) -> list[int]:
    rng = np.random.default_rng(SEED + 1)
    names, lat, lon, weight = sectors()
    recipient = (
        await Recipient.insert(
            Recipient(display_name="Alex Bench", postcode="PE1 1AA", sector="PE1 1", district="PE1")
        ).returning(Recipient.id)
    )[0]["id"]
    await RecipientAccess.insert(RecipientAccess(recipient=recipient, user=user_id, relationship="self"))
    skill = (await codes())["skills"]
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


def open_needs_rows(
    count: int, codes: dict[str, dict[str, int]], first_recipient: int, first_need: int
) -> Rows:
    """``count`` open needs, one recipient each, spread over England like the PAs, with a
    weekday slot and (for half) personal care required: what work near you ranks."""
    rng = np.random.default_rng(SEED + 2)
    names, lat_s, lon_s, weight = sectors()
    where = rng.choice(len(weight), size=count, p=weight)
    care = rng.random(count) < 0.5
    reach = rng.choice([5, 10, 15], size=count)
    rate = rng.integers(52, 70, count) * 25
    day = rng.integers(0, 5, count)
    recipients, needs, slots, skills = [], [], [], []
    for k in range(count):
        rid, nid = first_recipient + k, first_need + k
        sector = names[where[k]]
        district = sector.split(" ")[0]
        lat, lon = float(lat_s[where[k]]), float(lon_s[where[k]])
        recipients.append((rid, f"Person {rid}", f"{sector}AB", sector, district, NOW))
        needs.append(
            (nid, rid, f"Support {nid}", "open", f"{sector}AB", sector, district, lat, lon, 8.0, bool(care[k]),
             int(reach[k]), int(rate[k]), "enhanced" if care[k] else "basic", bool(care[k]), NOW, NOW)
        )  # fmt: skip
        start = int(day[k]) * 1440 + 9 * 60
        slots.append((nid, start, start + 240))
        if care[k]:
            skills.append((nid, codes["skills"]["personal_care"], True))
    return {
        "matching_recipient": (
            ["id", "display_name", "postcode", "sector", "district", "created_at"],
            recipients,
        ),
        "matching_need": (
            [
                "id",
                "recipient",
                "title",
                "status",
                "postcode",
                "sector",
                "district",
                "lat",
                "lon",
                "hours_per_week",
                "personal_care",
                "max_distance_miles",
                "max_rate_pence",
                "dbs_level",
                "dbs_adults_barred",
                "created_at",
                "opened_at",
            ],
            needs,
        ),  # fmt: skip
        "matching_need_slot": (["need", "start_minute", "end_minute"], slots),
        "matching_need_skill": (["need", "skill", "required"], skills),
    }


async def digest() -> tuple[str, dict[str, int]]:
    """What the register is, to compare two databases: a hash of every approved (profile,
    skill code) pair, and the number of PAs holding each skill."""
    rows = await (
        PASkill.select(PASkill.profile, PASkill.skill.code)
        .where(PASkill.profile.status == "approved")
        .order_by(PASkill.profile)
        .order_by(PASkill.skill.code)
        .output(as_list=False)
    )
    pairs = sorted((r["profile"], r["skill.code"]) for r in rows)
    holders: dict[str, int] = {}
    for _, code in pairs:
        holders[code] = holders.get(code, 0) + 1
    total = await PAProfile.count().where(PAProfile.status == "approved")
    text = f"{total};" + ";".join(f"{p}:{c}" for p, c in pairs)
    return hashlib.sha256(text.encode()).hexdigest()[:16], dict(sorted(holders.items()))


def check_same(digests: dict[str, tuple[str, dict[str, int]]]) -> None:
    """Stop the run when the databases built different registers: their figures would not
    compare. Says which skills' holders differ."""
    if len({d for d, _ in digests.values()}) <= 1:
        if len(digests) > 1:
            print(
                f"register check: {', '.join(digests)} built the same register ({next(iter(digests.values()))[0]})"
            )
        return
    (a, (_, first)), (b, (_, second)) = list(digests.items())[:2]
    differ = [f"{code}: {a} {first.get(code)}, {b} {second.get(code)}"
              for code in sorted(set(first) | set(second)) if first.get(code) != second.get(code)]  # fmt: skip
    raise SystemExit(
        f"register check failed: {a} and {b} built different registers"
        + (" (holders per skill: " + "; ".join(differ) + ")" if differ else " (same holders per skill)")
    )
