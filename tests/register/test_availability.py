"""Weekly availability: parsing form times, labels, interval arithmetic and the quarter-hour mask.

Pure functions, so no database: the hypothesis properties check the interval arithmetic
against brute force over Python sets of minutes."""

from __future__ import annotations

import msgspec
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from market.errors import Invalid
from market.register.availability import (
    DAY,
    DAYS,
    QUARTER,
    WEEK,
    Cover,
    Slot,
    SlotProblem,
    covered_minutes,
    hours_per_week,
    slot_from_day_times,
    total_minutes,
    week_grid,
)

MON, TUE, WED, THU, FRI, SAT, SUN = (day * DAY for day in range(7))


def at(day: int, hhmm: str) -> int:
    hours, minutes = hhmm.split(":")
    return day + int(hours) * 60 + int(minutes)


# --- parsing form input ---------------------------------------------------------------


def test_a_day_slot_parses():
    slot = slot_from_day_times("Monday", "09:00", "17:00")
    assert slot == Slot(at(MON, "09:00"), at(MON, "17:00"))
    assert slot.hours == 8
    assert not slot.wraps


@pytest.mark.parametrize("day", [2, "2", "Wednesday", "wednesday", " WED "])
def test_days_by_index_digit_or_name(day):
    assert slot_from_day_times(day, "9:30", "10:45") == Slot(at(WED, "09:30"), at(WED, "10:45"))


def test_saturday_night_is_one_nine_hour_slot_ending_sunday():
    slot = slot_from_day_times("Saturday", "22:00", "07:00")
    assert slot == Slot(at(SAT, "22:00"), at(SUN, "07:00"))
    assert slot.minutes == 9 * 60
    assert slot.hours == 9.0
    assert not slot.wraps
    assert slot.pieces() == [(at(SAT, "22:00"), at(SUN, "07:00"))]


def test_sunday_night_wraps_to_monday_morning():
    slot = slot_from_day_times("Sunday", "22:00", "07:00")
    assert slot == Slot(at(SUN, "22:00"), at(MON, "07:00"))
    assert slot.wraps
    assert slot.hours == 9.0
    assert slot.pieces() == [(0, at(MON, "07:00")), (at(SUN, "22:00"), WEEK)]


def test_ending_at_midnight_means_the_midnight_after():
    assert slot_from_day_times("Friday", "18:00", "00:00") == Slot(at(FRI, "18:00"), SAT)
    assert slot_from_day_times("Friday", "18:00", "24:00") == Slot(at(FRI, "18:00"), SAT)
    sunday_evening = slot_from_day_times("Sunday", "18:00", "00:00")
    assert sunday_evening == Slot(at(SUN, "18:00"), WEEK)
    assert not sunday_evening.wraps


def test_a_form_slot_is_always_under_a_day():
    assert slot_from_day_times("Tuesday", "09:00", "08:45").minutes == DAY - QUARTER


@pytest.mark.parametrize(
    ("start", "end", "slot"),
    [("9", "5pm", Slot(at(MON, "09:00"), at(MON, "17:00"))),
     ("9am", "17:30", Slot(at(MON, "09:00"), at(MON, "17:30"))),
     ("9:30", "noon", Slot(at(MON, "09:30"), at(MON, "12:00"))),
     ("6pm", "midnight", Slot(at(MON, "18:00"), at(TUE, "00:00"))),
     ("10 p.m.", "7am", Slot(at(MON, "22:00"), at(TUE, "07:00")))],
)  # fmt: skip
def test_slots_read_times_as_people_type_them(start, end, slot):
    assert slot_from_day_times(0, start, end) == slot


@pytest.mark.parametrize(
    ("day", "start", "end", "errors"),
    [
        (0, "", "17:00", {"start": "Enter a start time, like 09:00"}),
        (0, "09:00", "  ", {"end": "Enter an end time, like 17:00"}),
        (0, None, None, {"start": "Enter a start time, like 09:00", "end": "Enter an end time, like 17:00"}),
        (0, "13pm", "17:00", {"start": "Enter the start time as a time of day, like 09:00, 9am, 17:30 or 5pm"}),
        (0, "09:00", "25:00", {"end": "Enter the end time as a time of day, like 09:00, 9am, 17:30 or 5pm"}),
        (0, "09:60", "17:00", {"start": "Enter the start time as a time of day, like 09:00, 9am, 17:30 or 5pm"}),
        (0, "24:00", "17:00", {"start": "Enter the start time as a time of day, like 09:00, 9am, 17:30 or 5pm"}),
        (0, "09:00:00", "17:00", {"start": "Enter the start time as a time of day, like 09:00, 9am, 17:30 or 5pm"}),
        (0, "09:10", "17:00", {"start": "Times must be on the quarter hour, like 09:15"}),
        (0, "09:00", "17:05", {"end": "Times must be on the quarter hour, like 09:15"}),
        (0, "09:00", "09:00", {"end": "The end time must be different from the start time"}),
        (0, "00:00", "24:00", {"end": "The end time must be different from the start time"}),
        (7, "09:00", "17:00", {"day": "Choose a day of the week"}),
        ("Funday", "09:00", "17:00", {"day": "Choose a day of the week"}),
        ("", "", "17:07", {
            "day": "Choose a day of the week",
            "start": "Enter a start time, like 09:00",
            "end": "Times must be on the quarter hour, like 09:15",
        }),
    ],
)  # fmt: skip
def test_bad_form_input_names_each_field(day, start, end, errors):
    with pytest.raises(SlotProblem) as caught:
        slot_from_day_times(day, start, end)
    assert caught.value.errors == errors
    assert isinstance(caught.value, ValueError)
    assert isinstance(caught.value, Invalid)


@pytest.mark.parametrize(
    ("start", "end", "field"),
    [(-15, 60, "start"), (WEEK, 60, "start"), (0, 0, "end"), (0, WEEK + 15, "end"), (7, 60, "start"),
     (0, 61, "end"), (600, 600, "end")],
)  # fmt: skip
def test_slot_refuses_impossible_values(start, end, field):
    with pytest.raises(SlotProblem) as caught:
        Slot(start, end)
    assert field in caught.value.errors


def test_decoding_a_bad_slot_is_a_validation_error():
    assert msgspec.convert({"start": 540, "end": 1020}, Slot) == Slot(540, 1020)
    with pytest.raises(msgspec.ValidationError, match="different from the start"):
        msgspec.convert({"start": 540, "end": 540}, Slot)


def test_day_times_round_trip():
    for args in [(0, "09:00", "17:00"), (5, "22:00", "07:00"), (6, "22:00", "07:00"), (6, "18:00", "00:00")]:
        assert slot_from_day_times(*args).day_times() == args
    with pytest.raises(ValueError):
        Slot(0, 2 * DAY).day_times()


# --- labels ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("slot", "label"),
    [
        (slot_from_day_times("Monday", "09:00", "17:00"), "Monday 09:00 to 17:00"),
        (slot_from_day_times("Saturday", "22:00", "07:00"), "Saturday 22:00 to Sunday 07:00 (overnight)"),
        (slot_from_day_times("Sunday", "22:00", "07:00"), "Sunday 22:00 to Monday 07:00 (overnight)"),
        (slot_from_day_times("Friday", "18:00", "00:00"), "Friday 18:00 to midnight"),
        (slot_from_day_times("Sunday", "18:00", "00:00"), "Sunday 18:00 to midnight"),
        (Slot(at(MON, "09:00"), at(WED, "17:00")), "Monday 09:00 to Wednesday 17:00"),
        (Slot(at(MON, "09:00"), at(MON, "08:45")), "Monday 09:00 to the following Monday 08:45"),
        (Slot(0, WEEK), "All week"),
    ],
)
def test_labels(slot, label):
    assert slot.label() == label


def test_overnight_means_crossing_midnight_within_a_day():
    assert slot_from_day_times("Sunday", "22:00", "07:00").overnight
    assert not slot_from_day_times("Sunday", "18:00", "00:00").overnight
    assert not slot_from_day_times("Monday", "00:00", "23:45").overnight
    assert not Slot(at(MON, "09:00"), at(WED, "17:00")).overnight


# --- arithmetic ------------------------------------------------------------------------


def test_overlap_between_plain_slots():
    morning = Slot(at(TUE, "08:00"), at(TUE, "12:00"))
    late = Slot(at(TUE, "11:00"), at(TUE, "15:00"))
    assert morning.overlap_minutes(late) == late.overlap_minutes(morning) == 60
    assert morning.overlap_minutes(Slot(at(TUE, "12:00"), at(TUE, "13:00"))) == 0  # touching is not overlap


def test_overlap_of_a_wrapping_slot_with_both_ends_of_the_week():
    sunday_night = slot_from_day_times("Sunday", "22:00", "07:00")
    assert sunday_night.overlap_minutes(Slot(at(MON, "06:00"), at(MON, "09:00"))) == 60
    assert sunday_night.overlap_minutes(Slot(at(SUN, "20:00"), at(SUN, "23:00"))) == 60
    assert sunday_night.overlap_minutes(Slot(at(SUN, "23:00"), at(MON, "01:00"))) == 120  # both wrap
    assert sunday_night.overlap_minutes(Slot(at(SUN, "20:00"), at(MON, "09:00"))) == 9 * 60
    assert sunday_night.overlap_minutes(Slot(at(MON, "07:00"), at(SUN, "22:00"))) == 0  # the complement
    assert sunday_night.overlap_minutes(Slot(0, WEEK)) == 9 * 60


def test_contains_time():
    sunday_night = slot_from_day_times("Sunday", "22:00", "07:00")
    assert sunday_night.contains_time(at(SUN, "23:59"))
    assert sunday_night.contains_time(0)
    assert sunday_night.contains_time(WEEK)  # next Monday 00:00, taken modulo a week
    assert sunday_night.contains_time(at(MON, "06:59"))
    assert not sunday_night.contains_time(at(MON, "07:00"))  # the end is not in the slot
    assert not sunday_night.contains_time(at(SUN, "21:59"))


def test_hours_per_week_counts_overlaps_once():
    slots = [
        slot_from_day_times("Monday", "09:00", "17:00"),
        slot_from_day_times("Monday", "13:00", "19:00"),  # 4 of these 6 hours already counted
        slot_from_day_times("Sunday", "22:00", "07:00"),
        slot_from_day_times("Monday", "06:00", "08:00"),  # 1 of these 2 hours already counted
    ]
    assert total_minutes(slots) == (10 + 9 + 1) * 60
    assert hours_per_week(slots) == 20.0


def test_covered_minutes():
    offered = [slot_from_day_times(day, "08:00", "18:00") for day in range(5)]
    needed = [slot_from_day_times(day, "09:00", "11:00") for day in range(5)]
    assert covered_minutes(offered, needed) == 10 * 60
    assert covered_minutes(offered, [*needed, *needed]) == 10 * 60  # a need counts once
    assert covered_minutes(offered, [slot_from_day_times("Friday", "17:00", "19:00")]) == 60
    assert covered_minutes(offered, [slot_from_day_times("Saturday", "09:00", "11:00")]) == 0
    assert covered_minutes([], needed) == 0


def test_covered_minutes_across_sunday_midnight():
    offered = [slot_from_day_times("Sunday", "20:00", "08:00")]
    needed = [
        slot_from_day_times("Sunday", "22:00", "07:00"),
        slot_from_day_times("Monday", "07:30", "09:00"),
    ]
    assert covered_minutes(offered, needed) == 9 * 60 + 30


# --- properties against brute force ----------------------------------------------------

quarters = st.integers(0, WEEK // QUARTER - 1)


@st.composite
def slots(draw) -> Slot:
    if draw(st.integers(0, 50)) == 0:
        return Slot(0, WEEK)
    start = draw(quarters) * QUARTER
    end = start + draw(st.integers(1, WEEK // QUARTER - 1)) * QUARTER
    return Slot(start, end if end <= WEEK else end - WEEK)


slot_lists = st.lists(slots(), max_size=8)


def minute_set(slots) -> set[int]:
    return {(slot.start + offset) % WEEK for slot in slots for offset in range(slot.minutes)}


@settings(max_examples=200, deadline=None)
@given(slot_lists)
def test_totals_and_mask_agree_with_brute_force(slots):
    minutes = minute_set(slots)
    assert total_minutes(slots) == len(minutes)


@settings(max_examples=200, deadline=None)
@given(slot_lists, slot_lists)
def test_covered_minutes_agrees_with_brute_force(offered, needed):
    both = minute_set(offered) & minute_set(needed)
    assert covered_minutes(offered, needed) == len(both)


@settings(deadline=None)
@given(slots(), slots())
def test_overlap_minutes_agrees_with_brute_force(first, second):
    assert first.overlap_minutes(second) == len(minute_set([first]) & minute_set([second]))


@settings(deadline=None)
@given(slots(), st.integers(-WEEK, 2 * WEEK))
def test_contains_time_agrees_with_brute_force(slot, minute):
    assert slot.contains_time(minute) == (minute % WEEK in minute_set([slot]))


@given(st.sampled_from(range(7)), quarters, quarters)
def test_form_slots_round_trip(day, start, end):
    start_text = f"{start * QUARTER // 60 % 24:02d}:{start * QUARTER % 60:02d}"
    end_text = f"{end * QUARTER // 60 % 24:02d}:{end * QUARTER % 60:02d}"
    if start_text == end_text:
        with pytest.raises(SlotProblem):
            slot_from_day_times(day, start_text, end_text)
        return
    slot = slot_from_day_times(DAYS[day], start_text, end_text)
    assert slot.day_times() == (day, start_text, end_text)
    assert 0 < slot.minutes < DAY


# --- the week grid ---------------------------------------------------------------------


def test_week_grid_states():
    slots = [
        slot_from_day_times("Monday", "06:00", "12:00"),  # morning in full
        slot_from_day_times("Tuesday", "09:00", "14:00"),  # part morning, part afternoon
        slot_from_day_times("Saturday", "22:00", "06:00"),  # Saturday's night in full
        slot_from_day_times("Sunday", "23:00", "07:00"),  # part of Sunday's night, wrapping
    ]
    grid = week_grid(slots)
    assert [row.band for row in grid] == ["Morning", "Afternoon", "Evening", "Night"]
    assert [len(row.days) for row in grid] == [7] * 4
    morning, afternoon, evening, night = (row.days for row in grid)
    assert morning == ["full", "part", "none", "none", "none", "none", "none"]
    assert afternoon == ["none", "part", "none", "none", "none", "none", "none"]
    assert evening == [Cover.NONE] * 7
    assert night == ["none", "none", "none", "none", "none", "full", "part"]


def test_week_grid_night_band_wraps_from_sunday_into_monday():
    grid = week_grid([Slot(0, at(MON, "06:00"))], bands=[("Night", 22 * 60, 30 * 60)])
    assert grid == [("Night", [Cover.NONE] * 6 + [Cover.PART])]
    grid = week_grid([slot_from_day_times("Sunday", "22:00", "06:00")], bands=[("Night", 22 * 60, 30 * 60)])
    assert grid[0].days[6] == Cover.FULL


def test_week_grid_of_nothing_and_everything():
    assert all(state == Cover.NONE for row in week_grid([]) for state in row.days)
    assert all(state == Cover.FULL for row in week_grid([Slot(0, WEEK)]) for state in row.days)


def test_week_grid_refuses_a_band_longer_than_a_day():
    with pytest.raises(ValueError):
        week_grid([], bands=[("Forever", 0, 2 * DAY)])
