"""A caller's own places: the only places someone who is not staff may ask distances from.

Answering "how far is this PA from here?" for any postcode a caller types lets them
trilaterate a home: a few dozen answers from chosen postcodes pin a PA to their postcode
(issue 15). So a distance is given only from a place already the caller's own, a place they
could not move at will without it being theirs: for someone looking for a PA, the postcode of
a person they act for or of one of those people's needs. Anything else is refused, naming the
field. Staff and admin, who may see a PA's postcode anyway, ask from anywhere.

The features that hold such places provide them: accounts sits below them, so they register
a reader here (``provide``) when imported; matching provides the people and needs a recipient
acts for (``market.matching.needs.recipients.own_places``). A caller nobody provides places
for has none, and is refused: the rule fails closed.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import msgspec

from market.accounts.schemas import CurrentUser
from market.errors import Invalid
from market.geo.postcodes import InvalidPostcode, parse_postcode
from market.roles import STAFF_ROLES

__all__ = ["OwnPlace", "distinct_places", "own_place", "places_of", "provide", "refusal", "unrestricted"]

NO_PLACES = (
    "Add the person you are finding support for first: distances are measured only from "
    "their postcode or the postcode of one of their needs"
)


class OwnPlace(msgspec.Struct, frozen=True, kw_only=True):
    """A place that is the caller's: where a person they act for lives, or a need is."""

    postcode: str  # normalised, "PE1 1AB"
    label: str  # what the caller calls it: "Sam Person's home", "Morning support"
    # For a need still being recruited for: the DBS check its work needs (the level and the
    # barred lists), so a search can start from what the caller's needs ask; blank for a home.
    dbs_level: str = ""
    adults_barred: bool = False
    children_barred: bool = False


Provider = Callable[[CurrentUser], Awaitable[list[OwnPlace]]]
_PROVIDERS: dict[str, Provider] = {}


def provide(name: str, provider: Provider) -> None:
    """Register (or replace) the reader of one feature's places for a caller."""
    _PROVIDERS[name] = provider


def unrestricted(user: CurrentUser | None) -> bool:
    """Staff and admin may ask distances from anywhere."""
    return user is not None and user.role in STAFF_ROLES


async def places_of(user: CurrentUser | None, *, distinct: bool = True) -> list[OwnPlace]:
    """The caller's own places in the providers' order: each postcode once, or with
    ``distinct=False`` every place (a need at the person's home as well as the home)."""
    if user is None:
        return []
    every = [place for provider in _PROVIDERS.values() for place in await provider(user)]
    return distinct_places(every) if distinct else every


def distinct_places(places: list[OwnPlace]) -> list[OwnPlace]:
    """Each postcode once, the first place with it kept (``places_of``'s default)."""
    found: dict[str, OwnPlace] = {}
    for place in places:
        found.setdefault(place.postcode, place)
    return list(found.values())


def refusal(places: list[OwnPlace]) -> str:
    """What the caller is told when they ask from somewhere not theirs."""
    if not places:
        return NO_PLACES
    districts = ", ".join(dict.fromkeys(p.postcode.split()[0] for p in places))
    return (
        "Enter your own postcode or the postcode of one of your needs: "
        + ", ".join(p.postcode for p in places)
        + f"; or the first half of one of them ({districts})"
    )


async def own_place(
    user: CurrentUser | None, text: str, *, field: str, places: list[OwnPlace] | None = None
) -> OwnPlace:
    """The caller's place that ``text`` names (a full postcode, any case or spacing); Invalid
    naming ``field`` when it is not one of theirs. ``places``: the caller's places (distinct)
    when already read, so a page that shows them reads them once."""
    if places is None:
        places = await places_of(user)
    try:
        postcode = parse_postcode(text).full
    except InvalidPostcode:
        postcode = None
    for place in places:
        if place.postcode == postcode:
            return place
    raise Invalid({field: refusal(places)})
