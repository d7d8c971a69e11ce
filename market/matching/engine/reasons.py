"""Plain English for each ranked PA: what their score is made of. Only the rows returned
are written, one by one; what they share is worked out once a ranking (``ReasonContext``)."""

from __future__ import annotations

from datetime import date

import msgspec
import numpy as np
from numpy.typing import NDArray

from market.matching.engine.columns import CandidateIndex, as_words, quarters_in, slots_mask
from market.matching.engine.need import NeedSpec, relevant_courses


def _hours(quarters: float) -> str:
    hours = quarters / 4
    return f"{hours:g}"


class ReasonContext(msgspec.Struct, frozen=True):
    """What every ranked PA's reasons share, worked out once a ranking."""

    mask: NDArray[np.uint8]
    wanted: int
    courses: tuple[int, ...]
    words: tuple[tuple[int, int], ...] = ()  # (word, bits) of the availability the need covers
    preferred: tuple[int, ...] = ()  # bit positions of the preferred skills the vocabulary has
    # Per relevant course: (column, name, whether a required skill depends on it, the bits of
    # the skills that depend on it): its news matters if required or the PA offers such a skill.
    course_facts: tuple[tuple[int, str, bool, int], ...] = ()


def reason_context(need: NeedSpec, index: CandidateIndex) -> ReasonContext:
    mask = slots_mask(need.slots)
    words = as_words(mask)
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
    context: ReasonContext | None = None,
) -> tuple[str, ...]:
    """Plain English for one ranked PA: what the score is made of."""
    said: list[str] = []
    if context is None:
        context = reason_context(need, index)
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


def _rate_reason(need: NeedSpec, minimum: int) -> str | None:
    """The PA's asking rate against the need's budget (None when either is unset)."""
    if not (need.max_rate_pence and minimum):
        return None
    if minimum > need.max_rate_pence:
        return f"Asks £{minimum / 100:.2f} an hour, above the £{need.max_rate_pence / 100:.2f} budget"
    return f"Asks from £{minimum / 100:.2f} an hour, within the £{need.max_rate_pence / 100:.2f} budget"
