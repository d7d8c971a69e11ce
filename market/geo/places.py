"""Place names ("Market Deeping") through an online geocoder: optional, off by default.

Only a fallback: postcodes never leave the machine. Answers are cached in the database,
and any failure of the online service degrades to the offline table with a logged
warning, never a failed request.
"""

from __future__ import annotations

import asyncio
import logging

from geopy.exc import GeopyError
from geopy.geocoders import Nominatim

from market.errors import Invalid
from market.geo import centroids
from market.geo.postcodes import InvalidPostcode, parse_postcode
from market.geo.services import GeoPoint, locate
from market.geo.tables import PlaceCache
from market.settings import Settings

log = logging.getLogger(__name__)

ENTER_POSTCODE = "Enter a postcode, like PE1 1AB, or a postcode district, like PE1"
UNAVAILABLE = "We couldn't look up place names just now: enter a postcode instead, like PE1 1AB"
NO_SUCH_PLACE = "We couldn't find that place: enter a postcode instead, like PE1 1AB"


def _geocoder(settings: Settings) -> Nominatim:
    return Nominatim(
        user_agent=settings.geocoder_user_agent,
        domain=settings.geocoder_domain,
        scheme=settings.geocoder_scheme,
        timeout=settings.geocoder_timeout_seconds,
    )


def _point(label: str, lat: float, lon: float, precision: str, district: str = "") -> GeoPoint:
    return GeoPoint(postcode="", sector="", district=district, lat=lat, lon=lon, precision=precision)


async def locate_place(text: str, settings: Settings, *, field: str = "place") -> GeoPoint:
    """A postcode, a postcode district, or (when an online geocoder is configured) a place name."""
    query = " ".join(text.split())
    if not query:
        raise Invalid({field: ENTER_POSTCODE})
    try:
        parse_postcode(query)
    except InvalidPostcode:
        pass
    else:
        return await locate(query, field=field)
    district = query.replace(" ", "").upper()
    if (point := centroids.district_centroid(district)) is not None:
        return _point(district, point[0], point[1], "district", district)
    if not settings.geocoder:
        raise Invalid({field: ENTER_POSTCODE})
    key = query.lower()[:200]
    cached = await PlaceCache.select().where(PlaceCache.query == key).first()
    if cached is not None:
        if cached["lat"] is None:
            raise Invalid({field: NO_SUCH_PLACE})
        return _point(cached["label"], cached["lat"], cached["lon"], "place")
    try:
        found = await asyncio.to_thread(
            _geocoder(settings).geocode, query, exactly_one=True, country_codes="gb"
        )
    except GeopyError as error:
        log.warning("Online geocoder failed for %r; using the offline table only: %s", query, error)
        raise Invalid({field: UNAVAILABLE}) from None
    await PlaceCache.insert(
        PlaceCache(
            query=key,
            lat=found.latitude if found else None,
            lon=found.longitude if found else None,
            label=found.address[:500] if found else "",
            source="nominatim",
        )
    )
    if found is None:
        raise Invalid({field: NO_SUCH_PLACE})
    return _point(found.address, found.latitude, found.longitude, "place")
