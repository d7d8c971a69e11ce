"""Demo training data: completions for the demo PAs (some expiring soon, some expired, a few
unverified claims), and upcoming sessions run by the demo trainer round Peterborough and
Oxford, one online, with PAs booked.

Most PAs on the register keep up the training their skills depend on (moving and handling and
infection control for personal care, say: ``training_course_skill``), renewed within its
validity and verified; about one in eight has let it lapse, so the matches page shows that
rule at work. The PAs round the demo needs always keep it up."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from market.accounts.tables import User
from market.clock import LONDON, london_today
from market.db import write_transaction
from market.geo import services as geo
from market.register.demo import DEMO_DOMAIN, NEARBY_PREFIX
from market.register.tables import PAProfile, PASkill
from market.training import rules
from market.training.tables import Booking, Completion, Course, CourseSkill, TrainingSession

KEEPS_UP = 0.875  # the share of other PAs on the register who keep their skills' training current

COMMON = ("moving_handling", "safeguarding_adults", "basic_life_support", "infection_control", "fire_safety")
SESSIONS = [
    ("moving_handling", "Peterborough Town Hall, Bridge Street", "PE1 1HF", 12, 9),
    ("safeguarding_adults", "Oxford Town Hall, St Aldate's", "OX1 1BX", 16, 16),
    ("first_aid", "Peterborough Town Hall, Bridge Street", "PE1 1HF", 10, 23),
    ("epilepsy", "", "", 20, 30),
]


async def seed_training(*, seed: int = 2026) -> int:
    """Add demo training unless there is some; return how many completions were added."""
    if await Completion.exists() or await TrainingSession.exists():
        return 0
    rng = random.Random(seed)
    today = london_today()
    trainer = await User.select(User.id).where(User.email == "trainer@demo.example").first()
    staff = await User.select(User.id).where(User.email == "staff@demo.example").first()
    courses = {c["code"]: c for c in await Course.select()}
    profiles = (
        await PAProfile.select(PAProfile.id, PAProfile.status, PAProfile.user.email.as_alias("email"))
        .where(
            PAProfile.user.email.like(f"%@{DEMO_DOMAIN}")
            & PAProfile.status.is_in(["approved", "suspended", "submitted"])
        )
        .order_by(PAProfile.id)
    )
    by = staff["id"] if staff else None
    needed = await _skill_courses()
    keep_rng = random.Random(seed + 1)  # its own stream: the rest of the demo stays as it was
    rows = []
    for profile in profiles:
        nearby = profile["email"].startswith(NEARBY_PREFIX)
        if profile["status"] == "approved" and (nearby or keep_rng.random() < KEEPS_UP):
            for code in sorted(needed.get(profile["id"], ())):
                course = courses[code]
                # Renewed within its validity: at least a fortnight left, some due within 90 days.
                months = course["validity_months"] or 36
                done = today - timedelta(days=keep_rng.randint(5, months * 30 - 20))
                rows.append(_completion(profile["id"], course, done, by, claim=False))
        for code in rng.sample(COMMON, rng.randint(2, len(COMMON))) + rng.sample(
            ("dementia", "medication", "peg_feeding", "diploma_l2", "diploma_l3", "care_certificate"),
            rng.randint(0, 2),
        ):
            course = courses[code]
            done = today - timedelta(days=rng.randint(10, 900))
            rows.append(_completion(profile["id"], course, done, by, claim=rng.random() < 0.05))
    async with write_transaction():
        if rows:
            await Completion.insert(*rows)
        if trainer:
            await _sessions(
                rng, trainer["id"], courses, [p["id"] for p in profiles if p["status"] == "approved"], today
            )
    return len(rows)


def _completion(profile_id: int, course: dict, done: date, by: int | None, *, claim: bool) -> Completion:
    return Completion(
        profile=profile_id,
        course=course["id"],
        completed_on=done,
        expires_on=rules.expires_on(done, course["validity_months"]),
        source="claim" if claim else "import",
        provider="Demo Training Ltd",
        recorded_by=by,
        verified_by=None if claim else by,
        verified_at=None if claim else datetime.combine(done, time(12), tzinfo=LONDON),
    )


async def _skill_courses() -> dict[int, set[str]]:
    """Each demo PA's courses that their skills depend on."""
    links: dict[int, set[str]] = {}
    for row in await CourseSkill.select(
        CourseSkill.skill.as_alias("skill"), CourseSkill.course.code.as_alias("course")
    ):
        links.setdefault(row["skill"], set()).add(row["course"])
    needed: dict[int, set[str]] = {}
    for held in await PASkill.select(PASkill.profile, PASkill.skill).where(
        PASkill.profile._.user._.email.like(f"%@{DEMO_DOMAIN}")
    ):
        needed.setdefault(held["profile"], set()).update(links.get(held["skill"], ()))
    return needed


async def _sessions(
    rng: random.Random, trainer_id: int, courses: dict, profile_ids: list[int], today: date
) -> None:
    for code, venue, postcode, capacity, days in SESSIONS:
        point = await geo.locate(postcode) if postcode else None
        day = today + timedelta(days=days)
        start = datetime.combine(day, time(9, 30), tzinfo=LONDON)
        row = await TrainingSession.insert(
            TrainingSession(
                course=courses[code]["id"],
                trainer=trainer_id,
                starts_at=start,
                ends_at=start + timedelta(hours=3),
                venue=venue,
                postcode=point.postcode if point else "",
                district=point.district if point else "",
                lat=point.lat if point else None,
                lon=point.lon if point else None,
                online_link="" if point else "https://meet.example.org/pa-register-epilepsy",
                capacity=capacity,
                notes="Bring photo ID. Tea and coffee provided." if point else "Join five minutes early.",
                created_by=trainer_id,
            )
        ).returning(TrainingSession.id)
        booked = rng.sample(profile_ids, min(len(profile_ids), rng.randint(2, capacity // 2)))
        if booked:
            await Booking.insert(*[Booking(session=row[0]["id"], profile=p, status="booked") for p in booked])
