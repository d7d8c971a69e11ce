"""The rules a need must meet, whoever sends it (the form or the API): every field checked
at once, each problem with its own message, and the need's columns as stored. The DBS
requirement follows from the person; staff may raise it, never lower it. No writes here."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

import msgspec

from market.clock import london_today
from market.dbs import rules
from market.errors import Invalid
from market.geo import services as geo
from market.matching.needs.schemas import (
    AGE_GROUPS,
    DRIVING,
    GENDER_PREFERENCES,
    KINDS,
    MAX_HOURS,
    MAX_LANGUAGES,
    MAX_MILES,
    MAX_RATE_PENCE,
    MIN_RATE_PENCE,
    REFERRAL_SOURCES,
    TEXT_LIMIT,
    TITLE_LIMIT,
    YEAR_PATTERNS,
    NeedInput,
)
from market.register import languages as language_list
from market.register.schemas import RETIRED_DRIVING_SKILLS, SHIFT_KINDS, Choice

REFERRAL_DATES = {
    "referred_on": "The date of referral",
    "first_contact_on": "The date of first contact",
    "support_set_up_on": "The date support was set up",
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


def _languages(
    errors: dict[str, str], field: str, texts: list[str], catalogue: language_list.Catalogue
) -> list[str]:
    """The codes of the texts (codes, standard names or aliases of the register's list of
    languages), each once; each text that names no language is an error on ``field``."""
    found, problems = catalogue.resolve(texts)
    if problems:
        errors[field] = "; ".join(problems.values())
    return found


def _describe(errors: dict[str, str], data: NeedInput) -> dict[str, Any]:
    title = data.title.strip()
    description = data.description.strip().replace("\r\n", "\n")
    if not title:
        errors["title"] = "Enter a short title for the need, like 'Morning support in Peterborough'"
    elif len(title) > TITLE_LIMIT:
        errors["title"] = f"The title must be {TITLE_LIMIT:,} characters or fewer"
    if not description:
        errors["description"] = "Describe the support needed"
    elif len(description) > TEXT_LIMIT:
        errors["description"] = f"The description must be {TEXT_LIMIT:,} characters or fewer"
    if data.kind not in KINDS:
        errors["kind"] = "Select whether this is regular support or cover on particular dates"
    return {"title": title, "description": description, "kind": data.kind}


async def _place(errors: dict[str, str], data: NeedInput, recipient: dict[str, Any]) -> dict[str, Any]:
    postcode = data.postcode.strip() or recipient["postcode"]
    if not postcode:
        errors["postcode"] = "Enter the postcode where the support is needed"
        return {}
    try:
        point = await geo.locate(postcode, field="postcode")
    except Invalid as invalid:
        errors.update(invalid.errors)
        return {}
    return {
        "postcode": point.postcode,
        "sector": point.sector,
        "district": point.district,
        "lat": point.lat,
        "lon": point.lon,
    }


def _when(
    errors: dict[str, str], data: NeedInput, today: date, current: dict[str, Any] | None
) -> dict[str, Any]:
    hours = data.hours_per_week
    if hours is not None and not 1 <= hours <= MAX_HOURS:
        errors["hours_per_week"] = f"Hours a week must be between 1 and {MAX_HOURS}"
    elif hours is not None and hours * 4 != int(hours * 4):
        errors["hours_per_week"] = "Hours a week must be in quarter hours, like 12.25 or 12.5"
    start = data.start_date
    if start and start < today and (current is None or current["start_date"] != start):
        errors["start_date"] = "The start date must be today or in the future"
    return {
        "hours_per_week": hours,
        "shift_kinds": _known(errors, "shift_kinds", data.shift_kinds, SHIFT_KINDS),
        "start_date": start,
    }


def _known(errors: dict[str, str], field: str, chosen: Sequence[str], known: dict[str, Any]) -> list[str]:
    """The chosen codes in the list's order; every unknown one named."""
    unknown = sorted(set(chosen) - set(known))
    if unknown:
        errors[field] = f"Not on the list: {', '.join(unknown)}"
    return [code for code in known if code in chosen]


def _retired(errors: dict[str, str], data: NeedInput) -> None:
    """The driving skills are asked by the driving question now: name it, whatever that
    question's answer is (an "own car" skill on a need with no driving would contradict it)."""
    for field, chosen in (
        ("required_skills", data.required_skills),
        ("preferred_skills", data.preferred_skills),
    ):
        retired = [code for code in RETIRED_DRIVING_SKILLS if code in chosen]
        if retired:
            code = retired[0]
            wanted = "own_car" if code == "driving_own_car" else "recipients_car"
            errors[field] = (
                f"{RETIRED_DRIVING_SKILLS[code]} is no longer a skill: answer the driving question instead "
                f"(“{DRIVING[wanted]}”, driving “{wanted}”)"
                + (", not “No driving”" if data.driving == "none" else "")
            )


def _skills(
    errors: dict[str, str], data: NeedInput, skills: list[Choice], groups: list[Choice]
) -> tuple[dict[int, bool], list[int]]:
    names = {s.code: s.name for s in skills}
    required = _known(errors, "required_skills", data.required_skills, names)
    preferred = _known(errors, "preferred_skills", data.preferred_skills, names)
    both = [names[c] for c in required if c in preferred]
    if both:
        errors["preferred_skills"] = f"{both[0]} is already a required skill: untick it here"
    _retired(errors, data)
    group_names = {g.code: g.name for g in groups}
    chosen_groups = _known(errors, "client_groups", data.client_groups, group_names)
    ids = {s.code: s.id for s in skills}
    group_ids = {g.code: g.id for g in groups}
    chosen = {ids[c]: True for c in required} | {ids[c]: False for c in preferred}
    return chosen, [group_ids[c] for c in chosen_groups]


def _person(
    errors: dict[str, str], data: NeedInput, recipient: dict[str, Any], catalogue: language_list.Catalogue
) -> dict[str, Any]:
    age_group = data.age_group or recipient["age_group"]
    if age_group not in AGE_GROUPS:
        errors["age_group"] = "Select the person's age group"
    wanted = _languages(errors, "languages_required", data.languages_required, catalogue)
    liked = [
        x
        for x in _languages(errors, "languages_preferred", data.languages_preferred, catalogue)
        if x not in wanted
    ]
    for field, found in (("languages_required", wanted), ("languages_preferred", liked)):
        if len(found) > MAX_LANGUAGES and field not in errors:
            errors[field] = f"List up to {MAX_LANGUAGES} languages"
    gender = data.gender_preference
    if data.driving not in DRIVING:
        errors["driving"] = "Select what driving the work needs"
    if gender not in GENDER_PREFERENCES:
        errors["gender_preference"] = "Select a woman, a man, or no preference"
    elif data.gender_required and not gender:
        errors["gender_required"] = "Select the gender of PA needed, or untick that it is required"
    return {
        "age_group": age_group,
        "languages_required": wanted,
        "languages_preferred": liked,
        "gender_preference": gender,
        "gender_required": data.gender_required and bool(gender),
        "driving": data.driving,
        "pets": data.pets,
        "smoking": data.smoking,
        "personal_care": data.personal_care,
    }


def _terms(errors: dict[str, str], data: NeedInput) -> dict[str, Any]:
    rate = data.max_rate_pence
    if rate is None and data.rate_firm:
        errors["max_rate"] = "Enter the most you can pay an hour, or untick that it is firm"
    elif rate is not None and not MIN_RATE_PENCE <= rate <= MAX_RATE_PENCE:
        errors["max_rate"] = "The hourly rate must be between £1.00 and £100.00"
    miles = data.max_distance_miles
    if miles is None:
        errors["max_distance_miles"] = "Enter how far a PA may travel to the person, from 1 to 100 miles"
    elif not 1 <= miles <= MAX_MILES:
        errors["max_distance_miles"] = f"The distance must be between 1 and {MAX_MILES} miles"
    if data.year_pattern not in YEAR_PATTERNS:
        errors["year_pattern"] = "Select when in the year support is needed"
    return {
        "max_rate_pence": rate,
        "rate_firm": data.rate_firm,
        "all_hours": data.all_hours,
        "max_distance_miles": miles,
        "year_pattern": data.year_pattern,
    }


def _requirement(
    errors: dict[str, str], data: NeedInput, age_group: str, staff: bool, current: dict[str, Any] | None
) -> dict[str, Any]:
    """The requirement in force: the derived one, kept raised where staff raised it before,
    or what staff choose now (never below the derived one)."""
    derived = derived_requirement(age_group if age_group in AGE_GROUPS else "adult", data.personal_care)
    chosen = joined(derived, stored_requirement(current)) if current and current["dbs_raised"] else derived
    if staff and data.dbs_level:
        if data.dbs_level not in rules.LEVELS:
            errors["dbs_level"] = "Select the level of DBS check needed"
        else:
            chosen = _chosen_requirement(errors, data, derived)
    return {
        "dbs_level": chosen.level,
        "dbs_adults_barred": chosen.adults_barred,
        "dbs_children_barred": chosen.children_barred,
        "dbs_raised": chosen != derived,
    }


def _chosen_requirement(
    errors: dict[str, str], data: NeedInput, derived: rules.Requirement
) -> rules.Requirement:
    chosen = rules.Requirement(
        level=data.dbs_level, adults_barred=data.dbs_adults_barred, children_barred=data.dbs_children_barred
    )
    if (chosen.adults_barred or chosen.children_barred) and chosen.level != "enhanced":
        errors["dbs_level"] = "Barred lists are only checked on an enhanced certificate"
    elif not at_least(chosen, derived):
        errors["dbs_level"] = (
            f"The DBS check cannot be lower than the person's needs call for: {derived.describe()}"
        )
    return chosen


def _referral(errors: dict[str, str], data: NeedInput, today: date) -> dict[str, Any]:
    source = data.referral_source
    if source and source not in REFERRAL_SOURCES:
        errors["referral_source"] = "Select where the referral came from"
    days = {field: getattr(data, field) for field in REFERRAL_DATES}
    for field, day in days.items():
        if day and day > today:
            errors[field] = f"{REFERRAL_DATES[field]} must be today or in the past"
    referred, first, set_up = days.values()
    if referred and first and first < referred:
        errors.setdefault(
            "first_contact_on", "The date of first contact must be on or after the date of referral"
        )
    if set_up and (first or referred) and set_up < (first or referred):
        errors.setdefault(
            "support_set_up_on",
            "The date support was set up must be on or after the first contact and referral",
        )
    if (first or set_up) and not source:
        errors.setdefault("referral_source", "Select where the referral came from")
    return {"referral_source": source, **days}


async def need_values(
    data: NeedInput,
    *,
    recipient: dict[str, Any],
    skills: list[Choice],
    groups: list[Choice],
    staff: bool,
    current: dict[str, Any] | None = None,
) -> NeedValues:
    """The columns a need's input gives, or Invalid with every problem found."""
    errors: dict[str, str] = {}
    today = london_today()
    columns = _describe(errors, data)
    columns |= await _place(errors, data, recipient)
    columns |= _when(errors, data, today, current)
    chosen_skills, chosen_groups = _skills(errors, data, skills, groups)
    columns |= _person(errors, data, recipient, await language_list.load())
    columns |= _terms(errors, data)
    columns |= _requirement(errors, data, columns["age_group"], staff, current)
    if staff:
        columns |= _referral(errors, data, today)
    if errors:
        raise Invalid(errors)
    return NeedValues(columns=columns, skills=chosen_skills, groups=chosen_groups)
