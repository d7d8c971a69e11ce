"""Training sessions as a PA sees them: those still to start online or near their home,
and their own bookings and waiting-list places. The online link shows only once they have
a place."""

from __future__ import annotations

import math
from typing import Any

import msgspec
from piccolo.columns.combination import Or, Where

from market.accounts.schemas import CurrentUser
from market.clock import utcnow
from market.geo.display import distance_note
from market.geo.distance import haversine_miles
from market.register import directory

# The PA's home point: no register lookup publishes it yet (see ``home_of``).
from market.settings import Settings
from market.training.sessions import ACTIVE, SessionOut, select_sessions, session_outs
from market.training.tables import Booking, TrainingSession


class NearSession(msgspec.Struct, kw_only=True):
    session: SessionOut
    online: bool
    distance: str  # "about 5 miles as the crow flies"; "" online
    my_status: str = ""  # "" | booked | waiting
    my_position: int | None = None


PAHome = directory.PAHome


async def home_of(user: CurrentUser) -> PAHome | None:
    """The PA's profile and home point, or None when they have not started a profile."""
    return await directory.home_of_user(user.id)


async def _my_bookings(
    profile_id: int, session_ids: list[int] | None = None
) -> dict[int, tuple[str, int | None]]:
    """Session id -> (booked | waiting, waiting-list position) for this PA's live bookings."""
    query = Booking.select(Booking.id, Booking.session, Booking.status).where(
        (Booking.profile == profile_id) & Booking.status.is_in(list(ACTIVE))
    )
    if session_ids is not None:
        if not session_ids:
            return {}
        query = query.where(Booking.session.is_in(session_ids))
    mine: dict[int, tuple[str, int | None]] = {}
    for row in await query:
        position = None
        if row["status"] == "waiting":
            position = 1 + await Booking.count().where(
                (Booking.session == row["session"]) & (Booking.status == "waiting") & (Booking.id < row["id"])
            )
        mine[row["session"]] = (row["status"], position)
    return mine


async def upcoming_near(home: PAHome, settings: Settings) -> list[NearSession]:
    """Scheduled sessions still to start, online or within ``training_near_miles`` of the
    PA's home, soonest first, with places left and whether this PA has booked or waits."""
    miles = settings.training_near_miles
    where: Where | Or = TrainingSession.online_link != ""
    lat, lon = home.lat, home.lon
    if lat is not None and lon is not None:
        dlat = miles / 69.0 + 0.01
        dlon = miles / max(69.0 * abs(math.cos(math.radians(lat))), 1.0) + 0.01
        box = (
            (TrainingSession.lat >= lat - dlat)
            & (TrainingSession.lat <= lat + dlat)
            & (TrainingSession.lon >= lon - dlon)
            & (TrainingSession.lon <= lon + dlon)
        )
        where = where | box
    rows = (
        await select_sessions()
        .where((TrainingSession.status == "scheduled") & (TrainingSession.starts_at > utcnow()))
        .where(where)
        .order_by(TrainingSession.starts_at)
    )
    near: list[tuple[dict[str, Any], str]] = []
    for row in rows:
        if row["online_link"]:
            near.append((row, ""))
        elif row["lat"] is not None and lat is not None and lon is not None:
            distance = haversine_miles(lat, lon, row["lat"], row["lon"])
            if distance <= miles:
                near.append((row, distance_note(distance)))
    outs = await session_outs([row for row, _ in near])
    mine = await _my_bookings(home.profile_id, [o.id for o in outs])
    return [
        _for_pa(out, distance, *mine.get(out.id, ("", None)))
        for out, (_, distance) in zip(outs, near, strict=True)
    ]


def _for_pa(out: SessionOut, distance: str, status: str, position: int | None) -> NearSession:
    """A session as a PA sees it: the online link only once they have a place."""
    return NearSession(
        session=out if status == "booked" else msgspec.structs.replace(out, online_link=""),
        online=bool(out.online_link),
        distance=distance,
        my_status=status,
        my_position=position,
    )


async def my_bookings(profile_id: int) -> list[NearSession]:
    """This PA's live bookings and waiting-list places, soonest first."""
    mine = await _my_bookings(profile_id)
    if not mine:
        return []
    rows = (
        await select_sessions()
        .where(TrainingSession.id.is_in(list(mine)))
        .order_by(TrainingSession.starts_at)
    )
    return [_for_pa(out, "", *mine[out.id]) for out in await session_outs(rows)]
