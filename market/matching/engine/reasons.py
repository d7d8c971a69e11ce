"""Plain English for each ranked PA: what their score is made of, in two lists: why they are
suggested, and what is worth knowing (what tells against them: above the budget, part of the
hours, preferred skills or training missing). Only the rows returned are written, one by one;
what they share is worked out once a ranking (``ReasonContext``)."""

from __future__ import annotations

from datetime import date

import msgspec

from market.matching.engine import dated
from market.matching.engine.budget import rate_reason
from market.matching.engine.columns import YEAR_PATTERNS, CandidateIndex
from market.matching.engine.dated import DatedShifts
from market.matching.engine.need import NeedSpec, need_words, relevant_courses


def _hours(quarters: float) -> str:
    hours = quarters / 4
    return f"{hours:g}"


class ReasonContext(msgspec.Struct, frozen=True):
    """What every ranked PA's reasons share, worked out once a ranking."""

    wanted: int
    courses: tuple[int, ...]
    words: tuple[tuple[int, int], ...] = ()  # (word, bits) of the need's hours (``need.need_words``)
    preferred: tuple[int, ...] = ()  # bit positions of the preferred skills the vocabulary has
    # Per relevant course: (column, name, whether a required skill depends on it, the bits of
    # the skills that depend on it): its news matters if required or the PA offers such a skill.
    course_facts: tuple[tuple[int, str, bool, int], ...] = ()
    shifts: DatedShifts | None = None  # a dated cover need's shifts (``dated.dated_shifts``)


def reason_context(
    need: NeedSpec,
    index: CandidateIndex,
    *,
    shifts: DatedShifts | None,
    hours: tuple[tuple[tuple[int, int], ...], int] | None = None,
) -> ReasonContext:
    """``shifts``: the need's dated shifts (``dated.dated_shifts``: None for a weekly need).
    ``hours``: a weekly need's ``need_words``, when the caller has them already."""
    words, wanted = ((), shifts.wanted) if shifts is not None else (hours or need_words(need))
    courses = tuple(relevant_courses(need, index))
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
    return ReasonContext(
        wanted=wanted,
        courses=courses,
        words=words,
        preferred=tuple(p for s in need.preferred_skills if (p := index.skill_vocab.position(s)) is not None),
        course_facts=tuple(facts),
        shifts=shifts,
    )


def reasons(
    need: NeedSpec,
    index: CandidateIndex,
    row: int,
    miles: float,
    factors: dict[str, float],
    at: date,
    context: ReasonContext | None = None,
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Plain English for one ranked PA: (why they are suggested, what is worth knowing)."""
    good: list[str] = []
    worth: list[str] = []
    if context is None:
        context = reason_context(need, index, shifts=dated.dated_shifts(need, index))
    if context.shifts is not None:
        _date_reasons(index, row, factors["availability"], context.shifts, good, worth)
    elif wanted := context.wanted:
        held = index.availability_words[row].tolist()
        covered = sum((held[word] & bits).bit_count() for word, bits in context.words)
        (good if covered >= wanted else worth).append(
            f"Covers {_hours(covered)} of {_hours(wanted)} hours a week"
        )
    limit = float(index.travel_miles[row])
    good.append(
        f"{miles:.1f} miles away as the crow flies, within both travel limits "
        f"(the need's {need.max_distance:g}, the PA's {limit:g})"
    )
    held_skills = int(index.skills[row])
    if need.preferred_skills:
        held = sum(held_skills >> position & 1 for position in context.preferred)
        wanted_skills = len(need.preferred_skills)
        (good if held >= wanted_skills else worth).append(f"Has {held} of {wanted_skills} preferred skills")
    if need.groups:
        known = round(factors["groups"] * len(need.groups))
        (good if known >= len(need.groups) else worth).append(
            f"Experience with {known} of {len(need.groups)} groups of people"
        )
    worth.extend(_training_reasons(index, row, held_skills, context, at.toordinal()))
    if rate := rate_reason(need.max_rate_pence, need.rate_firm, int(index.min_rate[row])):
        (good if rate[0] else worth).append(rate[1])
    if need.hours_per_week and factors["hours"] < 1:
        worth.append("Wants a different number of hours a week")
    return tuple(good), tuple(worth)


def _of_dates(count: int, total: int) -> str:
    """ "all 5 dates", "the date", "2 of the 5 dates"."""
    if total == 1:
        return "the date"
    if count == total:
        return f"all {total} dates" if total > 2 else "both dates"
    return f"{count} of the {total} dates"


_PATTERN_WORDS = {
    "term_time": ("Term time only", "in term", "in the school holidays"),
    "school_holidays": ("School holidays only", "in the school holidays", "in term"),
}


def _date_reasons(
    index: CandidateIndex, row: int, share: float, shifts: DatedShifts, good: list[str], worth: list[str]
) -> None:
    """A dated cover need: the hours of the dates the PA can do (``share``: their availability
    factor, the share of the need's hours they can cover), their year pattern against the
    school terms, and the dates they are away."""
    wanted = shifts.wanted
    covered = round(share * wanted)
    (good if covered >= wanted else worth).append(
        f"Covers {_hours(covered)} of {_hours(wanted)} hours on the dates you need"
    )
    total = len(shifts.days)
    pattern = int(index.year_pattern[row])
    if YEAR_PATTERNS[pattern] in _PATTERN_WORDS:
        label, inside, outside = _PATTERN_WORDS[YEAR_PATTERNS[pattern]]
        fits, out, unknown = dated.day_counts(shifts, pattern)
        verb = "is" if total == 1 else ("are" if fits != 1 else "is")
        if fits == total:
            good.append(f"{label}: {_of_dates(fits, total)} {verb} {inside}")
        else:
            if out:
                worth.append(f"{label}: {_of_dates(out, total)} {'is' if out == 1 else 'are'} {outside}")
            if unknown:
                worth.append(
                    f"{label}: no school term dates are recorded for {_of_dates(unknown, total)}, "
                    "so whether they suit is not known"
                )
    if row in index.away and (count := dated.dates_away(index, row, shifts)):
        worth.append(f"Away on {_of_dates(count, total)}")


def _training_reasons(
    index: CandidateIndex, row: int, held_skills: int, context: ReasonContext, today: int
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
