"""What comes in and goes out of the register."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time
from typing import Annotated, Any, Literal, get_args

import msgspec

from market.db import json_list

STATUSES = ("draft", "submitted", "changes_requested", "approved", "suspended", "declined", "withdrawn")
EMPLOYMENT = {
    "employed": "Employed by the person I support (PAYE)",
    "self_employed": "Self-employed",
    "either": "Either",
}
SHIFT_KINDS = {
    "day": "Day",
    "evening": "Evening",
    "sleeping_night": "Sleeping night",
    "waking_night": "Waking night",
    "weekend": "Weekend",
    "live_in": "Live-in",
    "emergency_cover": "Emergency cover",
}
# A PA's own limits, as binding on a match as a recipient's requirements.
# The work a PA will not do (a controlled list: codes are stored, labels shown).
WONT_DO = {
    "personal_care": "Personal care",
    "pets": "Households with pets",
    "smoking": "Smoking households",
    "sleeping_nights": "Sleeping nights",
    "waking_nights": "Waking nights",
    "live_in": "Live-in care",
    "children": "Supporting children",
    "driving": "Driving for work",
}
# The shift kind each limit rules out, so a PA cannot both offer and refuse it.
WONT_DO_SHIFTS = {"sleeping_nights": "sleeping_night", "waking_nights": "waking_night", "live_in": "live_in"}
# The skills each limit rules out, so a PA cannot list a skill as one they offer and refuse
# the same work ("Personal care (6 years)" and "will not do personal care").
WONT_DO_SKILLS = {
    "personal_care": ("personal_care",),
    "children": ("children",),
    # Retired (issue 21: the profile's licence and car say it), kept so an old row is refused.
    "driving": ("driving_own_car", "driving_recipients_car"),
    "sleeping_nights": ("sleeping_nights",),
    "waking_nights": ("waking_nights",),
    "live_in": ("live_in",),
}


# The driving skills retired by issue 21: the PA's licence, car and insurance, and a need's
# driving question, say it now. Asking for one gets an error naming where to say it instead.
RETIRED_DRIVING_SKILLS = {
    "driving_own_car": "Driving (own car)",
    "driving_recipients_car": "Driving (recipient's car)",
}


def refused_skills(skill_codes: Iterable[str], wont_do: Iterable[str]) -> list[tuple[str, str]]:
    """Each (skill code, limit code) where the PA offers a skill and refuses its work."""
    refused = set(wont_do)
    return [
        (skill, limit)
        for skill in skill_codes
        for limit, skills in WONT_DO_SKILLS.items()
        if limit in refused and skill in skills
    ]


# When in the year a PA works; "all_year" is the default.
YEAR_PATTERNS = {
    "all_year": "All year",
    "term_time": "Term time only",
    "school_holidays": "School holidays only",
}
DEFAULT_YEAR_PATTERN = "all_year"
# Each one-page text: the longest that, with every other field at its longest, still prints
# on one sheet of A4 (tests/browser/test_print.py prints it and counts the pages). It was
# 2,000; a text saved before then keeps showing, and its form asks the PA to shorten it.
TEXT_LIMIT = 750
TEXT_FIELDS = ("admire", "matters", "how_to_work")
# Qualifications a PA may list: as many as the one page has room for.
MAX_QUALIFICATIONS = 6


def stored_wont_do(value: Any) -> list[str]:
    """The known codes of a stored ``wont_do`` (JSON text on SQLite, a list on PostgreSQL),
    in the list's order; anything unreadable counts as none."""
    chosen = set(json_list(value))
    return [code for code in WONT_DO if code in chosen]


def stored_year_pattern(value: Any) -> str:
    return value if value in YEAR_PATTERNS else DEFAULT_YEAR_PATTERN


def wont_do_labels(codes: list[str]) -> list[str]:
    """The labels of the known codes, in the list's order (an unknown code is left out)."""
    chosen = set(codes)
    return [label for code, label in WONT_DO.items() if code in chosen]


def year_pattern_label(code: str) -> str:
    return YEAR_PATTERNS.get(code or DEFAULT_YEAR_PATTERN, YEAR_PATTERNS[DEFAULT_YEAR_PATTERN])


HEADLINE_LIMIT = 150


class AboutInput(msgspec.Struct, kw_only=True):
    display_name: str = ""
    headline: str = ""
    admire: str = ""
    matters: str = ""
    how_to_work: str = ""


MAX_TRAVEL_MILES = 100
MIN_RATE_PENCE = 100
MAX_RATE_PENCE = 10_000
MAX_YEARS = 60
MAX_HOURS = 84

Employment = Literal["employed", "self_employed", "either"]
assert set(get_args(Employment)) == set(EMPLOYMENT)
YearPattern = Literal["all_year", "term_time", "school_holidays"]
assert set(get_args(YearPattern)) == set(YEAR_PATTERNS)
Gender = Literal["woman", "man", "non_binary", ""]
QualificationKind = Literal[
    "care_certificate",
    "level_2_diploma",
    "level_3_diploma",
    "level_4_diploma",
    "level_5_diploma",
    "registered_nurse",
    "other",
]
TravelMiles = Annotated[int, msgspec.Meta(ge=1, le=MAX_TRAVEL_MILES)]
RatePence = Annotated[int, msgspec.Meta(ge=MIN_RATE_PENCE, le=MAX_RATE_PENCE)]
Years = Annotated[int, msgspec.Meta(ge=0, le=MAX_YEARS)]


class WhereInput(msgspec.Struct, kw_only=True):
    home_postcode: str = ""
    travel_miles: TravelMiles
    # Driving, said plainly: a full UK licence; a car they can use for work (only with a
    # licence); business use cover for it (only with a car; required then, None is "not said").
    driving_licence: bool = False
    has_car: bool = False
    car_insurance: bool | None = None


class TermsInput(msgspec.Struct, kw_only=True):
    min_rate_pence: RatePence
    employment: Employment
    # Must be true: the PA declares they have the right to work in the UK.
    right_to_work_declared: bool = False


class SkillsInput(msgspec.Struct, kw_only=True):
    """Skills by code, each with years of experience."""

    skills: dict[str, Years]


class ExperienceInput(msgspec.Struct, kw_only=True):
    client_groups: list[str] = []
    languages: list[str] = []
    gender: Gender = ""


class PatternInput(msgspec.Struct, kw_only=True):
    shift_kinds: list[str] = []
    earliest_start: date | None = None
    # Checked by the service (1 to 84), so a range problem is named with the other fields'.
    min_hours: int | None = None
    max_hours: int | None = None
    # The PA's own limits: codes of the work they will not do, and when in the year they work
    # (a code from YEAR_PATTERNS; an unknown code is named with a message by the service).
    wont_do: list[str] = []
    year_pattern: str = DEFAULT_YEAR_PATTERN


class AwayInput(msgspec.Struct, kw_only=True):
    starts_on: date
    ends_on: date
    note: str = ""  # kept to its first 200 characters


class QualificationInput(msgspec.Struct, kw_only=True):
    kind: QualificationKind
    title: str = ""
    achieved_on: date | None = None


class SkillNameInput(msgspec.Struct, kw_only=True):
    name: str


class LanguageInput(msgspec.Struct, kw_only=True):
    """A language for the list: its standard name and the other names people type for it."""

    name: str = ""
    aliases: list[str] = []


class LanguageOut(msgspec.Struct, kw_only=True):
    code: str
    name: str
    aliases: list[str]
    active: bool


Day = Literal["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


class SlotInput(msgspec.Struct, kw_only=True):
    """A weekly slot: a day and two times (London); an end at or before the start runs
    overnight into the next day, so Saturday 22:00 to 07:00 ends on Sunday. The API takes
    an overnight slot as sent; the pages ask "Is this an overnight shift...?" first."""

    day: Day
    start: time
    end: time


class CheckInput(msgspec.Struct, kw_only=True):
    kind: str
    outcome: str
    note: str = ""


class OutcomeInput(msgspec.Struct, kw_only=True):
    outcome: str


class DecisionInput(msgspec.Struct, kw_only=True):
    decision: str
    reason: str = ""


class ReasonInput(msgspec.Struct, kw_only=True):
    reason: str = ""


class ReferenceInput(msgspec.Struct, kw_only=True):
    referee_name: str = ""
    relationship: str = ""
    contact: str = ""


class Choice(msgspec.Struct, frozen=True, kw_only=True):
    """One entry of a controlled list other features offer (a skill, a client group)."""

    id: int
    code: str
    name: str


class SkillOut(msgspec.Struct, kw_only=True):
    code: str
    name: str
    years: int


class SlotOut(msgspec.Struct, kw_only=True):
    id: int
    start_minute: int
    end_minute: int
    label: str
    hours: float


class ChecklistItem(msgspec.Struct, kw_only=True):
    key: str
    title: str
    done: bool
    href: str


class OwnProfileOut(msgspec.Struct, kw_only=True):
    """The PA's own view (and staff's): includes the private home postcode."""

    id: int
    status: str
    status_reason: str
    display_name: str
    headline: str
    admire: str
    matters: str
    how_to_work: str
    home_postcode: str
    district: str
    travel_miles: int | None
    driving_licence: bool
    has_car: bool
    car_insurance: bool | None  # None: not said
    min_rate_pence: int | None
    employment: str
    right_to_work_declared: bool
    right_to_work_confirmed: bool
    skills: list[SkillOut]
    availability: list[SlotOut]
    version: int
    updated_at: datetime
    approved_at: datetime | None
    review_due_on: date | None
    checklist: list[ChecklistItem]
    wont_do: list[str] = []  # codes from WONT_DO
    year_pattern: str = DEFAULT_YEAR_PATTERN  # a code from YEAR_PATTERNS


# A PA's gender, given only if they choose: used to honour a stated preference, never shown.
PA_GENDERS = {
    "woman": "Woman",
    "man": "Man",
    "non_binary": "Non-binary",
    "": "I prefer not to say",
}

QUALIFICATION_KINDS = {
    "care_certificate": "Care Certificate",
    "level_2_diploma": "Level 2 Diploma in Health and Social Care",
    "level_3_diploma": "Level 3 Diploma in Health and Social Care",
    "level_4_diploma": "Level 4 Diploma in Health and Social Care",
    "level_5_diploma": "Level 5 Diploma in Leadership for Health and Social Care",
    "registered_nurse": "Registered nurse",
    "other": "Other qualification",
}
assert set(get_args(Gender)) == set(PA_GENDERS)
assert set(get_args(QualificationKind)) == set(QUALIFICATION_KINDS)


class QualificationOut(msgspec.Struct, kw_only=True):
    id: int
    kind: str
    title: str
    achieved_on: date | None
    verified: bool


class AwayOut(msgspec.Struct, kw_only=True):
    id: int
    starts_on: date
    ends_on: date
    note: str


class WorkPatternOut(msgspec.Struct, kw_only=True):
    shift_kinds: list[str]
    earliest_start: date | None
    min_hours: int | None
    max_hours: int | None
    away: list[AwayOut]
    wont_do: list[str] = []  # codes from WONT_DO: work the PA will not do
    year_pattern: str = DEFAULT_YEAR_PATTERN  # a code from YEAR_PATTERNS


class ExperienceOut(msgspec.Struct, kw_only=True):
    client_groups: list[str]
    # Codes of the register's list of languages (GET /api/v1/languages), and their names.
    languages: list[str]
    gender: str
    qualifications: list[QualificationOut]
    language_names: list[str] = []
