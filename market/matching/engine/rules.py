"""One definition of each hard rule and each soft factor, as element-wise array operations
that broadcast: a need's value against every PA's column (``ranking.rank``, the forward
engine), or one PA's value against every need's column (``needs.work_for``, the reverse pass
behind work near you). Pure numpy; each returns an array of the broadcast shape."""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from market.geo.distance import EARTH_RADIUS_MILES
from market.matching.engine.budget import BUDGET_STRETCH_PERCENT

Array = NDArray[Any] | Any  # an array, or a scalar broadcast against one

DISTANCE_DECAY_MILES = 6.0

# -- hard rules ---------------------------------------------------------------------------------


def reach_cos(miles: Array) -> NDArray[np.float64]:
    """The least dot product of unit vectors within ``miles`` (a limit below 0 reaches nowhere
    but the point itself, as 0 does)."""
    theta = np.minimum(np.maximum(np.asarray(miles, dtype=np.float64), 0.0) / EARTH_RADIUS_MILES, np.pi)
    return np.cos(theta)


def within(near: Array, reach: Array) -> NDArray[np.bool_]:
    """The dot product of two places' unit vectors is at least a limit's cosine: in reach."""
    return np.asarray(near >= reach)


def holds_all(held: Array, wanted: Array) -> NDArray[np.bool_]:
    """Every bit of ``wanted`` is held (skills, languages, courses current)."""
    return np.asarray((held & wanted) == wanted)


def holds_none(held: Array, refused: Array) -> NDArray[np.bool_]:
    """None of ``refused`` is held (work the PA will not do)."""
    return np.asarray((held & refused) == 0)


def holds_any(held: Array, offered: Array) -> NDArray[np.bool_]:
    """Some bit of ``offered`` is held (the shift kinds a cover need accepts)."""
    return np.asarray((held & offered) != 0)


def dbs_current(until: Array, today: int) -> NDArray[np.bool_]:
    """A check current on ``today`` (``until``: its last current day, an ordinal; 0 none)."""
    return np.asarray(until >= today)


def course_current(until: Array, verified: Array, today: int) -> NDArray[np.bool_]:
    """A course completion current and verified (``until``: the first day expired)."""
    return np.asarray((until > today) & verified)


def rate_within(min_rate: Array, ceiling: Array) -> NDArray[np.bool_]:
    """The PA's minimum rate within the budget's ceiling (``budget.rate_ceiling``)."""
    return np.asarray(min_rate <= ceiling)


def year_fits(pa_pattern: Array, need_pattern: Array) -> NDArray[np.bool_]:
    """A weekly need: a PA with no year pattern (0) suits any need; one with a pattern only a
    need with the same one (a need of 0, all year, then suits nobody with a pattern)."""
    return np.asarray((pa_pattern == 0) | (pa_pattern == need_pattern))


def quarters_free(words: Array, wanted: Array) -> NDArray[np.int32]:
    """Quarter-hours of ``wanted`` the availability ``words`` hold (both [..., WORDS] uint64)."""
    return np.bitwise_count(words & wanted).sum(axis=-1, dtype=np.int32)


def overlaps(first: Array, last: Array, starts: Array, ends: Array) -> NDArray[np.bool_]:
    """Day ranges [first, last] and [starts, ends] (ordinals, inclusive) share a day."""
    return np.asarray((first <= ends) & (starts <= last))


def chord_miles(dx: Array, dy: Array, dz: Array) -> NDArray[np.float64]:
    """Straight-line miles between two places from the differences of their unit vectors (the
    haversine distance, from the chord: exact at every range)."""
    chord = np.sqrt(dx * dx + dy * dy + dz * dz)
    return np.asarray(2.0 * EARTH_RADIUS_MILES * np.arcsin(np.minimum(chord / 2.0, 1.0)))


# -- soft factors -------------------------------------------------------------------------------


def share(held: Array, wanted: Array) -> NDArray[np.float64]:
    """Fraction of the wanted bits held (1 when nothing is wanted)."""
    wanted = np.asarray(wanted, dtype=np.uint64)
    count = np.bitwise_count(wanted).astype(np.float64)
    got = np.bitwise_count(np.asarray(held, dtype=np.uint64) & wanted).astype(np.float64)
    return np.where(count > 0, got / np.maximum(count, 1.0), 1.0)


def course_credit(until: Array, verified: Array, today: int) -> NDArray[np.float64]:
    """A course counts fully with a year or more left, less as it nears expiry, not at all after."""
    return np.clip((np.asarray(until, dtype=np.float64) - today) / 365.0, 0.0, 1.0) * verified


def distance_fit(miles: Array) -> NDArray[np.float64]:
    return np.asarray(np.exp(-np.asarray(miles, dtype=np.float64) / DISTANCE_DECAY_MILES))


def travel_fit(miles: Array, travel_miles: Array) -> NDArray[np.float64]:
    """How far within the PA's own travel limit: 1 at their door, 0.5 at the limit."""
    travel = np.maximum(np.asarray(travel_miles, dtype=np.float64), 0.1)
    return np.asarray(np.clip(1.0 - 0.5 * miles / travel, 0.0, 1.0))


def hours_fit(offered: Array, low: Array, high: Array) -> NDArray[np.float64]:
    """1 when the hours offered are within what the PA wants; less the further outside (1 when
    the need gives no hours)."""
    offered = np.asarray(offered, dtype=np.float64)
    lo = np.where(np.asarray(low) > 0, low, 0.0).astype(np.float64)
    hi = np.where(np.asarray(high) > 0, high, np.inf).astype(np.float64)
    short = np.clip((lo - offered) / np.maximum(lo, 1.0), 0.0, 1.0)
    with np.errstate(invalid="ignore"):
        over = np.clip((offered - hi) / np.maximum(offered, 1.0), 0.0, 1.0)
    return np.where(offered > 0, 1.0 - np.maximum(short, over), 1.0)


def rate_fit(budget: Array, minimum: Array) -> NDArray[np.float64]:
    """How well the budget pays the PA: 1 at 20% above their minimum or more, 0.6 at exactly
    their minimum, falling to 0 at 10% below it (about the most a budget may stretch:
    ``budget.BUDGET_STRETCH_PERCENT``); 1 when no budget is given."""
    budget = np.asarray(budget, dtype=np.float64)
    floor = np.maximum(np.asarray(minimum, dtype=np.float64), 1.0)
    ratio = budget / floor
    stretch = BUDGET_STRETCH_PERCENT / 100
    fit = np.clip(
        np.where(ratio >= 1.0, 0.6 + 2.0 * (ratio - 1.0), 0.6 * (ratio - (1 - stretch)) / stretch), 0.0, 1.0
    )
    return np.where(budget > 0, fit, 1.0)
