"""The need form as a few short question pages (the GOV.UK "question pages" and "check your
answers" patterns): each section is saved as you go, and the need's page lists every answer
with a link back to its section before the need is opened.

A section posts only its own fields. The service still takes the whole NeedInput (the API's
shape), so a section's answers are laid over the saved need's: ``merged`` builds the full
form the old single page posted, from the stored need and one section.

A cover need is not asked "When in the year is support needed?": its own dates decide (the
matching checks each date against the school terms), so its answer is always "all year".
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple


class Section(NamedTuple):
    name: str
    title: str
    fields: tuple[str, ...]
    prefixes: tuple[str, ...] = ()
    staff_only: bool = False


SECTIONS: tuple[Section, ...] = (
    Section("about", "About the support", ("title", "description", "kind")),
    Section("where", "Where support is needed", ("postcode", "max_distance_miles")),
    Section(
        "hours",
        "Hours and shifts",
        (
            "hours_per_week",
            "all_hours",
            "start_date_day",
            "start_date_month",
            "start_date_year",
            "year_pattern",
        ),
        ("shift_",),
    ),
    Section("person", "About the person", ("age_group", "personal_care"), ("group_",)),
    # One list of skills, asked in two steps: those a PA must have, then, of the rest,
    # those that would be good to have (so no skill is offered twice).
    Section("skills", "Skills a PA must have", (), ("required_",)),
    Section("preferred", "Skills that would be good to have", (), ("preferred_",)),
    Section("languages", "Languages", (), ("languages_required_", "languages_preferred_")),
    Section("driving", "Driving", ("driving",)),
    Section("home", "Preferences and the home", ("gender_preference", "gender_required", "pets", "smoking")),
    Section("pay", "Pay", ("max_rate", "rate_firm")),
    Section("dbs", "DBS check", ("dbs_level", "dbs_adults_barred", "dbs_children_barred"), staff_only=True),
    Section(
        "referral",
        "Referral",
        tuple(
            f"{name}{part}"
            for name in ("referred_on", "first_contact_on", "support_set_up_on")
            for part in ("_day", "_month", "_year")
        )
        + ("referral_source",),
        staff_only=True,
    ),
)
BY_NAME = {section.name: section for section in SECTIONS}
# What a cover need's "when in the year" is: its dates decide, not a pattern.
COVER_YEAR_PATTERN = "all_year"


def sections_for(*, staff: bool) -> list[Section]:
    return [s for s in SECTIONS if staff or not s.staff_only]


def section_for(name: str, *, staff: bool) -> Section | None:
    """The section of that name the user may answer; None for an unknown one."""
    section = BY_NAME.get(name)
    return section if section and (staff or not section.staff_only) else None


def next_section(name: str, *, staff: bool) -> Section | None:
    """The section after ``name`` in the order a new need is described; None after the last."""
    order = sections_for(staff=staff)
    names = [s.name for s in order]
    index = names.index(name) + 1 if name in names else len(order)
    return order[index] if index < len(order) else None


def _mine(section: Section, key: str) -> bool:
    return key in section.fields or any(key.startswith(p) for p in section.prefixes)


def merged(saved: Mapping[str, str], section: Section, posted: Mapping[str, str]) -> dict[str, str]:
    """The whole form: the saved need's fields, with ``section``'s replaced by what was
    posted (an unticked box posts nothing, so the section's old answers are dropped first)
    and the posted version, so a change on top of someone else's is refused."""
    values = {k: v for k, v in saved.items() if not _mine(section, k) and k != "version"}
    values |= {k: v for k, v in posted.items() if _mine(section, k) or k == "version"}
    if section.name == "skills":
        # A skill now needed is no longer only good to have.
        values = {
            k: v
            for k, v in values.items()
            if not (k.startswith("preferred_") and f"required_{k.removeprefix('preferred_')}" in values)
        }
    if values.get("kind") == "cover":
        values["year_pattern"] = COVER_YEAR_PATTERN  # not asked: the cover's dates decide
    return values
