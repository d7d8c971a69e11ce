"""Digits outside ASCII ("²", "٣") pass str.isdigit() but not int(): every reader of a whole
number names the field instead of failing with a 500."""

from __future__ import annotations

import pytest

from market.errors import Invalid
from market.fields import FormReader
from market.matching.needs import forms as need_forms
from market.matching.pipeline.cover import read_count
from market.register.availability import SlotProblem, slot_from_day_times
from market.register.forms import slot_input


@pytest.mark.parametrize("text", ["²", "٣", "¹⁰"])
def test_unicode_digits_are_named_problems(text):
    with pytest.raises(SlotProblem) as slot:
        slot_from_day_times(text, "09:00", "17:00")
    assert "day" in slot.value.errors
    with pytest.raises(Invalid) as count:
        read_count(text)
    assert "count" in count.value.errors
    read = FormReader({"day": text, "start": "09:00", "end": "17:00"})
    slot_input(read)
    assert "day" in read.errors
    read = FormReader({"max_distance_miles": text})
    assert need_forms._miles(read) is None and "max_distance_miles" in read.errors
