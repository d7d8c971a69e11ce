"""Running a checked search: who appears, in what order, one page at a time.

Who appears: only approved profiles (not draft, submitted, suspended ...) whose straight-line
distance from the searcher's place is within BOTH the searcher's radius and the PA's own
travel limit. Those two are hard requirements and nothing outranks them.

Where from: for staff, exact positions. For everyone else (``Criteria.coarse``) the distance
is between two sector centres, the searcher's own place's and the PA's
(``market.geo.centroids.sector_point``), and is banded before anything uses it: inclusion,
the band shown and the order (``market.geo.display.banded_miles``: two PAs in one band are
ordered by the rest of the key, then by id, never by which is nearer). So no search, from
any place, with any radius or order, says more of a PA's home than its sector.

Filters (every one given must hold): the days and times (see ``market.search.criteria``);
skills and client groups: the PA has every one chosen; languages: each language named is in
the PA's list, ignoring case and spacing; driving: "licence" a full UK licence, "car" also a car for work insured for business; gender: only
when the searcher states a preference; DBS: a current check meeting the chosen requirement;
words: every word appears in the headline or the three profile texts, ignoring case. The
order is ``market.search.ranking``'s.

Performance: one SQL query fetches the approved profiles inside the radius's latitude and
longitude bounding box (for a coarse search: in the districts that have a sector centre
within the radius, in batches); numpy computes exact distances; skills, client groups and slots for
the candidates come in one query each (batched), never a query per PA.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import msgspec
import numpy as np

from market.accounts.schemas import CurrentUser
from market.clock import london_date, london_today
from market.db import json_list
from market.dbs.standing import Policy, Standing, meeting, standings
from market.geo import centroids
from market.geo.display import banded_miles, distance_band
from market.geo.distance import haversine_miles
from market.register.availability import Slot
from market.register.schemas import SkillOut
from market.register.tables import PAProfile
from market.search import register_reads as reads
from market.search.criteria import Criteria
from market.search.ranking import (
    Candidate,
    available_for,
    bounding_box,
    grid_out,
    page_count,
    rank,
    text_hits,
)
from market.search.schemas import DBS_REQUIREMENTS, PER_PAGE, ResultOut, SearchOut

Reach = list[tuple[dict[str, Any], float]]  # candidate rows with their distance in miles


class _Found(msgspec.Struct, kw_only=True):
    """The candidates left after filtering, with what ranking and the page reuse."""

    reach: Reach
    hits: dict[int, int]
    held: dict[int, dict[str, int]]
    slots: dict[int, list[Slot]]


def _columns(criteria: Criteria) -> list[Any]:
    columns = [
        PAProfile.id,
        PAProfile.display_name,
        PAProfile.headline,
        PAProfile.district,
        PAProfile.sector,
        PAProfile.lat,
        PAProfile.lon,
        PAProfile.travel_miles,
        PAProfile.languages,
        PAProfile.approved_at,
        PAProfile.right_to_work_confirmed_at,
        PAProfile.min_rate_pence,
    ]
    if criteria.words:
        columns += [PAProfile.admire, PAProfile.matters, PAProfile.how_to_work]
    return columns


def _filters(criteria: Criteria) -> list[Any]:
    """The hard requirements SQL can test."""
    where = [
        PAProfile.status == reads.LISTED,
        PAProfile.lat.is_not_null(),
        PAProfile.lon.is_not_null(),
        PAProfile.travel_miles.is_not_null(),
    ]
    if criteria.driving:
        where.append(PAProfile.driving_licence.eq(True))
    if criteria.driving == "car":
        where += [PAProfile.has_car.eq(True), PAProfile.car_insurance.eq(True)]
    if criteria.gender:
        where.append(PAProfile.gender == criteria.gender)
    return where


async def _candidates(criteria: Criteria) -> list[dict[str, Any]]:
    """Listed profiles that may be within the radius: inside its bounding box (exact
    positions), or for a coarse search in the districts with a sector centre within it."""
    if not criteria.coarse:
        south, north, west, east = bounding_box(criteria.lat, criteria.lon, criteria.radius)
        inside = [
            PAProfile.lat >= south,
            PAProfile.lat <= north,
            PAProfile.lon >= west,
            PAProfile.lon <= east,
        ]
        return await PAProfile.select(*_columns(criteria)).where(*_filters(criteria), *inside)
    districts = centroids.districts_within(criteria.lat, criteria.lon, criteria.radius)
    rows: list[dict[str, Any]] = []
    for start in range(0, len(districts), reads.BATCH):
        rows += await PAProfile.select(*_columns(criteria)).where(
            *_filters(criteria), PAProfile.district.is_in(districts[start : start + reads.BATCH])
        )
    return rows


def _positions(rows: list[dict[str, Any]], coarse: bool) -> tuple[np.ndarray, np.ndarray]:
    """Each row's position: exact, or (coarse) the centre of its sector."""
    if not coarse:
        return (
            np.array([r["lat"] for r in rows], dtype=np.float64),
            np.array([r["lon"] for r in rows], dtype=np.float64),
        )
    points = [centroids.sector_point(r["sector"] or r["district"], r["lat"], r["lon"]) for r in rows]
    return (
        np.array([p[0] if p else np.nan for p in points], dtype=np.float64),
        np.array([p[1] if p else np.nan for p in points], dtype=np.float64),
    )


def _within_reach(rows: list[dict[str, Any]], criteria: Criteria) -> Reach:
    """Rows within both the search radius and the PA's own travel limit, with the miles the
    search goes on: exact for staff; else both limits are tested on the distance between sector
    centres, and the miles kept (for the order and the band shown) are banded."""
    if not rows:
        return []
    lats, lons = _positions(rows, criteria.coarse)
    travel = np.array([r["travel_miles"] for r in rows], dtype=np.float64)
    miles = np.atleast_1d(haversine_miles(criteria.lat, criteria.lon, lats, lons))
    keep = (miles <= criteria.radius) & (miles <= travel)  # a row with no position (NaN) fails
    if criteria.coarse:
        miles = np.atleast_1d(banded_miles(np.nan_to_num(miles, nan=np.inf)))
    return [(rows[i], float(miles[i])) for i in np.flatnonzero(keep)]


def _ids(reach: Reach) -> list[int]:
    return [row["id"] for row, _ in reach]


def _speaking(reach: Reach, languages: tuple[str, ...]) -> Reach:
    # Both sides are codes of the register's list of languages (criteria looked them up).
    wanted = set(languages)
    return [(row, miles) for row, miles in reach if wanted <= {str(x) for x in json_list(row["languages"])}]


def _with_words(reach: Reach, words: tuple[str, ...], hits: dict[int, int]) -> Reach:
    """The rows holding every word; each one's hits go into ``hits``."""
    kept = []
    for row, miles in reach:
        found = text_hits((row["headline"], row["admire"], row["matters"], row["how_to_work"]), words)
        if found is not None:
            hits[row["id"]] = found
            kept.append((row, miles))
    return kept


async def _filtered(criteria: Criteria, reach: Reach, policy: Policy, today: date) -> _Found:
    """Every filter, the cheap ones (no query) first."""
    found = _Found(reach=reach, hits={}, held={}, slots={})
    if criteria.languages:
        found.reach = _speaking(found.reach, criteria.languages)
    if criteria.words:
        found.reach = _with_words(found.reach, criteria.words, found.hits)
    if criteria.groups:
        groups = await reads.groups_for(_ids(found.reach))
        wanted = set(criteria.groups)
        found.reach = [(r, m) for r, m in found.reach if wanted <= {code for code, _ in groups[r["id"]]}]
    # The requested skills and the slots of every candidate when they filter or rank;
    # everything else only for the page shown.
    if criteria.skills:
        found.held = await reads.skill_years_for(_ids(found.reach), criteria.skills)
        wanted = set(criteria.skills)
        found.reach = [(r, m) for r, m in found.reach if wanted <= set(found.held[r["id"]])]
    if criteria.needed:
        found.slots = await reads.slots_for(_ids(found.reach))
        found.reach = [
            (r, m)
            for r, m in found.reach
            if available_for(found.slots[r["id"]], criteria.needed, criteria.whole_days)
        ]
    if criteria.dbs:
        passing = await meeting(_ids(found.reach), DBS_REQUIREMENTS[criteria.dbs], today, policy)
        found.reach = [(r, m) for r, m in found.reach if r["id"] in passing]
    return found


def _result(
    row: dict[str, Any],
    miles: float,
    skills: list[SkillOut],
    slots: list[Slot],
    shortlisted: bool,
    dbs: Standing | None,
) -> ResultOut:
    return ResultOut(
        id=row["id"],
        display_name=row["display_name"],
        headline=row["headline"],
        district=row["district"],
        distance_band=distance_band(miles),
        skills=skills,
        vetted_on=london_date(row["approved_at"]),
        right_to_work_checked=row["right_to_work_confirmed_at"] is not None,
        week=grid_out(slots),
        shortlisted=shortlisted,
        dbs=dbs.badge if dbs else "",
        min_rate_pence=row["min_rate_pence"],
    )


async def search(
    criteria: Criteria, viewer: CurrentUser | None = None, policy: Policy | None = None
) -> SearchOut:
    """One page of the PAs that meet every requirement, in the chosen order. ``policy``
    is the DBS currency rule (the settings' recheck periods)."""
    policy = policy or Policy()
    today = london_today()
    found = await _filtered(criteria, _within_reach(await _candidates(criteria), criteria), policy, today)
    ordered = rank(
        (
            Candidate(
                id=row["id"],
                miles=miles,
                skill_years=found.held.get(row["id"], {}),
                text_hits=found.hits.get(row["id"], 0),
            )
            for row, miles in found.reach
        ),
        criteria.skills,
        criteria.sort,
    )
    pages = page_count(len(ordered))
    page = min(criteria.page, pages)
    shown = [c.id for c in ordered[(page - 1) * PER_PAGE : page * PER_PAGE]]
    by_id = {row["id"]: (row, miles) for row, miles in found.reach}
    skills = await reads.skills_for(shown)
    slots = found.slots if criteria.needed else await reads.slots_for(shown)
    saved = await reads.shortlisted(viewer, shown)
    badges = await standings(shown, today, policy)
    return SearchOut(
        total=len(ordered),
        page=page,
        per_page=PER_PAGE,
        pages=pages,
        radius=criteria.radius,
        searched_district=criteria.district,
        searched_place=criteria.place,
        results=[
            _result(by_id[i][0], by_id[i][1], skills[i], slots[i], i in saved, badges.get(i)) for i in shown
        ],
    )
