"""The matching engine: a pure, vectorised core. No database, no web.

``rank(need, index, at)`` returns the PAs who meet every hard requirement of a need, best
first, each with a total score, the factors behind it and plain-English reasons, and counts
of everyone excluded, by the first rule they failed.

The candidate index is column-wise (one numpy array per feature, one row per PA), its rows
sorted by latitude band and longitude, so that the PAs near a need are a few contiguous
slices of every array (``CandidateIndex.slices``). Each rule is one array operation over a
slice (a boolean mask over a view: no gathers), in the documented order, until few rows are
left; then the rest read just those rows. Distances are dot products of unit vectors,
compared with the cosine of each limit; exact miles are worked out for the rows that pass.
Nothing in the hot path loops over candidates in Python; only the reasons for the rows
returned are written one by one.

The soft score is in ``scoring`` (each factor in [0, 1], combined as the harmonic mean of
the recipient's and the PA's views) and the reasons in ``reasons``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import msgspec
import numpy as np
from numpy.typing import NDArray

from market.geo.display import banded_miles
from market.geo.distance import haversine_miles, unit_vectors
from market.matching.engine import dated
from market.matching.engine import rules as shared
from market.matching.engine.budget import BUDGET_STRETCH_PERCENT, rate_ceiling
from market.matching.engine.columns import (
    DBS_KINDS,
    DOT_SLACK,
    GENDERS,
    MASK_BYTES,
    QUARTER,
    QUARTERS,
    ROW_COLUMNS,
    WEEK_MINUTES,
    YEAR_PATTERNS,
    CandidateIndex,
    Vocabulary,
    quarters_in,
    slots_mask,
)
from market.matching.engine.dated import DatedShifts
from market.matching.engine.need import NeedSpec, covered_quarters, need_words, required_courses
from market.matching.engine.reasons import reason_context, reasons
from market.matching.engine.rules import rate_within, within
from market.matching.engine.scoring import (
    DEFAULT_WEIGHTS,
    DISTANCE_DECAY_MILES,
    PA_WEIGHTS,
    RECIPIENT_WEIGHTS,
    Weights,
    combine,
    miles_to,
    score,
)

# The index, its vocabularies and availability masks live in ``columns``, the need in
# ``need``, the score in ``scoring`` and the reasons in ``reasons``; the engine's callers
# import them all from here.
__all__ = [
    "DBS_KINDS",
    "DEFAULT_WEIGHTS",
    "DISTANCE_DECAY_MILES",
    "EXCLUSIONS",
    "GENDERS",
    "MASK_BYTES",
    "PA_WEIGHTS",
    "QUARTER",
    "QUARTERS",
    "RATE_STRETCH",
    "RECIPIENT_WEIGHTS",
    "ROW_COLUMNS",
    "WEEK_MINUTES",
    "YEAR_PATTERNS",
    "CandidateIndex",
    "NeedSpec",
    "Ranked",
    "Ranking",
    "Vocabulary",
    "Weights",
    "combine",
    "miles_to",
    "naive_distance",
    "quarters_in",
    "rank",
    "reasons",
    "score",
    "slots_mask",
]

# A budget not marked firm may stretch this much for the right PA (the rule is in ``budget``).
RATE_STRETCH = 1 + BUDGET_STRETCH_PERCENT / 100

# The order rules are checked in: each excluded PA is counted once, by the first it fails.
EXCLUSIONS = {
    "inactive": "Not on the register (not approved, or suspended)",
    "distance": "Further away than the need allows",
    "travel": "Beyond the PA's own travel limit",
    "dbs": "No current DBS check of the level the work needs",
    "skills": "Lacks a required skill",
    "training": "Training a required skill depends on is not current",
    "language": "Does not speak a required language",
    "gender": "Not the gender the person requires",
    "licence": "No full UK driving licence (the work needs driving)",
    "car": "No car to use for work (the work needs the PA's own car)",
    "insurance": "No business insurance for their car (the work needs the PA's own car)",
    "rate": "Their minimum rate is above the budget",  # for a need: ``budget.rate_exclusion``
    "limits": "Work the PA has said they will not do",
    "year": "Works a different pattern over the year (term time or school holidays only)",
    "shift": "Does not offer the kind of shift",
    "unavailable": "Not free at any of the times",
    "part_hours": "Free at only some of the times (the need asks for all of them)",
    "away": "Away on the dates of the cover (all of them, or any when one PA must do every hour)",
}


class Ranked(msgspec.Struct, frozen=True, kw_only=True):
    profile_id: int
    score: float
    recipient_score: float
    pa_score: float
    miles: float
    factors: dict[str, float]
    reasons: tuple[str, ...]  # why the PA is suggested
    worth_knowing: tuple[str, ...] = ()  # what tells against (above the budget, part of the hours ...)


class Ranking(msgspec.Struct, frozen=True, kw_only=True):
    candidates: tuple[Ranked, ...]
    total: int  # how many passed every hard requirement (candidates holds the best ``limit``)
    excluded: dict[str, int]  # rule -> how many PAs it excluded (first failing rule only)


# -- ranking -----------------------------------------------------------------------------------


# A rule's test: given where to read (a slice of rows, or row numbers) and the dot products of
# those rows with the need's place, which pass.
Where = slice | NDArray[np.int64]
Test = Callable[[Where, NDArray[np.float64]], NDArray[np.bool_]]
SPARSE = 8  # once fewer than 1 row in this many is left, read the survivors by row number


def _never(where: Where, near: NDArray[np.float64]) -> NDArray[np.bool_]:
    return np.zeros(len(near), dtype=bool)


def has_all(values: NDArray[np.uint64], wanted: int) -> Test:
    """Rows holding every bit of ``wanted`` (skills, client groups, languages); ``wanted`` -1
    (a code the vocabulary lacks) holds for nobody."""
    if wanted < 0:  # an unknown code: nobody holds it
        return _never
    bits = np.uint64(wanted)
    return lambda where, near: shared.holds_all(values[where], bits)


def dbs_current(index: CandidateIndex, kind: str, today: int) -> Test:
    """Rows with a check meeting the DBS kind current on day ``today`` (an ordinal)."""
    current = index.dbs_until[:, DBS_KINDS.index(kind)]
    return lambda where, near: shared.dbs_current(current[where], today)


def gender_is(index: CandidateIndex, gender: str) -> Test:
    wanted = GENDERS.index(gender)
    return lambda where, near: index.gender[where] == wanted


def driving_rules(index: CandidateIndex, driving: str) -> list[tuple[str, Test]]:
    """What the driving asked for takes, rule by rule: a licence to drive the person's car;
    with the PA's own car, a car for work and business insurance for it too."""
    rules: list[tuple[str, Test]] = []
    if driving in ("recipients_car", "own_car"):
        rules.append(("licence", lambda where, near: index.licence[where]))
    if driving == "own_car":
        rules.append(("car", lambda where, near: index.car[where]))
        rules.append(("insurance", lambda where, near: index.car_insurance[where]))
    return rules


def _rules(
    need: NeedSpec, index: CandidateIndex, today: int, shifts: DatedShifts | None
) -> list[tuple[str, Test]]:
    """The hard requirements after distance that apply to this need, in EXCLUSIONS order (the
    last, "away", is checked on the survivors: see ``_survivors``)."""
    rules: list[tuple[str, Test]] = [("travel", lambda where, near: within(near, index.travel_cos[where]))]
    if need.dbs:
        rules.append(("dbs", dbs_current(index, need.dbs, today)))
    if required := index.skill_vocab.mask(need.required_skills):
        rules.append(("skills", has_all(index.skills, required)))
    if trained := _training_rule(need, index, today):
        rules.append(("training", trained))
    if need.languages_required:
        rules.append(
            ("language", has_all(index.languages, index.language_vocab.mask(need.languages_required)))
        )
    if need.gender and need.gender_required:
        rules.append(("gender", gender_is(index, need.gender)))
    rules.extend(driving_rules(index, need.driving))
    if (ceiling := rate_ceiling(need.max_rate_pence, need.rate_firm)) is not None:
        rules.append(("rate", lambda where, near: rate_within(index.min_rate[where], ceiling)))
    if limits := _limits_rule(need, index):
        rules.append(("limits", limits))
    rules.append(("year", _year_rule(need, index, shifts)))
    if shift := _shift_rule(need, index):
        rules.append(("shift", shift))
    rules.extend(_dated_rules(need, index, shifts) if shifts else _times_rules(need, index))
    return rules


def _times_rules(need: NeedSpec, index: CandidateIndex) -> list[tuple[str, Test]]:
    """A PA free at none of the need's hours is never listed; with ``all_hours``, nor one free
    at only some. (A need with no times yet, a draft, has no such rule.)"""
    pairs, wanted = need_words(need)
    if not wanted:
        return []
    rules: list[tuple[str, Test]] = [
        ("unavailable", lambda where, near: covered_quarters(index, where, pairs) > 0)
    ]
    if need.all_hours:
        rules.append(("part_hours", lambda where, near: covered_quarters(index, where, pairs) >= wanted))
    return rules


def _dated_rules(need: NeedSpec, index: CandidateIndex, shifts: DatedShifts) -> list[tuple[str, Test]]:
    """As ``_times_rules``, for a dated cover need: the hours counted are those of the dates
    the PA's year pattern lets them work (dates away are the last rule: ``_survivors``)."""
    wanted = shifts.wanted
    if not wanted:
        return []

    def cover(where: Where) -> NDArray[np.int32]:
        return dated.covered(
            dated.shift_cover(index, where, shifts), dated.pattern_shifts(index, where, shifts)
        )

    rules: list[tuple[str, Test]] = [
        ("unavailable", lambda where, near: dated.pattern_cover(index, where, shifts) > 0)
    ]
    if need.all_hours:
        rules.append(("part_hours", lambda where, near: dated.pattern_cover(index, where, shifts) >= wanted))
    return rules


def _training_rule(need: NeedSpec, index: CandidateIndex, today: int) -> Test | None:
    """Every course the required skills call for, current and verified (None: no such course)."""
    columns = required_courses(need, index)
    if not columns:
        return None
    until = [index.course_until[:, c] for c in columns]
    verified = [index.course_verified[:, c] for c in columns]

    def trained(where: Where, near: NDArray[np.float64]) -> NDArray[np.bool_]:
        ok = shared.course_current(until[0][where], verified[0][where], today)
        for more, checked in zip(until[1:], verified[1:], strict=True):
            ok &= shared.course_current(more[where], checked[where], today)
        return ok

    return trained


def _limits_rule(need: NeedSpec, index: CandidateIndex) -> Test | None:
    """Nobody who won't do one of the need's tasks (codes the index does not know are ignored)."""
    limits = index.limit_vocab.mask(
        code for code in need.limits if index.limit_vocab.position(code) is not None
    )
    if not limits:
        return None
    refused = np.uint64(limits)
    return lambda where, near: shared.holds_none(index.wont_do[where], refused)


def _year_rule(need: NeedSpec, index: CandidateIndex, shifts: DatedShifts | None) -> Test:
    """A weekly need: a PA with a year pattern only suits a need with the same one; a PA
    without suits any. A dated cover need: a PA suits it if their pattern lets them work at
    least one of its dates (every one, when the need asks for all its hours); dates the
    school terms say nothing about rule nobody out."""
    if shifts is not None:
        fits: NDArray[np.bool_] = np.asarray(
            shifts.allowed.all(axis=1) if need.all_hours else shifts.allowed.any(axis=1)
        )
        return lambda where, near: fits[index.year_pattern[where].astype(np.intp)]
    pattern = YEAR_PATTERNS.index(need.year_pattern) if need.year_pattern in YEAR_PATTERNS else 0
    return lambda where, near: shared.year_fits(index.year_pattern[where], pattern)


def _shift_rule(need: NeedSpec, index: CandidateIndex) -> Test | None:
    """For cover: the PA offers at least one of the shift kinds asked for."""
    if not (need.cover_days and need.shift_kinds):
        return None
    wanted = index.shift_vocab.mask(k for k in need.shift_kinds if index.shift_vocab.position(k) is not None)
    if wanted <= 0:
        return None
    offered = np.uint64(wanted)
    return lambda where, near: shared.holds_any(index.shift_kinds[where], offered)


def _survivors(
    need: NeedSpec, index: CandidateIndex, at: date, shifts: DatedShifts | None
) -> tuple[NDArray[np.int64], NDArray[np.float64], dict[str, int]]:
    """The rows passing every hard requirement, their dot products with the need's place, and
    how many PAs on the register each rule excluded first (in EXCLUSIONS order).

    Each slice of rows near the need is tested rule by rule on the contiguous arrays (boolean
    masks, no gathers); once few rows are left, the remaining rules read just those rows."""
    today = at.toordinal()
    centre = unit_vectors(need.lat, need.lon)[0]
    reach = float(shared.reach_cos(need.max_distance)) - DOT_SLACK
    rules = _rules(need, index, today, shifts)
    failed = dict.fromkeys((name for name, _ in rules), 0)
    near_count = 0
    found_rows: list[NDArray[np.int64]] = []
    found_near: list[NDArray[np.float64]] = []
    for start, end in index.slices(need.lat, need.lon, need.max_distance):
        span = slice(start, end)
        near = index.xyz[span] @ centre  # the cosine of the angle between: 1 at the need
        alive = within(near, reach) & index.active[span]
        left = int(np.count_nonzero(alive))
        near_count += left
        rows: NDArray[np.int64] | None = None  # the survivors' rows, once sparse
        if left * SPARSE < end - start:
            keep = np.flatnonzero(alive)
            rows, near = keep + start, near[keep]
        for name, test in rules:
            if not left:
                break
            if rows is None:
                alive &= test(span, near)
                now = int(np.count_nonzero(alive))
                if now * SPARSE < end - start:
                    keep = np.flatnonzero(alive)
                    rows, near = keep + start, near[keep]
            else:
                ok = test(rows, near)
                rows, near = rows[ok], near[ok]
                now = len(rows)
            failed[name] += left - now
            left = now
        if left:
            if rows is None:
                keep = np.flatnonzero(alive)
                rows, near = keep + start, near[keep]
            found_rows.append(rows)
            found_near.append(near)
    rows = np.concatenate(found_rows) if found_rows else np.empty(0, dtype=np.int64)
    near = np.concatenate(found_near) if found_near else np.empty(0)
    if shifts is not None and len(rows) and index.away:
        gone = _away_too_much(need, index, rows, shifts)
        if count := int(np.count_nonzero(gone)):
            failed["away"] = count
            rows, near = rows[~gone], near[~gone]
    excluded = {"distance": index.active_count - near_count, **failed}
    return rows, near, {rule: excluded[rule] for rule in EXCLUSIONS if excluded.get(rule)}


def _away_too_much(
    need: NeedSpec, index: CandidateIndex, rows: NDArray[np.int64], shifts: DatedShifts
) -> NDArray[np.bool_]:
    """Rows whose dates away leave them none of the need's hours (or, when the need asks for
    all of them, not all). Only PAs with dates away are looked at."""
    gone = np.zeros(len(rows), dtype=bool)
    if not shifts.wanted:
        return gone
    spots = np.flatnonzero(
        np.fromiter((row in index.away for row in rows.tolist()), dtype=bool, count=len(rows))
    )
    if not len(spots):
        return gone
    some = rows[spots]
    cover = dated.dated_cover(index, some, shifts)
    gone[spots] = cover < shifts.wanted if need.all_hours else cover == 0
    return gone


def rank(
    need: NeedSpec,
    index: CandidateIndex,
    at: date,
    *,
    limit: int = 20,
    offset: int = 0,
    weights: Weights = DEFAULT_WEIGHTS,
    banded: bool = False,
) -> Ranking:
    """The PAs who meet every hard requirement of the need, best first: at most ``limit``,
    after the best ``offset`` (a page of them; ``total`` counts all).

    ``banded``: the ranking is for someone who may know distances only as bands (anyone but
    staff). The distance then enters the score, the order, the reasons and ``Ranked.miles``
    as its band (``market.geo.display.banded_miles``), so that two PAs in one band are told
    apart by everything else, then by profile id, never by which is nearer. Inclusion (the
    travel limits) is the same either way."""
    shifts = dated.dated_shifts(need, index)  # a dated cover need's shifts, worked out once
    rows, _, excluded = _survivors(need, index, at, shifts)
    if not len(rows):
        return Ranking(candidates=(), total=0, excluded=excluded)
    miles = miles_to(need, index, rows)
    if banded:
        miles = np.asarray(banded_miles(miles), dtype=np.float64).reshape(-1)
    factors = score(need, index, rows, miles, at, shifts=shifts)
    total, recipient, pa = combine(factors, weights)
    best = _best(total, factors["availability"], miles, index.profile_id[rows], offset + limit)[offset:]
    context = reason_context(need, index, shifts=shifts)
    # Python values for the chosen rows, read once.
    chosen_rows = rows[best].tolist()
    chosen_ids = index.profile_id[rows[best]].tolist()
    chosen_miles = miles[best].tolist()
    chosen_scores = total[best].tolist(), recipient[best].tolist(), pa[best].tolist()
    chosen_factors = {k: v[best].tolist() for k, v in factors.items()}
    candidates = []
    for j, row in enumerate(chosen_rows):
        own = {k: values[j] for k, values in chosen_factors.items()}
        suggested, worth_knowing = reasons(need, index, row, chosen_miles[j], own, at, context)
        candidates.append(
            Ranked(
                profile_id=chosen_ids[j],
                score=round(chosen_scores[0][j], 4),
                recipient_score=round(chosen_scores[1][j], 4),
                pa_score=round(chosen_scores[2][j], 4),
                miles=round(chosen_miles[j], 1),
                factors={k: round(v, 3) for k, v in own.items()},
                reasons=suggested,
                worth_knowing=worth_knowing,
            )
        )
    return Ranking(candidates=tuple(candidates), total=len(rows), excluded=excluded)


def _best(
    total: NDArray[np.float64],
    availability: NDArray[np.float64],
    miles: NDArray[np.float64],
    ids: NDArray[np.int64],
    limit: int,
) -> NDArray[np.intp]:
    """Positions of the best ``limit``: highest total, then more of the need's hours covered
    (so that, all else equal, coverage decides even when one side's view scores 0 and the
    harmonic mean with it), then nearest, then lowest profile id (so the order never depends
    on where rows sit in the index)."""
    pool = np.arange(len(total))
    if limit <= 0:
        return pool[:0]
    if limit < len(total):
        cut = np.partition(total, len(total) - limit)[len(total) - limit]
        pool = np.flatnonzero(total >= cut)
    return pool[np.lexsort((ids[pool], miles[pool], -availability[pool], -total[pool]))][:limit]


def naive_distance(need: NeedSpec, lat: NDArray[np.float64], lon: NDArray[np.float64]) -> NDArray[np.float64]:
    """One vectorised pass over every PA: the scan floor any spatial pre-filter must beat."""
    return haversine_miles(need.lat, need.lon, lat, lon)
