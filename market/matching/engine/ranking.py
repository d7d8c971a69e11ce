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

Scores: each factor is in [0, 1]. The recipient's view (availability, distance, preferred
skills, client groups, training, preferences) and the PA's view (hours, rate, how far within
their own travel limit) are weighted means; the total is their harmonic mean, so a match
good for one side only ranks low.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date

import msgspec
import numpy as np
from numpy.typing import NDArray

from market.geo.distance import EARTH_RADIUS_MILES, haversine_miles, unit_vectors
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
    as_words,
    quarters_in,
    slots_mask,
)

# The index, its vocabularies and availability masks live in ``columns``; they are importable
# from here too.
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

DISTANCE_DECAY_MILES = 6.0
RATE_STRETCH = 1.10  # a budget not marked firm may stretch 10% for the right PA

RECIPIENT_WEIGHTS = {
    "availability": 0.35,
    "distance": 0.20,
    "skills": 0.15,
    "groups": 0.10,
    "training": 0.10,
    "preferences": 0.10,
}
PA_WEIGHTS = {"hours": 0.40, "rate": 0.35, "travel": 0.25}


class Weights(msgspec.Struct, frozen=True, kw_only=True):
    """The soft score's weights: the documented defaults, or ones ``market matching train``
    learned from outcomes (used only when they beat the defaults on held-out outcomes)."""

    recipient: dict[str, float] = msgspec.field(default_factory=lambda: dict(RECIPIENT_WEIGHTS))
    pa: dict[str, float] = msgspec.field(default_factory=lambda: dict(PA_WEIGHTS))


DEFAULT_WEIGHTS = Weights()

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
    "driver": "Does not drive (a driver is needed)",
    "rate": "Their minimum rate is above the budget",
    "limits": "Work the PA has said they will not do",
    "year": "Works a different pattern over the year",
    "shift": "Does not offer the kind of shift",
    "away": "Away on the dates of the cover",
}


class NeedSpec(msgspec.Struct, frozen=True, kw_only=True):
    """A need as the engine sees it: plain values, no names, no database ids but the PA's."""

    lat: float
    lon: float
    max_distance: float = 10.0
    slots: tuple[tuple[int, int], ...] = ()  # minute-of-week intervals; end < start wraps the week
    hours_per_week: float = 0.0
    required_skills: tuple[str, ...] = ()
    preferred_skills: tuple[str, ...] = ()
    groups: tuple[str, ...] = ()
    languages_required: tuple[str, ...] = ()
    languages_preferred: tuple[str, ...] = ()
    gender: str = ""
    gender_required: bool = False
    driver_needed: bool = False
    limits: tuple[str, ...] = ()  # what the work involves that a PA may refuse (pets, smoking ...)
    shift_kinds: tuple[str, ...] = ()  # for cover: the PA must offer one of these
    max_rate_pence: int = 0  # 0: no budget given
    rate_firm: bool = False
    year_pattern: str = "all_year"
    dbs: str = ""  # one of DBS_KINDS, or "" for none
    cover_days: tuple[date, ...] = ()  # a cover need: the dates it covers


class Ranked(msgspec.Struct, frozen=True, kw_only=True):
    profile_id: int
    score: float
    recipient_score: float
    pa_score: float
    miles: float
    factors: dict[str, float]
    reasons: tuple[str, ...]


class Ranking(msgspec.Struct, frozen=True, kw_only=True):
    candidates: tuple[Ranked, ...]
    total: int  # how many passed every hard requirement (candidates holds the best ``limit``)
    excluded: dict[str, int]  # rule -> how many PAs it excluded (first failing rule only)


# -- ranking -----------------------------------------------------------------------------------


def _share(values: NDArray[np.uint64], wanted: int, count: int) -> NDArray[np.float64]:
    """Fraction of the wanted bits each row holds (1 when nothing is wanted)."""
    if count == 0 or wanted <= 0:
        return np.ones(len(values))
    return np.bitwise_count(values & np.uint64(wanted)).astype(np.float64) / count


def _required_courses(need: NeedSpec, index: CandidateIndex) -> list[int]:
    columns = []
    for skill in need.required_skills:
        for course in index.skill_courses.get(skill, ()):
            column = index.course_vocab.position(course)
            if column is not None and column not in columns:
                columns.append(column)
    return columns


def _relevant_courses(need: NeedSpec, index: CandidateIndex) -> list[int]:
    columns = []
    for skill in (*need.required_skills, *need.preferred_skills):
        for course in index.skill_courses.get(skill, ()):
            column = index.course_vocab.position(course)
            if column is not None and column not in columns:
                columns.append(column)
    return columns


def _away_on(index: CandidateIndex, rows: NDArray[np.int64], days: Sequence[date]) -> NDArray[np.bool_]:
    """Rows away on any of the days (only PAs with dates away are looked at, one by one)."""
    result = np.zeros(len(rows), dtype=bool)
    if not days or not index.away:
        return result
    ordinals = [d.toordinal() for d in days]
    for i, row in enumerate(rows.tolist()):
        for first, last in index.away.get(row, ()):
            if any(first <= day <= last for day in ordinals):
                result[i] = True
                break
    return result


# A rule's test: given where to read (a slice of rows, or row numbers) and the dot products of
# those rows with the need's place, which pass.
Where = slice | NDArray[np.int64]
Test = Callable[[Where, NDArray[np.float64]], NDArray[np.bool_]]
SPARSE = 8  # once fewer than 1 row in this many is left, read the survivors by row number


def _never(where: Where, near: NDArray[np.float64]) -> NDArray[np.bool_]:
    return np.zeros(len(near), dtype=bool)


def _has_all(values: NDArray[np.uint64], wanted: int) -> Test:
    if wanted < 0:  # an unknown code: nobody holds it
        return _never
    bits = np.uint64(wanted)
    return lambda where, near: (values[where] & bits) == bits


def _rules(need: NeedSpec, index: CandidateIndex, today: int) -> list[tuple[str, Test]]:
    """The hard requirements after distance that apply to this need, in EXCLUSIONS order (the
    last, "away", is checked on the survivors: see ``_survivors``)."""
    rules: list[tuple[str, Test]] = [("travel", lambda where, near: near >= index.travel_cos[where])]
    if need.dbs:
        current = index.dbs_until[:, DBS_KINDS.index(need.dbs)]
        rules.append(("dbs", lambda where, near: current[where] >= today))
    if required := index.skill_vocab.mask(need.required_skills):
        rules.append(("skills", _has_all(index.skills, required)))
    if trained := _training_rule(need, index, today):
        rules.append(("training", trained))
    if need.languages_required:
        rules.append(
            ("language", _has_all(index.languages, index.language_vocab.mask(need.languages_required)))
        )
    if need.gender and need.gender_required:
        gender = GENDERS.index(need.gender)
        rules.append(("gender", lambda where, near: index.gender[where] == gender))
    if need.driver_needed:
        rules.append(("driver", lambda where, near: index.drives[where]))
    if need.max_rate_pence:
        ceiling = need.max_rate_pence if need.rate_firm else need.max_rate_pence * RATE_STRETCH
        rules.append(("rate", lambda where, near: index.min_rate[where] <= ceiling))
    if limits := _limits_rule(need, index):
        rules.append(("limits", limits))
    rules.append(("year", _year_rule(need, index)))
    if shift := _shift_rule(need, index):
        rules.append(("shift", shift))
    return rules


def _training_rule(need: NeedSpec, index: CandidateIndex, today: int) -> Test | None:
    """Every course the required skills call for, current and verified (None: no such course)."""
    columns = _required_courses(need, index)
    if not columns:
        return None
    until = [index.course_until[:, c] for c in columns]
    verified = [index.course_verified[:, c] for c in columns]

    def trained(where: Where, near: NDArray[np.float64]) -> NDArray[np.bool_]:
        ok = (until[0][where] > today) & verified[0][where]
        for more, checked in zip(until[1:], verified[1:], strict=True):
            ok &= (more[where] > today) & checked[where]
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
    return lambda where, near: (index.wont_do[where] & refused) == 0


def _year_rule(need: NeedSpec, index: CandidateIndex) -> Test:
    """A PA with a year pattern only suits a need with the same one; a PA without suits any."""
    pattern = YEAR_PATTERNS.index(need.year_pattern) if need.year_pattern in YEAR_PATTERNS else 0
    if pattern:
        return lambda where, near: (index.year_pattern[where] == 0) | (index.year_pattern[where] == pattern)
    return lambda where, near: index.year_pattern[where] == 0


def _shift_rule(need: NeedSpec, index: CandidateIndex) -> Test | None:
    """For cover: the PA offers at least one of the shift kinds asked for."""
    if not (need.cover_days and need.shift_kinds):
        return None
    wanted = index.shift_vocab.mask(k for k in need.shift_kinds if index.shift_vocab.position(k) is not None)
    if wanted <= 0:
        return None
    offered = np.uint64(wanted)
    return lambda where, near: (index.shift_kinds[where] & offered) != 0


def _survivors(
    need: NeedSpec, index: CandidateIndex, at: date
) -> tuple[NDArray[np.int64], NDArray[np.float64], dict[str, int]]:
    """The rows passing every hard requirement, their dot products with the need's place, and
    how many PAs on the register each rule excluded first (in EXCLUSIONS order).

    Each slice of rows near the need is tested rule by rule on the contiguous arrays (boolean
    masks, no gathers); once few rows are left, the remaining rules read just those rows."""
    today = at.toordinal()
    centre = unit_vectors(need.lat, need.lon)[0]
    theta = min(max(need.max_distance, 0.0) / EARTH_RADIUS_MILES, np.pi)
    reach = np.cos(theta) - DOT_SLACK
    rules = _rules(need, index, today)
    failed = dict.fromkeys((name for name, _ in rules), 0)
    near_count = 0
    found_rows: list[NDArray[np.int64]] = []
    found_near: list[NDArray[np.float64]] = []
    for start, end in index.slices(need.lat, need.lon, need.max_distance):
        span = slice(start, end)
        near = index.xyz[span] @ centre  # the cosine of the angle between: 1 at the need
        alive = (near >= reach) & index.active[span]
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
    if need.cover_days and len(rows):
        away = _away_on(index, rows, need.cover_days)
        if count := int(np.count_nonzero(away)):
            failed["away"] = count
            rows, near = rows[~away], near[~away]
    excluded = {"distance": index.active_count - near_count, **failed}
    return rows, near, {rule: excluded[rule] for rule in EXCLUSIONS if excluded.get(rule)}


def miles_to(need: NeedSpec, index: CandidateIndex, rows: NDArray[np.int64]) -> NDArray[np.float64]:
    """Straight-line miles from the need to each row's PA (the haversine distance, from the
    chord between unit vectors: exact at every range)."""
    x, y, z = unit_vectors(need.lat, need.lon)[0].tolist()
    dx, dy, dz = index.xyz[:, 0][rows] - x, index.xyz[:, 1][rows] - y, index.xyz[:, 2][rows] - z
    chord = np.sqrt(dx * dx + dy * dy + dz * dz)
    return 2.0 * EARTH_RADIUS_MILES * np.arcsin(np.minimum(chord / 2.0, 1.0))


def score(
    need: NeedSpec, index: CandidateIndex, rows: NDArray[np.int64], miles: NDArray[np.float64], at: date
) -> dict[str, NDArray[np.float64]]:
    """Every factor for every row, each in [0, 1]."""
    today = at.toordinal()
    mask = slots_mask(need.slots)
    wanted = quarters_in(mask)
    if wanted:
        words = as_words(mask)
        held = np.zeros(len(rows), dtype=np.int32)
        for word in np.flatnonzero(words).tolist():  # only the words of the week the need covers
            held += np.bitwise_count(index.availability_words[rows, word] & words[word])
        availability = held / wanted
    else:
        availability = np.ones(len(rows))
    preferred = index.skill_vocab.mask(
        s for s in need.preferred_skills if index.skill_vocab.position(s) is not None
    )
    skills = _share(index.skills[rows], preferred, int(preferred).bit_count() if preferred > 0 else 0)
    groups_mask = index.group_vocab.mask(g for g in need.groups if index.group_vocab.position(g) is not None)
    groups = _share(index.groups[rows], groups_mask, int(groups_mask).bit_count() if groups_mask > 0 else 0)
    if columns := _relevant_courses(need, index):
        # A course counts fully with a year or more left, less as it nears expiry, not at all after.
        training = np.zeros(len(rows))
        for column in columns:
            left = np.clip((index.course_until[:, column][rows] - today) / 365.0, 0.0, 1.0)
            training += left * index.course_verified[:, column][rows]
        training /= len(columns)
    else:
        training = np.ones(len(rows))
    preferences = np.ones(len(rows))
    parts = 0
    if need.languages_preferred:
        lang = index.language_vocab.mask(
            x for x in need.languages_preferred if index.language_vocab.position(x) is not None
        )
        preferences = _share(index.languages[rows], lang, int(lang).bit_count() if lang > 0 else 0)
        parts = 1
    if need.gender and not need.gender_required:
        same = (index.gender[rows] == GENDERS.index(need.gender)).astype(np.float64)
        preferences = (preferences * parts + same) / (parts + 1)
    travel = np.maximum(index.travel_miles[rows].astype(np.float64), 0.1)
    return {
        "availability": availability,
        "distance": np.exp(-miles / DISTANCE_DECAY_MILES),
        "skills": skills,
        "groups": groups,
        "training": training,
        "preferences": preferences,
        "hours": _hours_fit(need.hours_per_week, index.min_hours[rows], index.max_hours[rows]),
        "rate": _rate_fit(need.max_rate_pence, index.min_rate[rows]),
        "travel": np.clip(1.0 - 0.5 * miles / travel, 0.0, 1.0),
    }


def _hours_fit(offered: float, low: NDArray[np.float32], high: NDArray[np.float32]) -> NDArray[np.float64]:
    """1 when the hours offered are within what the PA wants; less the further outside."""
    if offered <= 0:
        return np.ones(len(low))
    lo = np.where(low > 0, low, 0.0).astype(np.float64)
    hi = np.where(high > 0, high, np.inf).astype(np.float64)
    short = np.clip((lo - offered) / np.maximum(lo, 1.0), 0.0, 1.0)
    over = np.clip((offered - hi) / np.maximum(offered, 1.0), 0.0, 1.0)
    return 1.0 - np.maximum(short, over)


def _rate_fit(budget: int, minimum: NDArray[np.int32]) -> NDArray[np.float64]:
    """How well the budget pays the PA: 1 at 20% above their minimum or more, 0.6 at exactly
    their minimum, falling to 0 at 10% below it (the most a budget may stretch)."""
    if budget <= 0:
        return np.ones(len(minimum))
    floor = np.maximum(minimum.astype(np.float64), 1.0)
    ratio = budget / floor
    return np.clip(np.where(ratio >= 1.0, 0.6 + 2.0 * (ratio - 1.0), 0.6 * (ratio - 0.9) / 0.1), 0.0, 1.0)


def combine(
    factors: dict[str, NDArray[np.float64]], weights: Weights = DEFAULT_WEIGHTS
) -> tuple[NDArray[np.float64], ...]:
    """(total, recipient's view, PA's view): weighted means, then their harmonic mean."""
    recipient = sum(w * factors[k] for k, w in weights.recipient.items()) / max(
        sum(weights.recipient.values()), 1e-12
    )
    pa = sum(w * factors[k] for k, w in weights.pa.items()) / max(sum(weights.pa.values()), 1e-12)
    total = np.where(recipient + pa > 0, 2 * recipient * pa / np.maximum(recipient + pa, 1e-12), 0.0)
    # With no factor in a view its mean is the float 0.0: every score is an array here.
    return (
        np.asarray(total, dtype=np.float64),
        np.broadcast_to(np.asarray(recipient, dtype=np.float64), total.shape),
        np.broadcast_to(np.asarray(pa, dtype=np.float64), total.shape),
    )


def rank(
    need: NeedSpec, index: CandidateIndex, at: date, *, limit: int = 20, weights: Weights = DEFAULT_WEIGHTS
) -> Ranking:
    """The PAs who meet every hard requirement of the need, best first (at most ``limit``)."""
    rows, _, excluded = _survivors(need, index, at)
    if not len(rows):
        return Ranking(candidates=(), total=0, excluded=excluded)
    miles = miles_to(need, index, rows)
    factors = score(need, index, rows, miles, at)
    total, recipient, pa = combine(factors, weights)
    best = _best(total, miles, index.profile_id[rows], limit)
    context = _context(need, index)
    # Python values for the chosen rows, read once.
    chosen_rows = rows[best].tolist()
    chosen_ids = index.profile_id[rows[best]].tolist()
    chosen_miles = miles[best].tolist()
    chosen_scores = total[best].tolist(), recipient[best].tolist(), pa[best].tolist()
    chosen_factors = {k: v[best].tolist() for k, v in factors.items()}
    candidates = []
    for j, row in enumerate(chosen_rows):
        own = {k: values[j] for k, values in chosen_factors.items()}
        candidates.append(
            Ranked(
                profile_id=chosen_ids[j],
                score=round(chosen_scores[0][j], 4),
                recipient_score=round(chosen_scores[1][j], 4),
                pa_score=round(chosen_scores[2][j], 4),
                miles=round(chosen_miles[j], 1),
                factors={k: round(v, 3) for k, v in own.items()},
                reasons=reasons(need, index, row, chosen_miles[j], own, at, context),
            )
        )
    return Ranking(candidates=tuple(candidates), total=len(rows), excluded=excluded)


def _best(
    total: NDArray[np.float64], miles: NDArray[np.float64], ids: NDArray[np.int64], limit: int
) -> NDArray[np.intp]:
    """Positions of the best ``limit``: highest total, then nearest, then lowest profile id
    (so the order never depends on where rows sit in the index)."""
    pool = np.arange(len(total))
    if limit <= 0:
        return pool[:0]
    if limit < len(total):
        cut = np.partition(total, len(total) - limit)[len(total) - limit]
        pool = np.flatnonzero(total >= cut)
    return pool[np.lexsort((ids[pool], miles[pool], -total[pool]))][:limit]


def naive_distance(need: NeedSpec, lat: NDArray[np.float64], lon: NDArray[np.float64]) -> NDArray[np.float64]:
    """One vectorised pass over every PA: the scan floor any spatial pre-filter must beat."""
    return haversine_miles(need.lat, need.lon, lat, lon)


# -- reasons -----------------------------------------------------------------------------------


def _hours(quarters: float) -> str:
    hours = quarters / 4
    return f"{hours:g}"


class _Context(msgspec.Struct, frozen=True):
    """What every ranked PA's reasons share, worked out once a ranking."""

    mask: NDArray[np.uint8]
    wanted: int
    courses: tuple[int, ...]
    words: tuple[tuple[int, int], ...] = ()  # (word, bits) of the availability the need covers
    preferred: tuple[int, ...] = ()  # bit positions of the preferred skills the vocabulary has
    # Per relevant course: (column, name, whether a required skill depends on it, the bits of
    # the skills that depend on it): its news matters if required or the PA offers such a skill.
    course_facts: tuple[tuple[int, str, bool, int], ...] = ()


def _context(need: NeedSpec, index: CandidateIndex) -> _Context:
    mask = slots_mask(need.slots)
    words = as_words(mask)
    courses = tuple(_relevant_courses(need, index))
    facts = []
    for course in courses:
        code = index.course_vocab.codes[course]
        linked = [skill for skill, codes in index.skill_courses.items() if code in codes]
        bits = 0
        for skill in linked:
            if (position := index.skill_vocab.position(skill)) is not None:
                bits |= 1 << position
        required = any(skill in need.required_skills for skill in linked)
        facts.append((course, index.course_vocab.name(course), required, bits))
    return _Context(
        mask=mask,
        wanted=quarters_in(mask),
        courses=courses,
        words=tuple((int(w), int(words[w])) for w in np.flatnonzero(words)),
        preferred=tuple(p for s in need.preferred_skills if (p := index.skill_vocab.position(s)) is not None),
        course_facts=tuple(facts),
    )


def reasons(
    need: NeedSpec,
    index: CandidateIndex,
    row: int,
    miles: float,
    factors: dict[str, float],
    at: date,
    context: _Context | None = None,
) -> tuple[str, ...]:
    """Plain English for one ranked PA: what the score is made of."""
    said: list[str] = []
    if context is None:
        context = _context(need, index)
    if wanted := context.wanted:
        held = index.availability_words[row].tolist()
        covered = sum((held[word] & bits).bit_count() for word, bits in context.words)
        said.append(f"Covers {_hours(covered)} of {_hours(wanted)} hours a week")
    limit = float(index.travel_miles[row])
    said.append(
        f"{miles:.1f} miles away as the crow flies, within both travel limits "
        f"(the need's {need.max_distance:g}, the PA's {limit:g})"
    )
    held_skills = int(index.skills[row])
    if need.preferred_skills:
        held = sum(held_skills >> position & 1 for position in context.preferred)
        said.append(f"Has {held} of {len(need.preferred_skills)} preferred skills")
    if need.groups:
        said.append(
            f"Experience with {round(factors['groups'] * len(need.groups))} of {len(need.groups)} groups of people"
        )
    said.extend(_training_reasons(index, row, held_skills, context, at.toordinal()))
    if rate := _rate_reason(need, int(index.min_rate[row])):
        said.append(rate)
    if need.hours_per_week and factors["hours"] < 1:
        said.append("Wants a different number of hours a week")
    return tuple(said)


def _training_reasons(
    index: CandidateIndex, row: int, held_skills: int, context: _Context, today: int
) -> list[str]:
    """Missing, expired or soon-expiring training for the need's courses."""
    said: list[str] = []
    for course, name, required, bits in context.course_facts:
        if not (
            required or held_skills & bits
        ):  # training for a preferred skill the PA does not offer: not news
            continue
        until = int(index.course_until[row, course])
        if until == 0:
            said.append(f"No {name[0].lower()}{name[1:]} training")
        elif until <= today:
            months = max(1, round((today - until) / 30.4))
            said.append(
                f"{name.capitalize()} training expired {months} month{'s' if months != 1 else ''} ago"
            )
        elif until - today < 92:
            said.append(f"{name[0].upper()}{name[1:]} training expires in {until - today} days")
    return said


def _rate_reason(need: NeedSpec, minimum: int) -> str | None:
    """The PA's asking rate against the need's budget (None when either is unset)."""
    if not (need.max_rate_pence and minimum):
        return None
    if minimum > need.max_rate_pence:
        return f"Asks £{minimum / 100:.2f} an hour, above the £{need.max_rate_pence / 100:.2f} budget"
    return f"Asks from £{minimum / 100:.2f} an hour, within the £{need.max_rate_pence / 100:.2f} budget"
