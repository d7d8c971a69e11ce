"""What the search takes and what it gives out.

``SearchInput`` is the search as typed domain values: the page and the GET API build it
from the query string (``market.search.forms``), the POST API decodes it from JSON. What
goes out (``ResultOut``, ``PublicProfileOut``) has no postcode, sector, position, email or
phone field at all; a location is a district and a distance band.
"""

from __future__ import annotations

from datetime import date, time
from typing import Annotated, Literal, get_args

import msgspec

from market.dbs import rules as dbs_rules
from market.register.availability import DAYS
from market.register.schemas import DEFAULT_YEAR_PATTERN, YEAR_PATTERNS, SkillOut

PER_PAGE = 20
Radius = Literal[5, 10, 15, 20, 30, 50]
RADII: tuple[int, ...] = get_args(Radius)
DEFAULT_RADIUS: Radius = 10
Sort = Literal["relevance", "distance"]
SORTS = {"relevance": "Best match", "distance": "Nearest first"}
# The values a profile's ``gender`` holds, and how the search form offers them.
Gender = Literal["woman", "man"]
GENDERS = {"woman": "A woman", "man": "A man"}
# The DBS check a searcher can ask for, and the requirement each means: one for every
# requirement a need can have (``filter_for``), so a search for a need asks what it asks.
DbsFilter = Literal[
    "current", "standard", "enhanced", "enhanced_adults", "enhanced_children", "enhanced_both"
]
DBS_FILTERS = {
    "current": "Any current DBS check",
    "standard": "Standard or enhanced",
    "enhanced": "Enhanced",
    "enhanced_adults": "Enhanced, with the adults' barred list",
    "enhanced_children": "Enhanced, with the children's barred list",
    "enhanced_both": "Enhanced, with both barred lists",
}
DBS_REQUIREMENTS = {
    "current": dbs_rules.Requirement(level="basic"),
    "standard": dbs_rules.Requirement(level="standard"),
    "enhanced": dbs_rules.Requirement(level="enhanced"),
    "enhanced_adults": dbs_rules.Requirement(level="enhanced", adults_barred=True),
    "enhanced_children": dbs_rules.Requirement(level="enhanced", children_barred=True),
    "enhanced_both": dbs_rules.Requirement(level="enhanced", adults_barred=True, children_barred=True),
}
DayName = Literal["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
MAX_WORDS = 10
MAX_QUERY = 200
MAX_LANGUAGE = 100
MAX_NEAR = 200
MAX_CHOICES = 100  # more skills or groups than any list holds: refuse before asking the database

# The label dicts the pages show must offer exactly the values the types accept.
assert tuple(SORTS) == get_args(Sort)
assert tuple(GENDERS) == get_args(Gender)
assert tuple(DBS_FILTERS) == get_args(DbsFilter) == tuple(DBS_REQUIREMENTS)
assert tuple(DAYS) == get_args(DayName)


def filter_for(requirement: dbs_rules.Requirement) -> str:
    """The DBS filter asking exactly ``requirement`` ("" for one no filter names)."""
    return next((key for key, value in DBS_REQUIREMENTS.items() if value == requirement), "")


DRIVING_FILTERS = {
    "licence": "Can drive (full UK licence)",
    "car": "Has a car for work, insured for business",
}
DrivingFilter = Literal["licence", "car"]
assert tuple(DRIVING_FILTERS) == get_args(DrivingFilter)


class SearchInput(msgspec.Struct, kw_only=True, frozen=True):
    """A search. ``postcode`` is where the PA would work: a postcode, or (with an online
    geocoder configured) a place name. A time window (``time_from`` to ``time_to``, on the
    quarter hour; an end at or before the start runs past midnight) needs ``day``."""

    postcode: Annotated[str, msgspec.Meta(max_length=MAX_NEAR)] = ""
    radius: Radius = DEFAULT_RADIUS
    day: list[DayName] = []
    time_from: time | None = None
    time_to: time | None = None
    skill: Annotated[list[str], msgspec.Meta(max_length=MAX_CHOICES)] = []
    group: Annotated[list[str], msgspec.Meta(max_length=MAX_CHOICES)] = []
    # Languages separated by commas; each must be among the PA's.
    language: Annotated[str, msgspec.Meta(max_length=MAX_LANGUAGE)] = ""
    # "licence": can drive (a full UK licence); "car": has a car for work, insured for business.
    driving: DrivingFilter | None = None
    gender: Gender | None = None
    dbs: DbsFilter | None = None
    # Words that must all appear in the PA's headline or profile texts.
    q: Annotated[str, msgspec.Meta(max_length=MAX_QUERY)] = ""
    sort: Sort = "relevance"
    page: Annotated[int, msgspec.Meta(ge=1)] = 1


# -- what goes out (no postcode, sector, lat/lon, email or phone: ever) ----------------------


class WeekRowOut(msgspec.Struct, kw_only=True):
    band: str
    days: list[str]  # Monday first: "full", "part" or "none"


class ResultOut(msgspec.Struct, kw_only=True):
    id: int
    display_name: str
    headline: str
    district: str
    distance_band: str  # "about 3 miles": as the crow flies
    skills: list[SkillOut]
    vetted_on: date | None
    right_to_work_checked: bool
    week: list[WeekRowOut]
    shortlisted: bool = False
    dbs: str = ""  # the DBS badge: level, barred lists and when staff checked it; never more
    min_rate_pence: int | None = None  # the least the PA asks an hour, if they said
    # The week in one line ("Mornings Monday to Friday; evenings Saturday"): ``week`` in words.
    usually_available: str = ""


class SearchOut(msgspec.Struct, kw_only=True):
    total: int
    page: int
    per_page: int
    pages: int
    radius: int
    searched_district: str  # the searcher's district, for "within 10 miles of PE1" ("" for a place)
    results: list[ResultOut]
    # What the distances are from: the district, or the place name as the searcher typed it.
    searched_place: str = ""


class TrainingOut(msgspec.Struct, kw_only=True):
    """A course the PA holds, current: verified by staff or a trainer, or their own claim."""

    name: str
    verified: bool
    expires_on: date | None


class PublicProfileOut(msgspec.Struct, kw_only=True):
    """The one-page profile as people looking for a PA see it."""

    id: int
    display_name: str
    headline: str
    admire: str
    matters: str
    how_to_work: str
    district: str
    distance_band: str | None
    skills: list[SkillOut]
    client_groups: list[str]
    languages: list[str]
    driving_licence: bool
    has_car: bool
    car_insurance: bool | None  # None: not said
    min_rate_pence: int | None
    employment: str
    availability: list[str]
    week: list[WeekRowOut]
    vetted_on: date | None
    right_to_work_checked: bool
    shortlisted: bool = False
    dbs: str = ""  # the DBS badge: level, barred lists and when staff checked it; never more
    training: list[TrainingOut] = []
    # The PA's own limits, as labels: the work they will not do, and when in the year they work.
    wont_do: list[str] = []
    year_pattern: str = YEAR_PATTERNS[DEFAULT_YEAR_PATTERN]
