"""The register search on the in-memory index finds exactly the PAs, in exactly the order,
that its rules give when applied one PA at a time to what the database holds (the reference
below reads every row and uses ``market.search.ranking``'s one-PA functions), for staff and
for everyone else, before and after edits the index learns of from the change log."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

import pytest

from market.db import json_list
from market.dbs.standing import Policy, standing
from market.dbs.tables import DBSCheck
from market.geo.centroids import sector_point
from market.geo.display import banded_miles
from market.geo.distance import haversine_miles
from market.register import changes
from market.register.availability import DAY, Slot, slot_from_day_times
from market.register.tables import AvailabilitySlot, ClientGroup, PAClientGroup, PAProfile, PASkill, Skill
from market.search.criteria import Criteria
from market.search.query import search
from market.search.ranking import available_for, grid_out, skill_score, text_hits, week_summary
from market.search.schemas import DBS_REQUIREMENTS, RADII
from tests.register.factories import make_pa

pytestmark = pytest.mark.usefixtures("database")

POSTCODES = ("PE1 1AB", "PE1 1BF", "PE2 5DE", "PE2 5AA", "PE7 1AB", "CB2 1TN")
SKILLS = ("personal_care", "hoist", "medication", "peg_feeding", "dementia", "autism")
GROUPS = ("older_people", "physical_disability", "dementia", "children")
LANGUAGES = ("English", "Polish", "Welsh", "Panjabi", "British Sign Language")
WORDS = ("cook", "cooking", "Cook", "garden", "walks", "patient", "kind", "music", "reading", "swim")
SLOTS = (
    (("Monday", "09:00", "17:00"),),
    (("Monday", "07:00", "12:00"), ("Wednesday", "13:00", "21:00")),
    (("Saturday", "22:00", "07:00"),),
    (("Tuesday", "09:00", "13:00"), ("Thursday", "09:00", "13:00"), ("Friday", "10:00", "16:00")),
    (),
)


def _text(rng: random.Random) -> str:
    return " ".join(rng.choice(WORDS) + rng.choice(("", ",", ".", "ing")) for _ in range(rng.randint(0, 8)))


async def _register(rng: random.Random) -> list[int]:
    ids = []
    for n in range(48):
        pa = await make_pa(
            name=f"Pa{n} Example",
            status=rng.choice(("approved",) * 6 + ("suspended", "submitted")),
            postcode=rng.choice(POSTCODES),
            travel_miles=rng.choice((3, 5, 8, 10, 15, 25, 40)),
            skills={s: rng.randint(0, 9) for s in rng.sample(SKILLS, rng.randint(0, 4))},
            client_groups=tuple(rng.sample(GROUPS, rng.randint(0, 2))),
            slots=rng.choice(SLOTS),
            headline=_text(rng),
            admire=_text(rng),
            matters=_text(rng),
            how_to_work=_text(rng),
            driving_licence=(licence := rng.random() < 0.7),
            has_car=(car := licence and rng.random() < 0.6),
            car_insurance=rng.choice((True, False, None)) if car else None,
            languages=tuple(rng.sample(LANGUAGES, rng.randint(1, 3))),
            gender=rng.choice(("", "woman", "man")),
        )
        ids.append(pa["id"])
        # Homes spread within their sectors, so exact and sector-centre distances differ.
        await PAProfile.update(
            {
                PAProfile.lat: pa["lat"] + rng.uniform(-0.02, 0.02),
                PAProfile.lon: pa["lon"] + rng.uniform(-0.03, 0.03),
            }
        ).where(PAProfile.id == pa["id"])
        if rng.random() < 0.6:
            issued = date.today() - timedelta(days=rng.choice((30, 400, 2000)))
            await DBSCheck.insert(
                DBSCheck(
                    profile=pa["id"],
                    level=rng.choice(("basic", "standard", "enhanced")),
                    barred_lists=rng.choice(("none", "adults", "children", "both")),
                    certificate_number="000000000000",
                    issued_on=issued,
                    decision=rng.choice(("suitable", "suitable", "pending")),
                    decided_at=datetime.now(UTC),
                    stopped_at=datetime.now(UTC) if rng.random() < 0.1 else None,
                )
            )
    await PAProfile.update({PAProfile.travel_miles: None}).where(PAProfile.id == ids[0])
    return ids


async def _expected(criteria: Criteria, today: date) -> list[int]:
    """The search's rules applied to each PA in turn, from the database."""
    found = []
    skill_codes = {r["id"]: r["code"] for r in await Skill.select(Skill.id, Skill.code)}
    group_codes = {r["id"]: r["code"] for r in await ClientGroup.select(ClientGroup.id, ClientGroup.code)}
    for row in await PAProfile.select().where(PAProfile.status == "approved"):
        pid = row["id"]
        if row["lat"] is None or row["travel_miles"] is None:
            continue
        if criteria.coarse:
            there = sector_point(row["sector"] or row["district"], row["lat"], row["lon"])
        else:
            there = (row["lat"], row["lon"])
        miles = haversine_miles(criteria.lat, criteria.lon, there[0], there[1])
        if miles > criteria.radius or miles > row["travel_miles"]:
            continue
        held = {
            skill_codes[r["skill"]]: r["years"] for r in await PASkill.select().where(PASkill.profile == pid)
        }
        groups = {
            group_codes[r["group"]] for r in await PAClientGroup.select().where(PAClientGroup.profile == pid)
        }
        slots = [
            Slot(r["start_minute"], r["end_minute"])
            for r in await AvailabilitySlot.select().where(AvailabilitySlot.profile == pid)
        ]
        hits = 0
        if criteria.words:
            counted = text_hits(
                (row["headline"], row["admire"], row["matters"], row["how_to_work"]), criteria.words
            )
            if counted is None:
                continue
            hits = counted
        dbs = await standing(pid, today, Policy()) if criteria.dbs else None
        if (
            not set(criteria.skills) <= set(held)
            or not set(criteria.groups) <= groups
            or not set(criteria.languages) <= set(json_list(row["languages"]))
            or (criteria.gender and row["gender"] != criteria.gender)
            or (criteria.driving and not row["driving_licence"])
            or (criteria.driving == "car" and not (row["has_car"] and row["car_insurance"] is True))
            or (criteria.dbs and (dbs is None or not dbs.meets(DBS_REQUIREMENTS[criteria.dbs])))
            or (criteria.needed and not available_for(slots, criteria.needed, criteria.whole_days))
        ):
            continue
        shown_miles = float(banded_miles(miles)) if criteria.coarse else miles
        score = round(skill_score(held, criteria.skills) * 5)  # exact: fifths
        key = (-score, -hits, shown_miles, pid)
        found.append(((shown_miles, -score, -hits, pid) if criteria.sort == "distance" else key, pid))
    return [pid for _, pid in sorted(found)]


def _criteria(rng: random.Random) -> Criteria:
    lat, lon = sector_point(rng.choice(POSTCODES))
    coarse = rng.random() < 0.5
    if not coarse:
        lat, lon = lat + rng.uniform(-0.01, 0.01), lon + rng.uniform(-0.01, 0.01)
    days = tuple(sorted(rng.sample(range(7), rng.choice((0, 0, 1, 2)))))
    window = rng.random() < 0.5
    if days and window:
        start, end = rng.choice((("09:00", "12:00"), ("13:00", "17:00"), ("22:00", "07:00")))
        needed = tuple(slot_from_day_times(d, start, end) for d in days)
    else:
        needed = tuple(Slot(d * DAY, (d + 1) * DAY) for d in days)
    return Criteria(
        district="PE1",
        place="PE1",
        lat=lat,
        lon=lon,
        coarse=coarse,
        radius=rng.choice(RADII),
        days=days,
        needed=needed,
        whole_days=not (days and window),
        skills=tuple(rng.sample(SKILLS, rng.choice((0, 0, 1, 2)))),
        groups=tuple(rng.sample(GROUPS, rng.choice((0, 0, 1)))),
        languages=tuple(x.casefold().replace(" ", "_") for x in rng.sample(LANGUAGES, rng.choice((0, 0, 1)))),
        driving=rng.choice(("", "", "licence", "car")),
        gender=rng.choice(("", "", "woman", "man")),
        dbs=rng.choice(("",) * 4 + tuple(DBS_REQUIREMENTS)),
        words=tuple(w.casefold() for w in rng.sample(WORDS, rng.choice((0, 0, 1, 2)))),
        sort=rng.choice(("relevance", "distance")),
    )


async def _searched(criteria: Criteria) -> list[int]:
    """Every page of the search's results, in order."""
    first = await search(criteria)
    ids = [r.id for r in first.results]
    for page in range(2, first.pages + 1):
        ids += [r.id for r in (await search(Criteria(**{**_fields(criteria), "page": page}))).results]
    return ids


def _fields(criteria: Criteria) -> dict:
    return {name: getattr(criteria, name) for name in criteria.__struct_fields__}


async def _shown_as_the_database_has_them(today: date) -> None:
    """What each result shows from the index (skills, the week and its one line) and the
    database (the DBS badge) is what the one-PA reads say."""
    everyone = Criteria(district="PE1", place="PE1", lat=52.57, lon=-0.24, coarse=False, radius=50)
    shown = 0
    for page in range(1, (await search(everyone)).pages + 1):
        for result in (await search(Criteria(**{**_fields(everyone), "page": page}))).results:
            slots = [
                Slot(r["start_minute"], r["end_minute"])
                for r in await AvailabilitySlot.select().where(AvailabilitySlot.profile == result.id)
            ]
            assert result.week == grid_out(slots), result.id
            assert result.usually_available == week_summary(grid_out(slots))
            badge = await standing(result.id, today, Policy())
            assert result.dbs == (badge.badge if badge else "")
            row = await PAProfile.select().where(PAProfile.id == result.id).first()
            assert row["status"] == "approved"
            assert (result.display_name, result.headline, result.district, result.min_rate_pence) == (
                row["display_name"],
                row["headline"],
                row["district"],
                row["min_rate_pence"],
            )
            assert result.right_to_work_checked == (row["right_to_work_confirmed_at"] is not None)
            held = (
                await PASkill.select(PASkill.years).where(PASkill.profile == result.id).order_by(PASkill.id)
            )
            assert sorted(skill.years for skill in result.skills) == sorted(r["years"] for r in held)
            shown += 1
    assert shown > 20


async def test_search_on_the_index_equals_the_rules_applied_one_pa_at_a_time():
    rng = random.Random(22)
    ids = await _register(rng)
    today = date.today()
    some_found = 0
    for _ in range(60):
        criteria = _criteria(rng)
        expected = await _expected(criteria, today)
        assert await _searched(criteria) == expected, criteria
        some_found += bool(expected)
    assert some_found > 10  # the searches were not all empty (15 of the 60 find someone)
    await _shown_as_the_database_has_them(today)

    # Edits the index and the search's extras learn of from the change log: new words, a move,
    # a language, a suspension.
    await PAProfile.update({PAProfile.headline: "Loves cooking and swimming"}).where(PAProfile.id == ids[1])
    moved = await PAProfile.select(PAProfile.lat).where(PAProfile.id == ids[2]).first()
    await PAProfile.update({PAProfile.lat: moved["lat"] + 0.05}).where(PAProfile.id == ids[2])
    await PAProfile.update({PAProfile.languages: ["english", "welsh"]}).where(PAProfile.id == ids[3])
    await PAProfile.update({PAProfile.status: "suspended"}).where(PAProfile.id == ids[4])
    await changes.touch(*ids[1:5])
    for _ in range(30):
        criteria = _criteria(rng)
        assert await _searched(criteria) == await _expected(criteria, today), criteria
    swim = Criteria(
        **{
            **_fields(_criteria(rng)),
            "words": ("swimming",),
            "skills": (),
            "groups": (),
            "languages": (),
            "driving": "",
            "gender": "",
            "dbs": "",
            "needed": (),
            "days": (),
            "radius": 50,
            "coarse": False,
        }
    )
    assert await _searched(swim) == await _expected(swim, today)

    # The cards follow the PAs' rows and DBS records as the change log tells of them (what a
    # page showed is kept, ``listing.SHOWN`` and ``STANDINGS``): the new headline above, a
    # right to work confirmed, a check stopped, one a PA did not have.
    await _shown_as_the_database_has_them(today)
    await PAProfile.update({PAProfile.right_to_work_confirmed_at: datetime.now(UTC)}).where(
        PAProfile.id.is_in(ids[5:])
    )
    # A new week and a year more of every skill for one of them (``listing.HELD``).
    await AvailabilitySlot.delete().where(AvailabilitySlot.profile == ids[5])
    sunday = slot_from_day_times("Sunday", "08:00", "20:00")
    await AvailabilitySlot.insert(
        AvailabilitySlot(profile=ids[5], start_minute=sunday.start, end_minute=sunday.end)
    )
    await PASkill.update({PASkill.years: PASkill.years + 1}).where(PASkill.profile == ids[5])
    held = await DBSCheck.select(DBSCheck.id, DBSCheck.profile).where(
        DBSCheck.decision == "suitable", DBSCheck.stopped_at.is_null(), DBSCheck.profile.is_in(ids)
    )
    await DBSCheck.update({DBSCheck.stopped_at: datetime.now(UTC)}).where(DBSCheck.id == held[0]["id"])
    without = next(pid for pid in ids[5:] if pid not in {h["profile"] for h in held})
    await DBSCheck.insert(
        DBSCheck(
            profile=without,
            level="enhanced",
            barred_lists="both",
            certificate_number="000000000000",
            issued_on=date.today() - timedelta(days=10),
            decision="suitable",
            decided_at=datetime.now(UTC),
        )
    )
    await changes.touch(*ids[5:])
    await _shown_as_the_database_has_them(today)
