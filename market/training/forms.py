"""Training's posted forms read into the Structs its services take (market.training.schemas).

Each reader names every field it cannot read. When it finds any, it also names what the
service's rules (those that need no database) say about the fields it could read, so the
page lists every problem at once, as the service does for a form that reads cleanly.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from datetime import date, time
from typing import cast

from market.fields import FormReader, whole_number
from market.training import catalogue, claims, rules, scheduling
from market.training.schemas import (
    DELIVERY,
    OUTCOMES,
    AttendanceInput,
    ClaimInput,
    CourseSettingsInput,
    Delivery,
    Kind,
    NewCourseInput,
    Outcome,
    RejectInput,
    Safeguarding,
    SessionInput,
)

NO_DATE = date.min
NO_TIME = time.min
OUTCOME_PREFIX = "outcome_"
SKILL_PREFIX = "skill_"


def _done(read: FormReader, problems: Callable[[Collection[str]], dict[str, str]]) -> None:
    """Raise Invalid when a field could not be read, naming the rule problems of the rest."""
    if read.errors:
        unread = set(read.errors)
        for field, message in problems(unread).items():
            if field not in unread:
                read.problem(field, message)
    read.done()


# -- training records ---------------------------------------------------------------------------


def claim_input(form: Mapping[str, str], today: date) -> ClaimInput:
    read = FormReader(form)
    raw_course = read.raw("course")
    course: int | str = raw_course
    if not raw_course:
        read.problem("course", "Select the course you completed")
    elif (course_id := whole_number(raw_course)) is not None:
        course = course_id
    completed_on = read.date("completed_on", "The date you completed it")
    data = ClaimInput(
        course=course,
        completed_on=completed_on or NO_DATE,
        provider=read.raw("provider"),
        evidence=read.raw("evidence"),
    )

    def problems(unread: Collection[str]) -> dict[str, str]:
        found = claims.claim_problems(data, today)
        return {k: v for k, v in found.items() if k != "completed_on" or "completed_on" not in unread}

    _done(read, problems)
    return data


def reject_input(form: Mapping[str, str]) -> RejectInput:
    return RejectInput(reason=FormReader(form).raw("reason"))


# -- sessions -----------------------------------------------------------------------------------


def _capacity(read: FormReader) -> int:
    text = read.raw("capacity")
    value = whole_number(text)
    if not text:
        read.problem("capacity", "Enter the number of places")
    elif value is None:
        read.problem("capacity", "Enter the number of places as a whole number, for example 12")
    return value or 0


def _id(read: FormReader, field: str, message: str) -> int | None:
    """A record id chosen in a select; None when left blank (and ``message`` is not needed)."""
    text = read.raw(field)
    value = whole_number(text)
    if value is None and (text or field == "course"):
        read.problem(field, message)
    return value


def session_input(form: Mapping[str, str]) -> SessionInput:
    read = FormReader(form)
    course_id = _id(read, "course", "Select the course from the catalogue")
    trainer_id = _id(read, "trainer", "Select a trainer with a trainer's account")
    delivery = read.choice(
        "delivery", DELIVERY, "Select whether the session is at a venue or online", required=False
    )
    data = SessionInput(
        course_id=course_id or 0,
        trainer_id=trainer_id,
        date=read.date("date", "The date of the session") or NO_DATE,
        start_time=read.clock("start_time", "start") or NO_TIME,
        end_time=read.clock("end_time", "end") or NO_TIME,
        capacity=_capacity(read),
        delivery=cast(Delivery, delivery) if delivery in DELIVERY else None,
        venue=read.raw("venue"),
        postcode=read.raw("postcode"),
        online_link=read.raw("online_link"),
        notes=read.raw("notes"),
    )
    _done(read, lambda unread: scheduling.session_problems(data, skip=unread))
    return data


def attendance_input(form: Mapping[str, str]) -> AttendanceInput:
    """``outcome_<booking id>`` fields. A blank or unknown outcome is left out: the service
    names the PA whose outcome is missing."""
    read = FormReader(form)
    outcomes: dict[int, Outcome] = {}
    for key in form:
        if not key.startswith(OUTCOME_PREFIX):
            continue
        booking = key.removeprefix(OUTCOME_PREFIX)
        booking_id = whole_number(booking)
        if booking_id is None:
            read.problem(key, f"Booking {booking} is not a place booked on this session")
        elif (value := read.raw(key)) in OUTCOMES:
            outcomes[booking_id] = cast(Outcome, value)
    read.done()
    return AttendanceInput(outcomes=outcomes)


# -- the catalogue ------------------------------------------------------------------------------


def _validity(read: FormReader) -> int | None:
    text = read.raw("validity_months")
    if text in ("", "none", "0"):
        return None
    value = whole_number(text)
    if value is None:
        read.problem("validity_months", catalogue.VALIDITY_MESSAGE)
    return value


def _skills(form: Mapping[str, str]) -> list[str]:
    """The codes of the ticked ``skill_<code>`` boxes (the service checks they are skills)."""
    return [
        key.removeprefix(SKILL_PREFIX)
        for key, value in form.items()
        if key.startswith(SKILL_PREFIX) and value
    ]


def _safeguarding(read: FormReader) -> Safeguarding:
    value = read.choice("safeguarding", rules.SAFEGUARDING, "Choose whether this is safeguarding training")
    return cast(Safeguarding, value)


def course_settings_input(form: Mapping[str, str]) -> CourseSettingsInput:
    read = FormReader(form)
    data = CourseSettingsInput(
        validity_months=_validity(read),
        safeguarding=_safeguarding(read),
        skills=_skills(form),
        active=read.raw("active") == "yes",
    )
    _done(read, lambda unread: catalogue.settings_problems(data))
    return data


def new_course_input(form: Mapping[str, str]) -> NewCourseInput:
    read = FormReader(form)
    kind = read.choice("kind", rules.KINDS, "Choose what kind of course it is")
    data = NewCourseInput(
        name=read.raw("name"),
        kind=cast(Kind, kind),
        validity_months=_validity(read),
        safeguarding=_safeguarding(read),
        skills=_skills(form),
    )
    _done(read, lambda unread: catalogue.new_course_problems(data))
    return data
