"""The matching engine: a pure, vectorised core. No database, no web.

``rank(need, index, at)`` returns the PAs who meet every hard requirement of a need, best
first, each with a total score, the factors behind it and plain-English reasons, and counts
of everyone excluded, by the first rule they failed.

The candidate index is column-wise (one numpy array per feature, one row per PA), so that
every rule is one array operation over the PAs near the need, found by a BallTree radius
query (market.geo.distance.PointIndex). Nothing in the hot path loops over candidates in
Python; only the reasons for the rows returned are written one by one.

Scores: each factor is in [0, 1]. The recipient's view (availability, distance, preferred
skills, client groups, training, preferences) and the PA's view (hours, rate, how far within
their own travel limit) are weighted means; the total is their harmonic mean, so a match
good for one side only ranks low.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date

import msgspec
import numpy as np
from numpy.typing import NDArray

from market.geo.distance import PointIndex, haversine_miles

WEEK_MINUTES = 7 * 24 * 60
QUARTER = 15
QUARTERS = WEEK_MINUTES // QUARTER  # 672 quarter-hours a week
MASK_BYTES = QUARTERS // 8  # 84 bytes a PA
DISTANCE_DECAY_MILES = 6.0
RATE_STRETCH = 1.10  # a budget not marked firm may stretch 10% for the right PA

# DBS requirement kinds, weakest first: a column of "current until" days per kind.
DBS_KINDS = ("basic", "standard", "enhanced", "enhanced_adults", "enhanced_children", "enhanced_both")
YEAR_PATTERNS = ("all_year", "term_time", "school_holidays")
GENDERS = ("", "woman", "man")

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


class Vocabulary(msgspec.Struct, frozen=True):
    """Codes and their bit (or column) positions, fixed when the index is built; ``names``
    (optional, same order) are what reasons call them."""

    codes: tuple[str, ...]
    names: tuple[str, ...] = ()

    def name(self, position: int) -> str:
        if position < len(self.names):
            return self.names[position]
        return self.codes[position].replace("_", " ")

    def position(self, code: str) -> int | None:
        try:
            return self.codes.index(code)
        except ValueError:
            return None

    def mask(self, codes: Iterable[str]) -> int:
        bits = 0
        for code in codes:
            index = self.position(code)
            if index is None:
                return -1  # an unknown code: nobody can hold it
            bits |= 1 << index
        return bits


class CandidateIndex:
    """Column arrays of PA features (row ``i`` is one PA) and a patchable spatial index whose
    ids are row numbers. Built and patched by ``market.matching.index``; read by ``rank``."""

    def __init__(
        self,
        *,
        profile_id: NDArray[np.int64],
        active: NDArray[np.bool_],
        lat: NDArray[np.float64],
        lon: NDArray[np.float64],
        travel_miles: NDArray[np.float32],
        dbs_until: NDArray[np.int32],  # [N, len(DBS_KINDS)]: last current day (ordinal), 0 none
        skills: NDArray[np.uint64],
        skill_years: NDArray[np.uint8],  # [N, len(skill_vocab)]
        course_until: NDArray[
            np.int32
        ],  # [N, len(course_vocab)]: first day expired (ordinal); 0 none; max: never
        course_verified: NDArray[np.bool_],  # [N, len(course_vocab)]
        groups: NDArray[np.uint64],
        languages: NDArray[np.uint64],
        gender: NDArray[np.int8],
        drives: NDArray[np.bool_],
        min_rate: NDArray[np.int32],
        wont_do: NDArray[np.uint64],
        year_pattern: NDArray[np.int8],
        shift_kinds: NDArray[np.uint64],
        availability: NDArray[np.uint8],  # [N, MASK_BYTES]
        min_hours: NDArray[np.float32],
        max_hours: NDArray[np.float32],
        skill_vocab: Vocabulary,
        course_vocab: Vocabulary,
        group_vocab: Vocabulary,
        language_vocab: Vocabulary,
        limit_vocab: Vocabulary,
        shift_vocab: Vocabulary,
        skill_courses: dict[str, tuple[str, ...]],  # skill code -> the course codes it depends on
        away: dict[int, list[tuple[int, int]]] | None = None,  # row -> (first, last) ordinal days
        points: PointIndex | None = None,
    ) -> None:
        self.profile_id = profile_id
        self.active = active
        self.lat, self.lon = lat, lon
        self.travel_miles = travel_miles
        self.dbs_until = dbs_until
        self.skills, self.skill_years = skills, skill_years
        self.course_until, self.course_verified = course_until, course_verified
        self.groups, self.languages = groups, languages
        self.gender, self.drives, self.min_rate = gender, drives, min_rate
        self.wont_do, self.year_pattern, self.shift_kinds = wont_do, year_pattern, shift_kinds
        self.availability = availability
        self.min_hours, self.max_hours = min_hours, max_hours
        self.skill_vocab, self.course_vocab, self.group_vocab = skill_vocab, course_vocab, group_vocab
        self.language_vocab, self.limit_vocab, self.shift_vocab = language_vocab, limit_vocab, shift_vocab
        self.skill_courses = skill_courses
        self.away = away or {}
        self.points = points or PointIndex(np.arange(len(profile_id)), lat, lon)

    def __len__(self) -> int:
        return len(self.profile_id)

    @property
    def active_count(self) -> int:
        return int(self.active.sum())


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


# -- availability masks ------------------------------------------------------------------------


def slots_mask(slots: Sequence[tuple[int, int]]) -> NDArray[np.uint8]:
    """Quarter-hours of the week covered by the slots, packed: 84 bytes. Slots are the
    register's [start, end) minutes of the week (start 0..10079, end 1..10080); an end before
    the start wraps past Sunday midnight into Monday."""
    quarters = np.zeros(QUARTERS, dtype=bool)
    for start, end in slots:
        first, last = start // QUARTER, -(-end // QUARTER)  # the end rounds up to a quarter
        if end > start:
            quarters[first:last] = True
        else:
            quarters[first:] = True
            quarters[:last] = True
    return np.packbits(quarters)


def quarters_in(mask: NDArray[np.uint8]) -> int:
    return int(np.bitwise_count(mask).sum())


# -- ranking -----------------------------------------------------------------------------------


def _bits_all(values: NDArray[np.uint64], wanted: int) -> NDArray[np.bool_]:
    if wanted < 0:
        return np.zeros(len(values), dtype=bool)
    target = np.uint64(wanted)
    return (values & target) == target


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


def hard_filter(
    need: NeedSpec, index: CandidateIndex, rows: NDArray[np.int64], miles: NDArray[np.float64], at: date
) -> tuple[NDArray[np.bool_], dict[str, int]]:
    """Which of ``rows`` (already within the need's distance) pass every rule, and how many
    failed each rule first."""
    today = at.toordinal()
    keep = np.ones(len(rows), dtype=bool)
    alive = np.arange(len(rows))  # positions still passing: each rule looks only at these
    excluded: dict[str, int] = {}

    def apply(rule: str, test: Callable[[NDArray[np.int64], NDArray[np.float64]], NDArray[np.bool_]]) -> None:
        nonlocal alive
        if not len(alive):
            return
        passing = np.asarray(test(rows[alive], miles[alive]), dtype=bool)
        if count := int((~passing).sum()):
            excluded[rule] = excluded.get(rule, 0) + count
            keep[alive[~passing]] = False
            alive = alive[passing]

    apply("inactive", lambda rows, miles: index.active[rows])
    apply("travel", lambda rows, miles: miles <= index.travel_miles[rows])
    if need.dbs:
        apply("dbs", lambda rows, miles: index.dbs_until[rows, DBS_KINDS.index(need.dbs)] >= today)
    required = index.skill_vocab.mask(need.required_skills)
    apply("skills", lambda rows, miles: _bits_all(index.skills[rows], required))
    if columns := _required_courses(need, index):

        def trained(rows: NDArray[np.int64], miles: NDArray[np.float64]) -> NDArray[np.bool_]:
            until = index.course_until[np.ix_(rows, columns)]
            return np.all((until > today) & index.course_verified[np.ix_(rows, columns)], axis=1)

        apply("training", trained)
    if need.languages_required:
        spoken = index.language_vocab.mask(need.languages_required)
        apply("language", lambda rows, miles: _bits_all(index.languages[rows], spoken))
    if need.gender and need.gender_required:
        apply("gender", lambda rows, miles: index.gender[rows] == GENDERS.index(need.gender))
    if need.driver_needed:
        apply("driver", lambda rows, miles: index.drives[rows])
    if need.max_rate_pence:
        ceiling = need.max_rate_pence if need.rate_firm else need.max_rate_pence * RATE_STRETCH
        apply("rate", lambda rows, miles: index.min_rate[rows] <= ceiling)
    limits = index.limit_vocab.mask(
        code for code in need.limits if index.limit_vocab.position(code) is not None
    )
    if limits:
        apply("limits", lambda rows, miles: (index.wont_do[rows] & np.uint64(limits)) == 0)
    pattern = YEAR_PATTERNS.index(need.year_pattern) if need.year_pattern in YEAR_PATTERNS else 0
    apply("year", lambda rows, miles: (index.year_pattern[rows] == 0) | (index.year_pattern[rows] == pattern))
    if need.cover_days:
        if need.shift_kinds:
            wanted = index.shift_vocab.mask(
                k for k in need.shift_kinds if index.shift_vocab.position(k) is not None
            )
            if wanted > 0:
                apply("shift", lambda rows, miles: (index.shift_kinds[rows] & np.uint64(wanted)) != 0)
        apply("away", lambda rows, miles: ~_away_on(index, rows, need.cover_days))
    return keep, excluded


def score(
    need: NeedSpec, index: CandidateIndex, rows: NDArray[np.int64], miles: NDArray[np.float64], at: date
) -> dict[str, NDArray[np.float64]]:
    """Every factor for every row, each in [0, 1]."""
    today = at.toordinal()
    mask = slots_mask(need.slots)
    wanted = quarters_in(mask)
    if wanted:
        availability = np.bitwise_count(index.availability[rows] & mask).sum(axis=1) / wanted
    else:
        availability = np.ones(len(rows))
    travel = np.maximum(index.travel_miles[rows].astype(np.float64), 0.1)
    preferred = index.skill_vocab.mask(
        s for s in need.preferred_skills if index.skill_vocab.position(s) is not None
    )
    skills = _share(index.skills[rows], preferred, int(preferred).bit_count() if preferred > 0 else 0)
    groups_mask = index.group_vocab.mask(g for g in need.groups if index.group_vocab.position(g) is not None)
    groups = _share(index.groups[rows], groups_mask, int(groups_mask).bit_count() if groups_mask > 0 else 0)
    if columns := _relevant_courses(need, index):
        until = index.course_until[np.ix_(rows, columns)].astype(np.float64)
        # A course counts fully with a year or more left, less as it nears expiry, not at all after.
        left = np.clip((until - today) / 365.0, 0.0, 1.0) * index.course_verified[np.ix_(rows, columns)]
        training = left.mean(axis=1)
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
    hours = _hours_fit(need.hours_per_week, index.min_hours[rows], index.max_hours[rows])
    rate = _rate_fit(need.max_rate_pence, index.min_rate[rows])
    return {
        "availability": availability,
        "distance": np.exp(-miles / DISTANCE_DECAY_MILES),
        "skills": skills,
        "groups": groups,
        "training": training,
        "preferences": preferences,
        "hours": hours,
        "rate": rate,
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
    return total, recipient, pa


def rank(
    need: NeedSpec, index: CandidateIndex, at: date, *, limit: int = 20, weights: Weights = DEFAULT_WEIGHTS
) -> Ranking:
    """The PAs who meet every hard requirement of the need, best first (at most ``limit``)."""
    found_rows, found_miles = index.points.within(need.lat, need.lon, need.max_distance, ordered=False)
    rows = np.asarray(found_rows, dtype=np.int64)
    miles = np.asarray(found_miles, dtype=np.float64)
    active_near = int(index.active[rows].sum()) if len(rows) else 0
    excluded = {"distance": index.active_count - active_near} if index.active_count > active_near else {}
    if not len(rows):
        return Ranking(candidates=(), total=0, excluded=excluded)
    keep, failed = hard_filter(need, index, rows, miles, at)
    failed.pop("inactive", None)  # PAs not on the register are not "excluded": they are not candidates
    excluded |= failed
    rows, miles = rows[keep], miles[keep]
    if not len(rows):
        return Ranking(candidates=(), total=0, excluded=excluded)
    factors = score(need, index, rows, miles, at)
    total, recipient, pa = combine(factors, weights)
    top = min(limit, len(rows))
    best = np.argpartition(-total, top - 1)[:top] if top < len(rows) else np.arange(len(rows))
    best = best[np.lexsort((miles[best], -total[best]))]
    mask = slots_mask(need.slots)
    context = _Context(mask=mask, wanted=quarters_in(mask), courses=tuple(_relevant_courses(need, index)))
    candidates = tuple(
        Ranked(
            profile_id=int(index.profile_id[rows[i]]),
            score=round(float(total[i]), 4),
            recipient_score=round(float(recipient[i]), 4),
            pa_score=round(float(pa[i]), 4),
            miles=round(float(miles[i]), 1),
            factors={k: round(float(v[i]), 3) for k, v in factors.items()},
            reasons=reasons(
                need,
                index,
                int(rows[i]),
                float(miles[i]),
                {k: float(v[i]) for k, v in factors.items()},
                at,
                context,
            ),
        )
        for i in best.tolist()
    )
    return Ranking(candidates=candidates, total=len(rows), excluded=excluded)


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
        mask = slots_mask(need.slots)
        context = _Context(mask=mask, wanted=quarters_in(mask), courses=tuple(_relevant_courses(need, index)))
    mask, wanted = context.mask, context.wanted
    if wanted:
        covered = int(np.bitwise_count(index.availability[row] & mask).sum())
        said.append(f"Covers {_hours(covered)} of {_hours(wanted)} hours a week")
    limit = float(index.travel_miles[row])
    said.append(
        f"{miles:.1f} miles away as the crow flies, within both travel limits "
        f"(the need's {need.max_distance:g}, the PA's {limit:g})"
    )
    if need.preferred_skills:
        held = [
            s
            for s in need.preferred_skills
            if (position := index.skill_vocab.position(s)) is not None
            and int(index.skills[row]) >> position & 1
        ]
        said.append(f"Has {len(held)} of {len(need.preferred_skills)} preferred skills")
    if need.groups:
        said.append(
            f"Experience with {round(factors['groups'] * len(need.groups))} of {len(need.groups)} groups of people"
        )
    today = at.toordinal()
    held_skills = int(index.skills[row])
    for course in context.courses:
        code = index.course_vocab.codes[course]
        linked = [s for s, courses in index.skill_courses.items() if code in courses]
        relevant = any(
            s in need.required_skills
            or ((p := index.skill_vocab.position(s)) is not None and held_skills >> p & 1)
            for s in linked
        )
        if not relevant:  # training for a preferred skill the PA does not offer: not news
            continue
        until = int(index.course_until[row, course])
        name = index.course_vocab.name(course)
        if until == 0:
            said.append(f"No {name[0].lower()}{name[1:]} training")
        elif until <= today:
            months = max(1, round((today - until) / 30.4))
            said.append(
                f"{name.capitalize()} training expired {months} month{'s' if months != 1 else ''} ago"
            )
        elif until - today < 92:
            said.append(f"{name[0].upper()}{name[1:]} training expires in {until - today} days")
    if need.max_rate_pence and index.min_rate[row]:
        minimum = int(index.min_rate[row])
        if minimum > need.max_rate_pence:
            said.append(
                f"Asks £{minimum / 100:.2f} an hour, above the £{need.max_rate_pence / 100:.2f} budget"
            )
        else:
            said.append(
                f"Asks from £{minimum / 100:.2f} an hour, within the £{need.max_rate_pence / 100:.2f} budget"
            )
    if need.hours_per_week and factors["hours"] < 1:
        said.append("Wants a different number of hours a week")
    return tuple(said)
