"""Weekly availability as minute-of-week intervals, to the quarter hour.

A PA's availability (and a recipient's need) repeats every week, so a time is a minute of
the week: Monday 00:00 is 0, Sunday 23:59 is 10079. A ``Slot`` is the half-open interval
[start, end). Overnight work is common (sleep-ins, waking nights), so a slot may wrap past
Sunday midnight: ``end < start`` means it runs on into Monday. Keeping an overnight shift as
one slot, rather than two halves, is what lets a form show it as the person entered it.

Pure: no database, no web. The register stores slots as rows; matching and search compare
them (``covered_minutes``).
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence
from datetime import time
from enum import StrEnum
from typing import NamedTuple

import msgspec

from market.errors import Invalid
from market.fields import TIME_EXAMPLE, clock_minutes, whole_number

DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
QUARTER = 15
DAY = 24 * 60
WEEK = 7 * DAY

Piece = tuple[int, int]


class SlotProblem(Invalid, ValueError):
    """Availability that cannot be accepted; ``errors`` maps each form field to its message.

    An ``Invalid`` so the app's one error handler re-renders the form (or answers 422), and a
    ``ValueError`` so msgspec turns it into a validation error when it decodes a Slot."""


class Slot(msgspec.Struct, frozen=True, order=True):
    """A weekly recurring interval [start, end) in minutes of the week.

    ``start`` is 0..10079 and ``end`` is 1..10080; both on the quarter hour. ``end < start``
    means the slot wraps past Sunday midnight into Monday. A slot ending at Sunday midnight
    has ``end`` 10080, never 0, so each interval has exactly one spelling. ``start == end``
    is refused: it could mean nothing or the whole week. The whole week is ``Slot(0, WEEK)``.
    """

    start: int
    end: int

    def __post_init__(self) -> None:
        errors = {}
        if not 0 <= self.start < WEEK:
            errors["start"] = f"The start must be a minute of the week from 0 to {WEEK - 1}"
        elif self.start % QUARTER:
            errors["start"] = "Times must be on the quarter hour, like 09:15"
        if not 0 < self.end <= WEEK:
            errors["end"] = f"The end must be a minute of the week from 1 to {WEEK}"
        elif self.end % QUARTER:
            errors["end"] = "Times must be on the quarter hour, like 09:15"
        if not errors and self.start == self.end:
            errors["end"] = "The end time must be different from the start time"
        if errors:
            raise SlotProblem(errors)

    @property
    def wraps(self) -> bool:
        """True when the slot runs past Sunday midnight into Monday."""
        return self.end < self.start

    @property
    def minutes(self) -> int:
        return self.end - self.start + (WEEK if self.wraps else 0)

    @property
    def hours(self) -> float:
        return self.minutes / 60

    @property
    def day(self) -> int:
        """Index into ``DAYS`` of the day the slot starts on."""
        return self.start // DAY

    @property
    def overnight(self) -> bool:
        """Crosses a midnight (not merely ending at one) and lasts no more than a day."""
        return self.minutes <= DAY and (self.start % DAY) + self.minutes > DAY

    def pieces(self) -> list[Piece]:
        """The one or two non-wrapping [start, end) intervals that make up the slot."""
        if self.wraps:
            return [(0, self.end), (self.start, WEEK)]
        return [(self.start, self.end)]

    def overlap_minutes(self, other: Slot) -> int:
        return sum(
            max(0, min(end, o_end) - max(start, o_start))
            for start, end in self.pieces()
            for o_start, o_end in other.pieces()
        )

    def contains_time(self, minute: int) -> bool:
        """Whether the minute of the week (taken modulo a week) falls within the slot."""
        minute %= WEEK
        return any(start <= minute < end for start, end in self.pieces())

    def label(self) -> str:
        """Human text: "Monday 09:00 to 17:00", "Saturday 22:00 to Sunday 07:00 (overnight)"."""
        if self.minutes == WEEK:
            return "All week"
        first = f"{DAYS[self.day]} {_clock(self.start)}"
        end_day, end_time = divmod(self.start + self.minutes, DAY)
        if end_day == self.day:
            return f"{first} to {_clock(self.end)}"
        if end_day == self.day + 1 and end_time == 0:
            return f"{first} to midnight"
        later = "the following " if end_day - self.day >= len(DAYS) else ""
        text = f"{first} to {later}{DAYS[end_day % 7]} {_clock(self.end)}"
        return f"{text} (overnight)" if self.overnight else text

    def day_times(self) -> tuple[int, str, str]:
        """(day, "HH:MM", "HH:MM") for an edit form; the inverse of ``slot_from_day_times``."""
        if self.minutes >= DAY:
            raise ValueError("A slot of a day or more cannot be shown as one day's times")
        return self.day, _clock(self.start), _clock(self.end)


def _clock(minute: int) -> str:
    hours, minutes = divmod(minute % DAY, 60)
    return f"{hours:02d}:{minutes:02d}"


_EMPTY = {"start": "Enter a start time, like 09:00", "end": "Enter an end time, like 17:00"}
_NAMES = {"start": "start time", "end": "end time"}


def _parse_time(text: str | None, field: str, errors: dict[str, str]) -> int | None:
    """Minutes after midnight, or None with a message for the field in ``errors``."""
    text = (text or "").strip()
    if not text:
        errors[field] = _EMPTY[field]
        return None
    # "24:00" is a natural way to say an evening shift ends at midnight.
    if field == "end" and text in ("24:00", "24.00", "24"):
        return DAY
    minute = clock_minutes(text)
    if minute is None:
        errors[field] = f"Enter the {_NAMES[field]} as a time of day, {TIME_EXAMPLE}"
        return None
    if minute % QUARTER:
        errors[field] = "Times must be on the quarter hour, like 09:15"
        return None
    return minute


def _parse_day(day: int | str | None, errors: dict[str, str]) -> int | None:
    text = str(day if day is not None else "").strip()
    if (index := whole_number(text)) is not None and index < len(DAYS):
        return index
    for index, name in enumerate(DAYS):
        if text.lower() in (name.lower(), name[:3].lower()):
            return index
    errors["day"] = "Choose a day of the week"
    return None


def slot_from_day_times(day: int | str, start: str, end: str) -> Slot:
    """The slot a form describes: a day, a start time and an end time ("HH:MM").

    An end at or before the start means the next day, so Saturday 22:00 to 07:00 is one
    9-hour slot ending Sunday 07:00, and Sunday 22:00 to 07:00 wraps to Monday. So a slot
    from a form is always shorter than 24 hours, and an equal start and end is refused
    rather than read as a 24-hour shift. ``day`` is an index into ``DAYS``, its digit, or
    the name (full or three letters, any case). Raises ``SlotProblem`` with every problem
    found, keyed by field ("day", "start", "end"), so each shows next to its field.
    """
    errors: dict[str, str] = {}
    day_index = _parse_day(day, errors)
    start_minute = _parse_time(start, "start", errors)
    end_minute = _parse_time(end, "end", errors)
    if start_minute is not None and end_minute is not None and start_minute == end_minute % DAY:
        errors["end"] = "The end time must be different from the start time"
    if errors:
        raise SlotProblem(errors)
    # Each is set once no problem was found.
    assert day_index is not None and start_minute is not None and end_minute is not None
    if end_minute <= start_minute:
        end_minute += DAY
    begin = day_index * DAY + start_minute
    finish = day_index * DAY + end_minute
    return Slot(begin, finish if finish <= WEEK else finish - WEEK)


def clock_text(at: time) -> str:
    """A time as ``slot_from_day_times`` reads it (HH:MM; seconds are refused there)."""
    return f"{at:%H:%M}" if not (at.second or at.microsecond) else at.isoformat()


def slot_of(day: int | str, start: time, end: time) -> Slot:
    """The slot a typed input describes (see ``slot_from_day_times``); SlotProblem keyed
    day/start/end."""
    return slot_from_day_times(day, clock_text(start), clock_text(end))


def _merge(pieces: Iterable[Piece]) -> list[Piece]:
    """Sorted, disjoint, non-adjacent intervals covering the same minutes."""
    merged: list[list[int]] = []
    for start, end in sorted(pieces):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(start, end) for start, end in merged]


def _merged_pieces(slots: Iterable[Slot]) -> list[Piece]:
    return _merge(piece for slot in slots for piece in slot.pieces())


def total_minutes(slots: Iterable[Slot]) -> int:
    """Minutes of the week covered, counting overlapping slots once."""
    return sum(end - start for start, end in _merged_pieces(slots))


def hours_per_week(slots: Iterable[Slot]) -> float:
    return total_minutes(slots) / 60


def _intersect(first: list[Piece], second: list[Piece]) -> list[Piece]:
    """Intersection of two merged piece lists (both sorted and disjoint)."""
    out: list[Piece] = []
    i = j = 0
    while i < len(first) and j < len(second):
        start = max(first[i][0], second[j][0])
        end = min(first[i][1], second[j][1])
        if start < end:
            out.append((start, end))
        if first[i][1] < second[j][1]:
            i += 1
        else:
            j += 1
    return out


def covered_minutes(offered: Iterable[Slot], needed: Iterable[Slot]) -> int:
    """How many minutes of the need fall within the offer ("covers 10 of 12 hours").

    Each needed minute counts once, even if needed slots or offered slots overlap, so the
    answer never exceeds ``total_minutes(needed)``."""
    return sum(end - start for start, end in _intersect(_merged_pieces(offered), _merged_pieces(needed)))


class Cover(StrEnum):
    """How much of a band of the day is available. Compares equal to its text."""

    FULL = "full"
    PART = "part"
    NONE = "none"


class GridRow(NamedTuple):
    band: str
    days: list[Cover]  # one per day, Monday first


DEFAULT_BANDS: tuple[tuple[str, int, int], ...] = (
    ("Morning", 6 * 60, 12 * 60),
    ("Afternoon", 12 * 60, 18 * 60),
    ("Evening", 18 * 60, 22 * 60),
    ("Night", 22 * 60, 30 * 60),
)


def week_grid(
    slots: Iterable[Slot], *, bands: Sequence[tuple[str, int, int]] = DEFAULT_BANDS
) -> list[GridRow]:
    """Rows for a days-by-bands table, so a reader can scan a week at a glance.

    Each band is (name, from, to) in minutes after midnight of the day it belongs to; ``to``
    may pass 24:00, so the default night band is 22:00 to 06:00 the next morning (and
    Sunday's night runs into Monday). Each cell says whether the band is fully, partly or
    not at all available. Bands need not be on the quarter hour.
    """
    have = _merged_pieces(slots)
    ends = [end for _, end in have]
    rows = []
    for name, band_start, band_end in bands:
        if not (0 <= band_start < DAY and band_start < band_end <= band_start + DAY):
            raise ValueError(f"Band {name!r} must start within a day and last at most a day")
        states = []
        for day in range(len(DAYS)):
            start, end = day * DAY + band_start, day * DAY + band_end
            if end <= WEEK:
                got = _minutes_within(have, ends, start, end)
            else:  # Sunday's band runs on into Monday
                got = _minutes_within(have, ends, start, WEEK) + _minutes_within(have, ends, 0, end - WEEK)
            states.append(Cover.FULL if got == end - start else Cover.PART if got else Cover.NONE)
        rows.append(GridRow(name, states))
    return rows


def _minutes_within(have: list[Piece], ends: list[int], start: int, end: int) -> int:
    """Minutes of ``have`` (merged pieces; ``ends`` their ends) from ``start`` to ``end``:
    found by bisection, as a profile's grid asks 28 times (``_intersect`` walks them all)."""
    got = 0
    for piece_start, piece_end in have[bisect.bisect_right(ends, start) :]:
        if piece_start >= end:
            break
        got += min(piece_end, end) - max(piece_start, start)
    return got
