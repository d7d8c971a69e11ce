"""Matches for a need: the need as the engine sees it, the candidate index (kept per worker
and patched from the register's change log), and the ranked PAs as a recipient may see
them: a first name, a district and a distance band, the DBS badge, the reasons. Never a
postcode. The need is placed at the centre of its sector, as the PAs are; for anyone but
staff the ranking is banded (``engine.ranking.rank(banded=True)``), so its order and scores
say no more of a PA's home than the band shown."""

from __future__ import annotations

from datetime import date
from typing import Any

import msgspec

from market.accounts import places
from market.accounts.schemas import CurrentUser
from market.dbs.standing import Policy, Standing, checks_read, standings_from, status_checks_read
from market.geo.display import distance_band
from market.matching import freshness
from market.matching.engine.budget import budget_rule, rate_exclusion
from market.matching.engine.ranking import EXCLUSIONS, NeedSpec, rank
from market.matching.index import language_code, pa_place
from market.matching.needs.lifecycle import get_need_and_row
from market.matching.needs.schemas import NeedOut
from market.matching.tables import Need
from market.reads import read_together
from market.register import profile_reads
from market.register.directory import PAName
from market.settings import Settings

LIMITS_OF_NEED = {
    "personal_care": "personal_care",
    "pets": "pets",
    "smoking": "smoking",
}
SHIFT_LIMITS = {"sleeping_night": "sleeping_nights", "waking_night": "waking_nights", "live_in": "live_in"}


class MatchOut(msgspec.Struct, kw_only=True):
    profile_id: int
    display_name: str
    district: str
    distance_band: str
    score: int  # 0 to 100: the harmonic mean of the two views below
    recipient_score: int  # 0 to 100: how well the PA suits the person
    pa_score: int  # 0 to 100: how well the work suits the PA
    dbs: str
    reasons: list[str]  # why the PA is suggested
    worth_knowing: list[str]  # what tells against: above the budget, part of the hours ...


PER_PAGE = 20


class MatchesOut(msgspec.Struct, kw_only=True):
    need_id: int
    total: int  # every PA who meets every requirement
    offset: int  # how many better matches come before these
    limit: int  # the most asked for
    matches: list[MatchOut]
    excluded: list[tuple[str, int]]  # (plain-English rule, how many PAs it excluded)
    rules: list[str]  # the requirements every listed PA meets, for this need, in plain English


def dbs_kind(need: NeedOut) -> str:
    if need.dbs_level != "enhanced":
        return need.dbs_level
    if need.dbs_adults_barred and need.dbs_children_barred:
        return "enhanced_both"
    if need.dbs_children_barred:
        return "enhanced_children"
    if need.dbs_adults_barred:
        return "enhanced_adults"
    return "enhanced"


def spec_of(need: NeedOut, lat: float, lon: float) -> NeedSpec:
    """The engine's view of a need."""
    limits = [code for field, code in LIMITS_OF_NEED.items() if getattr(need, field)]
    limits += [SHIFT_LIMITS[k] for k in need.shift_kinds if k in SHIFT_LIMITS]
    if need.age_group == "child":
        limits.append("children")
    if need.driving != "none":
        limits.append("driving")
    if need.kind == "cover":
        slots = tuple(
            (
                c.on_date.weekday() * 1440 + c.start_minute,
                (c.on_date.weekday() * 1440 + c.end_minute) % 10080 or 10080,
            )
            for c in need.cover_dates
        )
    else:
        slots = tuple((s.start_minute, s.end_minute) for s in need.slots)
    return NeedSpec(
        lat=lat,
        lon=lon,
        max_distance=float(need.max_distance_miles),
        slots=slots,
        hours_per_week=float(need.hours_per_week or 0),
        required_skills=tuple(need.required_skills),
        preferred_skills=tuple(need.preferred_skills),
        groups=tuple(need.client_groups),
        languages_required=tuple(language_code(x) for x in need.languages_required),
        languages_preferred=tuple(language_code(x) for x in need.languages_preferred),
        gender=need.gender_preference,
        gender_required=need.gender_required,
        driving=need.driving,
        limits=tuple(dict.fromkeys(limits)),
        shift_kinds=tuple(need.shift_kinds),
        max_rate_pence=need.max_rate_pence or 0,
        rate_firm=need.rate_firm,
        all_hours=need.all_hours,
        year_pattern=need.year_pattern,
        dbs=dbs_kind(need),
        cover_days=tuple(c.on_date for c in need.cover_dates) if need.kind == "cover" else (),
    )


class IndexCache(freshness.IndexCache):
    """This worker's candidate index: built once, then patched from the register's change log
    at most every second (``market.matching.freshness``)."""


CACHE = IndexCache()


def need_place(row: dict[str, Any]) -> tuple[float, float] | None:
    """Where the engine puts a need (a row with sector, district, lat and lon): the centre
    of its sector, as for PAs; None when the need has no position."""
    if row["lat"] is None or row["lon"] is None:
        return None
    return pa_place(row)


def rules(need: NeedOut) -> list[str]:
    """What every PA listed for this need meets, in the engine's order, in plain English."""
    said = [
        "On the register, with a current DBS check of the level the work needs",
        f"Within {need.max_distance_miles} miles of the person as the crow flies, and within "
        "the PA's own travel limit",
        "Holds every required skill, with current training for it",
        "Speaks any required language, and is of the gender required, if one is",
    ]
    if need.driving == "recipients_car":
        said.append("Holds a full UK driving licence, to drive the person's own car")
    elif need.driving == "own_car":
        said.append("Holds a full UK driving licence and has a car for work, insured for business")
    if rule := budget_rule(need.max_rate_pence or 0, need.rate_firm):
        said.append(rule)
    said.append("Has not said they will not do the work (personal care, pets, smoking, nights and so on)")
    if need.kind == "cover":
        said.append(
            "Can work some of the dates (a PA who works term time only or school holidays only "
            "is checked against the school terms)"
        )
    else:
        said.append("Works the same pattern over the year (for example term time only)")
    where = "on the dates you need" if need.kind == "cover" else "in the week"
    if need.all_hours:
        said.append(f"Is free at all of the times {where}")
    else:
        said.append(f"Is free at some of the times {where} (never at none of them)")
    if need.kind == "cover":
        said.append(
            "Offers the kind of shift, and is not away on every date"
            if not need.all_hours
            else "Offers the kind of shift, and is not away on any of the dates"
        )
    return said


def _excluded_label(rule: str, need: NeedOut) -> str:
    if rule == "rate":
        return rate_exclusion(need.rate_firm)
    if rule == "year" and need.kind == "cover":  # the dates decided, not the need's answer
        which = "all of the dates" if need.all_hours else "any of the dates"
        return f"Works term time only or school holidays only, and by the school terms cannot do {which}"
    return EXCLUSIONS[rule]


async def matches(
    user: CurrentUser,
    need_id: int,
    settings: Settings,
    at: date,
    *,
    limit: int = PER_PAGE,
    offset: int = 0,
) -> MatchesOut:
    """A need's matches, for someone who may act for it (404 otherwise); banded unless
    ``user`` is staff."""
    need, row = await get_need_and_row(user, need_id)
    return await for_need(
        need, settings, at, limit=limit, offset=offset, banded=not places.unrestricted(user), row=row
    )


async def for_need(
    need: NeedOut,
    settings: Settings,
    at: date,
    *,
    limit: int = PER_PAGE,
    offset: int = 0,
    banded: bool = True,
    row: dict[str, Any] | None = None,
) -> MatchesOut:
    """The matches of a need already read (and its access already checked): the best
    ``limit`` after the best ``offset``. ``banded`` (the default) for anyone but staff: see
    the module docstring. ``row``: the need's row, when read with it (else read here)."""
    need_id = need.id
    if row is None:
        row = (
            await Need.select(Need.lat, Need.lon, Need.sector, Need.district)
            .where(Need.id == need_id)
            .first()
        )
    where = need_place(row) if row is not None else None
    if where is None:
        return MatchesOut(
            need_id=need_id, total=0, offset=offset, limit=limit, matches=[], excluded=[], rules=rules(need)
        )
    policy = Policy.of(settings)
    from market.matching.pipeline import learning_store as learning

    weights = await learning.current_weights()
    ranking = rank(
        spec_of(need, *where),
        await CACHE.get(policy),
        at,
        limit=limit,
        offset=offset,
        weights=weights,
        banded=banded,
    )
    ids = [c.profile_id for c in ranking.candidates]
    names, badges = await _shown(ids, at, policy)
    return MatchesOut(
        need_id=need_id,
        total=ranking.total,
        offset=offset,
        limit=limit,
        matches=[
            MatchOut(
                profile_id=c.profile_id,
                display_name=names[c.profile_id].display_name,
                district=names[c.profile_id].district,
                distance_band=distance_band(c.miles),
                score=round(c.score * 100),
                recipient_score=round(c.recipient_score * 100),
                pa_score=round(c.pa_score * 100),
                dbs=badges[c.profile_id].badge if c.profile_id in badges else "",
                reasons=[r for r in c.reasons if "miles away" not in r] + [_distance_reason(c.miles)],
                worth_knowing=list(c.worth_knowing),
            )
            for c in ranking.candidates
            if c.profile_id in names
        ],
        excluded=[(_excluded_label(rule, need), count) for rule, count in ranking.excluded.items()],
        rules=rules(need),
    )


async def _shown(ids: list[int], at: date, policy: Policy) -> tuple[dict[int, PAName], dict[int, Standing]]:
    """The names and DBS badges of the PAs on the page, in one query (market.reads)."""
    if not ids:
        return {}, {}
    names, checks, statuses = await read_together(
        profile_reads.names_read(ids), checks_read(ids), status_checks_read(ids)
    )
    return (
        {
            n.id: PAName(display_name=n.display_name, full_name=n.full_name, district=n.district)
            for n in names
        },
        standings_from(checks, statuses, at, policy),
    )


def _distance_reason(miles: float) -> str:
    """The engine says "3.2 miles away"; a recipient sees a band (never a PA's exact spot)."""
    return f"{distance_band(miles).capitalize()} away as the crow flies, within both travel limits"
