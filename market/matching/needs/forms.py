"""The need, person and time forms read into the Structs the services take (the API sends
the same Structs as JSON). A reader names what it cannot read (a rate that is not money, a
date that is not a date); the rules every caller must meet are the services' (checks.py,
recipients.py, times.py), and a page reports both at once."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any, cast

from market.clock import london_today
from market.fields import YES, FormReader, date_values, whole_number
from market.matching.needs.checks import REFERRAL_DATES
from market.matching.needs.schemas import CoverDateInput, NeedInput, RecipientInput
from market.register import languages as language_list
from market.register.forms import slot_times

# Each list of checkboxes posts ``<prefix><code>``.
PREFIXES = {
    "shift_": "shift_kinds",
    "required_": "required_skills",
    "preferred_": "preferred_skills",
    "group_": "client_groups",
}
VERSION_PROBLEM = "The form's version is not valid: reload the page"


def _ticked(form: Mapping[str, str], prefix: str) -> list[str]:
    """Every code ticked in a list of checkboxes, known or not (the service names unknown
    ones), in the order posted."""
    return [
        key.removeprefix(prefix)
        for key, value in form.items()
        if key.startswith(prefix) and key != prefix and str(value).strip().lower() in YES
    ]


def _hours(read: FormReader) -> float | None:
    # The range and the quarter hours are the service's rules (checks.py).
    return read.number("hours_per_week", "hours a week", required=False, example="12 or 12.5")


def _miles(read: FormReader) -> int | None:
    raw = read.raw("max_distance_miles")
    miles = whole_number(raw) if raw else None
    if raw and miles is None:
        read.problem("max_distance_miles", "The distance must be a whole number of miles, like 10")
    return miles


def _rate(read: FormReader) -> int | None:
    return read.pence("max_rate", "the hourly rate", required=False, example="13.50")


def version(read: FormReader) -> int | None:
    """The version a form was read at; a problem when it is there but not a number."""
    if read.raw("version") and read.version() is None:
        read.problem("version", VERSION_PROBLEM)
    return read.version()


def _referral(read: FormReader) -> dict[str, Any]:
    return {
        "referral_source": read.raw("referral_source"),
        **{field: read.date(field, label, required=False) for field, label in REFERRAL_DATES.items()},
    }


def need_input(read: FormReader) -> NeedInput:
    """The need the form describes. What cannot be read is in ``read.errors`` and left blank
    here; choices are passed on as posted, for the service to check against its lists."""
    form = read.form
    lists = {field: _ticked(form, prefix) for prefix, field in PREFIXES.items()}
    flags = ("gender_required", "pets", "smoking", "personal_care", "rate_firm")
    staff_flags = ("dbs_adults_barred", "dbs_children_barred")
    fields: dict[str, Any] = {
        "title": read.raw("title").replace("\r\n", "\n"),
        "description": read.raw("description").replace("\r\n", "\n"),
        "kind": read.raw("kind"),
        "postcode": read.raw("postcode"),
        "hours_per_week": _hours(read),
        "start_date": read.date("start_date", "The start date", required=False),
        "age_group": read.raw("age_group"),
        # One language a box (languages_required_0 ...): codes, names or aliases, for the
        # service to look up in the register's list.
        "languages_required": [t for t in language_list.typed(form, "languages_required") if t.strip()],
        "languages_preferred": [t for t in language_list.typed(form, "languages_preferred") if t.strip()],
        "gender_preference": read.raw("gender_preference"),
        "max_rate_pence": _rate(read),
        "max_distance_miles": _miles(read),
        "year_pattern": read.raw("year_pattern"),
        # Blank (a form saved before the question) is no driving; the service checks the rest.
        "driving": read.raw("driving") or "none",
        "dbs_level": read.raw("dbs_level"),
        "version": version(read),
        **_referral(read),
        **{flag: read.yes(flag) for flag in (*flags, *staff_flags)},
        # Only PAs free at all of the need's hours (issue 16): its own line, for an easy merge.
        "all_hours": read.yes("all_hours"),
        **lists,
    }
    # The choices are checked by the service, which names each one that is not on its list.
    return NeedInput(**cast(Any, fields))


def cover_date_input(read: FormReader) -> CoverDateInput:
    on_date = read.date("date", "The date")
    if on_date and on_date < london_today():
        read.problem("date", "The date must be today or in the future")
    days = ("the day", "the next day")
    if on_date:
        after = on_date + timedelta(days=1)
        days = (f"{on_date:%A} {on_date.day} {on_date:%B}", f"{after:%A} {after.day} {after:%B}")
    start, end = slot_times(read, "Monday", days)  # any weekday: the times and the overnight rule
    return CoverDateInput(date=on_date or london_today(), start=start, end=end)


def recipient_input(read: FormReader) -> RecipientInput:
    born = read.date("birth_date", "Date of birth", required=False)
    age_group = read.raw("age_group")
    if not read.ok("birth_date") and not age_group:
        # The birth date would have given the age group: name only the date's problem.
        age_group = "adult"
    return RecipientInput(
        display_name=read.raw("display_name"),
        birth_date=born,
        age_group=cast(Any, age_group),
        postcode=read.raw("postcode"),
        gender=cast(Any, read.raw("gender")),
        notes=read.raw("notes").replace("\r\n", "\n"),
        disability=cast(Any, read.raw("disability")),
        ethnicity=cast(Any, read.raw("ethnicity")),
    )


def form_values(need: Any, *, staff: bool) -> dict[str, str]:
    """A stored need (a NeedOut) as the form's fields, every section's."""
    values = {
        "title": need.title,
        "description": need.description,
        "kind": need.kind,
        "postcode": need.postcode,
        "hours_per_week": "" if need.hours_per_week is None else f"{need.hours_per_week:g}",
        "age_group": need.age_group,
        "gender_preference": need.gender_preference,
        "max_rate": "" if need.max_rate_pence is None else f"{need.max_rate_pence / 100:.2f}",
        "max_distance_miles": str(need.max_distance_miles),
        "year_pattern": need.year_pattern,
        "version": str(need.version),
        **date_values("start_date", need.start_date),
    }
    values["driving"] = need.driving
    for flag in ("gender_required", "pets", "smoking", "personal_care", "rate_firm"):
        values[flag] = "yes" if getattr(need, flag) else ""
    values["all_hours"] = "yes" if need.all_hours else ""
    catalogue = language_list.current()
    values |= language_list.box_values("languages_required", need.languages_required, catalogue)
    values |= language_list.box_values("languages_preferred", need.languages_preferred, catalogue)
    values |= {f"shift_{c}": "yes" for c in need.shift_kinds}
    values |= {f"required_{c}": "yes" for c in need.required_skills}
    values |= {f"preferred_{c}": "yes" for c in need.preferred_skills}
    values |= {f"group_{c}": "yes" for c in need.client_groups}
    if staff:
        values |= _staff_values(need)
    return values


def _staff_values(need: Any) -> dict[str, str]:
    values: dict[str, str] = {}
    if need.dbs_raised:
        values["dbs_level"] = need.dbs_level
        values["dbs_adults_barred"] = "yes" if need.dbs_adults_barred else ""
        values["dbs_children_barred"] = "yes" if need.dbs_children_barred else ""
    if need.referral:
        values["referral_source"] = need.referral.source
        values |= date_values("referred_on", need.referral.referred_on)
        values |= date_values("first_contact_on", need.referral.first_contact_on)
        values |= date_values("support_set_up_on", need.referral.support_set_up_on)
    return values
