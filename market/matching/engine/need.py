"""A need as the engine sees it, and the training courses its skills call for."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from functools import lru_cache

import msgspec
import numpy as np
from numpy.typing import NDArray

from market.matching.engine.columns import CandidateIndex, as_words, quarters_in, slots_mask

# What driving a need asks of the PA: none; driving the person's own (often adapted) car, which
# takes a full UK licence; or bringing the PA's own car, which takes a licence, a car they can
# use for work and business insurance for it.
DRIVING = ("none", "recipients_car", "own_car")


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
    driving: str = "none"  # one of DRIVING: what driving the work needs of the PA
    limits: tuple[str, ...] = ()  # what the work involves that a PA may refuse (pets, smoking ...)
    shift_kinds: tuple[str, ...] = ()  # for cover: the PA must offer one of these
    max_rate_pence: int = 0  # 0: no budget given
    rate_firm: bool = False
    year_pattern: str = "all_year"
    dbs: str = ""  # one of DBS_KINDS, or "" for none
    cover_days: tuple[date, ...] = ()  # a cover need: the dates it covers (``slots``: one a date)
    all_hours: bool = False  # only PAs free at every one of the need's hours


def required_courses(need: NeedSpec, index: CandidateIndex) -> list[int]:
    columns = []
    for skill in need.required_skills:
        for course in index.skill_courses.get(skill, ()):
            column = index.course_vocab.position(course)
            if column is not None and column not in columns:
                columns.append(column)
    return columns


def relevant_courses(need: NeedSpec, index: CandidateIndex) -> list[int]:
    columns = []
    for skill in (*need.required_skills, *need.preferred_skills):
        for course in index.skill_courses.get(skill, ()):
            column = index.course_vocab.position(course)
            if column is not None and column not in columns:
                columns.append(column)
    return columns


def need_words(need: NeedSpec) -> tuple[tuple[tuple[int, int], ...], int]:
    """A weekly need's hours as (word, bits) pairs of the week's availability words, and how
    many quarter-hours it needs. (A dated cover need's shifts are ``dated.dated_shifts``.)"""
    return slot_words(need.slots)


def rows_in(index: CandidateIndex, where: slice | NDArray) -> int:
    """How many rows ``where`` picks (a slice of the index, row numbers or a mask), without
    reading any of them."""
    if isinstance(where, slice):
        return len(range(*where.indices(len(index))))
    where = np.asarray(where)
    return int(np.count_nonzero(where)) if where.dtype == np.bool_ else len(where)


def slot_words(slots: Sequence[tuple[int, int]]) -> tuple[tuple[tuple[int, int], ...], int]:
    """Weekly slots (minute-of-week intervals) as (word, bits) pairs, and their quarter-hours:
    what ``covered_quarters`` counts a row's availability against."""
    return _slot_words(tuple((int(start), int(end)) for start, end in slots))


@lru_cache(maxsize=4096)
def _slot_words(slots: tuple[tuple[int, int], ...]) -> tuple[tuple[tuple[int, int], ...], int]:
    # Kept for the slots asked again (a search's days, a need's hours): a pure function.
    mask = slots_mask(slots)
    words = as_words(mask)
    return tuple((int(w), int(words[w])) for w in np.flatnonzero(words)), quarters_in(mask)


def covered_quarters(
    index: CandidateIndex, where: slice | NDArray[np.int64], pairs: tuple[tuple[int, int], ...]
) -> NDArray[np.int32]:
    """How many of the need's quarter-hours each row (a slice, or row numbers) is free at."""
    held = np.zeros(rows_in(index, where), dtype=np.int32)
    for word, bits in pairs:
        held += np.bitwise_count(index.availability_words[where, word] & np.uint64(bits))
    return held
