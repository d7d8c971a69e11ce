"""A realistic demo register: a few hundred PAs at real postcode sectors round Peterborough
and Oxfordshire, with varied profiles, skills and availability; most on the register, some
waiting for checks, a few suspended. About one in five has a limit or two (work they will not
do) and about one in ten works term time only. Deterministic, and added once."""

from __future__ import annotations

import random
import secrets
from datetime import datetime, timedelta
from typing import Any

import msgspec

from market.accounts.tables import User
from market.clock import utcnow
from market.db import write_transaction
from market.geo.centroids import CentroidTable, load_table
from market.register.availability import slot_from_day_times
from market.register.schemas import WONT_DO, refused_skills
from market.register.tables import (
    AvailabilitySlot,
    ClientGroup,
    PAClientGroup,
    PAProfile,
    PASkill,
    Skill,
    StatusChange,
)

DEMO_DOMAIN = "pa.demo.example"
AREAS = (
    "PE1",
    "PE2",
    "PE3",
    "PE4",
    "PE6",
    "PE7",
    "PE8",
    "PE9",
    "OX1",
    "OX2",
    "OX3",
    "OX4",
    "OX5",
    "OX10",
    "OX11",
    "OX12",
    "OX13",
    "OX14",
    "OX18",
    "OX26",
    "OX28",
    "OX29",
    "OX33",
    "OX44",
)
FIRST_NAMES = (
    "Aisha",
    "Ben",
    "Chloe",
    "Daniel",
    "Ewa",
    "Fatima",
    "Grace",
    "Harry",
    "Imran",
    "Jade",
    "Kofi",
    "Laura",
    "Marek",
    "Nadia",
    "Owen",
    "Priya",
    "Rosa",
    "Sam",
    "Tom",
    "Uma",
    "Vicky",
    "Will",
    "Yasmin",
    "Zoe",
    "Agnieszka",
    "Bola",
    "Ciaran",
    "Dev",
    "Elena",
    "Gemma",
)
SURNAMES = (
    "Adams",
    "Bennett",
    "Clarke",
    "Davies",
    "Evans",
    "Fraser",
    "Green",
    "Hussain",
    "Iqbal",
    "Jones",
    "Kowalski",
    "Lewis",
    "Murphy",
    "Nowak",
    "Okafor",
    "Patel",
    "Quinn",
    "Roberts",
    "Singh",
    "Taylor",
)
HEADLINES = (
    "Patient, reliable PA with {years} years' experience in {skill}",
    "Warm and practical support, with a background in {skill}",
    "Experienced in {skill}; I love helping people get out and about",
    "Calm, kind and organised: {years} years supporting people at home",
    "Former care worker offering flexible support, including {skill}",
)
ADMIRE = (
    "People tell me I am patient and that I listen properly.\nI notice the little things that make a day go well.",
    "I am cheerful and dependable: I turn up on time and do what I say.",
    "Families say I am calm in a crisis and good at keeping everyone in the loop.",
    "I make people laugh, and I never rush anyone.",
)
MATTERS = (
    "Helping people live the life they choose, in their own home and community.",
    "Respect, dignity, and getting to know the person rather than the diagnosis.",
    "Being part of a small team where everyone knows what good support looks like.",
)
HOW_TO_WORK = (
    "Tell me how you like things done and I will remember.",
    "I like a clear plan for the week, and I am happy to be flexible when plans change.",
    "Talk to me openly: I would always rather know if something is not working.",
)
PATTERNS = (
    (("Monday", "08:00", "14:00"), ("Wednesday", "08:00", "14:00"), ("Friday", "08:00", "14:00")),
    (("Tuesday", "09:00", "17:00"), ("Thursday", "09:00", "17:00")),
    (("Saturday", "22:00", "07:00"), ("Sunday", "22:00", "07:00")),
    (("Monday", "17:00", "22:00"), ("Tuesday", "17:00", "22:00"), ("Wednesday", "17:00", "22:00")),
    (("Saturday", "09:00", "18:00"), ("Sunday", "09:00", "18:00")),
    (
        ("Monday", "07:00", "10:00"),
        ("Tuesday", "07:00", "10:00"),
        ("Wednesday", "07:00", "10:00"),
        ("Thursday", "07:00", "10:00"),
        ("Friday", "07:00", "10:00"),
    ),
    (("Friday", "21:00", "08:00"),),
)


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


async def seed_register(count: int = 300, *, seed: int = 2026) -> int:
    """Add the demo PAs unless they are there already; return how many were added."""
    if await User.exists().where(User.email.like(f"%@{DEMO_DOMAIN}")):
        return 0
    rng = random.Random(seed)
    # The limits draw from their own stream, so the rest of the demo stays as it was.
    limits_rng = random.Random(seed + 1)
    table = load_table()
    sectors = [code for code in table.sectors if code.split(" ")[0] in AREAS]
    skills = await Skill.select(Skill.id, Skill.code, Skill.name).order_by(Skill.position)
    groups = await ClientGroup.select(ClientGroup.id).order_by(ClientGroup.position)
    now = utcnow()
    # Demo PAs cannot sign in: their password hash matches no password.
    unusable = "!" + secrets.token_hex(16)
    async with write_transaction():
        users = await User.insert(
            *[
                User(
                    email=f"pa{n:03d}@{DEMO_DOMAIN}",
                    password_hash=unusable,
                    role="pa",
                    display_name=f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)}",
                    verified_at=now,
                )
                for n in range(1, count + 1)
            ]
        ).returning(User.id, User.display_name)
        for user in users:
            await _add_profile(rng, user, sectors, table, skills, groups, now, limits_rng)
    return count


async def _add_profile(
    rng: random.Random,
    user: dict[str, Any],
    sectors: list[str],
    table: CentroidTable,
    skills: list[dict[str, Any]],
    groups: list[dict[str, Any]],
    now: datetime,
    limits_rng: random.Random,
) -> None:
    roll = rng.random()
    status = (
        "approved" if roll < 0.8 else "submitted" if roll < 0.9 else "suspended" if roll < 0.95 else "draft"
    )
    sector = rng.choice(sectors)
    lat, lon = table.sectors[sector]
    held = rng.sample(skills, rng.randint(3, 8))
    years = {s["id"]: rng.randint(0, 12) for s in held}
    top = max(held, key=lambda s: years[s["id"]])
    wont_do, year_pattern = _limits(limits_rng, {s["code"] for s in held})
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
    profile = await PAProfile.insert(
        PAProfile(
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
            travel_miles=rng.choice((5, 8, 10, 12, 15, 20, 25)),
            driving_licence=rng.random() < 0.75,
            has_car=rng.random() < 0.6,
            min_rate_pence=rng.choice(range(1150, 1651, 25)),
            employment=rng.choice(("employed", "self_employed", "either")),
            right_to_work_declared=True,
            right_to_work_confirmed_at=approved_at,
            gender=rng.choice(("woman", "woman", "man", "")),
            languages=msgspec.json.encode(["English"] + (["Polish"] if rng.random() < 0.1 else [])).decode(),
            shift_kinds=msgspec.json.encode(
                rng.sample(("day", "evening", "weekend", "sleeping_night"), 2)
            ).decode(),
            submitted_at=submitted_at,
            approved_at=approved_at,
            review_due_on=(approved_at + timedelta(days=365)).date() if approved_at else None,
            status_reason="A concern is being looked into." if status == "suspended" else "",
            wont_do=msgspec.json.encode(wont_do).decode(),
            year_pattern=year_pattern,
        )
    ).returning(PAProfile.id)
    profile_id = profile[0]["id"]
    await PASkill.insert(*[PASkill(profile=profile_id, skill=s["id"], years=years[s["id"]]) for s in held])
    await PAClientGroup.insert(
        *[PAClientGroup(profile=profile_id, group=g["id"]) for g in rng.sample(groups, rng.randint(1, 3))]
    )
    slots = [slot_from_day_times(*spec) for spec in rng.choice(PATTERNS)]
    await AvailabilitySlot.insert(
        *[AvailabilitySlot(profile=profile_id, start_minute=s.start, end_minute=s.end) for s in slots]
    )
    history = [("draft", "submitted", submitted_at), ("submitted", "approved", approved_at)]
    history.append(("approved", "suspended", suspended_at))
    changes = [
        StatusChange(
            profile=profile_id,
            from_status=old,
            to_status=new,
            changed_at=at,
            reason="A concern is being looked into." if new == "suspended" else "",
        )
        for old, new, at in history
        if at is not None
    ]
    if changes:
        await StatusChange.insert(*changes)


async def summary() -> str:
    rows = await PAProfile.select(PAProfile.status).where(PAProfile.user.email.like(f"%@{DEMO_DOMAIN}"))
    if not rows:
        return ""
    counts: dict[str, int] = {}
    for row in rows:
        counts[row["status"]] = counts.get(row["status"], 0) + 1
    parts = ", ".join(f"{n} {status}" for status, n in sorted(counts.items(), key=lambda kv: -kv[1]))
    return f"Demo register: {len(rows)} PAs round Peterborough and Oxfordshire ({parts})."
