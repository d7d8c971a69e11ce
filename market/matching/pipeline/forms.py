"""The pipeline's posted forms as the Structs its services take, every problem named at once.

Each reader also runs the service's rules on what it could read, so a page hears about a
bad time and a missing address together; the service checks them again for the API."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import cast

from market.fields import FormReader
from market.matching.pipeline import appointments, interviews
from market.matching.pipeline.schemas import CheckInput, InterviewInput, Minutes, Mode, OfferInput


def read_interview(form: Mapping[str, str], *, now: datetime | None = None) -> InterviewInput:
    """The interview form (book or move), or Invalid naming every problem by field."""
    read = FormReader(form)
    day = read.date("day", "The date of the interview")
    at = read.clock("time", "start")
    minutes = read.choice("minutes", interviews.LENGTHS, "Select how long the interview will take")
    mode = read.choice("mode", interviews.MODES, "Select how the interview will happen")
    data = InterviewInput(
        day=day,
        time=at,
        minutes=cast(Minutes, int(minutes)) if read.ok("minutes") else None,
        mode=cast(Mode, mode) if read.ok("mode") else None,
        place=read.text("place"),
        attendees=read.text("attendees"),
    )
    for field, message in interviews.problems(data, now=now).items():
        read.problem(field, message)
    read.done()
    return data


def _hours(read: FormReader) -> float | None:
    # The range is the service's rule (appointments.offer_problems), run below.
    return read.number("hours_per_week", "the hours a week", example="12 or 12.5")


def _rate(read: FormReader) -> int | None:
    if not read.raw("rate"):
        read.problem("rate", "Enter the hourly rate")
        return None
    return read.pence("rate", "the hourly rate", example="13.50")


def read_offer(form: Mapping[str, str], today: date) -> OfferInput:
    """The offer form, or Invalid naming every problem by field."""
    read = FormReader(form)
    data = OfferInput(
        start_date=read.date("start_date", "The start date"),
        hours_per_week=_hours(read),
        rate_pence=_rate(read),
        notes=read.text("notes"),
        keep_need_open={"yes": True, "no": False}.get(read.raw("keep_need_open")),
    )
    for field, message in appointments.offer_problems(data, today).items():
        read.problem(field, message)
    read.done()
    return data


def read_check(item: str, form: Mapping[str, str]) -> CheckInput:
    """One checklist item's form (``<item>_on`` date boxes, ``<item>_note``)."""
    read = FormReader(form)
    data = CheckInput(
        done_on=read.date(f"{item}_on", "The date it was checked"), note=read.text(f"{item}_note")
    )
    read.done()
    return data
