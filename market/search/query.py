"""Searching the register, the public profile, and the shortlist.

Who appears: only approved profiles (not draft, submitted, suspended ...) whose straight-line
distance from the searcher's postcode is within BOTH the searcher's radius and the PA's own
travel limit. Those two are hard requirements and nothing outranks them.

Filters (every one given must hold):

- days: on each chosen day the PA has some availability; with a time window (start and end,
  on the quarter hour; an end at or before the start runs past midnight), each chosen day's
  window must be fully covered by the PA's slots, so Saturday 22:00 to 07:00 asks for the
  night into Sunday;
- skills and client groups: the PA has every one chosen;
- languages: each language named (commas between several) is in the PA's list, ignoring case
  and spacing;
- drives: a driving licence and a car;
- gender: only when the searcher states a preference;
- words: every word appears in the headline or the three profile texts, ignoring case.

Ranking (``rank``, pure, on plain rows): by relevance, the key is

1. skill score, highest first: for each requested skill the PA holds,
   ``1 + min(years, YEARS_CAP) / YEARS_CAP`` (so a held skill counts from 1 to 2 and
   experience beyond 5 years adds nothing more);
2. free-text hits, highest first: occurrences of each searched word, at most
   ``HITS_CAP`` a word, so one repeated word cannot swamp the rest;
3. distance, nearest first; then the profile id, so the order is stable across pages.

By distance: nearest first, then the same relevance key, then the id.

Privacy: what leaves this module for other people (``ResultOut``, ``PublicProfileOut``,
``ShortlistItemOut``) has no postcode, sector, position, email or phone field at all; a
location is a district and a distance band.

Performance: one SQL query fetches the approved profiles inside the radius's latitude and
longitude bounding box; numpy computes exact distances; skills, client groups and slots for
the candidates come in one query each (batched), never a query per PA.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

import msgspec
import numpy as np

from market.accounts.schemas import CurrentUser
from market.clock import london_date, london_today
from market.db import json_list
from market.dbs import rules as dbs_rules
from market.dbs.standing import Policy, Standing, meeting, standing, standings
from market.errors import Invalid, NotFound
from market.geo import services as geo
from market.geo.display import distance_band
from market.geo.distance import EARTH_RADIUS_MILES, haversine_miles
from market.register.availability import (
    DAY,
    DAYS,
    Slot,
    SlotProblem,
    covered_minutes,
    slot_from_day_times,
    week_grid,
)
from market.register.schemas import (
    DEFAULT_YEAR_PATTERN,
    YEAR_PATTERNS,
    SkillOut,
    stored_wont_do,
    stored_year_pattern,
    wont_do_labels,
    year_pattern_label,
)
from market.register.tables import (
    AvailabilitySlot,
    ClientGroup,
    PAClientGroup,
    PAProfile,
    PASkill,
    ShortlistEntry,
    Skill,
)
from market.training.holdings import current_courses

PER_PAGE = 20
RADII = (5, 10, 15, 20, 30, 50)
DEFAULT_RADIUS = 10
SORTS = {"relevance": "Best match", "distance": "Nearest first"}
# The values a profile's ``gender`` holds, and how the search form offers them.
GENDERS = {"woman": "A woman", "man": "A man"}
# The DBS check a searcher can ask for, and the requirement each means.
DBS_FILTERS = {
    "current": "Any current DBS check",
    "enhanced_adults": "Enhanced, with the adults' barred list",
    "enhanced_children": "Enhanced, with the children's barred list",
}
DBS_REQUIREMENTS = {
    "current": dbs_rules.Requirement(level="basic"),
    "enhanced_adults": dbs_rules.Requirement(level="enhanced", adults_barred=True),
    "enhanced_children": dbs_rules.Requirement(level="enhanced", children_barred=True),
}
YEARS_CAP = 5
HITS_CAP = 3
MAX_WORDS = 10
MAX_QUERY = 200
MAX_LANGUAGE = 100
MAX_CHOICES = 100  # more skills or groups than any list holds: refuse before asking the database
BATCH = 500
LISTED = "approved"
# Whoever may keep a shortlist (the pages and API guard on the same roles).
SHORTLISTERS = ("recipient", "staff")


# -- what comes in ---------------------------------------------------------------------------


class SearchInput(msgspec.Struct, kw_only=True):
    """The search form as typed: every value a string (or list of them), checked by ``parse``."""

    postcode: str = ""
    radius: str = ""
    day: list[str] = []
    time_from: str = ""
    time_to: str = ""
    skill: list[str] = []
    group: list[str] = []
    language: str = ""
    drives: str = ""
    gender: str = ""
    dbs: str = ""
    q: str = ""
    sort: str = ""
    page: str = ""


class Criteria(msgspec.Struct, frozen=True, kw_only=True):
    """A checked search. ``postcode`` is the searcher's own, kept for their links only."""

    postcode: str
    district: str
    lat: float
    lon: float
    radius: int = DEFAULT_RADIUS
    days: tuple[int, ...] = ()
    # One slot per chosen day: the time window, or (with no window) the whole day.
    needed: tuple[Slot, ...] = ()
    whole_days: bool = True
    skills: tuple[str, ...] = ()
    groups: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    drives: bool = False
    gender: str = ""
    dbs: str = ""
    words: tuple[str, ...] = ()
    sort: str = "relevance"
    page: int = 1


# -- what goes out (no postcode, sector, lat/lon, email or phone: ever) ----------------------


class WeekRowOut(msgspec.Struct, kw_only=True):
    band: str
    days: list[str]  # Monday first: "full", "part" or "none"


class ResultOut(msgspec.Struct, kw_only=True):
    id: int
    display_name: str
    headline: str
    district: str
    distance_band: str  # "about 3 miles": as the crow flies
    skills: list[SkillOut]
    vetted_on: date | None
    right_to_work_checked: bool
    week: list[WeekRowOut]
    shortlisted: bool = False
    dbs: str = ""  # the DBS badge: level, barred lists and when staff checked it; never more


class SearchOut(msgspec.Struct, kw_only=True):
    total: int
    page: int
    per_page: int
    pages: int
    radius: int
    searched_district: str  # the searcher's district, for "within 10 miles of PE1"
    results: list[ResultOut]


class TrainingOut(msgspec.Struct, kw_only=True):
    """A course the PA holds, current: verified by staff or a trainer, or their own claim."""

    name: str
    verified: bool
    expires_on: date | None


class PublicProfileOut(msgspec.Struct, kw_only=True):
    """The one-page profile as people looking for a PA see it."""

    id: int
    display_name: str
    headline: str
    admire: str
    matters: str
    how_to_work: str
    district: str
    distance_band: str | None
    skills: list[SkillOut]
    client_groups: list[str]
    languages: list[str]
    driving_licence: bool
    has_car: bool
    min_rate_pence: int | None
    employment: str
    availability: list[str]
    week: list[WeekRowOut]
    vetted_on: date | None
    right_to_work_checked: bool
    shortlisted: bool = False
    dbs: str = ""  # the DBS badge: level, barred lists and when staff checked it; never more
    training: list[TrainingOut] = []
    # The PA's own limits, as labels: the work they will not do, and when in the year they work.
    wont_do: list[str] = []
    year_pattern: str = YEAR_PATTERNS[DEFAULT_YEAR_PATTERN]


# -- pure parts ------------------------------------------------------------------------------


class Candidate(msgspec.Struct, frozen=True, kw_only=True):
    """One PA as ranking sees it: plain values, no database."""

    id: int
    miles: float
    skill_years: dict[str, int] = msgspec.field(default_factory=dict)
    text_hits: int = 0


def skill_score(skill_years: dict[str, int], wanted: Iterable[str]) -> float:
    """Requested skills held, each weighted 1 to 2 by years of experience (capped)."""
    return sum(
        1 + min(max(skill_years[code], 0), YEARS_CAP) / YEARS_CAP
        for code in set(wanted)
        if code in skill_years
    )


def rank(
    candidates: Iterable[Candidate], wanted_skills: Sequence[str], sort: str = "relevance"
) -> list[Candidate]:
    """The candidates in the order to show them (see the module docstring for the key)."""

    def relevance(c: Candidate) -> tuple[float, int]:
        return -skill_score(c.skill_years, wanted_skills), -c.text_hits

    if sort == "distance":
        return sorted(candidates, key=lambda c: (c.miles, *relevance(c), c.id))
    return sorted(candidates, key=lambda c: (*relevance(c), c.miles, c.id))


def text_hits(texts: Iterable[str], words: Sequence[str]) -> int | None:
    """How often the words occur (each capped), or None when any word is missing."""
    haystack = "\n".join(texts).casefold()
    hits = 0
    for word in words:
        found = haystack.count(word.casefold())
        if not found:
            return None
        hits += min(found, HITS_CAP)
    return hits


def available_for(slots: Sequence[Slot], needed: Sequence[Slot], whole_days: bool) -> bool:
    """Each needed slot fully covered (a window), or touched at all (a whole day)."""
    for need in needed:
        got = covered_minutes(slots, [need])
        if (whole_days and got == 0) or (not whole_days and got < need.minutes):
            return False
    return True


def bounding_box(lat: float, lon: float, miles: float) -> tuple[float, float, float, float]:
    """(south, north, west, east) degrees holding every point within ``miles`` (a little over)."""
    arc = miles / EARTH_RADIUS_MILES * 1.01 + 1e-9
    dlat = math.degrees(arc)
    ratio = math.sin(arc) / max(math.cos(math.radians(lat)), 1e-9)
    dlon = 180.0 if ratio >= 1 else math.degrees(math.asin(ratio))
    return lat - dlat, lat + dlat, lon - dlon, lon + dlon


def grid_out(slots: Iterable[Slot]) -> list[WeekRowOut]:
    return [WeekRowOut(band=row.band, days=[str(c) for c in row.days]) for row in week_grid(slots)]


_DIGITS = re.compile(r"[0-9]{1,10}")


def whole_number(text: str, limit: int = 2**31 - 1) -> int | None:
    """A plain whole number (ASCII digits) up to ``limit``, else None: never an exception."""
    text = text.strip()
    if not _DIGITS.fullmatch(text) or int(text) > limit:
        return None
    return int(text)


def page_count(total: int, per_page: int = PER_PAGE) -> int:
    return max(1, -(-total // per_page))


_DAY_NAMES = {name.lower(): i for i, name in enumerate(DAYS)} | {
    name[:3].lower(): i for i, name in enumerate(DAYS)
}
_WORD_EDGES = re.compile(r"^[^\w]+|[^\w]+$")


def _day_index(text: str) -> int | None:
    return _DAY_NAMES.get(text.strip().lower())


def _words(q: str) -> tuple[str, ...]:
    words = (_WORD_EDGES.sub("", w).casefold() for w in q.split())
    return tuple(dict.fromkeys(w for w in words if w))


def _languages(text: str) -> tuple[str, ...]:
    parts = text.replace(";", ",").split(",")
    return tuple(dict.fromkeys(" ".join(p.split()).casefold() for p in parts if p.strip()))


async def parse(data: SearchInput) -> Criteria:
    """The checked search; Invalid with a message per field for everything wrong at once."""
    errors: dict[str, str] = {}
    point = None
    if not data.postcode.strip():
        errors["postcode"] = "Enter a postcode, like PE1 1AB"
    else:
        try:
            point = await geo.locate(data.postcode, field="postcode")
        except Invalid as invalid:
            errors.update(invalid.errors)

    radius = DEFAULT_RADIUS
    if data.radius.strip():
        raw = data.radius.strip()
        if raw in {str(miles) for miles in RADII}:
            radius = int(raw)
        else:
            errors["radius"] = "Choose a distance from the list"

    days: list[int] = []
    for text in data.day:
        index = _day_index(text)
        if index is None:
            errors["day"] = "Choose days from the list"
        elif index not in days:
            days.append(index)
    days.sort()

    needed: list[Slot] = []
    whole_days = True
    if data.time_from.strip() or data.time_to.strip():
        whole_days = False
        try:
            for day in days or [0]:
                needed.append(slot_from_day_times(day, data.time_from, data.time_to))
        except SlotProblem as problem:
            renamed = {"start": "time_from", "end": "time_to"}
            errors.update({renamed.get(k, k): v for k, v in problem.errors.items()})
        if not days and "day" not in errors:
            errors["day"] = "Select the days you need someone at these times"
    else:
        needed = [Slot(day * DAY, (day + 1) * DAY) for day in days]

    skills = tuple(dict.fromkeys(s for s in data.skill if s))
    if len(skills) > MAX_CHOICES or (
        skills and await Skill.count().where(Skill.code.is_in(list(skills))) != len(skills)
    ):
        errors["skill"] = "Choose skills from the list"
    groups = tuple(dict.fromkeys(g for g in data.group if g))
    if len(groups) > MAX_CHOICES or (
        groups and await ClientGroup.count().where(ClientGroup.code.is_in(list(groups))) != len(groups)
    ):
        errors["group"] = "Choose the people they have supported from the list"

    if len(data.language) > MAX_LANGUAGE:
        errors["language"] = f"Languages must be {MAX_LANGUAGE} characters or fewer"
    if data.drives not in ("", "yes"):
        errors["drives"] = "Choose whether they must drive"
    if data.gender not in ("", *GENDERS):
        errors["gender"] = "Choose a preference from the list"
    if data.dbs not in ("", *DBS_FILTERS):
        errors["dbs"] = "Choose a DBS check from the list"
    words = _words(data.q)
    if len(data.q) > MAX_QUERY:
        errors["q"] = f"Words to look for must be {MAX_QUERY} characters or fewer"
    elif len(words) > MAX_WORDS:
        errors["q"] = f"Enter up to {MAX_WORDS} words to look for"
    sort = data.sort or "relevance"
    if sort not in SORTS:
        errors["sort"] = "Choose how to sort the results"

    if errors:
        raise Invalid(errors)
    assert point is not None
    page = whole_number(data.page) or 1
    return Criteria(
        postcode=point.postcode,
        district=point.district,
        lat=point.lat,
        lon=point.lon,
        radius=radius,
        days=tuple(days),
        needed=tuple(needed),
        whole_days=whole_days,
        skills=skills,
        groups=groups,
        languages=_languages(data.language),
        drives=data.drives == "yes",
        gender=data.gender,
        dbs=data.dbs,
        words=words,
        sort=sort,
        page=max(page, 1),
    )


# -- database reads --------------------------------------------------------------------------


def _batches(ids: Sequence[int]) -> Iterable[list[int]]:
    for start in range(0, len(ids), BATCH):
        yield list(ids[start : start + BATCH])


async def _skills_for(ids: Sequence[int]) -> dict[int, list[SkillOut]]:
    found: dict[int, list[SkillOut]] = {i: [] for i in ids}
    for chunk in _batches(ids):
        rows = (
            await PASkill.select(PASkill.profile, PASkill.years, PASkill.skill.code, PASkill.skill.name)
            .where(PASkill.profile.is_in(chunk))
            .order_by(PASkill.skill.position)
        )
        for r in rows:
            found[r["profile"]].append(SkillOut(code=r["skill.code"], name=r["skill.name"], years=r["years"]))
    return found


async def _skill_years_for(ids: Sequence[int], codes: Sequence[str]) -> dict[int, dict[str, int]]:
    """Years of experience in just the given skills, by profile."""
    found: dict[int, dict[str, int]] = {i: {} for i in ids}
    for chunk in _batches(ids):
        rows = await PASkill.select(PASkill.profile, PASkill.years, PASkill.skill.code).where(
            PASkill.profile.is_in(chunk), PASkill.skill.code.is_in(list(codes))
        )
        for r in rows:
            found[r["profile"]][r["skill.code"]] = r["years"]
    return found


async def _slots_for(ids: Sequence[int]) -> dict[int, list[Slot]]:
    found: dict[int, list[Slot]] = {i: [] for i in ids}
    for chunk in _batches(ids):
        rows = (
            await AvailabilitySlot.select(
                AvailabilitySlot.profile, AvailabilitySlot.start_minute, AvailabilitySlot.end_minute
            )
            .where(AvailabilitySlot.profile.is_in(chunk))
            .order_by(AvailabilitySlot.start_minute)
        )
        for r in rows:
            found[r["profile"]].append(Slot(start=r["start_minute"], end=r["end_minute"]))
    return found


async def _groups_for(ids: Sequence[int]) -> dict[int, list[tuple[str, str]]]:
    """Each profile's client groups as (code, name), in the list's order."""
    found: dict[int, list[tuple[str, str]]] = {i: [] for i in ids}
    for chunk in _batches(ids):
        rows = (
            await PAClientGroup.select(
                PAClientGroup.profile, PAClientGroup.group.code, PAClientGroup.group.name
            )
            .where(PAClientGroup.profile.is_in(chunk))
            .order_by(PAClientGroup.group.position)
        )
        for r in rows:
            found[r["profile"]].append((r["group.code"], r["group.name"]))
    return found


async def _shortlisted(viewer: CurrentUser | None, ids: Sequence[int]) -> set[int]:
    if viewer is None or viewer.role not in SHORTLISTERS or not ids:
        return set()
    rows = await ShortlistEntry.select(ShortlistEntry.profile).where(
        ShortlistEntry.owner == viewer.id, ShortlistEntry.profile.is_in(list(ids))
    )
    return {r["profile"] for r in rows}


async def _in_box(criteria: Criteria) -> list[dict[str, Any]]:
    """Listed profiles inside the radius's bounding box, with the hard SQL-able filters."""
    south, north, west, east = bounding_box(criteria.lat, criteria.lon, criteria.radius)
    columns = [
        PAProfile.id,
        PAProfile.display_name,
        PAProfile.headline,
        PAProfile.district,
        PAProfile.lat,
        PAProfile.lon,
        PAProfile.travel_miles,
        PAProfile.languages,
        PAProfile.approved_at,
        PAProfile.right_to_work_confirmed_at,
    ]
    if criteria.words:
        columns += [PAProfile.admire, PAProfile.matters, PAProfile.how_to_work]
    where = [
        PAProfile.status == LISTED,
        PAProfile.lat.is_not_null(),
        PAProfile.lon.is_not_null(),
        PAProfile.travel_miles.is_not_null(),
        PAProfile.lat >= south,
        PAProfile.lat <= north,
        PAProfile.lon >= west,
        PAProfile.lon <= east,
    ]
    if criteria.drives:
        where += [PAProfile.driving_licence.eq(True), PAProfile.has_car.eq(True)]
    if criteria.gender:
        where.append(PAProfile.gender == criteria.gender)
    return await PAProfile.select(*columns).where(*where)


def _within_reach(rows: list[dict[str, Any]], criteria: Criteria) -> list[tuple[dict[str, Any], float]]:
    """Rows within both the search radius and the PA's own travel limit, with their miles."""
    if not rows:
        return []
    lats = np.array([r["lat"] for r in rows], dtype=np.float64)
    lons = np.array([r["lon"] for r in rows], dtype=np.float64)
    travel = np.array([r["travel_miles"] for r in rows], dtype=np.float64)
    miles = np.atleast_1d(haversine_miles(criteria.lat, criteria.lon, lats, lons))
    keep = (miles <= criteria.radius) & (miles <= travel)
    return [(rows[i], float(miles[i])) for i in np.flatnonzero(keep)]


def _result(
    row: dict[str, Any],
    miles: float,
    skills: list[SkillOut],
    slots: list[Slot],
    shortlisted: bool,
    dbs: Standing | None,
) -> ResultOut:
    return ResultOut(
        id=row["id"],
        display_name=row["display_name"],
        headline=row["headline"],
        district=row["district"],
        distance_band=distance_band(miles),
        skills=skills,
        vetted_on=london_date(row["approved_at"]),
        right_to_work_checked=row["right_to_work_confirmed_at"] is not None,
        week=grid_out(slots),
        shortlisted=shortlisted,
        dbs=dbs.badge if dbs else "",
    )


async def search(
    data: SearchInput, viewer: CurrentUser | None = None, policy: Policy | None = None
) -> SearchOut:
    """One page of the PAs that meet every requirement, in the chosen order. ``policy``
    is the DBS currency rule (the settings' recheck periods)."""
    policy = policy or Policy()
    today = london_today()
    criteria = await parse(data)
    reach = _within_reach(await _in_box(criteria), criteria)

    if criteria.languages:
        reach = [
            (row, miles)
            for row, miles in reach
            if set(criteria.languages)
            <= {" ".join(str(x).split()).casefold() for x in json_list(row["languages"])}
        ]
    hits: dict[int, int] = {}
    if criteria.words:
        kept = []
        for row, miles in reach:
            found = text_hits(
                (row["headline"], row["admire"], row["matters"], row["how_to_work"]), criteria.words
            )
            if found is not None:
                hits[row["id"]] = found
                kept.append((row, miles))
        reach = kept
    if criteria.groups:
        groups = await _groups_for([row["id"] for row, _ in reach])
        reach = [
            (row, miles)
            for row, miles in reach
            if set(criteria.groups) <= {code for code, _ in groups[row["id"]]}
        ]
    # The requested skills and the slots of every candidate when they filter or rank;
    # everything else only for the page shown.
    held = await _skill_years_for([row["id"] for row, _ in reach], criteria.skills) if criteria.skills else {}
    if criteria.skills:
        reach = [(row, miles) for row, miles in reach if set(criteria.skills) <= set(held[row["id"]])]
    slots = await _slots_for([row["id"] for row, _ in reach]) if criteria.needed else {}
    if criteria.needed:
        reach = [
            (row, miles)
            for row, miles in reach
            if available_for(slots[row["id"]], criteria.needed, criteria.whole_days)
        ]

    if criteria.dbs:
        passing = await meeting(
            [row["id"] for row, _ in reach], DBS_REQUIREMENTS[criteria.dbs], today, policy
        )
        reach = [(row, miles) for row, miles in reach if row["id"] in passing]

    by_id = {row["id"]: (row, miles) for row, miles in reach}
    ordered = rank(
        (
            Candidate(
                id=row["id"],
                miles=miles,
                skill_years=held.get(row["id"], {}),
                text_hits=hits.get(row["id"], 0),
            )
            for row, miles in reach
        ),
        criteria.skills,
        criteria.sort,
    )
    total = len(ordered)
    pages = page_count(total)
    page = min(criteria.page, pages)
    shown = [c.id for c in ordered[(page - 1) * PER_PAGE : page * PER_PAGE]]
    skills = await _skills_for(shown)
    if not criteria.needed:
        slots = await _slots_for(shown)
    saved = await _shortlisted(viewer, shown)
    badges = await standings(shown, today, policy)
    return SearchOut(
        total=total,
        page=page,
        per_page=PER_PAGE,
        pages=pages,
        radius=criteria.radius,
        searched_district=criteria.district,
        results=[
            _result(by_id[i][0], by_id[i][1], skills[i], slots[i], i in saved, badges.get(i)) for i in shown
        ],
    )


def _check_id(profile_id: int) -> None:
    """Ids beyond the database's integer range cannot exist (and must not reach it)."""
    if not 0 < profile_id < 2**31:
        raise NotFound()


async def _listed_row(profile_id: int) -> dict[str, Any]:
    _check_id(profile_id)
    row = await PAProfile.select().where(PAProfile.id == profile_id, PAProfile.status == LISTED).first()
    if row is None:
        raise NotFound()
    return row


async def public_profile(
    profile_id: int,
    from_postcode: str | None = None,
    viewer: CurrentUser | None = None,
    policy: Policy | None = None,
) -> PublicProfileOut:
    """The listed profile; NotFound unless it is approved. A ``from_postcode`` that does
    not locate is ignored: the distance is a courtesy, not a question."""
    row = await _listed_row(profile_id)
    band = None
    if from_postcode and from_postcode.strip() and row["lat"] is not None and row["lon"] is not None:
        try:
            point = await geo.locate(from_postcode, field="from")
        except Invalid:
            point = None
        if point is not None:
            band = distance_band(haversine_miles(point.lat, point.lon, row["lat"], row["lon"]))
    skills = (await _skills_for([profile_id]))[profile_id]
    slots = (await _slots_for([profile_id]))[profile_id]
    groups = (await _groups_for([profile_id]))[profile_id]
    dbs = await standing(profile_id, london_today(), policy or Policy())
    held = (await current_courses([profile_id], london_today(), verified_only=False)).get(profile_id, {})
    return PublicProfileOut(
        id=row["id"],
        display_name=row["display_name"],
        headline=row["headline"],
        admire=row["admire"],
        matters=row["matters"],
        how_to_work=row["how_to_work"],
        district=row["district"],
        distance_band=band,
        skills=skills,
        client_groups=[name for _, name in groups],
        languages=[str(x) for x in json_list(row["languages"])],
        driving_licence=row["driving_licence"],
        has_car=row["has_car"],
        min_rate_pence=row["min_rate_pence"],
        employment=row["employment"],
        availability=[s.label() for s in sorted(slots)],
        week=grid_out(slots),
        vetted_on=london_date(row["approved_at"]),
        right_to_work_checked=row["right_to_work_confirmed_at"] is not None,
        shortlisted=bool(await _shortlisted(viewer, [profile_id])),
        dbs=dbs.badge if dbs else "",
        training=[
            TrainingOut(name=h.name, verified=h.verified, expires_on=h.expires_on)
            for h in sorted(held.values(), key=lambda h: (not h.verified, h.name))
        ],
        wont_do=wont_do_labels(stored_wont_do(row["wont_do"])),
        year_pattern=year_pattern_label(stored_year_pattern(row["year_pattern"])),
    )


async def form_lists() -> dict[str, list[dict[str, Any]]]:
    """The controlled lists the search form offers."""
    return {
        "skills": await Skill.select(Skill.code, Skill.name)
        .where(Skill.active.eq(True))
        .order_by(Skill.position),
        "groups": await ClientGroup.select(ClientGroup.code, ClientGroup.name).order_by(ClientGroup.position),
    }
