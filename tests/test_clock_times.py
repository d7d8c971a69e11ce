"""The one parser of times of day (a PA's availability, a need's weekly times and cover
dates, searches): the forms people type, and the slips it must refuse rather than guess."""

from __future__ import annotations

from datetime import time

import pytest

from market.fields import FormReader, clock_minutes, parse_clock


@pytest.mark.parametrize(
    ("typed", "minutes"),
    [("9", 9 * 60), ("09", 9 * 60), ("9am", 9 * 60), ("9 AM", 9 * 60), ("9a.m.", 9 * 60),
     ("9:30", 9 * 60 + 30), ("9.30", 9 * 60 + 30), ("09:30", 9 * 60 + 30), ("17:30", 17 * 60 + 30),
     ("5pm", 17 * 60), ("5 pm", 17 * 60), ("5:30pm", 17 * 60 + 30), ("5 p.m.", 17 * 60),
     ("12pm", 12 * 60), ("12am", 0), ("12:15am", 15), ("noon", 12 * 60), ("Midday", 12 * 60),
     ("midnight", 0), (" 0:00 ", 0), ("23:59", 23 * 60 + 59), ("0", 0)],
)  # fmt: skip
def test_times_as_people_type_them(typed, minutes):
    assert clock_minutes(typed) == minutes
    assert parse_clock(typed) == time(*divmod(minutes, 60))


@pytest.mark.parametrize(
    "typed",
    ["25", "24", "13pm", "0am", "0pm", "9:75", "9:5", "9:60", "09:00:00", "9 o'clock", "", "am",
     "nine", "-9", "9:30:", "123", "12.5", "٩", "noonish", "5pmm"],
)  # fmt: skip
def test_what_is_not_a_time_is_refused(typed):
    assert clock_minutes(typed) is None
    assert parse_clock(typed) is None


def test_a_form_names_a_time_it_cannot_read():
    read = FormReader({"at": "13pm"})
    assert read.clock("at", "start") is None
    assert read.errors == {"at": "Enter the start time as a time of day, like 09:00, 9am, 17:30 or 5pm"}
