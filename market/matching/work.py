"""Work near me: the open needs a PA meets every hard requirement of, best first, by the same
rules and score as a need's matches (the engine run the other way: one PA against each need).

A PA sees a need's title, district, times and hours, a distance band and the reasons; never
the person's name, the address or the description (which may name people) before an
invitation."""

from __future__ import annotations

from datetime import date

import msgspec

from market.accounts.schemas import CurrentUser
from market.dbs.standing import Policy
from market.geo.display import distance_band
from market.matching import index as match_index
from market.matching.columns import build_index
from market.matching.engine import rank
from market.matching.matches import spec_of
from market.matching.needs import need_out
from market.matching.tables import Need
from market.register.tables import PAProfile
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
    reasons: list[str]


async def work_near_me(user: CurrentUser, settings: Settings, at: date, *, limit: int = 20) -> list[WorkOut]:
    profile = await PAProfile.select(PAProfile.id, PAProfile.status).where(PAProfile.user == user.id).first()
    if profile is None or profile["status"] != "approved":
        return []
    rows = await match_index.pa_rows([profile["id"]], policy=Policy.of(settings))
    if not rows:
        return []
    one = build_index(rows, await match_index.vocabularies(list(rows[0].languages)))
    found: list[WorkOut] = []
    for row in await Need.select().where(Need.status == "open"):
        if row["lat"] is None:
            continue
        need = await need_out(row, staff=False)
        ranked = rank(spec_of(need, row["lat"], row["lon"]), one, at, limit=1).candidates
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
            )
        )
    found.sort(key=lambda w: -w.score)
    return found[:limit]
