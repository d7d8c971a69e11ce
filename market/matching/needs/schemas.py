"""What comes in and goes out of matching's needs and recipients, and the choices they offer."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Annotated, Literal, get_args

import msgspec

from market.dbs.rules import LEVELS
from market.register.availability import DAYS
from market.register.schemas import SHIFT_KINDS, Day, SlotInput

TITLE_LIMIT = 120
TEXT_LIMIT = 2000
MAX_LANGUAGES = 10
MAX_MILES = 100
MAX_HOURS = 168
MIN_RATE_PENCE = 100
MAX_RATE_PENCE = 10_000

AgeGroup = Literal["child", "adult", "older_adult"]
Gender = Literal["", "woman", "man", "non_binary"]
Disability = Literal["", "yes", "no", "prefer_not"]
Ethnicity = Literal["", "asian", "black", "mixed", "white", "other", "prefer_not"]
Kind = Literal["regular", "cover"]
GenderPreference = Literal["", "woman", "man"]
YearPattern = Literal["all_year", "term_time", "school_holidays"]
Driving = Literal["none", "recipients_car", "own_car"]
ReferralSource = Literal[
    "adult_social_care", "childrens_social_care", "health_chc", "self_referral", "self_funder"
]
DbsLevel = Literal["basic", "standard", "enhanced"]
ShiftKind = Literal[
    "day", "evening", "sleeping_night", "waking_night", "weekend", "live_in", "emergency_cover"
]

AGE_GROUPS = {
    "child": "Child (under 18)",
    "adult": "Adult (18 to 64)",
    "older_adult": "Older adult (65 or over)",
}
RELATIONSHIPS = {
    "self": "The person themselves",
    "family": "Family member or friend",
    "representative": "Representative",
}
GENDERS = {"": "Not given", "woman": "Woman", "man": "Man", "non_binary": "Non-binary"}
# Equality monitoring (optional; reported only as counts, small numbers suppressed outside staff).
DISABILITY = {"": "Not given", "yes": "Yes", "no": "No", "prefer_not": "Prefer not to say"}
# The census 2021 broad ethnic groups for England.
ETHNICITY = {
    "": "Not given",
    "asian": "Asian or Asian British",
    "black": "Black, Black British, Caribbean or African",
    "mixed": "Mixed or multiple ethnic groups",
    "white": "White",
    "other": "Another ethnic group",
    "prefer_not": "Prefer not to say",
}
KINDS = {"regular": "Regular support every week", "cover": "Cover on particular dates"}
GENDER_PREFERENCES = {"": "No preference", "woman": "A woman", "man": "A man"}
YEAR_PATTERNS = {
    "all_year": "All year",
    "term_time": "School term time only",
    "school_holidays": "School holidays only",
}
# What driving the work needs (issue 21), and what each asks of the PA.
DRIVING = {
    "none": "No driving",
    "recipients_car": "Driving the person's own car",
    "own_car": "Driving the PA's own car",
}
DRIVING_HINTS = {
    "none": "The PA will not need to drive.",
    "recipients_car": "The PA needs a full UK driving licence. The car is yours (it may be adapted), "
    "and its insurance must cover the PA to drive it.",
    "own_car": "The PA needs a full UK driving licence, a car they can use for work and business "
    "insurance for it (business use cover).",
}
STATUSES = {"draft": "Draft", "open": "Open", "paused": "Paused", "filled": "Filled", "closed": "Closed"}
REFERRAL_SOURCES = {
    "adult_social_care": "Adult social care",
    "childrens_social_care": "Children's social care",
    "health_chc": "Health or continuing health care",
    "self_referral": "Self-referral",
    "self_funder": "Self-funder",
}
# A status change: the action, the statuses it may start from, and where it leads.
TRANSITIONS: dict[str, tuple[tuple[str, ...], str]] = {
    "open": (("draft", "paused", "filled"), "open"),
    "pause": (("open",), "paused"),
    "fill": (("open", "paused"), "filled"),
    "close": (("draft", "open", "paused", "filled"), "closed"),
}
ACTION_NAMES = {"open": "Open", "pause": "Pause", "fill": "Mark as filled", "close": "Close"}
EDITABLE = ("draft", "open", "paused")


# The pages offer the label dicts; the API takes the Literals: the same codes.
for _codes, _labels in (
    (AgeGroup, AGE_GROUPS),
    (Gender, GENDERS),
    (Disability, DISABILITY),
    (Ethnicity, ETHNICITY),
    (Kind, KINDS),
    (GenderPreference, GENDER_PREFERENCES),
    (YearPattern, YEAR_PATTERNS),
    (Driving, DRIVING),
    (ReferralSource, REFERRAL_SOURCES),
    (DbsLevel, LEVELS),
    (ShiftKind, SHIFT_KINDS),
    (Day, dict.fromkeys(DAYS)),
):
    assert list(get_args(_codes)) == list(_labels), _labels


class RecipientOut(msgspec.Struct, kw_only=True):
    """The person, with their private postcode: for the people who act for them and staff."""

    id: int
    display_name: str
    birth_date: date | None
    age_group: str
    postcode: str
    district: str
    gender: str
    notes: str
    relationship: str = ""
    disability: str = ""
    ethnicity: str = ""


class RecipientInput(msgspec.Struct, kw_only=True):
    """A person to find support for. An age group is needed unless the birth date gives it."""

    display_name: str = ""
    birth_date: date | None = None
    age_group: AgeGroup | Literal[""] = ""
    postcode: str = ""
    gender: Gender = ""
    notes: str = ""
    disability: Disability = ""
    ethnicity: Ethnicity = ""


class SlotOut(msgspec.Struct, kw_only=True):
    id: int
    start_minute: int
    end_minute: int
    label: str
    hours: float


class CoverDateOut(msgspec.Struct, kw_only=True):
    id: int
    on_date: date
    start_minute: int
    end_minute: int
    label: str
    hours: float


class ReferralOut(msgspec.Struct, kw_only=True):
    source: str
    referred_on: date | None
    first_contact_on: date | None
    support_set_up_on: date | None


class NeedOut(msgspec.Struct, kw_only=True):
    """A need in full, private postcode included: for its owners and staff only."""

    id: int
    recipient_id: int
    recipient_name: str
    title: str
    description: str
    kind: str
    postcode: str
    district: str
    hours_per_week: float | None
    slot_hours: float
    shift_kinds: list[str]
    start_date: date | None
    required_skills: list[str]
    preferred_skills: list[str]
    client_groups: list[str]
    age_group: str
    languages_required: list[str]
    languages_preferred: list[str]
    gender_preference: str
    gender_required: bool
    driving: str  # a code from DRIVING
    pets: bool
    smoking: bool
    personal_care: bool
    max_rate_pence: int | None
    rate_firm: bool
    all_hours: bool
    max_distance_miles: int
    year_pattern: str
    dbs_level: str
    dbs_adults_barred: bool
    dbs_children_barred: bool
    dbs_raised: bool
    dbs_description: str
    status: str
    version: int
    slots: list[SlotOut]
    cover_dates: list[CoverDateOut]
    created_at: datetime
    updated_at: datetime
    referral: ReferralOut | None = None  # staff only


class NeedSummary(msgspec.Struct, kw_only=True):
    id: int
    recipient_id: int
    recipient_name: str
    title: str
    kind: str
    district: str
    status: str
    updated_at: datetime


class CoverDateInput(msgspec.Struct, kw_only=True):
    """A dated shift: an end at or before the start is the next morning (the API takes it
    as sent; the pages ask first)."""

    date: date
    start: time
    end: time


Hours = Annotated[float, msgspec.Meta(ge=1, le=MAX_HOURS, description="Quarter hours, like 12.25")]
Miles = Annotated[int, msgspec.Meta(ge=1, le=MAX_MILES)]
RatePence = Annotated[int, msgspec.Meta(ge=MIN_RATE_PENCE, le=MAX_RATE_PENCE)]
Title = Annotated[str, msgspec.Meta(max_length=TITLE_LIMIT)]
Text = Annotated[str, msgspec.Meta(max_length=TEXT_LIMIT)]
Languages = Annotated[list[str], msgspec.Meta(max_length=MAX_LANGUAGES)]


class NeedInput(msgspec.Struct, kw_only=True):
    """A need as the API takes it and the form is read into. Lists replace what is stored;
    ``slots`` and ``cover_dates`` replace the times when given (leave them out to keep
    them). Skills and client groups are codes from the register's lists; an empty
    ``postcode`` or ``age_group`` takes the person's."""

    recipient_id: int | None = None
    title: Title = ""
    description: Text = ""
    kind: Kind = "regular"
    postcode: str = ""
    hours_per_week: Hours | None = None
    shift_kinds: list[ShiftKind] = []
    start_date: date | None = None
    required_skills: list[str] = []
    preferred_skills: list[str] = []
    client_groups: list[str] = []
    age_group: AgeGroup | Literal[""] = ""
    languages_required: Languages = []
    languages_preferred: Languages = []
    gender_preference: GenderPreference = ""
    gender_required: bool = False
    # What driving the work needs: none, the person's own car, or the PA's own car (a
    # licence, a car for work and business insurance). The retired driving skills are refused.
    driving: Driving = "none"
    pets: bool = False
    smoking: bool = False
    personal_care: bool = False
    max_rate_pence: RatePence | None = None
    rate_firm: bool = False
    # Only PAs free at all of the need's hours (else any PA free at some of them).
    all_hours: bool = False
    max_distance_miles: Miles | None = None
    year_pattern: YearPattern = "all_year"
    # Staff only: raise the DBS requirement (blank: the one the person's needs call for),
    # and the referral.
    dbs_level: DbsLevel | Literal[""] = ""
    dbs_adults_barred: bool = False
    dbs_children_barred: bool = False
    referral_source: ReferralSource | Literal[""] = ""
    referred_on: date | None = None
    first_contact_on: date | None = None
    support_set_up_on: date | None = None
    version: int | None = None
    slots: list[SlotInput] | None = None
    cover_dates: list[CoverDateInput] | None = None


class StatusInput(msgspec.Struct, kw_only=True):
    action: str
    version: int
