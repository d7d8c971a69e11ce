"""When a need is: weekly slots (minute-of-week intervals, parsed like a PA's availability,
overnight allowed) for regular support, and dated shifts for cover.

A cover date's minutes count from midnight at the start of its date; an end at or before the
start means the next morning, so the stored end is always after the start (up to 24 hours).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from market.accounts.schemas import CurrentUser
from market.clock import london_today
from market.errors import Invalid, NotFound
from market.matching.needs.schemas import CoverDateInput, CoverDateOut, SlotInput, SlotOut
from market.matching.needs.versions import need_row, save
from market.matching.tables import NeedCoverDate, NeedSlot
from market.register.availability import (
    DAY,
    Slot,
    SlotProblem,
    clock_text,
    hours_per_week,
    slot_from_day_times,
    slot_of,
)

MAX_SLOTS = 40
MAX_COVER_DATES = 62


def _clock(minute: int) -> str:
    hours, minutes = divmod(minute % DAY, 60)
    return f"{hours:02d}:{minutes:02d}"


def cover_label(on_date: date, start: int, end: int) -> str:
    """E.g. "Tuesday 3 March 2026, 22:00 to 07:00 the next morning (overnight)"."""
    first = f"{on_date:%A} {on_date.day} {on_date:%B %Y}, {_clock(start)} to "
    if end == DAY:
        return first + "midnight"
    if end > DAY:
        return first + f"{_clock(end)} the next day (overnight)"
    return first + _clock(end)


def weekly_hours(slots: list[SlotOut]) -> float:
    return hours_per_week([Slot(start=s.start_minute, end=s.end_minute) for s in slots])


async def slots_of(need_id: int) -> list[SlotOut]:
    return (await slots_by_need([need_id])).get(need_id, [])


def of_needs(column: Any, need_ids: list[int], span: tuple[int, int] | None) -> Any:
    """The rows of these needs: by id, or (``span``, the ids' least and greatest, when they
    are most of the ids between) by range, which is far cheaper to bind for a large batch
    (rows of other needs in the range are left out by the caller's lookups)."""
    if span is not None:
        return (column >= span[0]) & (column <= span[1])
    return column.is_in(list(need_ids) or [-1])


async def slots_by_need(need_ids: list[int], span: tuple[int, int] | None = None) -> dict[int, list[SlotOut]]:
    rows = (
        await NeedSlot.select().where(of_needs(NeedSlot.need, need_ids, span)).order_by(NeedSlot.start_minute)
    )
    found: dict[int, list[SlotOut]] = {}
    for r in rows:
        found.setdefault(r["need"], []).append(slot_out(r["id"], r["start_minute"], r["end_minute"]))
    return found


def slot_out(slot_id: int, start_minute: int, end_minute: int) -> SlotOut:
    slot = Slot(start=start_minute, end=end_minute)
    return SlotOut(
        id=slot_id, start_minute=slot.start, end_minute=slot.end, label=slot.label(), hours=slot.hours
    )


async def cover_dates_of(need_id: int) -> list[CoverDateOut]:
    return (await cover_dates_by_need([need_id])).get(need_id, [])


async def cover_dates_by_need(
    need_ids: list[int], span: tuple[int, int] | None = None
) -> dict[int, list[CoverDateOut]]:
    rows = (
        await NeedCoverDate.select()
        .where(of_needs(NeedCoverDate.need, need_ids, span))
        .order_by(NeedCoverDate.on_date, NeedCoverDate.start_minute)
    )
    found: dict[int, list[CoverDateOut]] = {}
    for r in rows:
        found.setdefault(r["need"], []).append(
            cover_out(r["id"], r["on_date"], r["start_minute"], r["end_minute"])
        )
    return found


def cover_out(cover_id: int, on_date: date, start_minute: int, end_minute: int) -> CoverDateOut:
    return CoverDateOut(
        id=cover_id,
        on_date=on_date,
        start_minute=start_minute,
        end_minute=end_minute,
        label=cover_label(on_date, start_minute, end_minute),
        hours=(end_minute - start_minute) / 60,
    )


def parse_slot(data: SlotInput) -> Slot:
    """One weekly slot from a day and two times; Invalid keyed day/start/end."""
    try:
        return slot_of(data.day, data.start, data.end)
    except SlotProblem as problem:
        raise Invalid(problem.errors) from None


def parse_cover(data: CoverDateInput, today: date) -> tuple[date, int, int]:
    """A dated shift: its date (today or later), and minutes from that midnight."""
    errors: dict[str, str] = {}
    if data.date < today:
        errors["date"] = "The date must be today or in the future"
    try:
        # Any weekday will do: the availability parser reads the times and the overnight rule.
        slot = slot_from_day_times(0, clock_text(data.start), clock_text(data.end))
    except SlotProblem as problem:
        errors |= {k: v for k, v in problem.errors.items() if k in ("start", "end")}
        slot = None
    if errors:
        raise Invalid(errors)
    assert slot is not None
    return data.date, slot.start, slot.start + slot.minutes


def _no_overlap(slots: list[Slot]) -> str | None:
    for index, slot in enumerate(slots):
        for other in slots[:index]:
            if slot.overlap_minutes(other):
                return f"{slot.label()} overlaps {other.label()}"
    return None


def _absolute(cover: tuple[date, int, int]) -> tuple[int, int]:
    base = cover[0].toordinal() * DAY
    return base + cover[1], base + cover[2]


def _cover_overlap(dates: list[tuple[date, int, int]]) -> tuple[int, int] | None:
    spans = [_absolute(c) for c in dates]
    for i, (a, b) in enumerate(spans):
        for j in range(i):
            c, d = spans[j]
            if a < d and c < b:
                return i, j
    return None


def parse_slots(items: list[SlotInput]) -> list[Slot]:
    """Every slot of a list (the API), errors keyed ``slots[i].field``."""
    errors: dict[str, str] = {}
    found: list[Slot] = []
    if len(items) > MAX_SLOTS:
        raise Invalid({"slots": f"A need can have up to {MAX_SLOTS} weekly slots"})
    for index, item in enumerate(items):
        try:
            found.append(parse_slot(item))
        except Invalid as invalid:
            errors |= {f"slots[{index}].{k}": v for k, v in invalid.errors.items()}
    if not errors and (clash := _no_overlap(found)):
        errors["slots"] = clash
    if errors:
        raise Invalid(errors)
    return found


def parse_cover_dates(items: list[CoverDateInput]) -> list[tuple[date, int, int]]:
    errors: dict[str, str] = {}
    found: list[tuple[date, int, int]] = []
    if len(items) > MAX_COVER_DATES:
        raise Invalid({"cover_dates": f"A need can have up to {MAX_COVER_DATES} dates"})
    today = london_today()
    for index, item in enumerate(items):
        try:
            found.append(parse_cover(item, today))
        except Invalid as invalid:
            errors |= {f"cover_dates[{index}].{k}": v for k, v in invalid.errors.items()}
    if not errors and (clash := _cover_overlap(found)):
        errors["cover_dates"] = f"Date {clash[0] + 1} overlaps date {clash[1] + 1}"
    if errors:
        raise Invalid(errors)
    return found


async def write_times(
    need_id: int,
    slots: list[Slot],
    cover: list[tuple[date, int, int]],
    *,
    replace: bool,
    slots_given: bool = True,
    cover_given: bool = True,
) -> None:
    """Store the times (inside the caller's transaction); ``replace`` clears the old ones first."""
    if replace and slots_given:
        await NeedSlot.delete().where(NeedSlot.need == need_id)
    if replace and cover_given:
        await NeedCoverDate.delete().where(NeedCoverDate.need == need_id)
    if slots:
        await NeedSlot.insert(
            *[NeedSlot(need=need_id, start_minute=s.start, end_minute=s.end) for s in slots]
        )
    if cover:
        await NeedCoverDate.insert(
            *[NeedCoverDate(need=need_id, on_date=d, start_minute=a, end_minute=b) for d, a, b in cover]
        )


async def check_ready(row: dict[str, Any]) -> None:
    """A need opens only when it says when: a weekly slot, or (for cover) a date to come."""
    if row["kind"] == "cover":
        today = london_today()
        if not await NeedCoverDate.exists().where(
            NeedCoverDate.need == row["id"], NeedCoverDate.on_date >= today
        ):
            raise Invalid(
                {
                    "times": "Add at least one date (today or later) when cover is needed before opening the need"
                }
            )
    elif not await NeedSlot.exists().where(NeedSlot.need == row["id"]):
        raise Invalid(
            {"times": "Add at least one weekly time when support is needed before opening the need"}
        )


async def add_slot(user: CurrentUser, need_id: int, data: SlotInput) -> None:
    row = await need_row(user, need_id)
    if row["kind"] == "cover":
        raise Invalid({"day": "Cover is needed on dates: add dates, not weekly times"})
    slot = parse_slot(data)
    existing = await slots_of(need_id)
    if len(existing) >= MAX_SLOTS:
        raise Invalid({"day": f"A need can have up to {MAX_SLOTS} weekly slots: remove one first"})
    for other in existing:
        if slot.overlap_minutes(Slot(start=other.start_minute, end=other.end_minute)):
            raise Invalid(
                {"start": f"This overlaps {other.label}: change the times or remove that slot first"}
            )
    await save(
        user,
        need_id,
        {},
        "need.slot_added",
        {"slot": slot.label()},
        expected_version=None,
        also=lambda: NeedSlot.insert(NeedSlot(need=need_id, start_minute=slot.start, end_minute=slot.end)),
    )


async def remove_slot(user: CurrentUser, need_id: int, slot_id: int) -> None:
    await need_row(user, need_id)
    if not await NeedSlot.exists().where(NeedSlot.id == slot_id, NeedSlot.need == need_id):
        raise NotFound()
    await save(
        user,
        need_id,
        {},
        "need.slot_removed",
        {"slot_id": slot_id},
        expected_version=None,
        also=lambda: NeedSlot.delete().where(NeedSlot.id == slot_id),
    )


async def add_cover_date(user: CurrentUser, need_id: int, data: CoverDateInput) -> None:
    row = await need_row(user, need_id)
    if row["kind"] != "cover":
        raise Invalid({"date": "Regular support is weekly: add weekly times, or change the need to cover"})
    on_date, start, end = parse_cover(data, london_today())
    existing = await cover_dates_of(need_id)
    if len(existing) >= MAX_COVER_DATES:
        raise Invalid({"date": f"A need can have up to {MAX_COVER_DATES} dates: remove one first"})
    mine = _absolute((on_date, start, end))
    for other in existing:
        theirs = _absolute((other.on_date, other.start_minute, other.end_minute))
        if mine[0] < theirs[1] and theirs[0] < mine[1]:
            raise Invalid(
                {"start": f"This overlaps {other.label}: change the times or remove that date first"}
            )
    await save(
        user,
        need_id,
        {},
        "need.cover_date_added",
        {"date": on_date.isoformat(), "start_minute": start, "end_minute": end},
        expected_version=None,
        also=lambda: NeedCoverDate.insert(
            NeedCoverDate(need=need_id, on_date=on_date, start_minute=start, end_minute=end)
        ),
    )


async def remove_cover_date(user: CurrentUser, need_id: int, cover_id: int) -> None:
    await need_row(user, need_id)
    if not await NeedCoverDate.exists().where(NeedCoverDate.id == cover_id, NeedCoverDate.need == need_id):
        raise NotFound()
    await save(
        user,
        need_id,
        {},
        "need.cover_date_removed",
        {"cover_date_id": cover_id},
        expected_version=None,
        also=lambda: NeedCoverDate.delete().where(NeedCoverDate.id == cover_id),
    )
