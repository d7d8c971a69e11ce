"""Cover needs: which of their dates each PA can do.

A dated cover need is a list of shifts, each on a date (``NeedSpec.slots[i]`` on
``NeedSpec.cover_days[i]``). A PA can do a date unless they are away on it or it falls
outside their year pattern: a term-time-only PA cannot do a date in the school holidays, a
holidays-only PA a date in term. A date the school terms say nothing about is unknown: it
rules nobody out, and the reasons say so.

A PA is then judged on the hours of the dates they can do, as part cover of hours is: ranked
by the share covered, excluded only when they can do none of it, or, when the need asks for
all its hours, not all of it.
"""

from __future__ import annotations

from datetime import date

import msgspec
import numpy as np
from numpy.typing import NDArray

from market.matching.engine.columns import YEAR_PATTERNS, CandidateIndex, as_words, quarters_in, slots_mask
from market.matching.engine.need import NeedSpec, covered_quarters, rows_in
from market.matching.engine.rules import overlaps
from market.matching.engine.terms import HOLIDAY, TERM, UNKNOWN

Where = slice | NDArray[np.int64]

# [year pattern, day kind]: whether a PA of that pattern (YEAR_PATTERNS order: all year, term
# time only, school holidays only) can work a day of that kind (UNKNOWN, TERM, HOLIDAY). An
# unknown day suits every pattern.
WORKS_ON = np.array([[True, True, True], [True, True, False], [True, False, True]], dtype=bool)
assert YEAR_PATTERNS == ("all_year", "term_time", "school_holidays") and (UNKNOWN, TERM, HOLIDAY) == (0, 1, 2)


class DatedShifts(msgspec.Struct, frozen=True, kw_only=True):
    """A cover need's shifts laid on the PA's usual week, and its dates against the terms."""

    words: tuple[tuple[tuple[int, int], ...], ...]  # per shift: (word, bits) of its hours
    day_of: NDArray[np.intp]  # per shift: which of ``days`` it starts on
    spans: tuple[tuple[int, int], ...]  # per shift: the first and last day it touches (ordinals)
    days: tuple[date, ...]  # the distinct dates, in order
    kinds: NDArray[np.int8]  # per date: UNKNOWN, TERM or HOLIDAY
    allowed: NDArray[np.bool_]  # [pattern, date]: whether a PA of that year pattern can do it
    # Per pattern: the (word, bits) of every shift on a date it allows, each shift's own (so
    # that two shifts on one weekday both count); patterns alike share one tuple.
    by_pattern: tuple[tuple[tuple[int, int], ...], ...]
    wanted: int  # quarter-hours in all


def dated_shifts(need: NeedSpec, index: CandidateIndex) -> DatedShifts | None:
    """The need's dated shifts (None for a weekly need, or a cover need with no shifts yet)."""
    if not need.cover_days or not need.slots:
        return None
    if len(need.cover_days) != len(need.slots):
        raise ValueError("a cover need has one slot for each of its dates")
    days = tuple(sorted(set(need.cover_days)))
    position = {day: i for i, day in enumerate(days)}
    masks = [slots_mask([slot]) for slot in need.slots]
    words = []
    for mask in masks:
        packed = as_words(mask)
        words.append(tuple((int(w), int(packed[w])) for w in np.flatnonzero(packed)))
    kinds = index.terms.kinds_of(days)
    allowed = WORKS_ON[:, kinds]
    day_of = [position[day] for day in need.cover_days]
    by_pattern: list[tuple[tuple[int, int], ...]] = []
    for pattern in range(len(YEAR_PATTERNS)):
        pairs = tuple(pair for j, shift in enumerate(words) if allowed[pattern, day_of[j]] for pair in shift)
        by_pattern.append(next((same for same in by_pattern if same == pairs), pairs))
    return DatedShifts(
        words=tuple(words),
        day_of=np.array(day_of, dtype=np.intp),
        spans=tuple(_span(day, slot) for day, slot in zip(need.cover_days, need.slots, strict=True)),
        days=days,
        kinds=kinds,
        allowed=allowed,
        by_pattern=tuple(by_pattern),
        wanted=sum(quarters_in(mask) for mask in masks),
    )


def _span(day: date, slot: tuple[int, int]) -> tuple[int, int]:
    """The days a shift starting on ``day`` touches: one, or two for a night past midnight."""
    start, end = slot
    length = (end - start) % 10080 or 10080
    return day.toordinal(), day.toordinal() + (start % 1440 + length - 1) // 1440


def shift_cover(index: CandidateIndex, where: Where, shifts: DatedShifts) -> NDArray[np.int32]:
    """[row, shift]: how many of each shift's quarter-hours each row is usually free at."""
    held = np.zeros((rows_in(index, where), len(shifts.words)), dtype=np.int32)
    for j, pairs in enumerate(shifts.words):
        for word, bits in pairs:
            held[:, j] += np.bitwise_count(index.availability_words[where, word] & np.uint64(bits))
    return held


def pattern_cover(index: CandidateIndex, where: Where, shifts: DatedShifts) -> NDArray[np.int32]:
    """Quarter-hours of the need each row is usually free at, on the dates their year pattern
    lets them work (dates away not counted out: ``dated_cover`` does that)."""
    first = shifts.by_pattern[0]
    if all(pairs is first for pairs in shifts.by_pattern):  # every pattern can do every date
        return covered_quarters(index, where, first)
    counts = [covered_quarters(index, where, pairs) for pairs in shifts.by_pattern]
    return np.choose(index.year_pattern[where].astype(np.intp), counts)


def pattern_shifts(index: CandidateIndex, where: Where, shifts: DatedShifts) -> NDArray[np.bool_]:
    """[row, shift]: the shifts each row's year pattern lets them work (a shift is judged by
    the date it starts on: a night belongs to its evening)."""
    return shifts.allowed[index.year_pattern[where].astype(np.intp)][:, shifts.day_of]


def away_rows(index: CandidateIndex, rows: NDArray[np.int64]) -> NDArray[np.intp]:
    """Positions in ``rows`` of PAs with any dates away (few: found without a Python loop)."""
    if not index.away:
        return np.empty(0, dtype=np.intp)
    with_away = np.fromiter(index.away.keys(), dtype=np.int64, count=len(index.away))
    return np.flatnonzero(np.isin(rows, with_away))


def away_shifts(index: CandidateIndex, rows: NDArray[np.int64], shifts: DatedShifts) -> NDArray[np.bool_]:
    """[row, shift]: the shifts each row is away for, on any day the shift touches (only PAs
    with dates away are looked at)."""
    result = np.zeros((len(rows), len(shifts.spans)), dtype=bool)
    spans = np.array(shifts.spans, dtype=np.int64).reshape(-1, 2)
    for i in away_rows(index, rows).tolist():
        for first, last in index.away[int(rows[i])]:
            result[i] |= overlaps(first, last, spans[:, 0], spans[:, 1])
    return result


def covered(cover: NDArray[np.int32], can: NDArray[np.bool_]) -> NDArray[np.int32]:
    """Quarter-hours covered per row: each shift's cover ([row, shift]), where the row can do it."""
    return (cover * can).sum(axis=1, dtype=np.int32)


def can_do(index: CandidateIndex, rows: NDArray[np.int64], shifts: DatedShifts) -> NDArray[np.bool_]:
    """[row, shift]: the shifts each row can do: in their year pattern and not away."""
    return pattern_shifts(index, rows, shifts) & ~away_shifts(index, rows, shifts)


def dated_cover(index: CandidateIndex, rows: NDArray[np.int64], shifts: DatedShifts) -> NDArray[np.int32]:
    """Quarter-hours of the need each row can cover, on the dates they can do: in their year
    pattern, and not away (the few rows with dates away worked out shift by shift)."""
    held = pattern_cover(index, rows, shifts)
    if len(spots := away_rows(index, rows)):
        some = rows[spots]
        held[spots] = covered(shift_cover(index, some, shifts), can_do(index, some, shifts))
    return held


def dates_away(index: CandidateIndex, row: int, shifts: DatedShifts) -> int:
    """How many of the need's dates the PA loses a shift on by being away."""
    lost = away_shifts(index, np.array([row], dtype=np.int64), shifts)[0]
    return len(set(shifts.day_of[lost].tolist()))


def day_counts(shifts: DatedShifts, pattern: int) -> tuple[int, int, int]:
    """For a PA of this year pattern (an index into YEAR_PATTERNS): of the need's dates, how
    many are in the pattern for certain, how many out of it, and how many unknown."""
    unknown = int(np.count_nonzero(shifts.kinds == UNKNOWN))
    if pattern == 0:
        return len(shifts.days) - unknown, 0, unknown
    fits = int(np.count_nonzero(shifts.kinds == (TERM if YEAR_PATTERNS[pattern] == "term_time" else HOLIDAY)))
    return fits, len(shifts.days) - unknown - fits, unknown
