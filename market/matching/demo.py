"""Demo needs: the demo recipient (Robert Evans) is finding support for himself in
Peterborough (mornings, with personal care) and has a draft for evening company; staff support a
referred child in Oxford. So that "See the PAs who match" has something to show."""

from __future__ import annotations

from datetime import timedelta

from market.accounts.tables import User
from market.db import write_transaction
from market.dbs.forms import london_today
from market.dbs.rules import requirement_for
from market.geo import services as geo
from market.matching.tables import Need, NeedSkill, NeedSlot, Recipient, RecipientAccess
from market.register.availability import slot_from_day_times
from market.register.tables import Skill

NEEDS = [
    # (whose, title, status, postcode, age group, personal care, required, preferred, slots)
    (
        "recipient@demo.example",
        "Morning support at home",
        "open",
        "PE1 1AB",
        "adult",
        True,
        ("personal_care",),
        ("hoist", "medication", "meal_preparation"),
        tuple((day, "07:30", "10:00") for day in ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")),
    ),
    (
        "recipient@demo.example",
        "Evening company and a meal",
        "draft",
        "PE1 1AB",
        "adult",
        False,
        (),
        ("meal_preparation", "community"),
        (("Saturday", "17:00", "21:00"),),
    ),
    (
        "staff@demo.example",
        "After-school support for a 12-year-old",
        "open",
        "OX4 1AA",
        "child",
        True,
        (),
        ("children", "autism"),
        tuple((day, "15:30", "18:30") for day in ("Monday", "Wednesday", "Friday")),
    ),
]


async def seed_needs() -> int:
    if await Need.exists():
        return 0
    users = {u["email"]: u for u in await User.select(User.id, User.email, User.display_name)}
    skills = {s["code"]: s["id"] for s in await Skill.select(Skill.id, Skill.code)}
    people: dict[tuple[str, str], int] = {}
    added = 0
    async with write_transaction():
        for whose, title, status, postcode, age, care, required, preferred, slots in NEEDS:
            user = users.get(whose)
            if user is None:
                continue
            point = await geo.locate(postcode)
            key = (whose, postcode)
            if key not in people:
                name = user["display_name"] if whose.startswith("recipient") else "Jamie (referred)"
                rows = await Recipient.insert(
                    Recipient(
                        display_name=name,
                        age_group=age,
                        postcode=point.postcode,
                        sector=point.sector,
                        district=point.district,
                        lat=point.lat,
                        lon=point.lon,
                        created_by=user["id"],
                    )
                ).returning(Recipient.id)
                people[key] = rows[0]["id"]
                if whose.startswith("recipient"):
                    await RecipientAccess.insert(
                        RecipientAccess(recipient=people[key], user=user["id"], relationship="self")
                    )
            requirement = requirement_for(child=age == "child", personal_care=care)
            weekly = [slot_from_day_times(day, start, end) for day, start, end in slots]
            hours = sum((s.end - s.start) % 10080 for s in weekly) / 60
            need = await Need.insert(
                Need(
                    recipient=people[key],
                    title=title,
                    description="A demo need: change anything.",
                    status=status,
                    postcode=point.postcode,
                    sector=point.sector,
                    district=point.district,
                    lat=point.lat,
                    lon=point.lon,
                    age_group=age,
                    personal_care=care,
                    hours_per_week=hours,
                    max_rate_pence=1500,
                    max_distance_miles=10,
                    start_date=london_today() + timedelta(days=14),
                    dbs_level=requirement.level,
                    dbs_adults_barred=requirement.adults_barred,
                    dbs_children_barred=requirement.children_barred,
                    created_by=user["id"],
                    referral_source="childrens_social_care" if age == "child" else "",
                    referred_on=london_today() - timedelta(days=5) if age == "child" else None,
                )
            ).returning(Need.id)
            need_id = need[0]["id"]
            for code, is_required in [*((c, True) for c in required), *((c, False) for c in preferred)]:
                if code in skills:
                    await NeedSkill.insert(NeedSkill(need=need_id, skill=skills[code], required=is_required))
            for slot in weekly:
                await NeedSlot.insert(NeedSlot(need=need_id, start_minute=slot.start, end_minute=slot.end))
            added += 1
    return added
