"""What comes in and goes out of matching's needs and recipients, and the choices they offer."""

from __future__ import annotations

from datetime import date, datetime

import msgspec

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
    display_name: str = ""
    birth_date: str = ""
    age_group: str = ""
    postcode: str = ""
    gender: str = ""
    notes: str = ""
    disability: str = ""
    ethnicity: str = ""


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
    driver_needed: bool
    pets: bool
    smoking: bool
    personal_care: bool
    max_rate_pence: int | None
    rate_firm: bool
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


class SlotInput(msgspec.Struct, kw_only=True):
    day: str
    start: str
    end: str


class CoverDateInput(msgspec.Struct, kw_only=True):
    date: str
    start: str
    end: str


class NeedInput(msgspec.Struct, kw_only=True):
    """A need as the API takes it. Lists replace what is stored; ``slots`` and
    ``cover_dates`` replace the times when given (leave them out to keep them)."""

    recipient_id: int | None = None
    title: str = ""
    description: str = ""
    kind: str = "regular"
    postcode: str = ""
    hours_per_week: str = ""
    shift_kinds: list[str] = []
    start_date: str = ""
    required_skills: list[str] = []
    preferred_skills: list[str] = []
    client_groups: list[str] = []
    age_group: str = ""
    languages_required: list[str] = []
    languages_preferred: list[str] = []
    gender_preference: str = ""
    gender_required: bool = False
    driver_needed: bool = False
    pets: bool = False
    smoking: bool = False
    personal_care: bool = False
    max_rate: str = ""
    rate_firm: bool = False
    max_distance_miles: str = ""
    year_pattern: str = "all_year"
    # Staff only: raise the DBS requirement, and the referral.
    dbs_level: str = ""
    dbs_adults_barred: bool = False
    dbs_children_barred: bool = False
    referral_source: str = ""
    referred_on: str = ""
    first_contact_on: str = ""
    support_set_up_on: str = ""
    version: int | None = None
    slots: list[SlotInput] | None = None
    cover_dates: list[CoverDateInput] | None = None

    def as_form(self) -> dict[str, str]:
        """The same fields as the HTML form posts them, for the one validating service."""

        def flag(value: bool) -> str:
            return "yes" if value else ""

        form = {
            name: value if isinstance(value, str) else flag(value)
            for name in self.__struct_fields__
            if isinstance(value := getattr(self, name), str | bool)
        }
        form |= {f"shift_{code}": "yes" for code in self.shift_kinds}
        form |= {f"required_{code}": "yes" for code in self.required_skills}
        form |= {f"preferred_{code}": "yes" for code in self.preferred_skills}
        form |= {f"group_{code}": "yes" for code in self.client_groups}
        form["languages_required"] = ", ".join(self.languages_required)
        form["languages_preferred"] = ", ".join(self.languages_preferred)
        if self.version is not None:
            form["version"] = str(self.version)
        return form


class StatusInput(msgspec.Struct, kw_only=True):
    action: str
    version: int
