"""A search checked against the rules and the database: where it is from, which days and
times it needs, and the lists its choices come from.

Where: for staff, a postcode or a postcode district ("PE1", measured from the district's
centre), located offline; with an online geocoder configured
(``MARKET_GEOCODER``), text that is not a postcode is looked up as a place name
(``market.geo.places``), so "Peterborough" finds PAs near Peterborough; without one only
postcodes are understood. Everyone else searches from one of their own places
(``market.accounts.places``: the postcode of a person they act for, or of a need), measured
from its sector's centre, or the district of one of those places, measured from the
district's centre; any other postcode, district or place is refused, naming the field,
because answers from places of the caller's choosing would let them trilaterate a PA's home.
A district's centre is one more fixed point per place, no more chosen than the place itself.

Days: on each chosen day the PA has some availability; with a time window (start and end,
on the quarter hour; an end at or before the start runs past midnight) each chosen day's
window must be fully covered by the PA's slots, so Saturday 22:00 to 07:00 asks for the
night into Sunday.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import time

import msgspec

from market.accounts import places as own
from market.accounts.schemas import CurrentUser
from market.errors import Invalid
from market.geo import centroids, places
from market.geo import services as geo
from market.geo.postcodes import InvalidPostcode, parse_outward_or_sector, parse_postcode
from market.geo.services import GeoPoint
from market.register import languages as language_list
from market.register.availability import DAY, DAYS, Slot, SlotProblem, slot_from_day_times
from market.search.listing import LISTS
from market.search.schemas import (
    DEFAULT_RADIUS,
    MAX_CHOICES,
    MAX_LANGUAGE,
    MAX_NEAR,
    MAX_QUERY,
    MAX_WORDS,
    SearchInput,
)
from market.settings import Settings

ENTER_POSTCODE = "Enter a postcode or the first half of one, like PE1 1AB or PE1"
ENTER_POSTCODE_OR_PLACE = "Enter a postcode or a place, like PE1 1AB, PE1 or Peterborough"
_WORD_EDGES = re.compile(r"^[^\w]+|[^\w]+$")
_FIELDS = SearchInput.__struct_fields__


class Criteria(msgspec.Struct, frozen=True, kw_only=True):
    """A checked search. ``place`` names where distances are from (a district, or a place
    name as typed); the searcher's own text is kept by the pages for their links only.
    ``coarse``: the searcher is not staff, so (lat, lon) is their own place's sector centre,
    and every distance, inclusion and order is worked from sector centres on both ends."""

    district: str
    place: str
    lat: float
    lon: float
    coarse: bool = True
    radius: int = DEFAULT_RADIUS
    days: tuple[int, ...] = ()
    # One slot per chosen day: the time window, or (with no window) the whole day.
    needed: tuple[Slot, ...] = ()
    whole_days: bool = True
    skills: tuple[str, ...] = ()
    groups: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    driving: str = ""  # "" | licence | car
    gender: str = ""
    dbs: str = ""
    words: tuple[str, ...] = ()
    sort: str = "relevance"
    page: int = 1


def _looks_like_postcode(text: str) -> bool:
    try:
        parse_postcode(text)
    except InvalidPostcode:
        return False
    return True


def district_of(text: str) -> str | None:
    """The district ("PE1") when ``text`` is one on its own (any case), else None."""
    try:
        parsed = parse_outward_or_sector(text)
    except InvalidPostcode:
        return None
    return parsed.district if parsed.sector is None else None


def district_point(district: str, *, field: str) -> GeoPoint:
    """The centre of a district, as the shipped table has it; Invalid when it has none."""
    centre = centroids.district_centroid(district)
    if centre is None:
        raise Invalid({field: geo.NOT_FOUND})
    return GeoPoint(
        postcode="", sector="", district=district, lat=centre[0], lon=centre[1], precision="district"
    )


async def locate_near(text: str, settings: Settings | None, *, field: str = "postcode") -> GeoPoint:
    """Where a searcher means: a postcode, a district, or with a geocoder configured a place
    name (a district's shape wins over a place name: "PE1" is never asked of the geocoder)."""
    if (district := district_of(text)) is not None:
        return district_point(district, field=field)
    if settings is None or not settings.geocoder or _looks_like_postcode(text):
        return await geo.locate(text, field=field)
    return await places.locate_place(text, settings, field=field)


async def own_point(
    viewer: CurrentUser | None, text: str, *, field: str, places: list[own.OwnPlace] | None = None
) -> GeoPoint:
    """One of the caller's own places, as precisely as distances from it are worked: its
    sector's centre, or for the district of one of their places the district's centre.
    Invalid naming ``field`` when the text is neither. ``places``: the caller's places
    (``own.places_of``), when the page has read them already."""
    if places is None:
        places = await own.places_of(viewer)
    if (district := district_of(text)) is not None:
        if not any(parse_postcode(p.postcode).district == district for p in places):
            raise Invalid({field: own.refusal(places)})
        return district_point(district, field=field)
    place = await own.own_place(viewer, text, field=field, places=places)
    postcode = parse_postcode(place.postcode)
    centre = centroids.sector_point(postcode.full)
    if centre is None:  # a district the shipped table does not know
        raise Invalid({field: geo.NOT_FOUND})
    return GeoPoint(
        postcode=postcode.full,
        sector=postcode.sector,
        district=postcode.district,
        lat=centre[0],
        lon=centre[1],
        precision="sector",
    )


async def _where(
    data: SearchInput,
    settings: Settings | None,
    errors: dict[str, str],
    viewer: CurrentUser | None,
    places: list[own.OwnPlace] | None,
) -> GeoPoint | None:
    text = " ".join(data.postcode.split())
    staff = own.unrestricted(viewer)
    if not staff and places is None:
        places = await own.places_of(viewer)
    if not text:
        if staff:
            errors["postcode"] = ENTER_POSTCODE_OR_PLACE if settings and settings.geocoder else ENTER_POSTCODE
        else:
            errors["postcode"] = own.refusal(places or [])
        return None
    if not staff:
        try:
            return await own_point(viewer, text, field="postcode", places=places)
        except Invalid as invalid:
            errors.update(invalid.errors)
            return None
    if settings and settings.geocoder and len(text) > MAX_NEAR:
        errors["postcode"] = f"Where the PA would work must be {MAX_NEAR} characters or fewer"
        return None
    try:
        return await locate_near(text, settings)
    except Invalid as invalid:
        errors.update(invalid.errors)
        return None


def _clock(value: time | None) -> str:
    return f"{value:%H:%M}" if value is not None else ""


def _window(
    data: SearchInput, days: list[int], asked: bool, errors: dict[str, str]
) -> tuple[list[Slot], bool]:
    """The slot each chosen day needs, and whether they are whole days (no time window)."""
    if not asked:
        return [Slot(day * DAY, (day + 1) * DAY) for day in days], True
    needed: list[Slot] = []
    try:
        for day in days or [0]:
            needed.append(slot_from_day_times(day, _clock(data.time_from), _clock(data.time_to)))
    except SlotProblem as problem:
        renamed = {"start": "time_from", "end": "time_to"}
        errors.update({renamed.get(k, k): v for k, v in problem.errors.items()})
    if not days:
        errors["day"] = "Select the days you need someone at these times"
    return needed, False


def _words(q: str) -> tuple[str, ...]:
    words = (_WORD_EDGES.sub("", w).casefold() for w in q.split())
    return tuple(dict.fromkeys(w for w in words if w))


async def _languages(text: str, errors: dict[str, str]) -> tuple[str, ...]:
    """Codes of the languages named (codes, standard names or aliases, comma-separated), each
    one the register's list must know: "punjabi" is the code ``panjabi``."""
    parts = [p for p in text.replace(";", ",").split(",") if p.strip()]
    if not parts or len(text) > MAX_LANGUAGE:
        return ()
    found, problems = (await language_list.load()).resolve(parts)
    if problems:
        errors["language"] = "; ".join(problems.values())
    return tuple(found)


async def _choices(skills: tuple[str, ...], groups: tuple[str, ...], errors: dict[str, str]) -> None:
    if len(skills) > MAX_CHOICES or len(groups) > MAX_CHOICES:
        skills_ok, groups_ok = len(skills) <= MAX_CHOICES, len(groups) <= MAX_CHOICES
    else:
        lists = await LISTS.get()
        skills_ok, groups_ok = set(skills) <= lists.skill_codes, set(groups) <= lists.group_codes
    if not skills_ok:
        errors["skill"] = "Choose skills from the list"
    if not groups_ok:
        errors["group"] = "Choose the people they have supported from the list"


def _texts(data: SearchInput, words: tuple[str, ...], errors: dict[str, str]) -> None:
    if len(data.language) > MAX_LANGUAGE:
        errors["language"] = f"Languages must be {MAX_LANGUAGE} characters or fewer"
    if len(data.q) > MAX_QUERY:
        errors["q"] = f"Words to look for must be {MAX_QUERY} characters or fewer"
    elif len(words) > MAX_WORDS:
        errors["q"] = f"Enter up to {MAX_WORDS} words to look for"


def _in_field_order(*problems: Mapping[str, str]) -> dict[str, str]:
    """Every problem, the first found for a field kept, in the form's order."""
    merged: dict[str, str] = {}
    for found in problems:
        for field, message in found.items():
            merged.setdefault(field, message)
    return {f: merged[f] for f in _FIELDS if f in merged} | merged


async def check(
    data: SearchInput,
    settings: Settings | None = None,
    *,
    viewer: CurrentUser | None,
    problems: Mapping[str, str] | None = None,
    places: list[own.OwnPlace] | None = None,
) -> Criteria:
    """The checked search by ``viewer`` (None: nobody signed in, who has no places); Invalid
    naming every field wrong at once, with ``problems`` (the form's own, for fields it could
    not read) first. ``places``: the viewer's own places (``own.places_of``) when the caller
    has read them already (the page shows them), else they are read here."""
    problems = problems or {}
    errors: dict[str, str] = {}
    point = await _where(data, settings, errors, viewer, places)
    days = sorted({DAYS.index(name) for name in data.day})
    asked = (
        data.time_from is not None
        or data.time_to is not None
        or bool({"time_from", "time_to"} & set(problems))
    )
    needed, whole_days = _window(data, days, asked, errors)
    skills = tuple(dict.fromkeys(data.skill))
    groups = tuple(dict.fromkeys(data.group))
    await _choices(skills, groups, errors)
    words = _words(data.q)
    _texts(data, words, errors)
    spoken = await _languages(data.language, errors)
    if problems or errors:
        raise Invalid(_in_field_order(problems, errors))
    assert point is not None
    return Criteria(
        district=point.district,
        place=point.district or " ".join(data.postcode.split()),
        lat=point.lat,
        lon=point.lon,
        coarse=not own.unrestricted(viewer),
        radius=data.radius,
        days=tuple(days),
        needed=tuple(needed),
        whole_days=whole_days,
        skills=skills,
        groups=groups,
        languages=spoken,
        driving=data.driving or "",
        gender=data.gender or "",
        dbs=data.dbs or "",
        words=words,
        sort=data.sort,
        page=max(data.page, 1),
    )
