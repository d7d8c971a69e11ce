"""A listed PA's one-page profile, as people looking for a PA see it."""

from __future__ import annotations

from market.accounts.schemas import CurrentUser
from market.clock import london_date, london_today
from market.db import json_list
from market.dbs.standing import Policy, standing
from market.errors import Invalid
from market.geo.display import distance_band
from market.geo.distance import haversine_miles
from market.register import services as register
from market.register.schemas import (
    stored_wont_do,
    stored_year_pattern,
    wont_do_labels,
    year_pattern_label,
)
from market.search import register_reads as reads
from market.search.criteria import locate_near
from market.search.ranking import grid_out
from market.search.schemas import PublicProfileOut, TrainingOut
from market.settings import Settings
from market.training.holdings import current_courses


async def _band(
    from_text: str | None, lat: float | None, lon: float | None, settings: Settings | None
) -> str | None:
    """How far the profile is from where the searcher said; None when that does not locate:
    the distance is a courtesy, not a question."""
    if not from_text or not from_text.strip() or lat is None or lon is None:
        return None
    try:
        point = await locate_near(" ".join(from_text.split()), settings, field="from")
    except Invalid:
        return None
    return distance_band(haversine_miles(point.lat, point.lon, lat, lon))


async def public_profile(
    profile_id: int,
    from_postcode: str | None = None,
    viewer: CurrentUser | None = None,
    policy: Policy | None = None,
    settings: Settings | None = None,
) -> PublicProfileOut:
    """The listed profile; NotFound unless it is approved. ``from_postcode`` is where the
    searcher is (a postcode, or a place name when a geocoder is configured)."""
    row = await reads.listed_row(profile_id)
    slots = (await reads.slots_for([profile_id]))[profile_id]
    groups = (await reads.groups_for([profile_id]))[profile_id]
    today = london_today()
    dbs = await standing(profile_id, today, policy or Policy())
    held = (await current_courses([profile_id], today, verified_only=False)).get(profile_id, {})
    return PublicProfileOut(
        id=row["id"],
        display_name=row["display_name"],
        headline=row["headline"],
        admire=row["admire"],
        matters=row["matters"],
        how_to_work=row["how_to_work"],
        district=row["district"],
        distance_band=await _band(from_postcode, row["lat"], row["lon"], settings),
        skills=await register.profile_skills(profile_id),
        client_groups=[name for _, name in groups],
        languages=[str(x) for x in json_list(row["languages"])],
        driving_licence=row["driving_licence"],
        has_car=row["has_car"],
        min_rate_pence=row["min_rate_pence"],
        employment=row["employment"],
        availability=[s.label() for s in sorted(slots)],
        week=grid_out(slots),
        vetted_on=london_date(row["approved_at"]),
        right_to_work_checked=row["right_to_work_confirmed_at"] is not None,
        shortlisted=bool(await reads.shortlisted(viewer, [profile_id])),
        dbs=dbs.badge if dbs else "",
        training=[
            TrainingOut(name=h.name, verified=h.verified, expires_on=h.expires_on)
            for h in sorted(held.values(), key=lambda h: (not h.verified, h.name))
        ],
        wont_do=wont_do_labels(stored_wont_do(row["wont_do"])),
        year_pattern=year_pattern_label(stored_year_pattern(row["year_pattern"])),
    )
