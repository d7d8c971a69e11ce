"""A listed PA's one-page profile, as people looking for a PA see it."""

from __future__ import annotations

from market.accounts import places as own
from market.accounts.schemas import CurrentUser
from market.clock import london_date, london_today
from market.db import json_list
from market.dbs import standing
from market.dbs.standing import Policy
from market.errors import Invalid, NotFound
from market.geo import centroids
from market.geo.display import distance_band
from market.geo.distance import haversine_miles
from market.reads import read_together
from market.register import profile_reads
from market.register.availability import Slot
from market.register.profile_reads import ListedRow
from market.register.schemas import (
    SkillOut,
    stored_wont_do,
    stored_year_pattern,
    wont_do_labels,
    year_pattern_label,
)
from market.search import register_reads as reads
from market.search import shortlist
from market.search.criteria import locate_near, own_point
from market.search.ranking import grid_out
from market.search.schemas import PublicProfileOut, TrainingOut
from market.settings import Settings
from market.training import holdings


async def _band(
    from_text: str | None, row: ListedRow, viewer: CurrentUser | None, settings: Settings | None
) -> str | None:
    """How far the profile is from where the searcher said. Staff may say anywhere (None when
    it does not locate: the distance is a courtesy, not a question). Anyone else must name one
    of their own places (Invalid, naming ``from``, otherwise), and is told the band between
    the two sector centres."""
    if not from_text or not from_text.strip() or row.lat is None or row.lon is None:
        return None
    text = " ".join(from_text.split())
    if not own.unrestricted(viewer):
        here = await own_point(viewer, text, field="from")
        there = centroids.sector_point(row.sector or row.district, row.lat, row.lon)
        if there is None:
            return None
        return distance_band(haversine_miles(here.lat, here.lon, there[0], there[1]))
    try:
        point = await locate_near(text, settings, field="from")
    except Invalid:
        return None
    return distance_band(haversine_miles(point.lat, point.lon, row.lat, row.lon))


async def public_profile(
    profile_id: int,
    from_postcode: str | None = None,
    viewer: CurrentUser | None = None,
    policy: Policy | None = None,
    settings: Settings | None = None,
) -> PublicProfileOut:
    """The listed profile; NotFound unless it is approved. ``from_postcode`` is where the
    distance is from: for staff any postcode (or a place name when a geocoder is configured),
    for anyone else one of their own places (else Invalid, naming ``from``)."""
    reads.check_id(profile_id)
    today = london_today()
    # One round trip for the whole page (market.reads): each feature's own read of its part.
    parts = [
        profile_reads.listed_read(profile_id),
        profile_reads.slots_read([profile_id]),
        profile_reads.groups_read([profile_id]),
        profile_reads.skills_read([profile_id]),
        standing.checks_read([profile_id]),
        standing.status_checks_read([profile_id]),
        holdings.held_read([profile_id]),
    ]
    if saved := shortlist.saved_read(viewer, [profile_id]):
        parts.append(saved)
    found = await read_together(*parts)
    if not found[0]:
        raise NotFound()
    row: ListedRow = found[0][0]
    slots = [Slot(start=s.start_minute, end=s.end_minute) for s in found[1]]
    dbs = standing.standings_from(found[4], found[5], today, policy or Policy()).get(profile_id)
    held = holdings.current_of(holdings.held_from(found[6]), today).get(profile_id, {})
    return PublicProfileOut(
        id=row.id,
        display_name=row.display_name,
        headline=row.headline,
        admire=row.admire,
        matters=row.matters,
        how_to_work=row.how_to_work,
        district=row.district,
        distance_band=await _band(from_postcode, row, viewer, settings),
        skills=[SkillOut(code=k.code, name=k.name, years=k.years) for k in found[3]],
        client_groups=[g.name for g in found[2]],
        languages=[str(x) for x in json_list(row.languages)],
        driving_licence=row.driving_licence,
        has_car=row.has_car,
        car_insurance=row.car_insurance,
        min_rate_pence=row.min_rate_pence,
        employment=row.employment,
        availability=[s.label() for s in sorted(slots)],
        week=grid_out(slots),
        vetted_on=london_date(row.approved_at),
        right_to_work_checked=row.right_to_work_confirmed_at is not None,
        shortlisted=len(found) > 7 and bool(found[7]),
        dbs=dbs.badge if dbs else "",
        training=[
            TrainingOut(name=h.name, verified=h.verified, expires_on=h.expires_on)
            for h in sorted(held.values(), key=lambda h: (not h.verified, h.name))
        ],
        wont_do=wont_do_labels(stored_wont_do(json_list(row.wont_do))),
        year_pattern=year_pattern_label(stored_year_pattern(row.year_pattern)),
    )
