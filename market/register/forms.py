"""The register's posted forms as the typed Structs its services take.

Each reader names every problem at once: what it cannot read, and the service's own rules
that need no database (``*_problems``) for the fields it could read, so a page shows all
of them together, with the messages the pages have always given. ``done`` raises Invalid
before any service is called.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, time
from typing import cast

from market.fields import FormReader, parse_clock, whole_number
from market.geo.postcodes import InvalidPostcode, parse_postcode
from market.register import details, languages, services
from market.register.availability import DAYS, SlotProblem, slot_from_day_times
from market.register.schemas import (
    EMPLOYMENT,
    MAX_HOURS,
    MAX_YEARS,
    PA_GENDERS,
    QUALIFICATION_KINDS,
    SHIFT_KINDS,
    AboutInput,
    AwayInput,
    Day,
    Employment,
    ExperienceInput,
    Gender,
    LanguageInput,
    PatternInput,
    QualificationInput,
    QualificationKind,
    ReferenceInput,
    SkillNameInput,
    SkillsInput,
    SlotInput,
    TermsInput,
    WhereInput,
)

# Stands in for a date that could not be read: ``done`` raises before anything sees it.
_NO_DATE = date.min


def _finish(read: FormReader, problems: dict[str, str], *, names: Mapping[str, str] | None = None) -> None:
    """Add the service's rule problems (keyed by the Struct's field, renamed to the form's
    where they differ) for every field the reader could read, then raise if any."""
    for field, message in problems.items():
        name = (names or {}).get(field, field)
        if read.ok(name):
            read.problem(name, message)
    read.done()


def about_input(form: Mapping[str, str]) -> AboutInput:
    # The service checks each text (required, length) and names every one at once.
    read = FormReader(form)
    return AboutInput(**{field: read.raw(field) for field in AboutInput.__struct_fields__})


def _yes_no(read: FormReader, field: str) -> bool | None:
    """A yes/no radio: None when neither was chosen."""
    answer = read.choice(field, ("yes", "no"), "Select yes or no", required=False)
    return None if answer not in ("yes", "no") else answer == "yes"


def where_input(form: Mapping[str, str]) -> WhereInput:
    read = FormReader(form)
    postcode = read.text("home_postcode")
    try:
        parse_postcode(postcode)
    except InvalidPostcode as problem:
        # Checked here too, so a bad distance does not hide a mistyped postcode.
        read.problem("home_postcode", str(problem))
    miles = read.whole_number("travel_miles", "how many miles you will travel")
    data = WhereInput(
        home_postcode=postcode,
        travel_miles=miles or 0,
        driving_licence=read.yes("driving_licence"),
        has_car=read.yes("has_car"),
        car_insurance=_yes_no(read, "car_insurance"),
    )
    _finish(read, services.where_problems(data))
    return data


def terms_input(form: Mapping[str, str]) -> TermsInput:
    read = FormReader(form)
    raw_rate = read.raw("min_rate")
    pence = None
    if not raw_rate:
        read.problem("min_rate", "Enter the lowest hourly rate you will accept, like 12.50")
    else:
        pence = read.pence("min_rate", "an amount")
    employment = read.choice("employment", EMPLOYMENT, "Select how you want to be employed")
    data = TermsInput(
        min_rate_pence=pence or 0,
        employment=cast(Employment, employment),
        right_to_work_declared=read.yes("right_to_work_declared"),
    )
    _finish(read, services.terms_problems(data), names={"min_rate_pence": "min_rate"})
    return data


def skills_input(form: Mapping[str, str], names: Mapping[str, str]) -> SkillsInput:
    """``skill_<code>=on`` with ``years_<code>=N`` (blank is 0); ``names`` are the
    offered skills' names by code, for the messages."""
    read = FormReader(form)
    chosen: dict[str, int] = {}
    for key in form:
        if not key.startswith("skill_") or read.raw(key) != "on":
            continue
        code = key.removeprefix("skill_")
        field = f"years_{code}"
        name = names.get(code, code).lower()
        years = read.whole_number(field, f"years of experience in {name}", required=False)
        if years is None and read.raw(field):
            read.errors[field] = f"Years of experience in {name} must be a whole number from 0 to {MAX_YEARS}"
        chosen[code] = years or 0
    data = SkillsInput(skills=chosen)
    _finish(read, services.skills_problems(data, dict(names)))
    return data


def experience_input(
    form: Mapping[str, str], group_codes: list[str], catalogue: languages.Catalogue
) -> ExperienceInput:
    """``group_<code>=on`` for each client group offered; one language in each box
    ``language_<n>`` (a code, standard name or alias), stored as codes."""
    read = FormReader(form)
    gender = read.choice("gender", PA_GENDERS, "Select your gender, or that you prefer not to say")
    spoken, problems = languages.check_boxes(form, "language", catalogue)
    read.errors.update(problems)
    data = ExperienceInput(
        client_groups=read.codes("group_", group_codes),
        languages=spoken,
        gender=cast(Gender, gender),
    )
    _finish(read, details.experience_problems(data))
    return data


def _hours(read: FormReader, field: str, label: str) -> int | None:
    value = read.whole_number(field, label, required=False)
    if value is None and read.raw(field):
        read.errors[field] = f"{label} must be a whole number of hours from 1 to {MAX_HOURS}"
    return value


def pattern_input(form: Mapping[str, str]) -> PatternInput:
    read = FormReader(form)
    wont = [key.removeprefix("wont_") for key in form if key.startswith("wont_") and read.raw(key)]
    data = PatternInput(
        shift_kinds=read.codes("shift_", SHIFT_KINDS),
        earliest_start=read.date("start", "The date you can start", required=False),
        min_hours=_hours(read, "min_hours", "The fewest hours a week"),
        max_hours=_hours(read, "max_hours", "The most hours a week"),
        wont_do=wont,
        year_pattern=read.raw("year_pattern"),
    )
    _finish(read, details.pattern_problems(data), names={"earliest_start": "start"})
    return data


def away_input(form: Mapping[str, str]) -> AwayInput:
    read = FormReader(form)
    starts = read.date("from", "The first day away")
    ends = read.date("to", "The last day away")
    read.errors = {f"away_{field}": message for field, message in read.errors.items()}
    data = AwayInput(starts_on=starts or _NO_DATE, ends_on=ends or _NO_DATE, note=read.raw("note"))
    _finish(read, details.away_problems(data))
    return data


def qualification_input(form: Mapping[str, str]) -> QualificationInput:
    read = FormReader(form)
    kind = read.choice("kind", QUALIFICATION_KINDS, "Select the qualification")
    data = QualificationInput(
        kind=cast(QualificationKind, kind),
        title=read.raw("title"),
        achieved_on=read.date("achieved", "The date you achieved it", required=False),
    )
    _finish(read, details.qualification_problems(data), names={"achieved_on": "achieved"})
    return data


def reference_input(form: Mapping[str, str]) -> ReferenceInput:
    # Every field is text; the service names each missing or too long one at once.
    read = FormReader(form)
    return ReferenceInput(**{field: read.raw(field) for field in ReferenceInput.__struct_fields__})


def skill_name_input(form: Mapping[str, str]) -> SkillNameInput:
    return SkillNameInput(name=FormReader(form).raw("name"))


def language_input(form: Mapping[str, str]) -> LanguageInput:
    """The name, and the aliases comma-separated in one box."""
    read = FormReader(form)
    aliases = [a for a in read.raw("aliases").replace(";", ",").split(",") if a.strip()]
    return LanguageInput(name=read.raw("name"), aliases=aliases)


# -- a weekly slot (the PA's availability, and a need's times) ---------------------------------


def _clock_or_midnight(read: FormReader, field: str) -> time:
    """A time a slot form gave; 24:00 (an evening shift ending at midnight) is 00:00, which a
    slot reads as the next midnight. Unreadable times are already in ``read.errors``."""
    raw = read.raw(field)
    if raw in ("24:00", "24.00", "24"):
        return time(0, 0)
    return parse_clock(raw) or time(0, 0)


def _hours_text(minutes: int) -> str:
    hours = minutes / 60
    return f"{hours:g} hour" + ("" if hours == 1 else "s")


def overnight_question(first_day: str, next_day: str, start: time, end: time) -> str:
    """The question a form asks before it saves an end earlier than the start."""
    minutes = (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute) + 24 * 60
    return (
        f"Is this an overnight shift from {first_day} {start:%H:%M} to {next_day} {end:%H:%M} "
        f"({_hours_text(minutes)})? If it is, tick the box and save again; if not, change the times"
    )


def slot_times(read: FormReader, day: str, days: tuple[str, str] | None = None) -> tuple[time, time]:
    """The start and end, checked as a slot is (the day, quarter hours, an end that is not the
    start), so the form names every problem with them at once.

    An end earlier than the start is an overnight shift, and a typing slip looks the same
    (09:00 to 05:00 for 09:00 to 17:00), so a page asks before it saves one: the problem
    "overnight" carries the question until the form posts ``overnight=yes``. An end at
    midnight is plainly the same evening's end and is not asked about. ``days`` names the
    start's day and the next (for the question); by default ``day`` and the weekday after
    it. The API takes an overnight slot as it is sent: a client says what it means."""
    problems = False
    try:
        slot_from_day_times(day, read.raw("start"), read.raw("end"))
    except SlotProblem as problem:
        problems = True
        for field, message in problem.errors.items():
            read.problem(field, message)
    start, end = _clock_or_midnight(read, "start"), _clock_or_midnight(read, "end")
    if not problems and time(0, 0) < end < start and not read.yes("overnight"):
        if days is None:
            index = next(i for i, d in enumerate(DAYS) if day.lower() in (d.lower(), d[:3].lower(), str(i)))
            days = (DAYS[index], DAYS[(index + 1) % len(DAYS)])
        read.problem("overnight", overnight_question(*days, start, end))
    return start, end


def slot_input(read: FormReader) -> SlotInput:
    """A weekly slot from a form's day (a name, its first three letters or its index) and
    times; every problem is in ``read.errors``, and an overnight slot waits for the form's
    ``overnight=yes`` (see ``slot_times``)."""
    day = read.raw("day")
    start, end = slot_times(read, day)
    name = next((d for d in DAYS if day.lower() in (d.lower(), d[:3].lower())), None)
    if name is None and (index := whole_number(day)) is not None and index < len(DAYS):
        name = DAYS[index]
    return SlotInput(day=cast(Day, name or "Monday"), start=start, end=end)
