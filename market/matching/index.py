"""Building the engine's candidate index from the database: one ``PARow`` per PA on the
register (approved or suspended: suspended rows are kept, inactive, so that reinstating is a
patch), with their DBS currency per requirement kind (from ``market.dbs.standing``) and their
training (from ``market.training.holdings``). Reads in batches; one query per table.

A PA's place in the index is the centre of their postcode sector, never their exact home
(``pa_place``; see "Location privacy" in docs/matching.md): what the engine decides from it,
inclusion by both travel limits and the score, is seen by people who may not know more."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from piccolo.columns import Column
from piccolo.query import Select

from market.db import json_list
from market.dbs import rules as dbs_rules
from market.dbs.standing import Policy, checks_with_facts
from market.geo.centroids import sector_point
from market.matching import term_calendar
from market.matching.engine.ranking import CandidateIndex, Vocabulary
from market.matching.engine.records import PARow, Vocabularies, build_index
from market.register import languages as language_list
from market.register.schemas import SHIFT_KINDS, WONT_DO
from market.register.tables import (
    AvailabilitySlot,
    AwayPeriod,
    ClientGroup,
    PAClientGroup,
    PAProfile,
    PASkill,
    Skill,
)
from market.training.holdings import held
from market.training.tables import Course, CourseSkill

ON_REGISTER = ("approved", "suspended")
BATCH = 500  # profile ids a query asks for at once
MAX_LANGUAGES = 64  # one bit each; a rarer language cannot be required (it matches nobody)

# What the engine reads of a profile (not the one-page texts).
ENGINE_COLUMNS = (
    PAProfile.id, PAProfile.status, PAProfile.lat, PAProfile.lon, PAProfile.sector,
    PAProfile.district, PAProfile.travel_miles,
    PAProfile.languages, PAProfile.gender, PAProfile.driving_licence, PAProfile.has_car,
    PAProfile.car_insurance,
    PAProfile.min_rate_pence, PAProfile.wont_do, PAProfile.year_pattern, PAProfile.shift_kinds,
    PAProfile.min_hours, PAProfile.max_hours,
)  # fmt: skip

# Each engine DBS kind as a requirement the dbs rules can test.
DBS_REQUIREMENTS = {
    "basic": dbs_rules.Requirement(level="basic"),
    "standard": dbs_rules.Requirement(level="standard"),
    "enhanced": dbs_rules.Requirement(level="enhanced"),
    "enhanced_adults": dbs_rules.Requirement(level="enhanced", adults_barred=True),
    "enhanced_children": dbs_rules.Requirement(level="enhanced", children_barred=True),
    "enhanced_both": dbs_rules.Requirement(level="enhanced", adults_barred=True, children_barred=True),
}


def pa_place(row: dict[str, Any]) -> tuple[float, float] | None:
    """Where the engine puts a PA (or a need: any row with sector, district, lat and lon):
    the centre of their sector (``market.geo.centroids.sector_point``)."""
    return sector_point(row["sector"] or row["district"], row["lat"], row["lon"])


def language_code(text: str) -> str:
    """The engine's code for a language: the register list's code (profiles and needs store
    codes; a name or alias typed elsewhere finds the same code, market.register.languages)."""
    return language_list.code_of(str(text))


async def vocabularies(languages: Sequence[str]) -> Vocabularies:
    skills = await Skill.select(Skill.code).order_by(Skill.position)
    courses = await Course.select(Course.code, Course.name).order_by(Course.position)
    groups = await ClientGroup.select(ClientGroup.code).order_by(ClientGroup.position)
    links: dict[str, list[str]] = {}
    for row in await CourseSkill.select(
        CourseSkill.skill.code.as_alias("skill"), CourseSkill.course.code.as_alias("course")
    ):
        links.setdefault(row["skill"], []).append(row["course"])
    return Vocabularies(
        skills=Vocabulary(tuple(r["code"] for r in skills)),
        courses=Vocabulary(tuple(r["code"] for r in courses), tuple(r["name"] for r in courses)),
        groups=Vocabulary(tuple(r["code"] for r in groups)),
        languages=Vocabulary(tuple(languages[:MAX_LANGUAGES])),
        limits=Vocabulary(tuple(WONT_DO)),
        shifts=Vocabulary(tuple(SHIFT_KINDS)),
        skill_courses={skill: tuple(courses) for skill, courses in links.items()},
    )


PerPATable = type[PASkill] | type[PAClientGroup] | type[AvailabilitySlot] | type[AwayPeriod]


async def _by_profile(
    table: PerPATable, columns: Sequence[Column], profile_ids: Sequence[int] | None
) -> dict[int, list[dict[str, Any]]]:
    """Rows of a table of per-PA rows, grouped by profile: of these PAs (in batches, so that no
    query holds too many parameters) or, given None, of every PA on the register (one query,
    joined to the profile, no list of ids at all)."""
    found: dict[int, list[dict[str, Any]]] = {}
    if profile_ids is None:
        queries = [table.select(table.profile, *columns).where(table.profile.status.is_in(list(ON_REGISTER)))]
    else:
        ids = list(profile_ids)
        queries = [
            table.select(table.profile, *columns).where(table.profile.is_in(ids[start : start + BATCH]))
            for start in range(0, len(ids), BATCH)
        ]
    for query in queries:
        for row in await query:
            found.setdefault(row["profile"], []).append(row)
    return found


async def dbs_until(profile_ids: Sequence[int], policy: Policy) -> dict[int, dict[str, date]]:
    """Per PA and DBS kind, the last day any of their checks meeting it is current."""
    months = {"recheck_months": policy.recheck_months, "status_check_months": policy.status_check_months}
    found: dict[int, dict[str, date]] = {}
    for row, facts in await checks_with_facts(profile_ids):
        if facts.decision != "suitable" or facts.stopped:
            continue
        until = dbs_rules.current_until(facts, **months)
        kinds = found.setdefault(row["profile"], {})
        for kind, requirement in DBS_REQUIREMENTS.items():
            if dbs_rules.satisfies(facts.level, facts.barred_lists, requirement) and until > kinds.get(
                kind, date.min
            ):
                kinds[kind] = until
    return found


async def pa_rows(profile_ids: Sequence[int] | None = None, *, policy: Policy | None = None) -> list[PARow]:
    """The engine's view of the PAs on the register (or of these PAs, for a patch)."""

    def on_register() -> Select:  # a fresh query each time: piccolo's where() adds to the query it is given
        return (
            PAProfile.select(*ENGINE_COLUMNS)
            .where(PAProfile.status.is_in(list(ON_REGISTER)))
            .order_by(PAProfile.id)
        )

    if profile_ids is None:
        found = await on_register()
    else:
        asked = list(dict.fromkeys(profile_ids))
        found = []
        for start in range(0, len(asked), BATCH):
            found += await on_register().where(PAProfile.id.is_in(asked[start : start + BATCH]))
    places = {p["id"]: place for p in found if p["lat"] is not None and (place := pa_place(p)) is not None}
    profiles = [p for p in found if p["id"] in places]
    ids = [p["id"] for p in profiles]
    if not ids:
        return []
    wanted = None if profile_ids is None else ids
    skills = await _by_profile(PASkill, (PASkill.skill.code.as_alias("code"), PASkill.years), wanted)
    groups = await _by_profile(PAClientGroup, (PAClientGroup.group.code.as_alias("code"),), wanted)
    slots = await _by_profile(
        AvailabilitySlot, (AvailabilitySlot.start_minute, AvailabilitySlot.end_minute), wanted
    )
    away = await _by_profile(AwayPeriod, (AwayPeriod.starts_on, AwayPeriod.ends_on), wanted)
    dbs = await dbs_until(ids, policy or Policy())
    training = await held(ids)
    rows = []
    for p in profiles:
        pid = p["id"]
        courses: dict[str, tuple[date | None, bool]] = {}
        for h in training.get(pid, []):  # newest first: keep the longest-lasting, verified first
            current = courses.get(h.code)
            candidate = (h.expires_on, h.verified)
            if current is None or _better(candidate, current):
                courses[h.code] = candidate
        rows.append(
            PARow(
                profile_id=pid,
                lat=places[pid][0],
                lon=places[pid][1],
                active=p["status"] == "approved",
                travel_miles=float(p["travel_miles"] or 0),
                dbs_until=dbs.get(pid, {}),
                skills={s["code"]: s["years"] or 0 for s in skills.get(pid, [])},
                courses=courses,
                groups=tuple(g["code"] for g in groups.get(pid, [])),
                languages=tuple(language_code(x) for x in json_list(p["languages"])),
                gender=p["gender"] or "",
                licence=bool(p["driving_licence"]),
                car=bool(p["has_car"]),
                # None (not said) is not insured: the PA's home page asks them.
                car_insurance=p["car_insurance"] is True,
                min_rate_pence=p["min_rate_pence"] or 0,
                wont_do=tuple(str(x) for x in json_list(p["wont_do"])),
                year_pattern=p["year_pattern"] or "all_year",
                shift_kinds=tuple(str(x) for x in json_list(p["shift_kinds"])),
                slots=tuple((s["start_minute"], s["end_minute"]) for s in slots.get(pid, [])),
                min_hours=float(p["min_hours"] or 0),
                max_hours=float(p["max_hours"] or 0),
                away=tuple((a["starts_on"], a["ends_on"]) for a in away.get(pid, [])),
            )
        )
    return rows


def _better(candidate: tuple[date | None, bool], current: tuple[date | None, bool]) -> bool:
    """Verified before unverified; then the later expiry (None: never expires)."""

    def key(item: tuple[date | None, bool]) -> tuple[bool, date]:
        return (item[1], item[0] or date.max)

    return key(candidate) > key(current)


async def build(*, policy: Policy | None = None) -> CandidateIndex:
    """The whole register as a fresh candidate index."""
    await language_list.load()  # codes of names typed anywhere: the list as it is now
    rows = await pa_rows(policy=policy)
    counts: dict[str, int] = {}
    for row in rows:
        for language in row.languages:
            counts[language] = counts.get(language, 0) + 1
    languages = sorted(counts, key=lambda code: (-counts[code], code))
    return build_index(rows, await vocabularies(languages), terms=await term_calendar.load())
