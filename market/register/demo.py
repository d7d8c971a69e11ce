"""A realistic demo register: a few hundred PAs at real postcode sectors round Peterborough
and Oxfordshire, with varied profiles, skills and availability; most on the register, some
waiting for checks, a few suspended. About one in five has a limit or two (work they will not
do) and about one in ten works term time only. Deterministic, and added once.

Everyone on the register has been checked, as the search page says: identity, right to work
and an interview recorded as satisfactory, and two satisfactory references, all before the day
they were approved (their DBS checks are in ``market.dbs.demo``). PAs waiting for checks have
some of these done. No two PAs in one district share a first name, and every rate is at least
the National Living Wage. A few dozen PAs live round the demo needs (``NEARBY``), free at their
hours and with what they ask for, so that each need has a good number of matches."""

from __future__ import annotations

import random
import secrets
from datetime import datetime, timedelta
from typing import Any

import msgspec
from piccolo.table import Table

from market.accounts.tables import User
from market.clock import utcnow
from market.db import write_transaction
from market.geo.centroids import CentroidTable, load_table
from market.register.availability import slot_from_day_times
from market.register.demo_text import (
    ADMIRE,
    AREAS,
    FIRST_NAMES,
    HEADLINES,
    HOW_TO_WORK,
    MATTERS,
    PATTERNS,
    SURNAMES,
)
from market.register.schemas import WONT_DO, refused_skills
from market.register.tables import (
    AvailabilitySlot,
    ClientGroup,
    PAClientGroup,
    PAProfile,
    PASkill,
    Reference,
    Skill,
    StatusChange,
    VettingCheck,
)

DEMO_DOMAIN = "pa.demo.example"
NEARBY_PREFIX = "near"  # near01@pa.demo.example ...: the PAs round the demo needs
NATIONAL_LIVING_WAGE_PENCE = 1271  # from 1 April 2026; no demo rate is below it
STAFF_EMAIL = "staff@demo.example"  # who recorded the demo's vetting checks

Slots = tuple[tuple[str, str, str], ...]
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")
# (how many, sectors they live in, skills they all hold, their weekly hours, the languages
# they all speak): round the demo needs of ``market.matching.demo``: mornings with personal
# care in Peterborough (PE1 1AB), a Saturday evening there with someone who signs (British
# Sign Language), after school in Oxford (OX4 1AA), and weekday days in the next school
# holiday in Peterborough for a child (some of those PAs work school holidays only, some term
# time only: ``NEARBY_YEARS``).
NEARBY: tuple[tuple[int, tuple[str, ...], tuple[str, ...], Slots, tuple[str, ...]], ...] = (
    (
        12,
        ("PE1 1", "PE1 2", "PE1 3", "PE1 4", "PE1 5", "PE2 9", "PE3 6", "PE4 6"),
        ("personal_care", "hoist", "medication", "meal_preparation"),
        tuple((day, "07:00", "12:00") for day in WEEKDAYS),
        (),
    ),
    (
        10,
        ("PE1 1", "PE1 2", "PE1 3", "PE1 4", "PE1 5", "PE2 9", "PE3 6", "PE4 6"),
        ("meal_preparation", "community"),
        (("Friday", "17:00", "22:00"), ("Saturday", "15:00", "22:00"), ("Sunday", "10:00", "18:00")),
        ("english", "british_sign_language"),
    ),
    (
        12,
        ("OX4 1", "OX4 2", "OX4 3", "OX4 4", "OX4 6", "OX1 4", "OX3 7"),
        ("children", "autism", "personal_care"),
        tuple((day, "15:00", "19:00") for day in WEEKDAYS),
        (),
    ),
    (
        10,
        ("PE1 1", "PE1 2", "PE1 3", "PE1 4", "PE1 5", "PE2 9", "PE3 6", "PE4 6"),
        ("children", "community"),
        tuple((day, "09:00", "16:00") for day in WEEKDAYS),
        (),
    ),
    # The demo's PA on the register who can sign in (``LISTED_PA``): free weekday days, with
    # what both the mornings and the holiday cover ask, so their work near you lists both.
    (
        1,
        ("PE1 2",),
        ("personal_care", "hoist", "medication", "meal_preparation", "children", "community"),
        tuple((day, "07:00", "16:00") for day in WEEKDAYS),
        (),
    ),
)
LISTED_PA = f"{NEARBY_PREFIX}45@{DEMO_DOMAIN}"  # the last of NEARBY: market.demo gives it a password
# Their pattern over the year, in turn, by group: all year, but round the holiday cover some
# school holidays only (students, teaching assistants) and some term time only (parents of
# school-age children), so that its matches show both at work.
NEARBY_YEARS: tuple[tuple[str, ...], ...] = (
    ("all_year",),
    ("all_year",),
    ("all_year",),
    ("school_holidays", "all_year", "term_time", "school_holidays", "all_year"),
    ("all_year",),
)
# What the PAs round each demo need say of driving, in turn (issue 21): "none" no licence,
# "licence" a full UK licence only, "car" also a car for work insured for business. The
# mornings need no driving (any mix); the Saturday evening asks for the PA's own car; the
# after-school need for driving the family's car. Some of each group cannot, so the matches
# show who is left out and why.
NEARBY_DRIVING: tuple[tuple[str, ...], ...] = (
    ("car", "licence", "none", "licence"),
    ("car", "car", "licence", "car", "car", "car", "none", "car", "car", "car"),
    ("licence", "car", "licence", "licence", "none", "car", "licence", "licence", "car", "none", "licence", "car"),
    ("none", "licence", "car", "licence", "none"),
    ("car",),
)  # fmt: skip
# The limits demo PAs may have: never one that contradicts a skill they hold.
DEMO_LIMITS = ("pets", "smoking", "children", "driving", "waking_nights", "live_in", "personal_care")


def _limits(rng: random.Random, held_codes: set[str]) -> tuple[list[str], str]:
    """(wont_do codes, year pattern) for one demo PA."""
    wont: list[str] = []
    if rng.random() < 0.2:
        pool = [code for code in DEMO_LIMITS if not refused_skills(held_codes, [code])]
        wont = rng.sample(pool, min(len(pool), rng.choice((1, 1, 2))))
    roll = rng.random()
    year = "term_time" if roll < 0.1 else "school_holidays" if roll < 0.13 else "all_year"
    return [code for code in WONT_DO if code in wont], year


# A second language for some PAs (codes of the list of languages, market.register.languages),
# roughly as often as England's census finds them, with British Sign Language and Makaton
# among them: (the share of PAs up to this one, its code).
SECOND_LANGUAGES = (
    (0.07, "polish"),
    (0.12, "panjabi"),
    (0.16, "urdu"),
    (0.21, "british_sign_language"),
    (0.24, "bengali"),
    (0.26, "gujarati"),
    (0.28, "romanian"),
    (0.30, "makaton"),
)


def _languages(plan: Plan, draw: float) -> list[str]:
    """The plan's languages, or English and the second language a draw from 0 to 1 gives (one
    draw either way, so that the rest of the demo is drawn as before)."""
    if plan.languages:
        return list(plan.languages)
    return ["english", *next(([code] for share, code in SECOND_LANGUAGES if draw < share), [])]


class Plan(msgspec.Struct, kw_only=True):
    """One demo PA, drawn before anything is written (their name depends on their district)."""

    email: str
    status: str
    sector: str
    held: list[dict[str, Any]]
    slots: Slots
    wont_do: list[str]
    year_pattern: str
    travel_miles: int
    name: str = ""
    driving: str = ""  # "" at random, else as in NEARBY_DRIVING
    languages: tuple[str, ...] = ()  # none given: English, and a second language for some


def _random_plan(
    rng: random.Random, limits_rng: random.Random, n: int, sectors: list[str], skills: list[dict[str, Any]]
) -> Plan:
    roll = rng.random()
    status = (
        "approved" if roll < 0.8 else "submitted" if roll < 0.9 else "suspended" if roll < 0.95 else "draft"
    )
    held = rng.sample(skills, rng.randint(3, 8))
    wont_do, year_pattern = _limits(limits_rng, {s["code"] for s in held})
    return Plan(
        email=f"pa{n:03d}@{DEMO_DOMAIN}",
        status=status,
        sector=rng.choice(sectors),
        held=held,
        slots=rng.choice(PATTERNS),
        wont_do=wont_do,
        year_pattern=year_pattern,
        travel_miles=rng.choice((5, 8, 10, 12, 15, 20, 25)),
    )


def _nearby_plans(rng: random.Random, skills: list[dict[str, Any]]) -> list[Plan]:
    """The PAs round the demo needs: on the register, free at the need's hours, holding what
    it asks for, willing to travel to it, with no limit that rules them out (and round the
    holiday cover, year patterns that fit its dates or do not)."""
    by_code = {s["code"]: s for s in skills}
    plans: list[Plan] = []
    for group, (count, sectors, codes, slots, spoken) in enumerate(NEARBY):
        for n in range(count):
            extra = rng.sample([s for s in skills if s["code"] not in codes], rng.randint(1, 3))
            plans.append(
                Plan(
                    email=f"{NEARBY_PREFIX}{len(plans) + 1:02d}@{DEMO_DOMAIN}",
                    status="approved",
                    sector=rng.choice(sectors),
                    held=[by_code[c] for c in codes if c in by_code] + extra,
                    slots=slots,
                    wont_do=[],
                    year_pattern=NEARBY_YEARS[group][n % len(NEARBY_YEARS[group])],
                    travel_miles=rng.choice((10, 12, 15)),
                    driving=NEARBY_DRIVING[group][n % len(NEARBY_DRIVING[group])],
                    languages=spoken,
                )
            )
    return plans


def _driving(planned: str, licence_roll: float, car_roll: float) -> dict[str, Any]:
    """What a demo PA says of driving: as planned, or three in four with a full UK licence,
    and of those about half a car for work, mostly insured for business (a few not, and a
    few who have not said: their home page asks them)."""
    if not planned:
        car = (
            "car"
            if car_roll < 0.4
            else "uninsured"
            if car_roll < 0.47
            else "unsaid"
            if car_roll < 0.52
            else ""
        )
        planned = (car or "licence") if licence_roll < 0.75 else "none"
    insurance = {"car": True, "uninsured": False, "unsaid": None}
    return {
        "driving_licence": planned != "none",
        "has_car": planned in insurance,
        "car_insurance": insurance.get(planned),
    }


def _name(rng: random.Random, district: str, taken: dict[str, set[str]]) -> str:
    """A full name whose first name no other demo PA in the district has."""
    used = taken.setdefault(district, set())
    free = [name for name in FIRST_NAMES if name not in used] or list(FIRST_NAMES)
    first = rng.choice(free)
    used.add(first)
    return f"{first} {rng.choice(SURNAMES)}"


async def seed_register(count: int = 300, *, seed: int = 2026) -> int:
    """Add the demo PAs (``count`` drawn at random, and those round the demo needs) unless they
    are there already; return how many were added."""
    if await User.exists().where(User.email.like(f"%@{DEMO_DOMAIN}")):
        return 0
    rng = random.Random(seed)
    # The limits draw from their own stream, so the rest of the demo stays as it was.
    limits_rng = random.Random(seed + 1)
    table = load_table()
    sectors = [code for code in table.sectors if code.split(" ")[0] in AREAS]
    # Only skills a PA can choose (the retired driving skills are the profile's own answers).
    skills = (
        await Skill.select(Skill.id, Skill.code, Skill.name)
        .where(Skill.active.eq(True))
        .order_by(Skill.position)
    )
    groups = await ClientGroup.select(ClientGroup.id).order_by(ClientGroup.position)
    plans = [_random_plan(rng, limits_rng, n, sectors, skills) for n in range(1, count + 1)]
    plans += _nearby_plans(random.Random(seed + 2), skills)
    taken: dict[str, set[str]] = {}
    for plan in plans:
        plan.name = _name(rng, plan.sector.split(" ")[0], taken)
    staff = await User.select(User.id).where(User.email == STAFF_EMAIL).first()
    now = utcnow()
    # Demo PAs cannot sign in: their password hash matches no password.
    unusable = "!" + secrets.token_hex(16)
    async with write_transaction():
        users = await User.insert(
            *[
                User(
                    email=plan.email,
                    password_hash=unusable,
                    role="pa",
                    display_name=plan.name,
                    verified_at=now,
                )
                for plan in plans
            ]
        ).returning(User.id, User.display_name)
        # Every row is drawn first and written a table at a time: a few queries, not a few
        # thousand (``market demo`` stays quick).
        drawn = [
            _profile(rng, user, plan, table, groups, now, staff["id"] if staff else None)
            for user, plan in zip(users, plans, strict=True)
        ]
        ids = await PAProfile.insert(*[profile for profile, _ in drawn]).returning(PAProfile.id)
        by_table: dict[type[Table], list[Table]] = {}
        for (_, children), row in zip(drawn, ids, strict=True):
            for child in children:
                child.profile = row["id"]  # type: ignore[attr-defined]  # every child has one
                by_table.setdefault(type(child), []).append(child)
        for rows in by_table.values():
            await type(rows[0]).insert(*rows)
    return len(plans)


def _profile(
    rng: random.Random,
    user: dict[str, Any],
    plan: Plan,
    table: CentroidTable,
    groups: list[dict[str, Any]],
    now: datetime,
    staff_id: int | None,
) -> tuple[PAProfile, list[Table]]:
    """One PA's profile, and the rows that hang off it (their ``profile`` set once it has an id)."""
    status, sector, held = plan.status, plan.sector, plan.held
    lat, lon = table.sectors[sector]
    years = {s["id"]: rng.randint(0, 12) for s in held}
    top = max(held, key=lambda s: years[s["id"]])
    approved_at = now - timedelta(days=rng.randint(20, 700)) if status in ("approved", "suspended") else None
    # The history must read in order (submitted, then approved, then suspended), each at its
    # own date: reports rebuild a PA's status at any moment from these changes.
    submitted_at = (
        None
        if status == "draft"
        else approved_at - timedelta(days=rng.randint(3, 14))
        if approved_at
        else now - timedelta(days=rng.randint(1, 30))
    )
    suspended_at = None
    if status == "suspended" and approved_at:
        suspended_at = approved_at + (now - approved_at) * rng.uniform(0.5, 0.95)
    profile = PAProfile(
        user=user["id"],
        status=status,
        display_name=user["display_name"].split()[0],
        headline=rng.choice(HEADLINES).format(years=max(years[top["id"]], 1), skill=top["name"].lower()),
        admire=rng.choice(ADMIRE),
        matters=rng.choice(MATTERS),
        how_to_work=rng.choice(HOW_TO_WORK),
        home_postcode=f"{sector}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}",
        sector=sector,
        district=sector.split(" ")[0],
        lat=lat + rng.uniform(-0.01, 0.01),
        lon=lon + rng.uniform(-0.015, 0.015),
        travel_miles=plan.travel_miles,
        **_driving(plan.driving, rng.random(), rng.random()),
        # From the National Living Wage (£12.71 an hour from 1 April 2026) to £16.50.
        min_rate_pence=rng.choice(range(1275, 1651, 25)),
        employment=rng.choice(("employed", "self_employed", "either")),
        right_to_work_declared=True,
        right_to_work_confirmed_at=approved_at,
        gender=rng.choice(("woman", "woman", "man", "")),
        languages=msgspec.json.encode(_languages(plan, rng.random())).decode(),
        shift_kinds=msgspec.json.encode(
            rng.sample(("day", "evening", "weekend", "sleeping_night"), 2)
        ).decode(),
        submitted_at=submitted_at,
        approved_at=approved_at,
        review_due_on=(approved_at + timedelta(days=365)).date() if approved_at else None,
        status_reason="A concern is being looked into." if status == "suspended" else "",
        wont_do=msgspec.json.encode(plan.wont_do).decode(),
        year_pattern=plan.year_pattern,
    )
    children: list[Table] = [PASkill(skill=s["id"], years=years[s["id"]]) for s in held]
    children += [PAClientGroup(group=g["id"]) for g in rng.sample(groups, rng.randint(1, 3))]
    slots = [slot_from_day_times(*spec) for spec in plan.slots]
    children += [AvailabilitySlot(start_minute=s.start, end_minute=s.end) for s in slots]
    history = [("draft", "submitted", submitted_at), ("submitted", "approved", approved_at)]
    history.append(("approved", "suspended", suspended_at))
    children += [
        StatusChange(
            from_status=old,
            to_status=new,
            changed_at=at,
            reason="A concern is being looked into." if new == "suspended" else "",
        )
        for old, new, at in history
        if at is not None
    ]
    if staff_id is not None and submitted_at is not None:
        children += _vetting(rng, submitted_at, approved_at, staff_id)
    return profile, children


def _vetting(
    rng: random.Random, submitted_at: datetime, approved_at: datetime | None, staff_id: int
) -> list[Table]:
    """The checks staff recorded: all satisfactory before an approval; for a PA still waiting,
    the first few (identity seen, a reference asked for)."""
    kinds = ("identity", "right_to_work", "interview")
    done = kinds if approved_at else kinds[: rng.randint(0, 2)]
    finished = approved_at or utcnow()
    step = (finished - submitted_at) / (len(kinds) + 2)
    rows: list[Table] = [
        VettingCheck(
            kind=kind,
            outcome="satisfactory",
            note="Seen in person." if kind == "identity" else "",
            checked_by=staff_id,
            checked_at=submitted_at + step * (i + 1),
        )
        for i, kind in enumerate(done)
    ]
    referees = (("Former employer", "Line manager"), ("Family friend", "Known for six years"))
    for i, (who, how) in enumerate(referees):
        answered = bool(approved_at) or i == 0
        name = f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)}"
        rows.append(
            Reference(
                recorded_by=staff_id,
                referee_name=name,
                relationship=f"{who}: {how}",
                contact=f"{name.lower().replace(' ', '.')}@example.org",
                outcome="satisfactory" if answered else "awaiting",
                received_on=(submitted_at + step * (4 if approved_at else 1)).date() if answered else None,
                recorded_at=submitted_at + step * 0.5,
            )
        )
    return rows


async def summary() -> str:
    rows = await PAProfile.select(PAProfile.status).where(PAProfile.user.email.like(f"%@{DEMO_DOMAIN}"))
    if not rows:
        return ""
    counts: dict[str, int] = {}
    for row in rows:
        counts[row["status"]] = counts.get(row["status"], 0) + 1
    parts = ", ".join(f"{n} {status}" for status, n in sorted(counts.items(), key=lambda kv: -kv[1]))
    return f"Demo register: {len(rows)} PAs round Peterborough and Oxfordshire ({parts})."
