"""The candidate index made from one plain record per PA (``PARow``): built whole, or patched
in place for the PAs that changed. ``market.matching.index`` reads the records from the
database; tests write them by hand. Pure: no database."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import msgspec
import numpy as np

from market.matching.engine.columns import (
    DBS_KINDS,
    GENDERS,
    MASK_BYTES,
    YEAR_PATTERNS,
    CandidateIndex,
    Vocabulary,
    slots_mask,
)
from market.matching.engine.terms import NO_TERMS, TermCalendar

NEVER = date.max.toordinal()  # a course that does not expire


class NeedsRebuild(Exception):
    """The patch cannot be applied in place (e.g. a row uses a code the vocabularies lack)."""


class PARow(msgspec.Struct, kw_only=True):
    """What the engine needs to know about one PA."""

    profile_id: int
    lat: float
    lon: float
    active: bool = True
    travel_miles: float = 10.0
    dbs_until: dict[str, date] = {}  # DBS kind -> the last day it is current
    skills: dict[str, int] = {}  # skill code -> years
    courses: dict[str, tuple[date | None, bool]] = {}  # course code -> (expires on or None, verified)
    groups: tuple[str, ...] = ()
    languages: tuple[str, ...] = ("english",)
    gender: str = ""
    licence: bool = False  # a full UK driving licence
    car: bool = False  # a car they can use for work
    car_insurance: bool = False  # business insurance for it
    min_rate_pence: int = 0
    wont_do: tuple[str, ...] = ()
    year_pattern: str = "all_year"
    shift_kinds: tuple[str, ...] = ()
    slots: tuple[tuple[int, int], ...] = ()
    min_hours: float = 0.0
    max_hours: float = 0.0
    away: tuple[tuple[date, date], ...] = ()


class Vocabularies(msgspec.Struct, frozen=True, kw_only=True):
    skills: Vocabulary
    courses: Vocabulary
    groups: Vocabulary
    languages: Vocabulary
    limits: Vocabulary
    shifts: Vocabulary
    skill_courses: dict[str, tuple[str, ...]]


def _mask(vocab: Vocabulary, codes: Sequence[str]) -> int:
    bits = 0
    for code in codes:
        position = vocab.position(code)
        if position is not None and position < 64:
            bits |= 1 << position
    return bits


def vocabularies_of(index: CandidateIndex) -> Vocabularies:
    """The vocabularies an index was built with (to build another like it)."""
    return Vocabularies(
        skills=index.skill_vocab,
        courses=index.course_vocab,
        groups=index.group_vocab,
        languages=index.language_vocab,
        limits=index.limit_vocab,
        shifts=index.shift_vocab,
        skill_courses=index.skill_courses,
    )


def _columns(
    rows: Sequence[PARow], vocab: Vocabularies
) -> tuple[dict[str, np.ndarray], dict[int, list[tuple[int, int]]]]:
    """The engine's column arrays for ``rows`` (row ``i`` of each is ``rows[i]``), and the
    dates away by row."""
    n = len(rows)
    skills = vocab.skills.codes
    courses = vocab.courses.codes
    dbs = np.zeros((n, len(DBS_KINDS)), dtype=np.int32)
    years = np.zeros((n, len(skills)), dtype=np.uint8)
    course_until = np.zeros((n, len(courses)), dtype=np.int32)
    course_verified = np.zeros((n, len(courses)), dtype=bool)
    availability = np.zeros((n, MASK_BYTES), dtype=np.uint8)
    away: dict[int, list[tuple[int, int]]] = {}
    for i, row in enumerate(rows):
        for kind, until in row.dbs_until.items():
            dbs[i, DBS_KINDS.index(kind)] = until.toordinal()
        for code, held in row.skills.items():
            if (position := vocab.skills.position(code)) is not None:
                years[i, position] = min(held, 255)
        for code, (expires, verified) in row.courses.items():
            if (position := vocab.courses.position(code)) is not None:
                course_until[i, position] = NEVER if expires is None else expires.toordinal()
                course_verified[i, position] = verified
        if row.slots:
            availability[i] = slots_mask(row.slots)
        if row.away:
            away[i] = [(first.toordinal(), last.toordinal()) for first, last in row.away]
    columns = {
        "profile_id": np.array([r.profile_id for r in rows], dtype=np.int64),
        "active": np.array([r.active for r in rows], dtype=bool),
        "lat": np.array([r.lat for r in rows], dtype=np.float64),
        "lon": np.array([r.lon for r in rows], dtype=np.float64),
        "travel_miles": np.array([r.travel_miles for r in rows], dtype=np.float32),
        "dbs_until": dbs,
        "skills": np.array([_mask(vocab.skills, tuple(r.skills)) for r in rows], dtype=np.uint64),
        "skill_years": years,
        "course_until": course_until,
        "course_verified": course_verified,
        "groups": np.array([_mask(vocab.groups, r.groups) for r in rows], dtype=np.uint64),
        "languages": np.array([_mask(vocab.languages, r.languages) for r in rows], dtype=np.uint64),
        "gender": np.array(
            [GENDERS.index(r.gender) if r.gender in GENDERS else 0 for r in rows], dtype=np.int8
        ),
        "licence": np.array([r.licence for r in rows], dtype=bool),
        "car": np.array([r.car for r in rows], dtype=bool),
        "car_insurance": np.array([r.car_insurance for r in rows], dtype=bool),
        "min_rate": np.array([r.min_rate_pence for r in rows], dtype=np.int32),
        "wont_do": np.array([_mask(vocab.limits, r.wont_do) for r in rows], dtype=np.uint64),
        "year_pattern": np.array(
            [YEAR_PATTERNS.index(r.year_pattern) if r.year_pattern in YEAR_PATTERNS else 0 for r in rows],
            dtype=np.int8,
        ),
        "shift_kinds": np.array([_mask(vocab.shifts, r.shift_kinds) for r in rows], dtype=np.uint64),
        "availability": availability,
        "min_hours": np.array([r.min_hours for r in rows], dtype=np.float32),
        "max_hours": np.array([r.max_hours for r in rows], dtype=np.float32),
    }
    return columns, away


def build_index(
    rows: Sequence[PARow], vocab: Vocabularies, *, terms: TermCalendar = NO_TERMS
) -> CandidateIndex:
    columns, away = _columns(rows, vocab)
    return CandidateIndex(
        **columns,
        skill_vocab=vocab.skills,
        course_vocab=vocab.courses,
        group_vocab=vocab.groups,
        language_vocab=vocab.languages,
        limit_vocab=vocab.limits,
        shift_vocab=vocab.shifts,
        skill_courses=vocab.skill_courses,
        away=away,
        terms=terms,
    )


def _unknown_codes(row: PARow, vocab: Vocabularies) -> list[str]:
    """The codes of ``row`` that the vocabularies lack (the index cannot hold them)."""
    unknown = [code for code in row.skills if vocab.skills.position(code) is None]
    unknown += [code for code in row.courses if vocab.courses.position(code) is None]
    unknown += [code for code in row.groups if vocab.groups.position(code) is None]
    unknown += [code for code in row.languages if vocab.languages.position(code) is None]
    return unknown


def patch_index(index: CandidateIndex, rows: Sequence[PARow], gone: Sequence[int] = ()) -> None:
    """Update ``index`` in place: a row whose profile_id is already indexed replaces it, a new
    one is appended, and each profile id in ``gone`` becomes inactive (never listed).

    Raises NeedsRebuild, changing nothing, when a row uses a skill, course, client group or
    language code the index's vocabularies lack: the caller then rebuilds from the database.
    A profile id both in ``rows`` and in ``gone`` ends inactive. Not thread-safe: guard
    patches and rankings with one lock if several threads share an index."""
    vocab = vocabularies_of(index)
    for row in rows:
        if unknown := _unknown_codes(row, vocab):
            raise NeedsRebuild(f"PA {row.profile_id} uses codes the index lacks: {', '.join(unknown)}")
    latest = list({row.profile_id: row for row in rows}.values())  # the last of repeats wins
    columns, away = _columns(latest, vocab)
    index.patch(columns, away, gone)
