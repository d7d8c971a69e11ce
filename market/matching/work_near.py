"""Work near me: the open needs a PA meets every hard requirement of, best first, by the same
rules and score as a need's matches (the engine run the other way: one PA against each need).
So a need at none of whose times the PA is free is never shown, as the PA is never listed
for it.

A PA sees a need's title, district, times and hours, a distance band and the reasons; never
the person's name, the address or the description (which may name people) before an
invitation. The need and the PA are both placed at the centres of their sectors and the
ranking is banded, so no list, however often the PA moves their own home or travel limit,
says more of where the person lives than their sector."""

from __future__ import annotations

from datetime import date

import msgspec
import numpy as np

from market.accounts.schemas import CurrentUser
from market.dbs.standing import Policy
from market.geo.display import distance_band
from market.geo.distance import haversine_miles
from market.matching import index as match_index
from market.matching import term_calendar
from market.matching.engine.ranking import rank
from market.matching.engine.records import build_index
from market.matching.matches import need_place, spec_of
from market.matching.needs.lifecycle import need_outs
from market.matching.tables import Need
from market.register import directory
from market.settings import Settings


class WorkOut(msgspec.Struct, kw_only=True):
    need_id: int
    title: str
    kind: str
    district: str
    distance_band: str
    hours_per_week: float | None
    times: list[str]
    score: int
    reasons: list[str]  # why it suits the PA
    worth_knowing: list[str]  # what tells against: part of the hours, below their rate ...


async def work_near_me(user: CurrentUser, settings: Settings, at: date, *, limit: int = 20) -> list[WorkOut]:
    profile = await directory.profile_of_user(user.id)
    if profile is None or profile.status != "approved":
        return []
    rows = await match_index.pa_rows([profile.id], policy=Policy.of(settings))
    if not rows:
        return []
    pa = rows[0]
    one = build_index(
        rows, await match_index.vocabularies(list(pa.languages)), terms=await term_calendar.load()
    )
    # Every open need's place in one query; one vectorised pass keeps those within both travel
    # limits (the engine checks them again); only those are read in full, in a few queries.
    open_needs = await Need.select(
        Need.id, Need.lat, Need.lon, Need.sector, Need.district, Need.max_distance_miles
    ).where(Need.status == "open", Need.lat.is_not_null(), Need.lon.is_not_null())
    where = {r["id"]: point for r in open_needs if (point := need_place(r)) is not None}
    places = [r for r in open_needs if r["id"] in where]
    if not places:
        return []
    miles = haversine_miles(
        pa.lat,
        pa.lon,
        np.array([where[p["id"]][0] for p in places]),
        np.array([where[p["id"]][1] for p in places]),
    )
    reach = np.minimum(np.array([p["max_distance_miles"] for p in places], dtype=float), pa.travel_miles)
    near = [places[i]["id"] for i in np.flatnonzero(miles <= reach + 1e-9).tolist()]
    if not near:
        return []
    full = await Need.select().where(Need.id.is_in(near))
    found: list[WorkOut] = []
    for row, need in zip(full, await need_outs(full, staff=False), strict=True):
        ranked = rank(spec_of(need, *where[row["id"]]), one, at, limit=1, banded=True).candidates
        if not ranked:
            continue
        match = ranked[0]
        found.append(
            WorkOut(
                need_id=row["id"],
                title=need.title,
                kind=need.kind,
                district=need.district,
                distance_band=distance_band(match.miles),
                hours_per_week=need.hours_per_week,
                times=[c.label for c in need.cover_dates]
                if need.kind == "cover"
                else [s.label for s in need.slots],
                score=round(match.score * 100),
                reasons=[r for r in match.reasons if "miles away" not in r],
                worth_knowing=list(match.worth_knowing),
            )
        )
    # Best first; one score apart, by need id (the score already holds distance as a band).
    found.sort(key=lambda w: (-w.score, w.need_id))
    return found[:limit]
