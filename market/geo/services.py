"""Where a postcode is: the full postcode table when imported, else the shipped sector and
district centroids. Pages show other people only a district and a distance band."""

from __future__ import annotations

import msgspec

from market.db import current_engine
from market.errors import Invalid
from market.geo import centroids
from market.geo.postcodes import InvalidPostcode, Postcode, parse_postcode
from market.geo.tables import Postcode as PostcodeRow
from market.sqlite_pool import SmallRead

NOT_FOUND = "We couldn't find that postcode"
BATCH = 500


class GeoPoint(msgspec.Struct, frozen=True, kw_only=True):
    postcode: str
    sector: str
    district: str
    lat: float
    lon: float
    precision: str  # "postcode", "sector" or "district"


async def has_full_table() -> bool:
    """True once ``market geo import`` has loaded exact postcode centroids."""
    return await PostcodeRow.exists()


def _parse(text: str, field: str) -> Postcode:
    try:
        return parse_postcode(text)
    except InvalidPostcode as error:
        raise Invalid({field: str(error)}) from None


def _from_centroids(postcode: Postcode, full_table: bool) -> GeoPoint | None:
    # With the full table loaded, a postcode missing from it does not exist.
    if full_table:
        return None
    if (point := centroids.sector_centroid(postcode.sector)) is not None:
        return GeoPoint(
            postcode=postcode.full,
            sector=postcode.sector,
            district=postcode.district,
            lat=point[0],
            lon=point[1],
            precision="sector",
        )
    if (point := centroids.district_centroid(postcode.district)) is not None:
        return GeoPoint(
            postcode=postcode.full,
            sector=postcode.sector,
            district=postcode.district,
            lat=point[0],
            lon=point[1],
            precision="district",
        )
    return None


async def locate(text: str, *, field: str = "postcode") -> GeoPoint:
    """The point for one postcode; Invalid (naming ``field``) when malformed or unknown."""
    postcode = _parse(text, field)
    # One statement for the exact row and whether the table is loaded at all (a missing
    # postcode then falls back to the centroids only while no table is imported): a postcode
    # search is one query, found or not.
    # A small read: on SQLite it runs on the event loop's thread (market.sqlite_pool).
    table = PostcodeRow._meta.tablename
    rows = await current_engine().run_querystring(
        SmallRead(
            f"SELECT (SELECT lat FROM {table} WHERE postcode = {{}}) AS lat,"
            f" (SELECT lon FROM {table} WHERE postcode = {{}}) AS lon,"
            f" EXISTS (SELECT 1 FROM {table}) AS loaded",
            postcode.full,
            postcode.full,
        )
    )
    row = rows[0]
    if row["lat"] is not None:
        return GeoPoint(
            postcode=postcode.full,
            sector=postcode.sector,
            district=postcode.district,
            lat=row["lat"],
            lon=row["lon"],
            precision="postcode",
        )
    point = _from_centroids(postcode, bool(row["loaded"]))
    if point is None:
        raise Invalid({field: NOT_FOUND})
    return point


async def locate_many(texts: list[str]) -> list[GeoPoint | str]:
    """Each postcode's point, or the reason it has none (in the same order): for bulk work."""
    parsed: list[Postcode | str] = []
    for text in texts:
        try:
            parsed.append(parse_postcode(text))
        except InvalidPostcode as error:
            parsed.append(str(error))
    wanted = sorted({p.full for p in parsed if isinstance(p, Postcode)})
    exact: dict[str, tuple[float, float]] = {}
    full_table = await has_full_table()
    if full_table:
        for start in range(0, len(wanted), BATCH):
            rows = await PostcodeRow.select(PostcodeRow.postcode, PostcodeRow.lat, PostcodeRow.lon).where(
                PostcodeRow.postcode.is_in(wanted[start : start + BATCH])
            )
            exact.update({r["postcode"]: (r["lat"], r["lon"]) for r in rows})
    results: list[GeoPoint | str] = []
    for item in parsed:
        if isinstance(item, str):
            results.append(item)
        elif item.full in exact:
            lat, lon = exact[item.full]
            results.append(
                GeoPoint(
                    postcode=item.full,
                    sector=item.sector,
                    district=item.district,
                    lat=lat,
                    lon=lon,
                    precision="postcode",
                )
            )
        else:
            results.append(_from_centroids(item, full_table) or NOT_FOUND)
    return results
