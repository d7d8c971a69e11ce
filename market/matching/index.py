"""Building the engine's candidate index from the database: every PA on the register
(approved or suspended: suspended rows are kept, inactive, so that reinstating is a patch),
with their DBS currency per requirement kind (from ``market.dbs.standing``) and their training
(from ``market.training.holdings``).

Two ways, one definition of every column's value:

- ``build``, the whole register: reads the profiles in id order a batch at a time, and each
  per-PA table for that batch's range of profile ids, writing each batch's values straight
  into the index's numpy columns. No Python object per PA is kept, so the build's memory is
  the arrays' plus one batch's rows (issue 22: ~1.1 GB at 100,000 PAs before).
- ``pa_rows``, a few PAs as ``PARow`` records, for a patch (``records.patch_index``).

Both turn raw values into column values through the same functions: the scalar converters
here (``travel``, ``languages_of`` ...) and the batch functions of ``records``
(``skill_columns``, ``course_columns`` ...). ``build_from_records`` builds the whole index
the second way: the tests assert both ways make equal arrays.

A PA's place in the index is the centre of their postcode sector, never their exact home
(``pa_place``; see "Location privacy" in docs/matching.md): what the engine decides from it,
inclusion by both travel limits and the score, is seen by people who may not know more."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Any, cast

import asyncpg
import msgspec
import numpy as np
from piccolo.columns import Column
from piccolo.engine.base import Engine
from piccolo.engine.sqlite import SQLiteEngine
from piccolo.query import Select

from market import db
from market.db import json_list
from market.dbs import rules as dbs_rules
from market.dbs.standing import Policy, checks_with_facts, checks_with_facts_between
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
    choice_column,
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
from market.training.holdings import completions_between, held
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

BUILD_BATCH = 5000  # profiles a batch of the build reads (and per-PA rows for their id range)

# The profile columns the build reads, in this order (positions below).
_PROFILE_SQL = (
    "SELECT id, status, lat, lon, sector, district, travel_miles, languages, gender,"
    " driving_licence, has_car, car_insurance, min_rate_pence, wont_do, year_pattern,"
    " shift_kinds, min_hours, max_hours FROM register_pa_profile"
    " WHERE status IN ('approved', 'suspended') AND id > ? ORDER BY id LIMIT ?"
)
_COUNT_SQL = "SELECT count(*) FROM register_pa_profile WHERE status IN ('approved', 'suspended')"
# Per-PA rows of a range of profile ids: plain ids, no join.
_RANGE_SQL = {
    "skills": "SELECT profile, skill, years FROM register_pa_skill WHERE profile BETWEEN ? AND ?",
    "groups": 'SELECT profile, "group" FROM register_pa_client_group WHERE profile BETWEEN ? AND ?',
    "slots": "SELECT profile, start_minute, end_minute FROM register_availability_slot"
    " WHERE profile BETWEEN ? AND ?",
    "away": "SELECT profile, starts_on, ends_on FROM register_away_period"
    " WHERE profile BETWEEN ? AND ? ORDER BY profile, id",
}


class _Reader:
    """One read connection for a build, returning the driver's own rows (tuples): piccolo's
    row dicts cost about five times as much, which at millions of per-PA rows is most of the
    build. One transaction, so every register table is read at one moment. SQLite's queries
    run in a thread (the event loop keeps serving requests meanwhile)."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._sqlite: sqlite3.Connection | None = None
        self._postgres: Any = None
        self._transaction: Any = None

    async def __aenter__(self) -> _Reader:
        if isinstance(self._engine, SQLiteEngine):
            self._sqlite = _read_only(self._engine.path)
        else:
            self._postgres = await asyncpg.connect(**cast(Any, self._engine).config)
            self._transaction = self._postgres.transaction(isolation="repeatable_read", readonly=True)
            await self._transaction.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._sqlite is not None:
            self._sqlite.close()
        if self._postgres is not None:
            await self._transaction.rollback()
            await self._postgres.close()

    async def rows(self, sql: str, *args: Any) -> list[Sequence[Any]]:
        if self._sqlite is not None:
            connection = self._sqlite
            return await asyncio.to_thread(lambda: connection.execute(sql, args).fetchall())
        numbered = sql.split("?")
        sql = numbered[0] + "".join(f"${k}{part}" for k, part in enumerate(numbered[1:], start=1))
        return list(await self._postgres.fetch(sql, *args))


def _read_only(path: str) -> sqlite3.Connection:
    """A read-only connection to the SQLite file, in a read transaction (one snapshot)."""
    uri = Path(path).resolve().as_uri() + "?mode=ro"
    connection = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False)
    connection.execute("BEGIN")
    return connection


class _Interned:
    """Distinct values of a column (e.g. a JSON list of languages), each converted once: a
    batch's PAs become small ids into ``values``."""

    def __init__(self, convert: Callable[[Any], Any]) -> None:
        self._convert = convert
        self._ids: dict[Any, int] = {}
        self.values: list[Any] = []

    def ids(self, raw: Sequence[Any]) -> np.ndarray:
        found = np.empty(len(raw), dtype=np.int32)
        for k, value in enumerate(raw):
            key = value if isinstance(value, str | None) else repr(value)
            if (at := self._ids.get(key)) is None:
                at = self._ids[key] = len(self.values)
                self.values.append(self._convert(value))
            found[k] = at
        return found


def _day(value: date | str) -> int:
    """A date column's day number (SQLite's driver gives the ISO text)."""
    return (value if isinstance(value, date) else date.fromisoformat(value)).toordinal()


def _id_lookup(ids_codes: Sequence[tuple[int, str]], vocab: Vocabulary) -> np.ndarray:
    """Row id -> vocabulary position (-1: none), as an array indexed by id."""
    lookup = np.full(max((i for i, _ in ids_codes), default=0) + 1, -1, dtype=np.int64)
    for row_id, code in ids_codes:
        if (position := vocab.position(code)) is not None:
            lookup[row_id] = position
    return lookup


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


async def build(*, policy: Policy | None = None) -> CandidateIndex:
    """The whole register as a fresh candidate index, streamed into its columns a batch of
    profiles at a time (module docstring)."""
    policy = policy or Policy()
    await language_list.load()  # codes of names typed anywhere: the list as it is now
    vocab = await vocabularies([])  # the languages' vocabulary is made once every PA is read
    skill_at = _id_lookup(
        [(r["id"], r["code"]) for r in await Skill.select(Skill.id, Skill.code)], vocab.skills
    )
    group_at = _id_lookup(
        [(r["id"], r["code"]) for r in await ClientGroup.select(ClientGroup.id, ClientGroup.code)],
        vocab.groups,
    )
    course_at = _id_lookup(
        [(r["id"], r["code"]) for r in await Course.select(Course.id, Course.code)], vocab.courses
    )
    languages, limits, shifts = _Interned(languages_of), _Interned(words_of), _Interned(words_of)
    places: dict[str, tuple[float, float] | None] = {}  # sector (or district) -> its centre
    away: dict[int, list[tuple[int, int]]] = {}
    async with _Reader(db.current_engine()) as reader:
        count = (await reader.rows(_COUNT_SQL))[0][0]
        built = _Growing(int(count) + 64, vocab)
        after = 0
        while found := await reader.rows(_PROFILE_SQL, after, BUILD_BATCH):
            after = found[-1][0]
            values = _profile_values(found, places, languages, limits, shifts)
            ids = values["profile_id"]
            if len(ids):
                first, last = int(ids[0]), int(ids[-1])
                per_pa = {name: await reader.rows(sql, first, last) for name, sql in _RANGE_SQL.items()}
                checks = await checks_with_facts_between(first, last)
                completions = await completions_between(first, last)
                values |= _per_pa_values(ids, vocab, per_pa, dbs_entries(checks, policy), completions,
                                         skill_at, group_at, course_at, away, offset=built.n)  # fmt: skip
                built.add(values)
    columns = built.columns()
    counts: dict[str, int] = {}
    for combo, times in zip(
        languages.values,
        np.bincount(columns["languages"], minlength=len(languages.values)).tolist(),
        strict=True,
    ):
        for language in combo:
            counts[language] = counts.get(language, 0) + times
    vocab = msgspec.structs.replace(
        vocab,
        languages=Vocabulary(tuple(sorted(counts, key=lambda code: (-counts[code], code))[:MAX_LANGUAGES])),
    )
    for name, interned, in_vocab in (
        ("languages", languages, vocab.languages),
        ("wont_do", limits, vocab.limits),
        ("shift_kinds", shifts, vocab.shifts),
    ):
        columns[name] = mask_column(in_vocab, interned.values)[columns[name]]
    terms = await term_calendar.load()
    # The sort and copies into the index's buffers: numpy, off the event loop.
    return await asyncio.to_thread(_assemble, columns, vocab, away, terms)


def _assemble(
    columns: dict[str, np.ndarray], vocab: Vocabularies, away: dict[int, list[tuple[int, int]]], terms: Any
) -> CandidateIndex:
    return index_of(columns, vocab, away, terms)


def _profile_values(
    found: Sequence[Sequence[Any]],
    places: dict[str, tuple[float, float] | None],
    languages: _Interned,
    limits: _Interned,
    shifts: _Interned,
) -> dict[str, np.ndarray]:
    """A batch of profile rows (``_PROFILE_SQL``) as column values: those with a place only."""
    kept, lats, lons = [], [], []
    for k, p in enumerate(found):
        if p[2] is None:
            continue
        code = p[4] or p[5]
        if code not in places:
            places[code] = sector_point(code)
        place = places[code] or sector_point(code, p[2], p[3])  # no such sector: the nearest
        if place is not None:
            kept.append(k)
            lats.append(place[0])
            lons.append(place[1])
    rows = [found[k] for k in kept]
    c = list(zip(*rows, strict=True)) if rows else [()] * 18
    return {
        "profile_id": np.array(c[0], dtype=np.int64),
        "active": np.array([status == "approved" for status in c[1]], dtype=bool),
        "lat": np.array(lats, dtype=np.float64),
        "lon": np.array(lons, dtype=np.float64),
        "travel_miles": np.array([travel(v) for v in c[6]], dtype=np.float32),
        "languages": languages.ids(c[7]),
        "gender": choice_column(GENDERS, [gender_of(v) for v in c[8]]),
        "licence": np.array([flag(v) for v in c[9]], dtype=bool),
        "car": np.array([flag(v) for v in c[10]], dtype=bool),
        "car_insurance": np.array([flag(v) for v in c[11]], dtype=bool),
        "min_rate": np.array([number(v) for v in c[12]], dtype=np.int32),
        "wont_do": limits.ids(c[13]),
        "year_pattern": choice_column(YEAR_PATTERNS, [pattern_of(v) for v in c[14]]),
        "shift_kinds": shifts.ids(c[15]),
        "min_hours": np.array([float(number(v)) for v in c[16]], dtype=np.float32),
        "max_hours": np.array([float(number(v)) for v in c[17]], dtype=np.float32),
    }


def _per_pa_values(
    ids: np.ndarray,
    vocab: Vocabularies,
    per_pa: dict[str, list[Sequence[Any]]],
    dbs: list[tuple[int, int, date]],
    completions: list[tuple[int, int, date | None, bool]],
    skill_at: np.ndarray,
    group_at: np.ndarray,
    course_at: np.ndarray,
    away: dict[int, list[tuple[int, int]]],
    *,
    offset: int,
) -> dict[str, np.ndarray]:
    """The batch's columns from its per-PA tables; its dates away go into ``away`` (by row of
    the whole index: ``offset`` is the batch's first)."""
    n = len(ids)

    def rows_of(profiles: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Each entry's row in the batch, and whether its PA is in the batch at all (a PA in
        the id range may be off the register, or have no place)."""
        wanted = np.asarray(profiles, dtype=np.int64)
        at = np.minimum(np.searchsorted(ids, wanted), n - 1)
        return at, ids[at] == wanted

    def table(rows: list[Sequence[Any]], width: int) -> list[np.ndarray]:
        """Rows of numbers (no NULLs) as one array per column."""
        if not rows:
            return [np.zeros(0, dtype=np.int64) for _ in range(width)]
        return list(np.array(rows, dtype=np.int64).reshape(len(rows), width).T)

    profile, skill, years = table(per_pa["skills"], 3)
    row, inside = rows_of(profile)
    position = skill_at[np.asarray(skill, dtype=np.int64)] if len(skill) else skill
    keep = inside & (position >= 0)
    years = years[keep]  # NOT NULL: ``number`` would leave each as it is
    skill_bits, skill_years = skill_columns(row[keep], position[keep], years, n, len(vocab.skills.codes))

    profile, group = table(per_pa["groups"], 2)
    row, inside = rows_of(profile)
    position = group_at[np.asarray(group, dtype=np.int64)] if len(group) else group
    keep = inside & (position >= 0)
    groups = bits_column(row[keep], position[keep], n)

    profile, starts, ends = table(per_pa["slots"], 3)
    row, inside = rows_of(profile)
    availability = slot_masks(row[inside], np.asarray(starts)[inside], np.asarray(ends)[inside], n)

    profile, course, expires, verified = table(
        [(p, c, NEVER if e is None else _day(e), v) for p, c, e, v in completions], 4
    )
    row, inside = rows_of(profile)
    position = course_at[np.asarray(course, dtype=np.int64)] if len(course) else course
    keep = inside & (position >= 0)
    course_until, course_verified = course_columns(
        row[keep], position[keep], expires[keep], verified[keep], n, len(vocab.courses.codes)
    )

    profile, kind, until = table([(p, k, u.toordinal()) for p, k, u in dbs], 3)
    row, inside = rows_of(profile)
    dbs_until = dbs_column(row[inside], kind[inside], until[inside], n)

    if per_pa["away"]:
        profile, first, last = table([(p, _day(a), _day(b)) for p, a, b in per_pa["away"]], 3)
        row, inside = rows_of(profile)
        away.update(away_column(row[inside] + offset, first[inside], last[inside]))
    return {
        "dbs_until": dbs_until, "skills": skill_bits, "skill_years": skill_years,
        "course_until": course_until, "course_verified": course_verified, "groups": groups,
        "availability": availability,
    }  # fmt: skip
