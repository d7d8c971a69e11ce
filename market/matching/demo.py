"""Demo needs: the demo recipient (Robert Evans) is finding support for himself in
Peterborough (mornings, with personal care) and has a draft for evening company; staff support a
referred child in Oxford, and a referred child in Peterborough who needs cover on days of the
next school holiday (checked against the school terms). So that "See the PAs who match" has something to show; and the
morning need part-way through recruitment, so that the shortlist and an interview show too."""

from __future__ import annotations

from datetime import date, time, timedelta

import msgspec

from market.accounts.schemas import CurrentUser
from market.accounts.tables import User
from market.clock import london_today
from market.db import write_transaction
from market.dbs.rules import requirement_for
from market.geo import services as geo
from market.matching import matches, term_calendar
from market.matching.engine.terms import HOLIDAY, TermCalendar
from market.matching.needs import changes as need_changes
from market.matching.needs.lifecycle import get_need
from market.matching.pipeline import applications as pipeline
from market.matching.pipeline import interviews
from market.matching.pipeline.schemas import InterviewInput
from market.matching.tables import (
    Application,
    Need,
    NeedCoverDate,
    NeedSkill,
    NeedSlot,
    Recipient,
    RecipientAccess,
)
from market.register.availability import slot_from_day_times
from market.register.tables import AwayPeriod, PAProfile, Skill
from market.settings import Settings

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


# What driving each demo need asks for (issue 21): none; the PA's own car (to go out for the
# evening); driving the family's own car (to after-school clubs).
DRIVING = {
    "Morning support at home": "none",
    "Evening company and a meal": "own_car",
    "After-school support for a 12-year-old": "recipients_car",
}

# The languages demo needs ask for (codes of the register's list of languages): required, preferred.
NEED_LANGUAGES: dict[str, tuple[list[str], list[str]]] = {
    "Morning support at home": ([], ["panjabi"]),
    "Evening company and a meal": (["british_sign_language"], []),
}


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
                    driving=DRIVING.get(title, "none"),
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
                    languages_required=msgspec.json.encode(NEED_LANGUAGES.get(title, ([], []))[0]).decode(),
                    languages_preferred=msgspec.json.encode(NEED_LANGUAGES.get(title, ([], []))[1]).decode(),
                )
            ).returning(Need.id)
            need_id = need[0]["id"]
            for code, is_required in [*((c, True) for c in required), *((c, False) for c in preferred)]:
                if code in skills:
                    await NeedSkill.insert(NeedSkill(need=need_id, skill=skills[code], required=is_required))
            for slot in weekly:
                await NeedSlot.insert(NeedSlot(need=need_id, start_minute=slot.start, end_minute=slot.end))
            await need_changes.touch(need_id)
            added += 1
        if (staff := users.get("staff@demo.example")) is not None:
            await _seed_holiday_cover(staff["id"])
            added += 1
    return added


# The holiday cover: three weekdays of the next school holiday at least a week away, by the
# council's school terms (market.terms), so that a holidays-only PA is listed and a term-time
# one is not. Bank holidays around Christmas and New Year are left out.
HOLIDAY_COVER = "Holiday days for a 10-year-old while her mum works"
HOLIDAY_HOURS = (9 * 60 + 30, 15 * 60 + 30)
AWAY_PA = "near36@pa.demo.example"  # all year, free weekdays 09:00 to 16:00 (register demo)
_CLOSED = {(12, 24), (12, 25), (12, 26), (12, 28), (1, 1)}


def holiday_dates(terms: TermCalendar, today: date, count: int = 3) -> tuple[tuple[date, ...], bool]:
    """The first ``count`` weekdays of the next school holiday starting a week or more after
    ``today`` (and True); with no holiday in the terms kept, ``count`` weekdays from two weeks
    on (and False: their school terms are not known, as the matches then say)."""
    day = today + timedelta(days=7)
    for _ in range(400):
        if terms.kind(day) == HOLIDAY and day.weekday() < 5 and (day.month, day.day) not in _CLOSED:
            found = [day]
            while len(found) < count:
                day += timedelta(days=1)
                if terms.kind(day) != HOLIDAY:
                    break
                if day.weekday() < 5 and (day.month, day.day) not in _CLOSED:
                    found.append(day)
            if len(found) == count:
                return tuple(found), True
        day += timedelta(days=1)
    start = today + timedelta(days=14)
    weekdays = (start + timedelta(days=i) for i in range(14))
    return tuple(d for d in weekdays if d.weekday() < 5)[:count], False


async def _seed_holiday_cover(staff_id: int) -> None:
    """Staff support a referred child in Peterborough over the next school holiday."""
    point = await geo.locate("PE1 1AB")
    person = await Recipient.insert(
        Recipient(
            display_name="Maya (referred)",
            age_group="child",
            postcode=point.postcode,
            sector=point.sector,
            district=point.district,
            lat=point.lat,
            lon=point.lon,
            created_by=staff_id,
        )
    ).returning(Recipient.id)
    dates, _ = holiday_dates(await term_calendar.load(), london_today())
    requirement = requirement_for(child=True, personal_care=False)
    start, end = HOLIDAY_HOURS
    need = await Need.insert(
        Need(
            recipient=person[0]["id"],
            title=HOLIDAY_COVER,
            description="A demo need: cover on dates in the school holidays. Change anything.",
            kind="cover",
            status="open",
            postcode=point.postcode,
            sector=point.sector,
            district=point.district,
            lat=point.lat,
            lon=point.lon,
            age_group="child",
            shift_kinds=msgspec.json.encode(["day"]).decode(),
            hours_per_week=len(dates) * (end - start) / 60,
            max_rate_pence=1500,
            max_distance_miles=10,
            start_date=dates[0],
            dbs_level=requirement.level,
            dbs_adults_barred=requirement.adults_barred,
            dbs_children_barred=requirement.children_barred,
            created_by=staff_id,
            referral_source="childrens_social_care",
            referred_on=london_today() - timedelta(days=3),
        )
    ).returning(Need.id)
    for on_date in dates:
        await NeedCoverDate.insert(
            NeedCoverDate(need=need[0]["id"], on_date=on_date, start_minute=start, end_minute=end)
        )
    await need_changes.touch(need[0]["id"])
    # One all-year PA round it is away on the middle date: listed, ranked on the other two.
    away = await PAProfile.select(PAProfile.id).where(PAProfile.user.email == AWAY_PA).first()
    if away is not None:
        await AwayPeriod.insert(
            AwayPeriod(profile=away["id"], starts_on=dates[1], ends_on=dates[1], note="Family wedding")
        )


async def seed_pipeline(settings: Settings) -> int:
    """The demo recipient's open need, part-way through recruitment: the three best matches
    shortlisted, two invited, one of them accepted with an interview booked. Only when no
    application exists yet; the number of applications made."""
    if await Application.exists():
        return 0
    need = (
        await Need.select(Need.id, Need.recipient)
        .where(Need.title == NEEDS[0][1], Need.status == "open")
        .first()
    )
    owner = await User.select().where(User.email == NEEDS[0][0]).first()
    if need is None or owner is None:
        return 0
    user = CurrentUser(
        id=owner["id"], email=owner["email"], role=owner["role"], display_name=owner["display_name"]
    )
    found = await matches.for_need(await get_need(user, need["id"]), settings, london_today(), limit=3)
    ids = [m.profile_id for m in found.matches]
    made = []
    for profile_id in ids:
        made.append(await pipeline.shortlist(user, need["id"], profile_id))
    for application_id in made[:2]:
        await pipeline.invite(user, application_id, 1, base_url=settings.base_url)
    if made:
        first = made[0]
        row = (
            await Application.select(
                Application.profile._.user.as_alias("user"),
                Application.profile._.user._.email.as_alias("email"),
            )
            .where(Application.id == first)
            .first()
        )
        assert row is not None  # the application was made above
        pa_user = CurrentUser(id=row["user"], email=row["email"], role="pa", display_name="")
        version = await pipeline.respond(pa_user, first, True, 2)
        soon = london_today() + timedelta(days=3)
        values = InterviewInput(
            day=soon,
            time=time(10, 30),
            minutes=45,
            mode="in_person",
            place="Central Library café, Broadway, Peterborough",
            attendees="Robert and his daughter",
        )
        await interviews.book(user, first, version, values)
    return len(made)
