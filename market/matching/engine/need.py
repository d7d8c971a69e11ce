"""A need as the engine sees it, and the training courses its skills call for."""

from __future__ import annotations

from datetime import date

import msgspec

from market.matching.engine.columns import CandidateIndex


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
