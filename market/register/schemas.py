"""What comes in and goes out of the register."""

from __future__ import annotations

from datetime import date, datetime

import msgspec

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
TEXT_LIMIT = 2000
HEADLINE_LIMIT = 150


class AboutInput(msgspec.Struct, kw_only=True):
    display_name: str = ""
    headline: str = ""
    admire: str = ""
    matters: str = ""
    how_to_work: str = ""


class WhereInput(msgspec.Struct, kw_only=True):
    home_postcode: str = ""
    travel_miles: str = ""
    driving_licence: str = ""
    has_car: str = ""


class TermsInput(msgspec.Struct, kw_only=True):
    min_rate: str = ""
    employment: str = ""
    right_to_work_declared: str = ""


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


class ExperienceOut(msgspec.Struct, kw_only=True):
    client_groups: list[str]
    languages: list[str]
    gender: str
    qualifications: list[QualificationOut]
