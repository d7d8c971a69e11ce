"""Make PA profiles straight in the database, for tests that need a register to work on."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from itertools import count

from market.accounts import services as accounts
from market.accounts.schemas import NewUserInput
from market.geo import services as geo
from market.register.availability import slot_from_day_times
from market.register.tables import AvailabilitySlot, ClientGroup, PAClientGroup, PAProfile, PASkill, Skill
from tests.support import PASSWORD

_numbers = count(1)


async def make_pa(
    *,
    name: str = "",
    status: str = "approved",
    postcode: str = "PE1 1AB",
    travel_miles: int = 10,
    skills: dict[str, int] | None = None,
    client_groups: tuple[str, ...] = (),
    slots: tuple[tuple[str, str, str], ...] = (("Monday", "09:00", "17:00"),),
    headline: str = "Experienced, kind and reliable",
    admire: str = "People say I am patient.",
    matters: str = "Helping people live their own lives.",
    how_to_work: str = "Tell me what you like.",
    min_rate_pence: int = 1250,
    driving_licence: bool = True,
    has_car: bool = True,
    car_insurance: bool | None = True,
    languages: tuple[str, ...] = ("English",),
    gender: str = "",
    wont_do: tuple[str, ...] = (),
    year_pattern: str = "all_year",
) -> dict:
    """A PA account and a complete profile; returns the profile row (with ``email``)."""
    number = next(_numbers)
    name = name or f"Pat Example{number}"
    user = await accounts.create_user(
        NewUserInput(email=f"pa.{number}@example.org", display_name=name, role="pa", password=PASSWORD)
    )
    point = await geo.locate(postcode)
    approved = status in ("approved", "suspended")
    rows = await PAProfile.insert(
        PAProfile(
            user=user.id,
            status=status,
            display_name=name.split()[0],
            headline=headline,
            admire=admire,
            matters=matters,
            how_to_work=how_to_work,
            home_postcode=point.postcode,
            sector=point.sector,
            district=point.district,
            lat=point.lat,
            lon=point.lon,
            travel_miles=travel_miles,
            driving_licence=driving_licence,
            has_car=has_car,
            car_insurance=car_insurance if has_car else None,
            min_rate_pence=min_rate_pence,
            employment="either",
            right_to_work_declared=True,
            right_to_work_confirmed_at=datetime.now(UTC) if approved else None,
            # Stored as codes of the list of languages: "British Sign Language" is british_sign_language.
            languages=[re.sub(r"\W+", "_", x.strip().casefold()) for x in languages],
            gender=gender,
            wont_do=list(wont_do),
            year_pattern=year_pattern,
            approved_at=datetime.now(UTC) if approved else None,
            review_due_on=(datetime.now(UTC).date().replace(year=datetime.now(UTC).year + 1))
            if approved
            else None,
        )
    ).returning(PAProfile.id)
    profile_id = rows[0]["id"]
    for code, years in (skills or {"personal_care": 2}).items():
        skill = await Skill.select(Skill.id).where(Skill.code == code).first()
        assert skill, f"unknown skill {code}"
        await PASkill.insert(PASkill(profile=profile_id, skill=skill["id"], years=years))
    for code in client_groups:
        group = await ClientGroup.select(ClientGroup.id).where(ClientGroup.code == code).first()
        await PAClientGroup.insert(PAClientGroup(profile=profile_id, group=group["id"]))
    for day, start, end in slots:
        slot = slot_from_day_times(day, start, end)
        await AvailabilitySlot.insert(
            AvailabilitySlot(profile=profile_id, start_minute=slot.start, end_minute=slot.end)
        )
    row = await PAProfile.select().where(PAProfile.id == profile_id).first()
    return {**row, "email": user.email, "user_id": user.id}
