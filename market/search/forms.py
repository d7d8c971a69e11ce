"""The search form (a GET form: the query string) read into a ``SearchInput``.

Each field that cannot be read is named with the message the person sees next to it, and
gets a placeholder; the rules that need the database or several fields (a known postcode,
a time window on chosen days) are ``market.search.criteria``'s, which merges these
problems with its own so one answer names every field.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import time
from typing import Any, cast

from market.fields import TIME_EXAMPLE, FormReader, parse_clock, whole_number
from market.register.availability import DAYS
from market.search.schemas import (
    DBS_FILTERS,
    DEFAULT_RADIUS,
    DRIVING_FILTERS,
    GENDERS,
    RADII,
    SORTS,
    SearchInput,
)

# The fields that may be given several times (checkboxes); the rest keep their last value.
MANY = ("day", "skill", "group")
SearchValues = dict[str, Any]  # each field's text, or its list of texts for MANY
FIELDS = SearchInput.__struct_fields__

_DAY_NAMES = {name.lower(): name for name in DAYS} | {name[:3].lower(): name for name in DAYS}
_MIDNIGHT = re.compile(r"24[:.]00")
_TIME_NAMES = {"time_from": "start time", "time_to": "end time"}


def search_values(pairs: Iterable[tuple[str, str]]) -> SearchValues:
    """The query string's fields as the form shows them again."""
    values: SearchValues = {name: [] for name in MANY}
    for name, value in pairs:
        if name in MANY:
            values[name].append(value)
        else:
            values[name] = value
    return values


def shown(values: SearchValues) -> SearchValues:
    """The values with the defaults a blank form shows chosen."""
    return {
        **values,
        "radius": values.get("radius") or str(DEFAULT_RADIUS),
        "sort": values.get("sort") or "relevance",
    }


def _day_names(texts: Sequence[str], read: FormReader) -> list[str]:
    names: list[str] = []
    for text in texts:
        name = _DAY_NAMES.get(text.strip().lower())
        if name is None:
            read.problem("day", "Choose days from the list")
        elif name not in names:
            names.append(name)
    return names


def _time(read: FormReader, field: str) -> time | None:
    """A time of day; "24:00" (the natural end of an evening) is midnight."""
    raw = read.raw(field)
    if not raw:
        return None
    if field == "time_to" and _MIDNIGHT.fullmatch(raw):
        return time(0, 0)
    value = parse_clock(raw)
    if value is None:
        read.problem(field, f"Enter the {_TIME_NAMES[field]} as a time of day, {TIME_EXAMPLE}")
    return value


def _codes(texts: Sequence[str]) -> list[str]:
    return list(dict.fromkeys(t for t in texts if t))


def read_search(values: SearchValues) -> tuple[SearchInput, dict[str, str]]:
    """The search as typed values, and each field that could not be read with its message."""
    single = {k: v for k, v in values.items() if k not in MANY and isinstance(v, str)}
    read = FormReader(single)
    radius = read.choice("radius", [str(r) for r in RADII], "Choose a distance from the list", required=False)
    driving = read.choice("driving", DRIVING_FILTERS, "Choose a driving option from the list", required=False)
    gender = read.choice("gender", GENDERS, "Choose a preference from the list", required=False)
    dbs = read.choice("dbs", DBS_FILTERS, "Choose a DBS check from the list", required=False)
    sort = read.choice("sort", SORTS, "Choose how to sort the results", required=False)
    data = SearchInput(
        postcode=read.text("postcode"),
        radius=cast(Any, int(radius)) if radius and read.ok("radius") else DEFAULT_RADIUS,
        day=cast(Any, _day_names(values.get("day", []), read)),
        time_from=_time(read, "time_from"),
        time_to=_time(read, "time_to"),
        skill=_codes(values.get("skill", [])),
        group=_codes(values.get("group", [])),
        language=read.text("language"),
        driving=cast(Any, driving) if driving and read.ok("driving") else None,
        gender=cast(Any, gender) if gender and read.ok("gender") else None,
        dbs=cast(Any, dbs) if dbs and read.ok("dbs") else None,
        q=read.text("q"),
        sort=cast(Any, sort) if sort and read.ok("sort") else "relevance",
        # A page past the end shows the last; nonsense shows the first.
        page=whole_number(read.raw("page")) or 1,
    )
    return data, read.errors
