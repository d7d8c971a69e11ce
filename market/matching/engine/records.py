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
    YEAR_PATTERNS,
    CandidateIndex,
    Vocabulary,
    slot_masks,
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


# -- column values ------------------------------------------------------------------------------
# One definition of each column's value, for a batch of PAs: the full build
# (``market.matching.index.build``, streaming column batches from the database) and
# ``_columns`` (a build or patch from PARow records) both go through these.


def mask_column(vocab: Vocabulary, code_lists: Sequence[Sequence[str]]) -> np.ndarray:
    """One 64-bit mask per list of codes (a code the vocabulary lacks, or past bit 63, sets
    nothing)."""
    return np.array([_mask(vocab, codes) for codes in code_lists], dtype=np.uint64)


def choice_column(choices: Sequence[str], values: Sequence[str]) -> np.ndarray:
    """Each value's position in ``choices`` (0, the first, for one not among them)."""
    return np.array([choices.index(v) if v in choices else 0 for v in values], dtype=np.int8)


def skill_columns(
    rows: np.ndarray, positions: np.ndarray, years: np.ndarray, n: int, width: int
) -> tuple[np.ndarray, np.ndarray]:
    """(skill bits [n], years [n, width]) from one entry per skill held: row, the skill's
    vocabulary position, years (capped at 255)."""
    rows, positions = np.asarray(rows, dtype=np.int64), np.asarray(positions, dtype=np.int64)
    bits = bits_column(rows, positions, n)
    held = np.zeros((n, width), dtype=np.uint8)
    held[rows, positions] = np.minimum(np.asarray(years, dtype=np.int64), 255)
    return bits, held


def bits_column(rows: np.ndarray, positions: np.ndarray, n: int) -> np.ndarray:
    """A 64-bit mask per row from one entry per code held (positions past 63 set nothing)."""
    rows, positions = np.asarray(rows, dtype=np.int64), np.asarray(positions, dtype=np.int64)
    bits = np.zeros(n, dtype=np.uint64)
    low = positions < 64
    np.bitwise_or.at(bits, rows[low], np.left_shift(np.uint64(1), positions[low].astype(np.uint64)))
    return bits


def course_columns(
    rows: np.ndarray, positions: np.ndarray, until: np.ndarray, verified: np.ndarray, n: int, width: int
) -> tuple[np.ndarray, np.ndarray]:
    """(course until [n, width], verified [n, width]) from one entry per completion: row,
    course position, expiry day (``NEVER``: does not expire), verified. Of several
    completions of one course the best counts: verified first, then the later expiry."""
    rows, positions = np.asarray(rows, dtype=np.int64), np.asarray(positions, dtype=np.int64)
    until, verified = np.asarray(until, dtype=np.int64), np.asarray(verified, dtype=bool)
    # The best as the largest of one number per completion, verified above any day (days
    # fit 32 bits: the column is int32), kept per PA and course in one pass (no sort).
    best = np.zeros((n, width), dtype=np.int64)
    np.maximum.at(best, (rows, positions), (verified.astype(np.int64) << 32) | (until & 0xFFFFFFFF))
    course_until = (best & 0xFFFFFFFF).astype(np.int32)
    course_verified = (best >> 32).astype(bool)
    return course_until, course_verified


def dbs_column(rows: np.ndarray, kinds: np.ndarray, until: np.ndarray, n: int) -> np.ndarray:
    """[n, len(DBS_KINDS)]: per PA and kind, the latest "current until" day of the entries
    (row, kind position, day), 0 for none."""
    dbs = np.zeros((n, len(DBS_KINDS)), dtype=np.int32)
    np.maximum.at(
        dbs,
        (np.asarray(rows, dtype=np.int64), np.asarray(kinds, dtype=np.int64)),
        np.asarray(until, dtype=np.int32),
    )
    return dbs


def away_column(rows: np.ndarray, first: np.ndarray, last: np.ndarray) -> dict[int, list[tuple[int, int]]]:
    """The dates away by row, in the order given: row -> [(first, last) ordinal days]."""
    away: dict[int, list[tuple[int, int]]] = {}
    for row, a, b in zip(
        np.asarray(rows).tolist(), np.asarray(first).tolist(), np.asarray(last).tolist(), strict=True
    ):
        away.setdefault(row, []).append((a, b))
    return away


def _columns(
    rows: Sequence[PARow], vocab: Vocabularies
) -> tuple[dict[str, np.ndarray], dict[int, list[tuple[int, int]]]]:
    """The engine's column arrays for ``rows`` (row ``i`` of each is ``rows[i]``), and the
    dates away by row."""
    n = len(rows)

    def entries(pairs: list[tuple[int, ...]], width: int) -> list[np.ndarray]:
        if not pairs:
            return [np.zeros(0, dtype=np.int64) for _ in range(width)]
        return [np.array(column, dtype=np.int64) for column in zip(*pairs, strict=True)]

    dbs = entries(
        [
            (i, DBS_KINDS.index(kind), until.toordinal())
            for i, r in enumerate(rows)
            for kind, until in r.dbs_until.items()
        ],
        3,
    )
    skills = entries(
        [(i, p, held) for i, r in enumerate(rows) for code, held in r.skills.items()
         if (p := vocab.skills.position(code)) is not None],
        3,
    )  # fmt: skip
    courses = entries(
        [(i, p, NEVER if expires is None else expires.toordinal(), verified)
         for i, r in enumerate(rows) for code, (expires, verified) in r.courses.items()
         if (p := vocab.courses.position(code)) is not None],
        4,
    )  # fmt: skip
    slots = entries([(i, a, b) for i, r in enumerate(rows) for a, b in r.slots], 3)
    away = entries([(i, a.toordinal(), b.toordinal()) for i, r in enumerate(rows) for a, b in r.away], 3)
    skill_bits, skill_years = skill_columns(skills[0], skills[1], skills[2], n, len(vocab.skills.codes))
    course_until, course_verified = course_columns(
        courses[0], courses[1], courses[2], courses[3], n, len(vocab.courses.codes)
    )
    columns = {
        "profile_id": np.array([r.profile_id for r in rows], dtype=np.int64),
        "active": np.array([r.active for r in rows], dtype=bool),
        "lat": np.array([r.lat for r in rows], dtype=np.float64),
        "lon": np.array([r.lon for r in rows], dtype=np.float64),
        "travel_miles": np.array([r.travel_miles for r in rows], dtype=np.float32),
        "dbs_until": dbs_column(dbs[0], dbs[1], dbs[2], n),
        "skills": skill_bits,
        "skill_years": skill_years,
        "course_until": course_until,
        "course_verified": course_verified,
        "groups": mask_column(vocab.groups, [r.groups for r in rows]),
        "languages": mask_column(vocab.languages, [r.languages for r in rows]),
        "gender": choice_column(GENDERS, [r.gender for r in rows]),
        "licence": np.array([r.licence for r in rows], dtype=bool),
        "car": np.array([r.car for r in rows], dtype=bool),
        "car_insurance": np.array([r.car_insurance for r in rows], dtype=bool),
        "min_rate": np.array([r.min_rate_pence for r in rows], dtype=np.int32),
        "wont_do": mask_column(vocab.limits, [r.wont_do for r in rows]),
        "year_pattern": choice_column(YEAR_PATTERNS, [r.year_pattern for r in rows]),
        "shift_kinds": mask_column(vocab.shifts, [r.shift_kinds for r in rows]),
        "availability": slot_masks(slots[0], slots[1], slots[2], n),
        "min_hours": np.array([r.min_hours for r in rows], dtype=np.float32),
        "max_hours": np.array([r.max_hours for r in rows], dtype=np.float32),
    }
    return columns, away_column(away[0], away[1], away[2])


def build_index(
    rows: Sequence[PARow], vocab: Vocabularies, *, terms: TermCalendar = NO_TERMS
) -> CandidateIndex:
    columns, away = _columns(rows, vocab)
    return index_of(columns, vocab, away, terms)


def index_of(
    columns: dict[str, np.ndarray],
    vocab: Vocabularies,
    away: dict[int, list[tuple[int, int]]],
    terms: TermCalendar = NO_TERMS,
) -> CandidateIndex:
    """An index of these column arrays (one per ``ROW_COLUMNS`` name), with the vocabularies
    they were made with: what both the records build and the streaming build end in."""
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


def unknown_codes(row: PARow, vocab: Vocabularies) -> list[str]:
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
        if unknown := unknown_codes(row, vocab):
            raise NeedsRebuild(f"PA {row.profile_id} uses codes the index lacks: {', '.join(unknown)}")
    latest = list({row.profile_id: row for row in rows}.values())  # the last of repeats wins
    columns, away = _columns(latest, vocab)
    index.patch(columns, away, gone)
