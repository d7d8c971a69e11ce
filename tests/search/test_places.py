"""Searching from a place name ("Peterborough") with an online geocoder configured.

Only the remote call is faked: ``market.geo.places`` builds its geocoder through
``_geocoder(settings)``, and the stand-in answers as Nominatim would, without going online.
"""

from __future__ import annotations

import msgspec
import pytest

from market.geo import places
from market.geo.tables import PlaceCache
from tests.register.factories import make_pa

PETERBOROUGH = (52.5695, -0.2405)


class Found(msgspec.Struct):
    latitude: float
    longitude: float
    address: str


class FakeNominatim:
    """Answers ``geocode`` like geopy's Nominatim, from a fixed table; keeps the questions."""

    def __init__(self) -> None:
        self.asked: list[str] = []

    def geocode(self, query: str, *, exactly_one: bool, country_codes: str) -> Found | None:
        assert exactly_one and country_codes == "gb"
        self.asked.append(query)
        if query.lower() == "peterborough":
            return Found(*PETERBOROUGH, address="Peterborough, Cambridgeshire, England")
        return None


@pytest.fixture
async def settings(settings):
    return msgspec.structs.replace(
        settings, geocoder="nominatim", geocoder_user_agent="pa-register-tests (test@example.org)"
    )


@pytest.fixture
def nominatim(monkeypatch) -> FakeNominatim:
    fake = FakeNominatim()
    monkeypatch.setattr(places, "_geocoder", lambda settings: fake)
    return fake


async def test_a_place_name_finds_pas_near_it(client, login_as, nominatim):
    """Staff only: anyone else searches from their own places (see test_location_privacy)."""
    pa = await make_pa(name="Pia Place", postcode="PE2 5DE")
    await make_pa(name="Ollie Oxford", postcode="OX1 1DP", travel_miles=100)
    await login_as("staff")

    page = await client.get("/search", params={"postcode": "Peterborough", "radius": "10"})
    assert page.status_code == 200, page.text
    assert "Postcode or place" in page.text
    assert "1 personal assistant within 10 miles of Peterborough" in page.text
    assert f'href="/pas/{pa["id"]}?from=Peterborough"' in page.text

    profile = await client.get(f"/pas/{pa['id']}", params={"from": "Peterborough"})
    assert "PE2, about 3 miles away as the crow flies" in profile.text

    api = await client.get("/api/v1/register/search", params={"postcode": "Peterborough"})
    assert [r["display_name"] for r in api.json()["results"]] == ["Pia"]
    assert api.json()["searched_place"] == "Peterborough"
    # Asked online once: the answer is cached for every later search.
    assert nominatim.asked == ["Peterborough"]
    assert await PlaceCache.count() == 1


async def test_a_place_name_is_not_a_recipients_own_place(client, login_as, nominatim):
    pa = await make_pa(name="Pia Place", postcode="PE2 5DE")
    await login_as("recipient")
    page = await client.get("/search", params={"postcode": "Peterborough"})
    assert page.status_code == 422
    assert "Enter your own postcode or the postcode of one of your needs: PE1 1AB" in page.text
    assert "Postcode or place" not in page.text
    profile = await client.get(f"/api/v1/register/pas/{pa['id']}", params={"from": "Peterborough"})
    assert profile.status_code == 422 and set(profile.json()["errors"]) == {"from"}
    assert nominatim.asked == []  # refused before anything is looked up


async def test_postcodes_never_go_online_and_unknown_places_are_named(client, login_as, nominatim):
    await login_as("staff")
    assert (await client.get("/search", params={"postcode": "PE1 1AB"})).status_code == 200
    assert nominatim.asked == []
    unknown = await client.get("/search", params={"postcode": "Nowhere-on-sea"})
    assert unknown.status_code == 422
    assert "We couldn&#39;t find that place" in unknown.text
    assert 'value="Nowhere-on-sea"' in unknown.text
    blank = await client.get("/search", params={"postcode": ""})
    assert "Enter a postcode or a place, like PE1 1AB, PE1 or Peterborough" in blank.text
