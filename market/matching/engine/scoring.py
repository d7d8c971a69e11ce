"""The soft score: every factor in [0, 1] for the rows that passed the hard requirements,
and how they combine. The recipient's view (availability, distance, preferred skills,
client groups, training, preferences) and the PA's view (hours, rate, how far within their
own travel limit) are weighted means; the total is their harmonic mean, so a match good for
one side only ranks low."""

from __future__ import annotations

from datetime import date

import msgspec
import numpy as np
from numpy.typing import NDArray

from market.geo.distance import unit_vectors
from market.matching.engine import dated
from market.matching.engine import rules as shared
from market.matching.engine.columns import GENDERS, CandidateIndex
from market.matching.engine.dated import DatedShifts
from market.matching.engine.need import NeedSpec, covered_quarters, need_words, relevant_courses

DISTANCE_DECAY_MILES = shared.DISTANCE_DECAY_MILES

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


def _share(values: NDArray[np.uint64], wanted: int, count: int) -> NDArray[np.float64]:
    """Fraction of the wanted bits each row holds (1 when nothing is wanted: ``rules.share``)."""
    if count == 0 or wanted <= 0:
        return np.ones(len(values))
    return shared.share(values, np.uint64(wanted))


def miles_to(need: NeedSpec, index: CandidateIndex, rows: NDArray[np.int64]) -> NDArray[np.float64]:
    """Straight-line miles from the need to each row's PA (the haversine distance, from the
    chord between unit vectors: exact at every range)."""
    x, y, z = unit_vectors(need.lat, need.lon)[0].tolist()
    dx, dy, dz = index.xyz[:, 0][rows] - x, index.xyz[:, 1][rows] - y, index.xyz[:, 2][rows] - z
    return shared.chord_miles(dx, dy, dz)


def score(
    need: NeedSpec,
    index: CandidateIndex,
    rows: NDArray[np.int64],
    miles: NDArray[np.float64],
    at: date,
    *,
    shifts: DatedShifts | None,
) -> dict[str, NDArray[np.float64]]:
    """Every factor for every row, each in [0, 1]. ``shifts``: the need's dated shifts
    (``dated.dated_shifts``: None for a weekly need)."""
    today = at.toordinal()
    if shifts is not None:  # a cover need: the dates they can do
        wanted = shifts.wanted
        held = dated.dated_cover(index, rows, shifts)
    else:  # only the words of the week the need's hours fall in
        pairs, wanted = need_words(need)
        held = covered_quarters(index, rows, pairs)
    availability = held / wanted if wanted else np.ones(len(rows))
    preferred = index.skill_vocab.mask(
        s for s in need.preferred_skills if index.skill_vocab.position(s) is not None
    )
    skills = _share(index.skills[rows], preferred, int(preferred).bit_count() if preferred > 0 else 0)
    groups_mask = index.group_vocab.mask(g for g in need.groups if index.group_vocab.position(g) is not None)
    groups = _share(index.groups[rows], groups_mask, int(groups_mask).bit_count() if groups_mask > 0 else 0)
    if columns := relevant_courses(need, index):
        # A course counts fully with a year or more left, less as it nears expiry, not at all after.
        training = np.zeros(len(rows))
        for column in columns:
            training += shared.course_credit(
                index.course_until[:, column][rows], index.course_verified[:, column][rows], today
            )
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
    return {
        "availability": availability,
        "distance": shared.distance_fit(miles),
        "skills": skills,
        "groups": groups,
        "training": training,
        "preferences": preferences,
        "hours": _hours_fit(need.hours_per_week, index.min_hours[rows], index.max_hours[rows]),
        "rate": _rate_fit(need.max_rate_pence, index.min_rate[rows]),
        "travel": shared.travel_fit(miles, index.travel_miles[rows]),
    }


def _hours_fit(offered: float, low: NDArray[np.float32], high: NDArray[np.float32]) -> NDArray[np.float64]:
    """1 when the hours offered are within what the PA wants; less the further outside."""
    if offered <= 0:
        return np.ones(len(low))
    return shared.hours_fit(offered, low, high)


def _rate_fit(budget: int, minimum: NDArray[np.int32]) -> NDArray[np.float64]:
    """How well the budget pays the PA: 1 at 20% above their minimum or more, 0.6 at exactly
    their minimum, falling to 0 at 10% below it (about the most a budget may stretch:
    ``budget.BUDGET_STRETCH_PERCENT``)."""
    if budget <= 0:
        return np.ones(len(minimum))
    return shared.rate_fit(budget, minimum)


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
