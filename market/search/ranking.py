"""The pure parts of the search: ranking, word hits, availability and the bounding box.

Ranking (``rank``, on plain values): by relevance, the key is

1. skill score, highest first: for each requested skill the PA holds,
   ``1 + min(years, YEARS_CAP) / YEARS_CAP`` (so a held skill counts from 1 to 2 and
   experience beyond 5 years adds nothing more);
2. free-text hits, highest first: occurrences of each searched word, at most
   ``HITS_CAP`` a word, so one repeated word cannot swamp the rest;
3. distance, nearest first; then the profile id, so the order is stable across pages.

By distance: nearest first, then the same relevance key, then the id.

``Candidate.miles`` is what the searcher may know of the distance: exact for staff, the band
(``market.geo.display.banded_miles``) for everyone else, so that within a band the order
falls to the other parts of the key and then the id, and says nothing of who is nearer.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from functools import lru_cache

import msgspec

from market.geo.distance import EARTH_RADIUS_MILES
from market.register.availability import DAYS, Slot, covered_minutes, week_grid
from market.search.schemas import PER_PAGE, WeekRowOut

YEARS_CAP = 5
HITS_CAP = 3


class Candidate(msgspec.Struct, frozen=True, kw_only=True):
    """One PA as ranking sees it: plain values, no database."""

    id: int
    miles: float  # exact for staff, else banded: see the module docstring
    skill_years: dict[str, int] = msgspec.field(default_factory=dict)
    text_hits: int = 0


def skill_score(skill_years: dict[str, int], wanted: Iterable[str]) -> float:
    """Requested skills held, each weighted 1 to 2 by years of experience (capped)."""
    return sum(
        1 + min(max(skill_years[code], 0), YEARS_CAP) / YEARS_CAP
        for code in set(wanted)
        if code in skill_years
    )


def rank(
    candidates: Iterable[Candidate], wanted_skills: Sequence[str], sort: str = "relevance"
) -> list[Candidate]:
    """The candidates in the order to show them (see the module docstring for the key)."""

    def relevance(c: Candidate) -> tuple[float, int]:
        return -skill_score(c.skill_years, wanted_skills), -c.text_hits

    if sort == "distance":
        return sorted(candidates, key=lambda c: (c.miles, *relevance(c), c.id))
    return sorted(candidates, key=lambda c: (*relevance(c), c.miles, c.id))


def text_hits(texts: Iterable[str], words: Sequence[str]) -> int | None:
    """How often the words occur (each capped), or None when any word is missing."""
    haystack = "\n".join(texts).casefold()
    hits = 0
    for word in words:
        found = haystack.count(word.casefold())
        if not found:
            return None
        hits += min(found, HITS_CAP)
    return hits


def available_for(slots: Sequence[Slot], needed: Sequence[Slot], whole_days: bool) -> bool:
    """Each needed slot fully covered (a window), or touched at all (a whole day)."""
    for need in needed:
        got = covered_minutes(slots, [need])
        if (whole_days and got == 0) or (not whole_days and got < need.minutes):
            return False
    return True


def bounding_box(lat: float, lon: float, miles: float) -> tuple[float, float, float, float]:
    """(south, north, west, east) degrees holding every point within ``miles`` (a little over)."""
    arc = miles / EARTH_RADIUS_MILES * 1.01 + 1e-9
    dlat = math.degrees(arc)
    ratio = math.sin(arc) / max(math.cos(math.radians(lat)), 1e-9)
    dlon = 180.0 if ratio >= 1 else math.degrees(math.asin(ratio))
    return lat - dlat, lat + dlat, lon - dlon, lon + dlon


def grid_out(slots: Iterable[Slot]) -> list[WeekRowOut]:
    """The week grid of these slots (``availability.week_grid``), as the API gives it."""
    return list(_grid_out(tuple(sorted(slots))))


@lru_cache(maxsize=4096)
def _grid_out(slots: tuple[Slot, ...]) -> tuple[WeekRowOut, ...]:
    # Remembered for each week (a profile looked at again, weeks many PAs share); the rows
    # are shared by every answer with this week, so they are never changed.
    return tuple(WeekRowOut(band=row.band, days=[str(c) for c in row.days]) for row in week_grid(slots))


def _day_list(days: Sequence[int]) -> str:
    """Days of the week as words: "every day", "Monday to Friday", "Monday, Wednesday and
    Saturday", "Monday to Wednesday and Sunday" (three or more in a row are a range)."""
    if len(days) == len(DAYS):
        return "every day"
    runs: list[list[int]] = []
    for day in days:
        if runs and day == runs[-1][-1] + 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    parts: list[str] = []
    for run in runs:
        if len(run) >= 3:
            parts.append(f"{DAYS[run[0]]} to {DAYS[run[-1]]}")
        else:
            parts += [DAYS[day] for day in run]
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def _bands(names: Sequence[str], plural: bool) -> str:
    words = [name.lower() + ("s" if plural else "") for name in names]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def week_summary(week: Sequence[WeekRowOut]) -> str:
    """The week grid in one line, for a search result (the grid itself is on the profile):
    the bands a PA covers in full, bands with the same days together, then those they cover
    in part, e.g. "Mornings and afternoons Monday to Friday; evenings Saturday; part of the
    night Friday". The same bands and the same full or part as the grid."""
    return _summary(tuple((row.band, tuple(row.days)) for row in week))


@lru_cache(maxsize=4096)
def _summary(week: tuple[tuple[str, tuple[str, ...]], ...]) -> str:
    """``week_summary`` of (band, days) rows, remembered: a results page words 20 weeks, and
    most weeks are one of a few common patterns."""
    phrases: list[str] = []
    for state, plural, lead in (("full", True, ""), ("part", False, "part of the ")):
        grouped: dict[tuple[int, ...], list[str]] = {}
        for band, cover in week:
            days = tuple(day for day, c in enumerate(cover) if c == state)
            if days:
                grouped.setdefault(days, []).append(band)
        phrases += [f"{lead}{_bands(bands, plural)} {_day_list(days)}" for days, bands in grouped.items()]
    if not phrases:
        return "No usual times given"
    text = "; ".join(phrases)
    return text[0].upper() + text[1:]


def page_count(total: int, per_page: int = PER_PAGE) -> int:
    return max(1, -(-total // per_page))
