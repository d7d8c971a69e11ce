"""Building the engine's candidate index from the database: every PA on the register
(approved or suspended: suspended rows are kept, inactive, so that reinstating is a patch),
with their DBS currency per requirement kind (from ``market.dbs.standing``) and their training
(from ``market.training.holdings``).

Two ways, one definition of every column's value:

- ``build``, the whole register: reads the profiles a range of ids at a time, and each
  per-PA table for that range, through one read snapshot (``market.snapshot``) whose
  queries return whole columns as numpy arrays (each column one text of numbers, parsed
  by numpy; a per-PA row's small ids and values packed into one number), the DBS and training facts gathered in SQL by their own features
  (``standing.current_checks_between``, ``holdings.completion_columns``). No Python
  object per PA or per row is made, so the build's memory is the arrays' plus a batch's
  (issue 22: ~1.1 GB at 100,000 PAs before), and its time mostly the database's. Each
  batch becomes columns in a thread while the next is read: the event loop stays free.
- ``pa_rows``, a few PAs as ``PARow`` records, for a patch (``records.patch_index``).

Both turn raw values into column values through the same batch functions of ``records``
(``skill_columns``, ``course_columns`` ...); the scalar converters here (``travel``,
``flag`` ...) have their SQL twins beside them in the build (``_PROFILE_NUMBERS``), and
``build_from_records`` builds the whole index the second way: the tests assert both ways
make equal arrays, on both databases.

A PA's place in the index is the centre of their postcode sector, never their exact home
(``pa_place``; see "Location privacy" in docs/matching.md): what the engine decides from it,
inclusion by both travel limits and the score, is seen by people who may not know more."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

import msgspec
import numpy as np
from piccolo.columns import Column
from piccolo.query import Select

from market import db
from market.db import json_list
from market.dbs import rules as dbs_rules
from market.dbs.standing import (
    LEVEL_CODES,
    LIST_CODES,
    CurrentChecks,
    Policy,
    checks_with_facts,
    current_checks_between,
)
from market.geo.centroids import sector_point
from market.matching import term_calendar
from market.matching.engine.columns import DBS_KINDS, GENDERS, MASK_BYTES, YEAR_PATTERNS, slot_masks
from market.matching.engine.ranking import CandidateIndex, Vocabulary
from market.matching.engine.records import (
    NEVER,
    PARow,
    Vocabularies,
    away_column,
    bits_column,
    build_index,
    course_columns,
    dbs_column,
    index_of,
    mask_column,
    skill_columns,
)
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
from market.snapshot import Snapshot, packed_sql, unpacked, within
from market.training.holdings import completion_columns, held
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
    skills = await Skill.select(Skill.code, Skill.name).order_by(Skill.position)
    courses = await Course.select(Course.code, Course.name).order_by(Course.position)
    groups = await ClientGroup.select(ClientGroup.code).order_by(ClientGroup.position)
    links: dict[str, list[str]] = {}
    for row in await CourseSkill.select(
        CourseSkill.skill.code.as_alias("skill"), CourseSkill.course.code.as_alias("course")
    ):
        links.setdefault(row["skill"], []).append(row["course"])
    return Vocabularies(
        # Names too: the register search shows a page's skills from the index.
        skills=Vocabulary(tuple(r["code"] for r in skills), tuple(r["name"] for r in skills)),
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
        queries = [
            table.select(table.profile, *columns)
            .where(table.profile.status.is_in(list(ON_REGISTER)))
            .order_by(table.id)
        ]
    else:
        ids = list(profile_ids)
        queries = [
            table.select(table.profile, *columns)
            .where(table.profile.is_in(ids[start : start + BATCH]))
            .order_by(table.id)
            for start in range(0, len(ids), BATCH)
        ]
    for query in queries:
        for row in await query:
            found.setdefault(row["profile"], []).append(row)
    return found


def dbs_entries(checks: Sequence[tuple[dict, Any]], policy: Policy) -> list[tuple[int, int, date]]:
    """(profile id, DBS kind position, current until) for each kind each check meets: one
    entry per check and kind, the index keeps each PA's latest per kind."""
    months = {"recheck_months": policy.recheck_months, "status_check_months": policy.status_check_months}
    found: list[tuple[int, int, date]] = []
    meets: dict[tuple[str, str], list[int]] = {}  # (level, barred lists) -> the kinds met
    for row, facts in checks:
        if facts.decision != "suitable" or facts.stopped:
            continue
        until = dbs_rules.current_until(facts, **months)
        key = (facts.level, facts.barred_lists)
        if key not in meets:
            meets[key] = [
                DBS_KINDS.index(kind)
                for kind, requirement in DBS_REQUIREMENTS.items()
                if dbs_rules.satisfies(facts.level, facts.barred_lists, requirement)
            ]
        found += [(row["profile"], kind, until) for kind in meets[key]]
    return found


async def dbs_until(profile_ids: Sequence[int], policy: Policy) -> dict[int, dict[str, date]]:
    """Per PA and DBS kind, the last day any of their checks meeting it is current."""
    found: dict[int, dict[str, date]] = {}
    for profile, kind, until in dbs_entries(await checks_with_facts(profile_ids), policy):
        kinds = found.setdefault(profile, {})
        if until > kinds.get(DBS_KINDS[kind], date.min):
            kinds[DBS_KINDS[kind]] = until
    return found


# -- one definition of each profile column's value, from the value the database holds ----------


def travel(miles: int | None) -> float:
    """Not said is never within reach (negative travel: the index treats it so), never 0
    miles, which would reach a search from the PA's own sector centre."""
    return -1.0 if miles is None else float(miles)


def languages_of(raw: Any) -> tuple[str, ...]:
    return tuple(language_code(x) for x in json_list(raw))


def words_of(raw: Any) -> tuple[str, ...]:
    """A JSON list of codes (limits, shift kinds)."""
    return tuple(str(x) for x in json_list(raw))


def number(value: Any) -> Any:
    """A count, a rate or hours; not said is 0."""
    return value or 0


def gender_of(value: str | None) -> str:
    return value or ""


def pattern_of(value: str | None) -> str:
    return value or "all_year"


def flag(value: Any) -> bool:
    """A yes/no column; None (not said) is no: e.g. a car not said to be insured is not
    (the PA's home page asks them)."""
    return bool(value)


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
                travel_miles=travel(p["travel_miles"]),
                dbs_until=dbs.get(pid, {}),
                skills={s["code"]: number(s["years"]) for s in skills.get(pid, [])},
                courses=courses,
                groups=tuple(g["code"] for g in groups.get(pid, [])),
                languages=languages_of(p["languages"]),
                gender=gender_of(p["gender"]),
                licence=flag(p["driving_licence"]),
                car=flag(p["has_car"]),
                car_insurance=flag(p["car_insurance"]),
                min_rate_pence=number(p["min_rate_pence"]),
                wont_do=words_of(p["wont_do"]),
                year_pattern=pattern_of(p["year_pattern"]),
                shift_kinds=words_of(p["shift_kinds"]),
                slots=tuple((s["start_minute"], s["end_minute"]) for s in slots.get(pid, [])),
                min_hours=float(number(p["min_hours"])),
                max_hours=float(number(p["max_hours"])),
                away=tuple((a["starts_on"], a["ends_on"]) for a in away.get(pid, [])),
            )
        )
    return rows


def _better(candidate: tuple[date | None, bool], current: tuple[date | None, bool]) -> bool:
    """Verified before unverified; then the later expiry (None: never expires)."""

    def key(item: tuple[date | None, bool]) -> tuple[bool, date]:
        return (item[1], item[0] or date.max)

    return key(candidate) > key(current)


async def build_from_records(*, policy: Policy | None = None) -> CandidateIndex:
    """The whole register as a fresh candidate index, made from one ``PARow`` per PA: the
    streaming ``build``'s reference (the tests assert both make the same columns) and the old
    build the benchmark measures it against. Holds every PA's record at once: not for a worker."""
    await language_list.load()  # codes of names typed anywhere: the list as it is now
    rows = await pa_rows(policy=policy)
    counts: dict[str, int] = {}
    for row in rows:
        for language in row.languages:
            counts[language] = counts.get(language, 0) + 1
    languages = sorted(counts, key=lambda code: (-counts[code], code))
    return build_index(rows, await vocabularies(languages), terms=await term_calendar.load())


# -- the streaming build -------------------------------------------------------------------------

BUILD_BATCH = 20_000  # profiles a batch of the build reads (and per-PA rows for their id range)
ON_REGISTER_SQL = "status IN ('approved', 'suspended')"  # ON_REGISTER


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _choice_sql(value: str, choices: Sequence[str]) -> str:
    """SQL for ``choice_column``: the value's position in ``choices``, 0 for one not among them."""
    known = " ".join(f"WHEN {_literal(choice)} THEN {k}" for k, choice in enumerate(choices))
    return f"CASE {value} {known} ELSE 0 END"


def _flag_sql(column: str) -> str:
    """SQL for ``flag``: 1 for yes, 0 for no or not said."""
    return f"CASE WHEN {column} THEN 1 ELSE 0 END"


# The profile columns the build reads as numbers: each value as SQL computes it, beside the
# converter ``pa_rows`` applies to the raw value (the tests assert both ways agree).
_PROFILE_NUMBERS = {
    "profile_id": "id",
    "travel_miles": "coalesce(travel_miles, -1)",  # travel
    "min_rate": "coalesce(min_rate_pence, 0)",  # number
    "min_hours": "coalesce(min_hours, 0)",  # number, as a float
    "max_hours": "coalesce(max_hours, 0)",
}
_PROFILE_FLOATS = (list(_PROFILE_NUMBERS).index("min_hours"), list(_PROFILE_NUMBERS).index("max_hours"))
# ... and the small ones, packed into one number a profile (each of its bits: a quarter fewer
# values to write out and parse): name, SQL, bits.
_PROFILE_SMALL = (
    ("on_register", f"CASE WHEN {ON_REGISTER_SQL} THEN 1 ELSE 0 END", 1),
    ("active", "CASE WHEN status = 'approved' THEN 1 ELSE 0 END", 1),
    ("no_place", "CASE WHEN lat IS NULL THEN 1 ELSE 0 END", 1),  # ``pa_rows`` leaves them out
    ("licence", _flag_sql("driving_licence"), 1),  # flag
    ("car", _flag_sql("has_car"), 1),
    ("car_insurance", _flag_sql("car_insurance"), 1),
    ("gender", _choice_sql("coalesce(gender, '')", GENDERS), 4),  # gender_of
    (
        "year_pattern",
        _choice_sql("coalesce(nullif(year_pattern, ''), 'all_year')", YEAR_PATTERNS),
        4,
    ),  # pattern_of
)
_SMALL_NAMES = [name for name, _, _ in _PROFILE_SMALL]
assert max(len(GENDERS), len(YEAR_PATTERNS)) <= 16


# ... and those it reads as text (interned: few distinct values): the code ``pa_place``
# places a PA by (``p["sector"] or p["district"]``) and the JSON lists.
_PROFILE_TEXTS = ("coalesce(nullif(sector, ''), district)", "languages", "wont_do", "shift_kinds")
# A batch is the profiles in a range of BUILD_BATCH ids from the next one's, whatever their
# status ("on_register" says): a range of the primary key, read in its order. Asked for
# those on the register, SQLite reads the status index instead and sorts what it finds
# (with "ORDER BY id LIMIT", every later profile, each batch).
_PROFILE_RANGE = "register_pa_profile WHERE id BETWEEN ? AND ? ORDER BY id"
_NEXT_SQL = "SELECT min(id) FROM register_pa_profile WHERE id > ?"
# The exact position of the PAs whose place code has no centre (the nearest sector's then).
_POSITIONS_SQL = (
    "SELECT id, lat, lon FROM register_pa_profile WHERE id BETWEEN ? AND ? AND lat IS NOT NULL ORDER BY id"
)
_COUNT_SQL = f"SELECT count(*) FROM register_pa_profile WHERE {ON_REGISTER_SQL}"
# Per-PA rows of a range of profile ids, each row one packed number (``Snapshot.packed``:
# a third of the values to write out and parse): the profile as its offset from the range's
# first id, then plain ids (no join) and values, each in the bits it needs. A row of no skill
# or group reads id 0, which no vocabulary position has (as does an id too big for its
# field). Skills in id order: of two rows of one skill the later counts, as in ``pa_rows``.
_OFFSET = ("profile - ?", 16)  # the range's first id: the query's first parameter
assert BUILD_BATCH <= 1 << 16
_YEARS = "CASE WHEN coalesce(years, 0) > 255 THEN 255 ELSE coalesce(years, 0) END"
_PER_PA = {
    "skills": ((_OFFSET, (within("coalesce(skill, 0)", 32), 32), (f"({_YEARS}) & 255", 8)),
               "register_pa_skill WHERE profile BETWEEN ? AND ? ORDER BY profile, id"),
    "groups": ((_OFFSET, (within('coalesce("group", 0)', 32), 32)),
               "register_pa_client_group WHERE profile BETWEEN ? AND ?"),
    # minutes of the week: 0..10080, well within their 20 bits
    "slots": ((_OFFSET, (within("start_minute", 20), 20), (within("end_minute", 20), 20)),
              "register_availability_slot WHERE profile BETWEEN ? AND ?"),
}  # fmt: skip


class _Interned:
    """Distinct values of a text column (e.g. a JSON list of languages), each converted once:
    a batch's PAs become small ids into ``values``."""

    def __init__(self, convert: Callable[[Any], Any]) -> None:
        self._convert = convert
        self._ids: dict[str | None, int] = {}
        self.values: list[Any] = []

    def ids(self, raw: Sequence[str | None]) -> np.ndarray:
        known = self._ids
        found = [known.get(value, -1) for value in raw]
        for k, at in enumerate(found):
            if at < 0:
                value = raw[k]
                if (at := known.get(value, -1)) < 0:
                    at = known[value] = len(self.values)
                    self.values.append(self._convert(value))
                found[k] = at
        return np.array(found, dtype=np.int32)


class _Texts:
    """The build's text columns, interned as batches are read (by the reading side only):
    each PA's place (from its code, ``pa_place``) and ids of their JSON lists."""

    def __init__(self) -> None:
        self.codes = _Interned(sector_point)  # code -> its centre, None for none
        self.languages, self.limits, self.shifts = (
            _Interned(languages_of),
            _Interned(words_of),
            _Interned(words_of),
        )

    def of(
        self, texts: list[list[str | None]]
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, dict[str, np.ndarray]]:
        """(lat, lon, whether the code has a centre, ids of each JSON list) of a batch's rows."""
        codes = self.codes.ids(texts[0])
        places = self.codes.values
        centred = np.array([p is not None for p in places], dtype=bool)[codes]
        lat = np.array([p[0] if p is not None else 0.0 for p in places], dtype=np.float64)[codes]
        lon = np.array([p[1] if p is not None else 0.0 for p in places], dtype=np.float64)[codes]
        lists = {
            "languages": self.languages.ids(texts[1]),
            "wont_do": self.limits.ids(texts[2]),
            "shift_kinds": self.shifts.ids(texts[3]),
        }
        return lat, lon, centred, lists


def _id_lookup(ids_codes: Sequence[tuple[int, str]], vocab: Vocabulary) -> np.ndarray:
    """Row id -> vocabulary position (-1: none), as an array indexed by id."""
    lookup = np.full(max((i for i, _ in ids_codes), default=0) + 1, -1, dtype=np.int64)
    for row_id, code in ids_codes:
        if (position := vocab.position(code)) is not None:
            lookup[row_id] = position
    return lookup


def _positions(lookup: np.ndarray, ids: np.ndarray) -> np.ndarray:
    """Each row id's vocabulary position, -1 for none (an id the lookup lacks: e.g. a skill
    added since the vocabularies were read, which this build's vocabulary has no place for)."""
    ids = np.asarray(ids, dtype=np.int64)
    known = (ids >= 0) & (ids < len(lookup))
    return np.where(known, lookup[np.where(known, ids, 0)], -1)


def _kinds_met() -> np.ndarray:
    """[level, barred lists, DBS kind]: whether a check of that level and those lists
    (positions in ``standing.LEVEL_CODES`` and ``LIST_CODES``) meets the kind's requirement."""
    met = np.zeros((len(LEVEL_CODES), len(LIST_CODES), len(DBS_KINDS)), dtype=bool)
    for a, level in enumerate(LEVEL_CODES):
        for b, lists in enumerate(LIST_CODES):
            for kind, requirement in DBS_REQUIREMENTS.items():
                met[a, b, DBS_KINDS.index(kind)] = dbs_rules.satisfies(level, lists, requirement)
    return met


class _Growing:
    """The index's columns as the build fills them: preallocated, grown if the register grew
    since it was counted."""

    def __init__(self, capacity: int, vocab: Vocabularies) -> None:
        self.n = 0
        shapes: dict[str, tuple[tuple[int, ...], Any]] = {
            "profile_id": ((), np.int64), "active": ((), bool), "lat": ((), np.float64),
            "lon": ((), np.float64), "travel_miles": ((), np.float32),
            "dbs_until": ((len(DBS_KINDS),), np.int32), "skills": ((), np.uint64),
            "skill_years": ((len(vocab.skills.codes),), np.uint8),
            "course_until": ((len(vocab.courses.codes),), np.int32),
            "course_verified": ((len(vocab.courses.codes),), bool), "groups": ((), np.uint64),
            "gender": ((), np.int8), "licence": ((), bool), "car": ((), bool),
            "car_insurance": ((), bool), "min_rate": ((), np.int32), "year_pattern": ((), np.int8),
            "availability": ((MASK_BYTES,), np.uint8), "min_hours": ((), np.float32),
            "max_hours": ((), np.float32),
            # ids into the interned lists, made into masks once every batch is read
            "languages": ((), np.int32), "wont_do": ((), np.int32), "shift_kinds": ((), np.int32),
        }  # fmt: skip
        self.arrays = {
            name: np.zeros((capacity, *shape), dtype=dtype) for name, (shape, dtype) in shapes.items()
        }

    def add(self, values: dict[str, np.ndarray]) -> None:
        count = len(values["profile_id"])
        capacity = len(self.arrays["profile_id"])
        if self.n + count > capacity:
            grown = max(self.n + count, capacity + capacity // 4 + BUILD_BATCH)
            for name, array in self.arrays.items():
                bigger = np.zeros((grown, *array.shape[1:]), dtype=array.dtype)
                bigger[: self.n] = array[: self.n]
                self.arrays[name] = bigger
        for name, value in values.items():
            self.arrays[name][self.n : self.n + count] = value
        self.n += count

    def columns(self) -> dict[str, np.ndarray]:
        return {name: array[: self.n] for name, array in self.arrays.items()}


class _Batch(msgspec.Struct, kw_only=True):
    """What the build read of one range of profile ids, as arrays: the profiles' numeric
    columns and places (``place`` False: off the register or no place, left out), the ids
    of their JSON lists, and their per-PA rows."""

    end: int  # the last profile id of its range
    numbers: dict[str, np.ndarray]
    lat: np.ndarray
    lon: np.ndarray
    place: np.ndarray
    lists: dict[str, np.ndarray]
    per_pa: dict[str, list[np.ndarray]]
    away: list[Sequence[Any]]
    checks: CurrentChecks
    completions: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]


class _Build:
    """The build's state across batches: the vocabularies and lookups, the columns filled so
    far and the dates away."""

    def __init__(self, vocab: Vocabularies, lookups: dict[str, np.ndarray], capacity: int) -> None:
        self.vocab, self.lookups = vocab, lookups
        self.met = _kinds_met()
        self.built = _Growing(capacity, vocab)
        self.away: dict[int, list[tuple[int, int]]] = {}

    def add(self, batch: _Batch) -> None:
        """Turn a batch's rows into column values and append them (CPU only: run in a thread)."""
        keep = batch.place
        numbers = {name: values[keep] for name, values in batch.numbers.items()}
        ids = numbers["profile_id"]
        if not len(ids):
            return
        values = {
            "profile_id": ids,
            "active": numbers["active"].astype(bool),
            "lat": batch.lat[keep],
            "lon": batch.lon[keep],
            "travel_miles": numbers["travel_miles"].astype(np.float32),
            "gender": numbers["gender"].astype(np.int8),
            "licence": numbers["licence"].astype(bool),
            "car": numbers["car"].astype(bool),
            "car_insurance": numbers["car_insurance"].astype(bool),
            "min_rate": numbers["min_rate"].astype(np.int32),
            "year_pattern": numbers["year_pattern"].astype(np.int8),
            "min_hours": numbers["min_hours"].astype(np.float32),
            "max_hours": numbers["max_hours"].astype(np.float32),
        } | {name: ids_of[keep] for name, ids_of in batch.lists.items()}
        self.built.add(values | self._per_pa_values(ids, batch))

    def _per_pa_values(self, ids: np.ndarray, batch: _Batch) -> dict[str, np.ndarray]:
        """The batch's columns from its per-PA tables; its dates away go into ``away`` (by
        row of the whole index)."""
        n, vocab, lookups = len(ids), self.vocab, self.lookups

        def rows_of(profiles: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
            """Each entry's row in the batch, and whether its PA is in the batch at all (a PA
            in the id range may be off the register, or have no place)."""
            at = np.minimum(np.searchsorted(ids, profiles), n - 1)
            return at, ids[at] == profiles

        profile, skill, years = batch.per_pa["skills"]
        row, inside = rows_of(profile)
        position = _positions(lookups["skills"], skill)
        keep = inside & (position >= 0)
        skill_bits, skill_years = skill_columns(
            row[keep], position[keep], years[keep], n, len(vocab.skills.codes)
        )

        profile, group = batch.per_pa["groups"]
        row, inside = rows_of(profile)
        position = _positions(lookups["groups"], group)
        keep = inside & (position >= 0)
        groups = bits_column(row[keep], position[keep], n)

        profile, starts, ends = batch.per_pa["slots"]
        row, inside = rows_of(profile)
        availability = slot_masks(row[inside], starts[inside], ends[inside], n)

        profile, course, expires, verified = batch.completions
        row, inside = rows_of(profile)
        position = _positions(lookups["courses"], course)
        keep = inside & (position >= 0)
        course_until, course_verified = course_columns(
            row[keep], position[keep], expires[keep], verified[keep], n, len(vocab.courses.codes)
        )

        checks = batch.checks
        row, inside = rows_of(checks.profile)
        entry, kind = np.nonzero(self.met[checks.level, checks.barred_lists] & inside[:, None])
        dbs_until = dbs_column(row[entry], kind, checks.current_until[entry], n)

        if batch.away:
            profile, first, last = (np.array(c, dtype=np.int64) for c in zip(*batch.away, strict=True))
            row, inside = rows_of(profile)
            self.away.update(away_column(row[inside] + self.built.n, first[inside], last[inside]))
        return {
            "dbs_until": dbs_until, "skills": skill_bits, "skill_years": skill_years,
            "course_until": course_until, "course_verified": course_verified, "groups": groups,
            "availability": availability,
        }  # fmt: skip

    def finish(self, texts: _Texts, terms: Any) -> CandidateIndex:
        """The index of every batch's columns, the languages' vocabulary made from them: the
        most held first (CPU only: run in a thread)."""
        columns = self.built.columns()
        counts: dict[str, int] = {}
        held = np.bincount(columns["languages"], minlength=len(texts.languages.values)).tolist()
        for combo, times in zip(texts.languages.values, held, strict=True):
            for language in combo:
                counts[language] = counts.get(language, 0) + times
        vocab = msgspec.structs.replace(
            self.vocab,
            languages=Vocabulary(
                tuple(sorted(counts, key=lambda code: (-counts[code], code))[:MAX_LANGUAGES])
            ),
        )
        for name, interned, in_vocab in (
            ("languages", texts.languages, vocab.languages),
            ("wont_do", texts.limits, vocab.limits),
            ("shift_kinds", texts.shifts, vocab.shifts),
        ):
            columns[name] = mask_column(in_vocab, interned.values)[columns[name]]
        return index_of(columns, vocab, self.away, terms)


async def _read_batch(snapshot: Snapshot, texts: _Texts, after: int, policy: Policy) -> _Batch | None:
    """The next batch of profiles on the register after profile id ``after`` and their
    per-PA rows (None: no more)."""
    (next_id,) = (await snapshot.rows(_NEXT_SQL, after))[0]
    if next_id is None:
        return None
    window = (int(next_id), int(next_id) + BUILD_BATCH - 1)
    *values, packed = await snapshot.columns(
        (*_PROFILE_NUMBERS.values(), packed_sql([(sql, bits) for _, sql, bits in _PROFILE_SMALL])),
        _PROFILE_RANGE,
        *window,
        floats=_PROFILE_FLOATS,
    )
    small = unpacked(packed, [bits for _, _, bits in _PROFILE_SMALL])
    numbers = dict(zip(_PROFILE_NUMBERS, values, strict=True)) | dict(zip(_SMALL_NAMES, small, strict=True))
    ids = numbers["profile_id"]
    first, last = int(ids[0]), int(ids[-1])
    lat, lon, centred, lists = await asyncio.to_thread(
        texts.of, await snapshot.texts(_PROFILE_TEXTS, _PROFILE_RANGE, *window)
    )
    on_register = numbers["on_register"] == 1
    place = centred & (numbers["no_place"] == 0) & on_register
    if not (centred | (numbers["no_place"] == 1) | ~on_register).all():
        # A code with no centre (no such sector or district): the sector nearest the PA's
        # position, as ``sector_point(code, lat, lon)`` gives for such a code.
        for pid, lat_k, lon_k in await snapshot.rows(_POSITIONS_SQL, first, last):
            k = int(np.searchsorted(ids, pid))
            if on_register[k] and not centred[k] and (found := sector_point(None, lat_k, lon_k)) is not None:
                lat[k], lon[k], place[k] = found[0], found[1], True
    day = snapshot.day
    return _Batch(
        end=window[1],
        numbers=numbers,
        lat=lat,
        lon=lon,
        place=place,
        lists=lists,
        per_pa={name: await _per_pa_rows(snapshot, name, first, last) for name in _PER_PA},
        away=await snapshot.rows(
            f"SELECT profile, {day('starts_on')}, {day('ends_on')} FROM register_away_period"
            " WHERE profile BETWEEN ? AND ? ORDER BY profile, id",
            first,
            last,
        ),
        checks=await current_checks_between(snapshot, first, last, policy),
        completions=await completion_columns(snapshot, first, last, never=NEVER),
    )


async def _per_pa_rows(snapshot: Snapshot, name: str, first: int, last: int) -> list[np.ndarray]:
    """(profile id, then the other fields) of a ``_PER_PA`` table's rows of these PAs."""
    fields, source = _PER_PA[name]
    offset, *values = await snapshot.packed(fields, source, first, first, last)
    return [offset + first, *values]


async def build(*, policy: Policy | None = None) -> CandidateIndex:
    """The whole register as a fresh candidate index, streamed into its columns a batch of
    profiles at a time (module docstring). The work on each batch's rows runs in a thread,
    while the next batch is read: the event loop stays free for requests."""
    policy = policy or Policy()
    await language_list.load()  # codes of names typed anywhere: the list as it is now
    vocab = await vocabularies([])  # the languages' vocabulary is made once every PA is read
    lookups = {
        "skills": _id_lookup(
            [(r["id"], r["code"]) for r in await Skill.select(Skill.id, Skill.code)], vocab.skills
        ),
        "groups": _id_lookup(
            [(r["id"], r["code"]) for r in await ClientGroup.select(ClientGroup.id, ClientGroup.code)],
            vocab.groups,
        ),
        "courses": _id_lookup(
            [(r["id"], r["code"]) for r in await Course.select(Course.id, Course.code)], vocab.courses
        ),
    }
    texts = _Texts()
    async with Snapshot(db.current_engine()) as snapshot:
        count = (await snapshot.rows(_COUNT_SQL))[0][0]
        state = _Build(vocab, lookups, int(count) + 64)
        batch = await _read_batch(snapshot, texts, 0, policy)
        while batch is not None:
            # Read the next batch while this one's rows become columns.
            reading = asyncio.ensure_future(_read_batch(snapshot, texts, batch.end, policy))
            try:
                await asyncio.to_thread(state.add, batch)
            except BaseException:
                reading.cancel()
                with contextlib.suppress(BaseException):
                    await reading
                raise
            batch = await reading
    terms = await term_calendar.load()
    # The sort and copies into the index's buffers: numpy, off the event loop.
    return await asyncio.to_thread(state.finish, texts, terms)
