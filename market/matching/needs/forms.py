"""Reading a need from a form (or the API's fields, spelt the same way): every field checked
at once, each problem with its own message. No writes here."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

import msgspec

from market.clock import london_today
from market.dbs import rules
from market.dbs.forms import date_values, read_date, yes
from market.errors import Invalid
from market.geo import services as geo
from market.matching.needs.schemas import (
    AGE_GROUPS,
    GENDER_PREFERENCES,
    KINDS,
    REFERRAL_SOURCES,
    YEAR_PATTERNS,
)
from market.register.schemas import SHIFT_KINDS
from market.register.services import parse_pounds

TITLE_LIMIT = 120
TEXT_LIMIT = 2000
MAX_LANGUAGES = 10
MAX_MILES = 100
MAX_HOURS = 168
PREFIXES = {
    "shift_": "shift_kinds",
    "required_": "required_skills",
    "preferred_": "preferred_skills",
    "group_": "client_groups",
}


class NeedValues(msgspec.Struct, kw_only=True):
    columns: dict[str, Any]  # Need column name -> value
    skills: dict[int, bool]  # skill id -> required
    groups: list[int]


def derived_requirement(age_group: str, personal_care: bool) -> rules.Requirement:
    return rules.requirement_for(child=age_group == "child", personal_care=personal_care)


def at_least(have: rules.Requirement, floor: rules.Requirement) -> bool:
    return (
        rules.LEVEL_RANK[have.level] >= rules.LEVEL_RANK[floor.level]
        and (have.adults_barred or not floor.adults_barred)
        and (have.children_barred or not floor.children_barred)
    )


def joined(first: rules.Requirement, second: rules.Requirement) -> rules.Requirement:
    """The stricter of two requirements, part by part."""
    level = max(first.level, second.level, key=rules.LEVEL_RANK.__getitem__)
    return rules.Requirement(
        level=level,
        adults_barred=first.adults_barred or second.adults_barred,
        children_barred=first.children_barred or second.children_barred,
    )


def stored_requirement(row: dict[str, Any]) -> rules.Requirement:
    return rules.Requirement(
        level=row["dbs_level"],
        adults_barred=row["dbs_adults_barred"],
        children_barred=row["dbs_children_barred"],
    )


def languages(raw: str) -> list[str]:
    found: list[str] = []
    for part in raw.replace(";", ",").split(","):
        name = " ".join(part.split())
        if name and name.lower() not in (x.lower() for x in found):
            found.append(name[:1].upper() + name[1:])
    return found


def _text(
    errors: dict[str, str], form: dict[str, str], field: str, empty: str, label: str, limit: int
) -> str:
    value = form.get(field, "").strip().replace("\r\n", "\n")
    if not value and empty:
        errors[field] = empty
    elif len(value) > limit:
        errors[field] = f"{label} must be {limit:,} characters or fewer"
    return value


def _hours(errors: dict[str, str], raw: str) -> float | None:
    raw = raw.strip()
    if not raw:
        return None
    try:
        hours = Decimal(raw)
    except InvalidOperation:
        errors["hours_per_week"] = "Hours a week must be a number, like 12 or 12.5"
        return None
    if not 1 <= hours <= MAX_HOURS:
        errors["hours_per_week"] = f"Hours a week must be between 1 and {MAX_HOURS}"
        return None
    if hours * 4 != int(hours * 4):
        errors["hours_per_week"] = "Hours a week must be in quarter hours, like 12.25 or 12.5"
        return None
    return float(hours)


def _rate(errors: dict[str, str], raw: str, firm: bool) -> int | None:
    if not raw.strip():
        if firm:
            errors["max_rate"] = "Enter the most you can pay an hour, or untick that it is firm"
        return None
    try:
        pence = parse_pounds(raw)
    except ValueError:
        errors["max_rate"] = "Enter the hourly rate in pounds and pence, like 13.50"
        return None
    if not 100 <= pence <= 10_000:
        errors["max_rate"] = "The hourly rate must be between £1.00 and £100.00"
        return None
    return pence


def _miles(errors: dict[str, str], raw: str) -> int | None:
    raw = raw.strip()
    if not raw:
        errors["max_distance_miles"] = "Enter how far a PA may travel to the person, from 1 to 100 miles"
        return None
    if not raw.isdigit():
        errors["max_distance_miles"] = "The distance must be a whole number of miles, like 10"
        return None
    if not 1 <= int(raw) <= MAX_MILES:
        errors["max_distance_miles"] = f"The distance must be between 1 and {MAX_MILES} miles"
        return None
    return int(raw)


def _codes(errors: dict[str, str], form: dict[str, str], prefix: str, known: dict[str, str]) -> list[str]:
    chosen = [code for code in known if yes(form, f"{prefix}{code}")]
    unknown = sorted(
        k.removeprefix(prefix) for k in form if k.startswith(prefix) and k.removeprefix(prefix) not in known
    )
    if unknown:
        errors[PREFIXES[prefix]] = f"Not on the list: {', '.join(unknown)}"
    return chosen


def _dbs(
    errors: dict[str, str],
    form: dict[str, str],
    derived: rules.Requirement,
    staff: bool,
    current: dict | None,
) -> rules.Requirement:
    """The requirement in force: the derived one, kept raised where staff raised it before,
    or what staff choose now (never below the derived one)."""
    kept = joined(derived, stored_requirement(current)) if current and current["dbs_raised"] else derived
    level = form.get("dbs_level", "").strip()
    if not staff or not level:
        return kept
    if level not in rules.LEVELS:
        errors["dbs_level"] = "Select the level of DBS check needed"
        return kept
    chosen = rules.Requirement(
        level=level,
        adults_barred=yes(form, "dbs_adults_barred"),
        children_barred=yes(form, "dbs_children_barred"),
    )
    if (chosen.adults_barred or chosen.children_barred) and level != "enhanced":
        errors["dbs_level"] = "Barred lists are only checked on an enhanced certificate"
    elif not at_least(chosen, derived):
        errors["dbs_level"] = (
            f"The DBS check cannot be lower than the person's needs call for: {derived.describe()}"
        )
    return chosen


def _referral(errors: dict[str, str], form: dict[str, str], today: date) -> dict[str, Any]:
    source = form.get("referral_source", "").strip()
    if source and source not in REFERRAL_SOURCES:
        errors["referral_source"] = "Select where the referral came from"
    days = {
        "referred_on": read_date(form, "referred_on", "The date of referral", errors, required=False),
        "first_contact_on": read_date(
            form, "first_contact_on", "The date of first contact", errors, required=False
        ),
        "support_set_up_on": read_date(
            form, "support_set_up_on", "The date support was set up", errors, required=False
        ),
    }
    labels = {
        "referred_on": "The date of referral",
        "first_contact_on": "The date of first contact",
        "support_set_up_on": "The date support was set up",
    }
    for field, day in days.items():
        if day and day > today and field not in errors:
            errors[field] = f"{labels[field]} must be today or in the past"
    referred, first, set_up = days.values()
    if referred and first and first < referred and "first_contact_on" not in errors:
        errors["first_contact_on"] = "The date of first contact must be on or after the date of referral"
    if set_up and (first or referred) and set_up < (first or referred) and "support_set_up_on" not in errors:
        errors["support_set_up_on"] = (
            "The date support was set up must be on or after the first contact and referral"
        )
    if (first or set_up) and not source and "referral_source" not in errors:
        errors["referral_source"] = "Select where the referral came from"
    return {"referral_source": source, **days}


async def read_need(
    form: dict[str, str],
    *,
    recipient: dict[str, Any],
    skills: list[dict[str, Any]],
    groups: list[dict[str, Any]],
    staff: bool,
    current: dict[str, Any] | None = None,
) -> NeedValues:
    """The need a form describes, or Invalid with every problem found."""
    errors: dict[str, str] = {}
    today = london_today()
    title = _text(
        errors,
        form,
        "title",
        "Enter a short title for the need, like 'Morning support in Peterborough'",
        "The title",
        TITLE_LIMIT,
    )
    description = _text(
        errors, form, "description", "Describe the support needed", "The description", TEXT_LIMIT
    )
    kind = form.get("kind", "").strip()
    if kind not in KINDS:
        errors["kind"] = "Select whether this is regular support or cover on particular dates"
    postcode_text = form.get("postcode", "").strip() or recipient["postcode"]
    point = None
    if not postcode_text:
        errors["postcode"] = "Enter the postcode where the support is needed"
    else:
        try:
            point = await geo.locate(postcode_text, field="postcode")
        except Invalid as invalid:
            errors.update(invalid.errors)
    hours = _hours(errors, form.get("hours_per_week", ""))
    shift_kinds = _codes(errors, form, "shift_", SHIFT_KINDS)
    start_date = read_date(form, "start_date", "The start date", errors, required=False)
    if start_date and start_date < today and (current is None or current["start_date"] != start_date):
        errors.setdefault("start_date", "The start date must be today or in the future")
    skill_names = {s["code"]: s["name"] for s in skills}
    required = _codes(errors, form, "required_", skill_names)
    preferred = _codes(errors, form, "preferred_", skill_names)
    both = [skill_names[c] for c in required if c in preferred]
    if both:
        errors["preferred_skills"] = f"{both[0]} is already a required skill: untick it here"
    group_names = {g["code"]: g["name"] for g in groups}
    chosen_groups = _codes(errors, form, "group_", group_names)
    age_group = form.get("age_group", "").strip() or recipient["age_group"]
    if age_group not in AGE_GROUPS:
        errors["age_group"] = "Select the person's age group"
    wanted = languages(form.get("languages_required", ""))
    liked = [
        x
        for x in languages(form.get("languages_preferred", ""))
        if x.lower() not in {w.lower() for w in wanted}
    ]
    for field, found in (("languages_required", wanted), ("languages_preferred", liked)):
        if len(found) > MAX_LANGUAGES:
            errors[field] = f"List up to {MAX_LANGUAGES} languages"
    gender = form.get("gender_preference", "").strip()
    gender_required = yes(form, "gender_required")
    if gender not in GENDER_PREFERENCES:
        errors["gender_preference"] = "Select a woman, a man, or no preference"
    elif gender_required and not gender:
        errors["gender_required"] = "Select the gender of PA needed, or untick that it is required"
    personal_care = yes(form, "personal_care")
    rate_firm = yes(form, "rate_firm")
    rate = _rate(errors, form.get("max_rate", ""), rate_firm)
    miles = _miles(errors, form.get("max_distance_miles", ""))
    year_pattern = form.get("year_pattern", "").strip()
    if year_pattern not in YEAR_PATTERNS:
        errors["year_pattern"] = "Select when in the year support is needed"
    derived = derived_requirement(age_group if age_group in AGE_GROUPS else "adult", personal_care)
    requirement = _dbs(errors, form, derived, staff, current)
    referral = _referral(errors, form, today) if staff else {}
    if errors:
        raise Invalid(errors)
    assert point is not None
    columns: dict[str, Any] = {
        "title": title,
        "description": description,
        "kind": kind,
        "postcode": point.postcode,
        "sector": point.sector,
        "district": point.district,
        "lat": point.lat,
        "lon": point.lon,
        "hours_per_week": hours,
        "shift_kinds": shift_kinds,
        "start_date": start_date,
        "age_group": age_group,
        "languages_required": wanted,
        "languages_preferred": liked,
        "gender_preference": gender,
        "gender_required": gender_required and bool(gender),
        "driver_needed": yes(form, "driver_needed"),
        "pets": yes(form, "pets"),
        "smoking": yes(form, "smoking"),
        "personal_care": personal_care,
        "max_rate_pence": rate,
        "rate_firm": rate_firm,
        "max_distance_miles": miles,
        "year_pattern": year_pattern,
        "dbs_level": requirement.level,
        "dbs_adults_barred": requirement.adults_barred,
        "dbs_children_barred": requirement.children_barred,
        "dbs_raised": requirement != derived,
        **referral,
    }
    ids = {s["code"]: s["id"] for s in skills}
    chosen_skills = {ids[c]: True for c in required} | {ids[c]: False for c in preferred}
    group_ids = {g["code"]: g["id"] for g in groups}
    return NeedValues(columns=columns, skills=chosen_skills, groups=[group_ids[c] for c in chosen_groups])


def form_values(need: Any, *, staff: bool) -> dict[str, str]:
    """A stored need (a NeedOut) as the edit form's fields."""
    values = {
        "title": need.title,
        "description": need.description,
        "kind": need.kind,
        "postcode": need.postcode,
        "hours_per_week": "" if need.hours_per_week is None else f"{need.hours_per_week:g}",
        "age_group": need.age_group,
        "languages_required": ", ".join(need.languages_required),
        "languages_preferred": ", ".join(need.languages_preferred),
        "gender_preference": need.gender_preference,
        "max_rate": "" if need.max_rate_pence is None else f"{need.max_rate_pence / 100:.2f}",
        "max_distance_miles": str(need.max_distance_miles),
        "year_pattern": need.year_pattern,
        "version": str(need.version),
        **date_values("start_date", need.start_date),
    }
    for flag in ("gender_required", "driver_needed", "pets", "smoking", "personal_care", "rate_firm"):
        values[flag] = "yes" if getattr(need, flag) else ""
    values |= {f"shift_{c}": "yes" for c in need.shift_kinds}
    values |= {f"required_{c}": "yes" for c in need.required_skills}
    values |= {f"preferred_{c}": "yes" for c in need.preferred_skills}
    values |= {f"group_{c}": "yes" for c in need.client_groups}
    if staff:
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
