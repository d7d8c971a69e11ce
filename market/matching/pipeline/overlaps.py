"""Hours a PA is appointed to elsewhere that overlap a need's: a warning for both sides,
which tells the need's side nothing about the other job."""

from __future__ import annotations

from typing import Any

from market.matching.engine.ranking import slots_mask
from market.matching.needs import times
from market.matching.needs.schemas import CoverDateOut, SlotOut
from market.matching.tables import Application


def _weekly(slots: list[SlotOut], covers: list[CoverDateOut]) -> Any:
    spans = [(s.start_minute, s.end_minute) for s in slots]
    spans += [
        (
            (c.on_date.weekday() * 1440 + c.start_minute) % 10080,
            (c.on_date.weekday() * 1440 + c.end_minute) % 10080,
        )
        for c in covers
    ]
    return slots_mask(spans)


def _absolute(covers: list[CoverDateOut]) -> list[tuple[int, int]]:
    return [
        (c.on_date.toordinal() * 1440 + c.start_minute, c.on_date.toordinal() * 1440 + c.end_minute)
        for c in covers
    ]


async def overlapping_labels(need_id: int, profile_id: int) -> list[str]:
    """This need's times that clash with hours the PA is appointed to elsewhere."""
    others = await Application.select(Application.need).where(
        Application.profile == profile_id,
        Application.need != need_id,
        Application.stage.is_in(["appointed", "started"]),
    )
    if not others:
        return []
    slots, covers = await times.slots_of(need_id), await times.cover_dates_of(need_id)
    clashes: list[str] = []
    for other in others:
        their_slots, their_covers = (
            await times.slots_of(other["need"]),
            await times.cover_dates_of(other["need"]),
        )
        if covers and their_covers and not slots and not their_slots:
            theirs = _absolute(their_covers)
            clashes += [
                c.label
                for c, (a, b) in zip(covers, _absolute(covers), strict=True)
                if any(a < y and x < b for x, y in theirs)
            ]
            continue
        busy = _weekly(their_slots, their_covers)
        clashes += [s.label for s in slots if (slots_mask([(s.start_minute, s.end_minute)]) & busy).any()]
        clashes += [c.label for c in covers if (_weekly([], [c]) & busy).any()]
    return list(dict.fromkeys(clashes))
