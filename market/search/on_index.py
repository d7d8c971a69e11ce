"""The register search run on the matching engine's candidate index: who appears and in what
order, as arrays, with no database (``market.search.query`` reads the page shown).

Who appears (every requirement given must hold; the same rules, in the same words, as
``market.search.query``'s docstring): listed (approved: the index's ``active`` rows); within
both the search radius and the PA's own travel limit; then the filters. Each filter that the
matching engine also has is the engine's own test (``engine.ranking.has_all``,
``dbs_current``, ``gender_is``, ``driving_rules``, ``need.covered_quarters``), so search and
matching cannot drift apart.

Where from: for anyone but staff (``Criteria.coarse``) distances run between sector centres,
which is where the index puts every PA, and are banded before ordering; for staff, from the
PA's exact home (``SearchExtras.positions``), the index slices widened by the furthest any
home lies from its sector centre so that nobody within the radius is missed.

Order: ``ranking``'s key, with the skill score in fifths (an integer: 5 for a held skill
plus its years up to 5), so equal scores are exactly equal and fall to the next part of the
key, then the profile id.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from functools import lru_cache

import msgspec
import numpy as np
from numpy.typing import NDArray

from market.geo.display import banded_miles
from market.geo.distance import unit_vectors
from market.matching.engine.columns import as_words
from market.matching.engine.need import covered_quarters, slot_words
from market.matching.engine.ranking import (
    QUARTER,
    QUARTERS,
    CandidateIndex,
    Test,
    dbs_current,
    driving_rules,
    gender_is,
    has_all,
)
from market.matching.engine.rules import chord_miles
from market.matching.index import DBS_REQUIREMENTS as ENGINE_DBS
from market.register.availability import DAY, DAYS, DEFAULT_BANDS, Cover, Slot
from market.register.schemas import SkillOut
from market.search.criteria import Criteria
from market.search.extras import SearchExtras
from market.search.ranking import YEARS_CAP, week_summary
from market.search.schemas import DBS_REQUIREMENTS, WeekRowOut

# Each search DBS filter as the engine's DBS kind asking the same requirement.
DBS_KIND = {
    name: next(kind for kind, asked in ENGINE_DBS.items() if asked == requirement)
    for name, requirement in DBS_REQUIREMENTS.items()
}
DRIVING = {"licence": "recipients_car", "car": "own_car"}  # what each driving filter asks
MARGIN_MILES = 0.01  # slices a hair wider than the exact search's reach
COVER = (str(Cover.FULL), str(Cover.PART), str(Cover.NONE))


class Found(msgspec.Struct, kw_only=True):
    """The PAs a search finds, in order: how many (``total``), and the first of them (all, or
    as many as ``find`` was asked for): profile ids and the miles the order went on (exact
    for staff, banded for everyone else)."""

    total: int
    ids: NDArray[np.int64]
    miles: NDArray[np.float64]
    rows: NDArray[np.int64]  # each one's row in the index, for what a page shows of them


def skills_held(index: CandidateIndex, rows: Sequence[int]) -> list[list[SkillOut]]:
    """Each row's skills with their years, in the skill list's order (as the index holds them)."""
    vocab = index.skill_vocab
    at = np.asarray(rows, dtype=np.int64)
    count = min(len(vocab.codes), 64)
    named = [(vocab.codes[position], vocab.name(position)) for position in range(count)]
    found = []
    for bits, years in zip(index.skills[at].tolist(), index.skill_years[at, :count].tolist(), strict=True):
        held = []
        while bits:  # the set bits only, lowest (first in the list) first
            low = bits & -bits
            bits ^= low
            position = low.bit_length() - 1
            if position < count:
                held.append(_skill(*named[position], years[position]))
        found.append(held)
    return found


@lru_cache(maxsize=4096)
def _skill(code: str, name: str, years: int) -> SkillOut:
    """One held skill (remembered: a page's results share most of theirs; never changed)."""
    return SkillOut(code=code, name=name, years=int(years))


def _band_quarters() -> tuple[tuple[str, NDArray[np.intp]], ...]:
    """Each band of the week grid (``availability.DEFAULT_BANDS``) as the quarter-hours of the
    week it covers, one row a day ([7, quarters]; Sunday's night runs into Monday)."""
    bands = []
    for name, start, end in DEFAULT_BANDS:
        assert start % QUARTER == 0 and end % QUARTER == 0  # so whole quarters answer exactly
        day = np.arange(start // QUARTER, end // QUARTER)
        bands.append((name, (np.arange(len(DAYS))[:, None] * (DAY // QUARTER) + day) % QUARTERS))
    return tuple(bands)


BAND_QUARTERS = _band_quarters()


# Every week-grid row (a band's cover on each of the seven days, as COVER's positions) by
# its number in base 3, Monday the lowest digit: rows are told apart in one vector step.
_ROW_TEXTS = tuple(tuple(COVER[n // 3**day % 3] for day in range(len(DAYS))) for n in range(3 ** len(DAYS)))
_BASE_3 = 3 ** np.arange(len(DAYS))


def _band_day_words() -> tuple[NDArray[np.uint64], NDArray[np.int64]]:
    """Each (band, day) of the week grid, band by band and Monday first, as availability
    words holding its quarter-hours (laid out as the index's ``availability_words``), and how
    many quarter-hours each holds."""
    bits = np.zeros((len(BAND_QUARTERS) * len(DAYS), QUARTERS), dtype=np.uint8)
    for band, (_, quarters) in enumerate(BAND_QUARTERS):
        for day in range(len(DAYS)):
            bits[band * len(DAYS) + day, quarters[day]] = 1
    return as_words(np.packbits(bits, axis=1)), bits.sum(axis=1, dtype=np.int64)


_BAND_DAY_WORDS, _BAND_DAY_SIZE = _band_day_words()


def week_patterns(index: CandidateIndex, rows: Sequence[int]) -> list[tuple[int, ...]]:
    """Each row's week as a pattern: a number a band (``_ROW_TEXTS``' position), from the
    quarter-hours the index holds (``grid_of`` turns it into the week grid)."""
    words = index.availability_words[np.asarray(rows, dtype=np.int64)]
    held = np.bitwise_count(words[:, None, :] & _BAND_DAY_WORDS[None]).sum(axis=2, dtype=np.int64)
    cover = np.where(held == _BAND_DAY_SIZE, 0, np.where(held > 0, 1, 2))  # [rows, bands x days]
    numbers = cover.reshape(len(words), len(BAND_QUARTERS), len(DAYS)) @ _BASE_3
    return [tuple(row) for row in numbers.tolist()]


@lru_cache(maxsize=8192)
def grid_of(pattern: tuple[int, ...]) -> list[WeekRowOut]:
    """A week pattern's grid (``ranking.grid_out`` of the slots behind it: the same answer,
    since the slots they entered and the bands are on the quarter hour). Remembered, as
    most weeks are one of a few patterns: the list is shared by every result with this
    week, so it is never changed."""
    return [
        WeekRowOut(band=band, days=list(_ROW_TEXTS[n]))
        for (band, _), n in zip(BAND_QUARTERS, pattern, strict=True)
    ]


@lru_cache(maxsize=8192)
def summary_of(pattern: tuple[int, ...]) -> str:
    """A week pattern in one line (``ranking.week_summary`` of its grid)."""
    return week_summary(grid_of(pattern))


def _column_tests(index: CandidateIndex, criteria: Criteria, today: date) -> list[Test]:
    """The filters the index's own columns answer, each the engine's test (rows: a slice or
    row numbers)."""
    tests: list[Test] = []
    if criteria.skills:
        tests.append(has_all(index.skills, index.skill_vocab.mask(criteria.skills)))
    if criteria.groups:
        tests.append(has_all(index.groups, index.group_vocab.mask(criteria.groups)))
    if criteria.gender:
        tests.append(gender_is(index, criteria.gender))
    if criteria.driving:
        tests += [test for _, test in driving_rules(index, DRIVING[criteria.driving])]
    if criteria.dbs:
        tests.append(dbs_current(index, DBS_KIND[criteria.dbs], today.toordinal()))
    if criteria.languages and _engine_has_bits(index, criteria.languages):
        tests.append(has_all(index.languages, index.language_vocab.mask(criteria.languages)))
    for slot in criteria.needed:
        tests.append(_available(index, slot, criteria.whole_days))
    return tests


def _engine_has_bits(index: CandidateIndex, languages: Sequence[str]) -> bool:
    """Whether the engine keeps a bit for each language (the 64 most spoken); a rarer one is
    tested from the extras."""
    return all(index.language_vocab.position(code) is not None for code in languages)


def _available(index: CandidateIndex, slot: Slot, whole_days: bool) -> Test:
    """The day's window fully covered, or (no window: ``whole_days``) the day touched at all."""
    pairs, wanted = slot_words(((slot.start, slot.end),))
    least = 1 if whole_days else wanted
    return lambda where, near: covered_quarters(index, where, pairs) >= least


def _passing_rows(
    index: CandidateIndex, extras: SearchExtras, criteria: Criteria, today: date
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """The listed rows in the index slices that hold everyone within the search's reach and
    that pass every filter, and each one's word hits (0 when no words). The index's own
    filters run slice by slice on its contiguous arrays (boolean masks, no gathers, as the
    engine's ``ranking._survivors``); those the extras answer by profile id, on the rows left."""
    reach = criteria.radius if criteria.coarse else criteria.radius + extras.max_offset + MARGIN_MILES
    tests = _column_tests(index, criteria, today)
    none = np.empty(0)
    found = []
    for start, end in index.slices(criteria.lat, criteria.lon, reach):
        span = slice(start, end)
        alive = index.active[span]
        for test in tests:
            alive = alive & test(span, none)
        found.append(start + np.flatnonzero(alive))
    rows = np.concatenate(found) if found else np.empty(0, np.int64)
    if criteria.languages and not _engine_has_bits(index, criteria.languages):
        # A rarer language than the engine keeps bits for: from the extras.
        rows = rows[extras.speak_all(index.profile_id[rows], criteria.languages)]
    hits = np.zeros(len(rows), dtype=np.int64)
    if criteria.words:
        hits = extras.hits(index.profile_id[rows], criteria.words)
        keep = hits >= 0
        rows, hits = rows[keep], hits[keep]
    return rows, hits


def _within(
    index: CandidateIndex, extras: SearchExtras, criteria: Criteria, rows: NDArray
) -> tuple[NDArray[np.bool_], NDArray[np.float64]]:
    """Which rows are within both limits, and their miles (exact, or between sector centres):
    the haversine distance, from the chord between unit vectors (``rules.chord_miles``, as the
    engine measures). Called on the rows that passed the filters, as few as there can be."""
    if criteria.coarse:  # the index's unit vectors are column-major: gathered a column at a time
        px, py, pz = (index.xyz[:, k][rows] for k in range(3))
    else:
        xyz = extras.unit_vectors_at(index.profile_id, rows)
        px, py, pz = xyz[:, 0], xyz[:, 1], xyz[:, 2]
    x, y, z = unit_vectors(criteria.lat, criteria.lon)[0].tolist()
    miles = chord_miles(px - x, py - y, pz - z)
    travel = index.travel_miles[rows].astype(np.float64)
    return (miles <= criteria.radius) & (miles <= travel), miles  # no position (NaN) fails both


def skill_fifths(index: CandidateIndex, rows: NDArray, skills: tuple[str, ...]) -> NDArray[np.int64]:
    """``ranking.skill_score`` times YEARS_CAP, exactly: 5 for each requested skill held plus
    its years (up to 5)."""
    score = np.zeros(len(rows), dtype=np.int64)
    for code in dict.fromkeys(skills):
        position = index.skill_vocab.position(code)
        if position is None or position >= 64:
            continue
        held = (index.skills[rows] >> np.uint64(position)) & np.uint64(1)
        years = np.minimum(index.skill_years[rows, position].astype(np.int64), YEARS_CAP)
        score += held.astype(np.int64) * (YEARS_CAP + years)
    return score


def first_in_order(keys: Sequence[NDArray], upto: int | None) -> NDArray[np.intp]:
    """The positions of the first ``upto`` rows (all when None) in the order of ``keys``, the
    most significant first, the last one unique (as ``np.lexsort`` of the keys reversed).

    A page needs only its first rows in order, not the thousands a search in a city finds:
    each key in turn keeps the rows strictly ahead of the ``upto``-th (``np.partition``, in
    linear time) and narrows the ties at it to the next key, so only about ``upto`` rows are
    sorted. The same rows in the same order as sorting them all."""
    count = len(keys[0])
    if upto is None or upto >= count:
        return np.lexsort(tuple(reversed(keys)))
    chosen: list[NDArray[np.intp]] = []
    pool = np.arange(count)
    wanted = upto
    for key in keys:
        values = key[pool]
        edge = np.partition(values, wanted - 1)[wanted - 1]
        ahead = pool[values < edge]
        chosen.append(ahead)
        wanted -= len(ahead)
        pool = pool[values == edge]
        if len(pool) <= wanted:
            break
    chosen.append(pool)  # the ties still open (none beyond ``wanted`` once the unique key is reached)
    picked = np.concatenate(chosen)
    order = np.lexsort(tuple(key[picked] for key in reversed(keys)))
    return picked[order][:upto]


def find(
    index: CandidateIndex, extras: SearchExtras, criteria: Criteria, today: date, upto: int | None = None
) -> Found:
    """Every PA the search finds, in the order to show them: how many, and the first ``upto``
    of them (all when None) in order."""
    rows, hits = _passing_rows(index, extras, criteria, today)
    near, miles = _within(index, extras, criteria, rows)
    rows, miles, hits = rows[near], miles[near], hits[near]
    if criteria.coarse:
        miles = np.atleast_1d(np.asarray(banded_miles(miles), dtype=np.float64))
    ids = index.profile_id[rows]
    score = skill_fifths(index, rows, criteria.skills)
    # Without words every hit count is 0: a key that orders nothing, so it is left out.
    words = (-hits,) if criteria.words else ()
    if criteria.sort == "distance":
        order = first_in_order((miles, -score, *words, ids), upto)
    else:
        order = first_in_order((-score, *words, miles, ids), upto)
    return Found(total=len(ids), ids=ids[order], miles=miles[order], rows=rows[order])
