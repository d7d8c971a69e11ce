"""Synthetic registers and needs for the engine's tests and benchmarks: PAs at real English
postcode sectors, weighted by how many postcodes each sector has (so spread like the people),
with skills, training, DBS, availability and limits drawn at plausible rates. Deterministic
for a seed. Pure numpy: no database."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np

from market.geo.centroids import load_table
from market.matching.engine.columns import (
    DBS_KINDS,
    MASK_BYTES,
    QUARTER,
    CandidateIndex,
    Vocabulary,
    slots_mask,
)
from market.matching.engine.ranking import NeedSpec
from market.matching.engine.records import PARow, Vocabularies

# Postcode areas outside England (Scotland, and Wales's wholly Welsh areas).
NOT_ENGLAND = {
    "AB", "DD", "DG", "EH", "FK", "G", "HS", "IV", "KA", "KW", "KY", "ML", "PA", "PH", "TD", "ZE",
    "CF", "LD", "LL", "NP", "SA",
}  # fmt: skip
SKILLS = (
    "personal_care", "hoist", "medication", "peg_feeding", "catheter_stoma", "epilepsy", "dementia",
    "autism", "learning_disability", "mental_health", "behaviour", "complex_health", "end_of_life",
    "children", "bsl", "driving_own_car", "meal_preparation", "domestic", "shopping", "community",
    "sleeping_nights", "waking_nights", "live_in", "respite",
)  # fmt: skip
COURSES = (
    "moving_handling",
    "medication",
    "peg_feeding",
    "epilepsy",
    "catheter_care",
    "dementia",
    "safeguarding_adults",
)
SKILL_COURSES: dict[str, tuple[str, ...]] = {
    "hoist": ("moving_handling",),
    "personal_care": ("moving_handling",),
    "medication": ("medication",),
    "peg_feeding": ("peg_feeding",),
    "epilepsy": ("epilepsy",),
    "catheter_stoma": ("catheter_care",),
    "dementia": ("dementia",),
}
GROUPS = (
    "older_people",
    "physical_disability",
    "learning_disability",
    "autism",
    "mental_health",
    "sensory",
    "dementia",
    "children",
)
LANGUAGES = ("english", "polish", "urdu", "punjabi", "romanian", "bsl", "bengali", "gujarati")
LIMITS = (
    "personal_care",
    "pets",
    "smoking",
    "sleeping_nights",
    "waking_nights",
    "live_in",
    "children",
    "driving",
)
SHIFTS = ("day", "evening", "sleeping_night", "waking_night", "weekend", "live_in", "emergency")


def english_sectors() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(lat, lon, weight) of every English postcode sector, weighted by its postcodes."""
    table = load_table()
    codes = [c for c in table.sectors if c.split(" ")[0].rstrip("0123456789") not in NOT_ENGLAND]
    lat = np.array([table.sectors[c][0] for c in codes])
    lon = np.array([table.sectors[c][1] for c in codes])
    weight = np.array([table.sector_postcodes.get(c, 1) for c in codes], dtype=np.float64)
    return lat, lon, weight / weight.sum()


def make_index(n: int, *, seed: int = 1, at: date | None = None) -> CandidateIndex:
    """``n`` synthetic PAs."""
    rng = np.random.default_rng(seed)
    today = (at or date(2026, 12, 1)).toordinal()
    lat_s, lon_s, weight = english_sectors()
    where = rng.choice(len(weight), size=n, p=weight)
    lat = lat_s[where] + rng.normal(0, 0.01, n)
    lon = lon_s[where] + rng.normal(0, 0.015, n)
    skill_bits = rng.random((n, len(SKILLS))) < 0.25
    skills = (skill_bits.astype(np.uint64) << np.arange(len(SKILLS), dtype=np.uint64)).sum(
        axis=1, dtype=np.uint64
    )
    years = np.where(skill_bits, rng.integers(0, 15, (n, len(SKILLS))), 0).astype(np.uint8)
    course_until = np.where(
        rng.random((n, len(COURSES))) < 0.6, today + rng.integers(-400, 1000, (n, len(COURSES))), 0
    ).astype(np.int32)
    dbs = np.zeros((n, len(DBS_KINDS)), dtype=np.int32)
    has = rng.random(n) < 0.85
    until = np.where(has, today + rng.integers(-200, 1100, n), 0)
    lists = rng.choice(4, size=n, p=[0.05, 0.7, 0.1, 0.15])  # none, adults, children, both
    dbs[:, 0] = dbs[:, 1] = dbs[:, 2] = until
    dbs[:, 3] = np.where(np.isin(lists, (1, 3)), until, 0)
    dbs[:, 4] = np.where(np.isin(lists, (2, 3)), until, 0)
    dbs[:, 5] = np.where(lists == 3, until, 0)
    availability = np.zeros((n, MASK_BYTES), dtype=np.uint8)
    patterns = [slots_mask(p) for p in _patterns()]
    availability[:] = np.array(patterns)[rng.integers(0, len(patterns), n)]
    wont = (rng.random((n, len(LIMITS))) < 0.06).astype(np.uint64) << np.arange(len(LIMITS), dtype=np.uint64)
    return CandidateIndex(
        profile_id=np.arange(1, n + 1, dtype=np.int64),
        active=rng.random(n) < 0.92,
        lat=lat,
        lon=lon,
        travel_miles=rng.choice([5, 8, 10, 12, 15, 20, 25], size=n).astype(np.float32),
        dbs_until=dbs,
        skills=skills,
        skill_years=years,
        course_until=course_until,
        course_verified=rng.random((n, len(COURSES))) < 0.95,
        groups=_bits(rng, n, len(GROUPS), 0.3),
        languages=np.uint64(1) | _bits(rng, n, len(LANGUAGES), 0.05),
        gender=rng.choice(3, size=n, p=[0.1, 0.65, 0.25]).astype(np.int8),
        # Licence, car for work, business insurance: each a subset of the one before (one draw).
        licence=(drive := rng.random(n)) < 0.75,
        car=drive < 0.6,
        car_insurance=drive < 0.5,
        min_rate=rng.integers(46, 67, n).astype(np.int32) * 25,
        wont_do=wont.sum(axis=1, dtype=np.uint64),
        year_pattern=rng.choice(3, size=n, p=[0.85, 0.1, 0.05]).astype(np.int8),
        shift_kinds=_bits(rng, n, len(SHIFTS), 0.4),
        availability=availability,
        min_hours=rng.choice([0, 8, 16], size=n).astype(np.float32),
        max_hours=rng.choice([0, 20, 30, 40], size=n).astype(np.float32),
        skill_vocab=Vocabulary(SKILLS),
        course_vocab=Vocabulary(COURSES),
        group_vocab=Vocabulary(GROUPS),
        language_vocab=Vocabulary(LANGUAGES),
        limit_vocab=Vocabulary(LIMITS),
        shift_vocab=Vocabulary(SHIFTS),
        skill_courses=SKILL_COURSES,
    )


def _bits(rng: np.random.Generator, n: int, width: int, rate: float) -> np.ndarray:
    held = (rng.random((n, width)) < rate).astype(np.uint64) << np.arange(width, dtype=np.uint64)
    return held.sum(axis=1, dtype=np.uint64)


def _day(day: int, start_hour: float, end_hour: float) -> tuple[int, int]:
    return (day * 1440 + int(start_hour * 60), day * 1440 + int(end_hour * 60))


def _patterns() -> list[list[tuple[int, int]]]:
    weekdays = [_day(d, 9, 17) for d in range(5)]
    mornings = [_day(d, 7, 10) for d in range(7)]
    evenings = [_day(d, 17, 22) for d in range(5)]
    nights = [(d * 1440 + 22 * 60, ((d + 1) % 7) * 1440 + 7 * 60 or 10080) for d in (4, 5, 6)]
    weekends = [_day(d, 8, 20) for d in (5, 6)]
    return [weekdays, mornings, evenings, nights, weekends, weekdays + evenings, mornings + weekends]


def _need_driving(draw: float) -> str:
    return "own_car" if draw < 0.1 else "recipients_car" if draw < 0.2 else "none"


def _dates_of(slots: tuple[tuple[int, int], ...], after: date) -> tuple[date, ...]:
    """A cover need's dates: for each slot, the first date after ``after`` on its weekday."""
    first = after + timedelta(days=1)
    return tuple(first + timedelta(days=(start // 1440 - first.weekday()) % 7) for start, _ in slots)


def random_need(rng: np.random.Generator, *, at: date | None = None, dense: bool = False) -> NeedSpec:
    """A plausible need somewhere in England (``dense``: central London, the worst case)."""
    if dense:
        lat, lon = 51.515 + rng.normal(0, 0.01), -0.09 + rng.normal(0, 0.015)
    else:
        lat_s, lon_s, weight = english_sectors()
        i = rng.choice(len(weight), p=weight)
        lat, lon = float(lat_s[i]), float(lon_s[i])
    start = int(rng.integers(0, 7)) * 1440 + int(rng.integers(28, 40)) * QUARTER * 2
    slots = tuple(
        (start % 10080 + day * 1440, start % 10080 + day * 1440 + int(rng.integers(4, 16)) * QUARTER)
        for day in range(int(rng.integers(1, 4)))
        if start % 10080 + day * 1440 + 16 * QUARTER <= 10080
    )
    required = tuple(rng.choice(SKILLS[:8], size=int(rng.integers(0, 3)), replace=False).tolist())
    preferred = tuple(rng.choice(SKILLS, size=int(rng.integers(0, 4)), replace=False).tolist())
    child = bool(rng.random() < 0.15)
    day = at or date(2026, 12, 1)
    return NeedSpec(
        lat=float(lat),
        lon=float(lon),
        max_distance=float(rng.choice([5, 10, 15, 20])),
        slots=slots or ((540, 1020),),
        hours_per_week=float(rng.integers(4, 30)),
        required_skills=required,
        preferred_skills=preferred,
        groups=tuple(rng.choice(GROUPS, size=int(rng.integers(0, 3)), replace=False).tolist()),
        languages_required=("english",),
        gender="woman" if rng.random() < 0.2 else "",
        gender_required=bool(rng.random() < 0.5),
        driving=_need_driving(float(rng.random())),
        limits=("personal_care",) if "personal_care" in required else (),
        max_rate_pence=int(rng.integers(52, 70)) * 25,
        rate_firm=bool(rng.random() < 0.5),
        dbs="enhanced_children" if child else "enhanced_adults",
        cover_days=_dates_of(slots or ((540, 1020),), day) if rng.random() < 0.1 else (),
        shift_kinds=("day",),
    )


VOCABULARIES = Vocabularies(
    skills=Vocabulary(SKILLS),
    courses=Vocabulary(COURSES),
    groups=Vocabulary(GROUPS),
    languages=Vocabulary(LANGUAGES),
    limits=Vocabulary(LIMITS),
    shifts=Vocabulary(SHIFTS),
    skill_courses=SKILL_COURSES,
)


def random_row(
    rng: np.random.Generator,
    profile_id: int,
    *,
    near: tuple[float, float] | None = None,
    spread_miles: float = 15.0,
    at: date | None = None,
) -> PARow:
    """One plausible PA as the database would give it (for patch tests): somewhere in England,
    or within about ``spread_miles`` of ``near``."""
    day = at or date(2026, 12, 1)
    if near is None:
        lat_s, lon_s, weight = english_sectors()
        i = rng.choice(len(weight), p=weight)
        lat, lon = float(lat_s[i]) + rng.normal(0, 0.01), float(lon_s[i]) + rng.normal(0, 0.015)
    else:
        lat = near[0] + rng.uniform(-1, 1) * spread_miles / 69.0
        lon = near[1] + rng.uniform(-1, 1) * spread_miles / 43.0
    until = day + timedelta(days=int(rng.integers(-200, 1100)))
    lists = int(rng.choice(4, p=[0.05, 0.7, 0.1, 0.15]))
    dbs = {}
    if rng.random() < 0.85:
        dbs = {"basic": until, "standard": until, "enhanced": until}
        if lists in (1, 3):
            dbs["enhanced_adults"] = until
        if lists in (2, 3):
            dbs["enhanced_children"] = until
        if lists == 3:
            dbs["enhanced_both"] = until
    courses: dict[str, tuple[date | None, bool]] = {}
    for code in COURSES:
        if rng.random() < 0.6:
            expires = None if rng.random() < 0.1 else day + timedelta(days=int(rng.integers(-400, 1000)))
            courses[code] = (expires, bool(rng.random() < 0.95))
    away: tuple[tuple[date, date], ...] = ()
    if rng.random() < 0.1:
        first = day + timedelta(days=int(rng.integers(-5, 10)))
        away = ((first, first + timedelta(days=int(rng.integers(0, 7)))),)
    pick = lambda codes, rate: tuple(c for c in codes if rng.random() < rate)  # noqa: E731
    return PARow(
        profile_id=profile_id,
        lat=float(lat),
        lon=float(lon),
        active=bool(rng.random() < 0.92),
        travel_miles=float(rng.choice([5, 8, 10, 12, 15, 20, 25])),
        dbs_until=dbs,
        skills={code: int(rng.integers(0, 15)) for code in pick(SKILLS, 0.25)},
        courses=courses,
        groups=pick(GROUPS, 0.3),
        languages=("english", *pick(LANGUAGES[1:], 0.05)),
        gender=str(rng.choice(["", "woman", "man"], p=[0.1, 0.65, 0.25])),
        licence=(drive := float(rng.random())) < 0.75,
        car=drive < 0.6,
        car_insurance=drive < 0.5,
        min_rate_pence=int(rng.integers(46, 67)) * 25,
        wont_do=pick(LIMITS, 0.06),
        year_pattern=str(rng.choice(["all_year", "term_time", "school_holidays"], p=[0.85, 0.1, 0.05])),
        shift_kinds=pick(SHIFTS, 0.4),
        slots=tuple(_patterns()[int(rng.integers(0, 7))]),
        min_hours=float(rng.choice([0, 8, 16])),
        max_hours=float(rng.choice([0, 20, 30, 40])),
        away=away,
    )
