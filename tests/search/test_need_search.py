"""Searching as people do on a phone (issue 16): from a need, from a postcode district, with
the pay and the DBS standing on every card, and the results before the form. Both engines.

The searcher (a recipient, tests/search/conftest.py) acts for a person at PE1 1AB.
"""

from __future__ import annotations

import html
import re
from urllib.parse import parse_qs, urlsplit

from market.geo import centroids
from market.geo.display import distance_band
from market.geo.distance import haversine_miles
from market.matching.tables import Need
from market.search.schemas import DBS_FILTERS, DBS_REQUIREMENTS, filter_for
from tests.dbs.support import as_current, certificate
from tests.matching.factories import current, make_need, make_recipient
from tests.register.factories import make_pa

HOME = "PE1 1AB"


def checked_dbs(page: str) -> list[str]:
    """The DBS radios the search form shows chosen."""
    return re.findall(r'name="dbs" type="radio" value="([^"]*)" checked', page)


def search_link(page: str) -> str:
    found = re.search(r'href="(/search\?[^"]+)">Search the register yourself for this need', page)
    assert found, "the need page links to the search"
    return html.unescape(found.group(1))


async def test_a_search_from_a_need_asks_for_the_dbs_check_the_need_requires(client, login_as, create_user):
    staff = await as_current(await create_user("staff"))
    checked = await make_pa(name="Cleo Checked", postcode="PE2 5DE")
    await certificate(checked["id"], staff, level="enhanced", barred_lists="children")
    unchecked = await make_pa(name="Uma Unchecked", postcode="PE2 5DE")
    user = await login_as("recipient")

    blank = await client.get("/search")
    assert checked_dbs(blank.text) == [""]  # "Any", with no need in mind
    assert re.search(
        r'<label class="govuk-label govuk-radios__label" for="dbs">\s*Any\s*</label>', blank.text
    )

    person = await make_recipient(user=current(user), name="Kit Child", postcode="PE7 1AB", age_group="child")
    need = await make_need(person, title="After school")  # a child: enhanced, children's list
    page = await client.get(f"/needs/{need['id']}")
    link = search_link(page.text)
    assert parse_qs(urlsplit(link).query) == {"postcode": ["PE7 1AB"], "dbs": ["enhanced_children"]}
    found = await client.get(link)
    assert found.status_code == 200
    assert checked_dbs(found.text) == ["enhanced_children"]
    assert "Cleo" in found.text and "Uma" not in found.text
    assert unchecked["id"] != checked["id"]

    # Every requirement a need can hold has its filter, and the need page links to it.
    for key, requirement in DBS_REQUIREMENTS.items():
        await Need.update(
            {
                Need.dbs_level: requirement.level,
                Need.dbs_adults_barred: requirement.adults_barred,
                Need.dbs_children_barred: requirement.children_barred,
                Need.dbs_raised: True,
            }
        ).where(Need.id == need["id"])
        page = await client.get(f"/needs/{need['id']}")
        assert parse_qs(urlsplit(search_link(page.text)).query)["dbs"] == [key] == [filter_for(requirement)]
        assert checked_dbs((await client.get(search_link(page.text))).text) == [key], DBS_FILTERS[key]


async def test_cards_show_the_pay_and_say_when_no_dbs_check_is_recorded(client, login_as, create_user):
    staff = await as_current(await create_user("staff"))
    checked = await make_pa(name="Cleo Checked", postcode="PE2 5DE", min_rate_pence=1475)
    await certificate(checked["id"], staff)
    uma = await make_pa(name="Uma Unchecked", postcode="PE2 5DE", min_rate_pence=1250)
    await login_as("recipient")

    page = await client.get("/search", params={"postcode": HOME})
    cards = page.text.split('<li class="app-card">')[1:]
    assert len(cards) == 2
    by_name = {re.search(r'href="/pas/\d+[^"]*">([^<]+)<', card).group(1): card for card in cards}
    assert "From £14.75 an hour" in by_name["Cleo"] and "Enhanced DBS" in by_name["Cleo"]
    assert "No DBS check recorded" not in by_name["Cleo"]
    assert "From £12.50 an hour" in by_name["Uma"] and "No DBS check recorded" in by_name["Uma"]
    api = (await client.get("/api/v1/register/search", params={"postcode": HOME})).json()
    assert {r["display_name"]: r["min_rate_pence"] for r in api["results"]} == {"Cleo": 1475, "Uma": 1250}
    profile = await client.get(f"/pas/{uma['id']}")
    assert "No DBS check recorded" in profile.text


async def test_a_district_of_ones_own_place_is_searched_from_its_centre(client, login_as, create_user):
    pa = await make_pa(name="Dev District", postcode="PE2 5DE", travel_miles=20)
    await login_as("recipient")
    centre = centroids.district_centroid("PE1")
    there = centroids.sector_point("PE2 5DE")
    band = distance_band(haversine_miles(centre[0], centre[1], there[0], there[1]))

    for typed in ("PE1", "pe1", " PE1 "):
        api = await client.get("/api/v1/register/search", params={"postcode": typed, "radius": "20"})
        assert api.status_code == 200, api.text
        assert [(r["id"], r["distance_band"]) for r in api.json()["results"]] == [(pa["id"], band)]
        assert api.json()["searched_place"] == "PE1"
    page = await client.get("/search", params={"postcode": "PE1", "radius": "20"})
    assert "1 personal assistant within 20 miles of PE1" in page.text
    assert f"PE2, {band} as the crow flies" in page.text
    profile = await client.get(f"/api/v1/register/pas/{pa['id']}", params={"from": "PE1"})
    assert profile.status_code == 200 and profile.json()["distance_band"] == band

    # Another district is not theirs: refused, naming the field, on the API and the page.
    for other in ("PE2", "PE7", "OX1"):
        refused = await client.get("/api/v1/register/search", params={"postcode": other})
        assert refused.status_code == 422 and set(refused.json()["errors"]) == {"postcode"}, other
        assert "or the first half of one of them (PE1)" in refused.json()["errors"]["postcode"]
        one = await client.get(f"/api/v1/register/pas/{pa['id']}", params={"from": other})
        assert one.status_code == 422 and set(one.json()["errors"]) == {"from"}, other
    assert (await client.get("/search", params={"postcode": "PE2"})).status_code == 422

    # Staff search from any district; one the table does not know is named.
    await login_as("staff")
    anywhere = await client.get("/api/v1/register/search", params={"postcode": "PE2", "radius": "5"})
    assert anywhere.status_code == 200 and [r["id"] for r in anywhere.json()["results"]] == [pa["id"]]
    assert anywhere.json()["searched_place"] == "PE2"
    unknown = await client.get("/api/v1/register/search", params={"postcode": "BT1"})
    assert (
        unknown.status_code == 422
        and unknown.json()["errors"]["postcode"] == "We couldn't find that postcode"
    )
    far = await client.get(f"/api/v1/register/pas/{pa['id']}", params={"from": "OX1"})
    assert far.status_code == 200 and far.json()["distance_band"] is not None


async def test_on_a_phone_the_results_come_before_the_folded_form(client, login_as):
    await make_pa(name="Fay First", postcode="PE2 5DE")
    await login_as("recipient")
    blank = await client.get("/search")
    # No results yet: the form is open, and there is nothing to skip to.
    assert '<details class="govuk-details app-search-form" id="search-form" open>' in blank.text
    assert "Skip to the results" not in blank.text
    found = await client.get("/search", params={"postcode": HOME})
    assert '<details class="govuk-details app-search-form" id="search-form">' in found.text
    assert '<a href="#search-results" class="govuk-skip-link app-skip-to-results">' in found.text
    assert 'id="search-results" aria-live="polite" tabindex="-1"' in found.text
    wrong = await client.get("/search", params={"postcode": HOME, "time_from": "nine"})
    assert wrong.status_code == 422
    assert '<details class="govuk-details app-search-form" id="search-form" open>' in wrong.text


async def test_a_blank_search_starts_from_what_the_searchers_needs_ask(client, login_as):
    user = await login_as("recipient")
    assert checked_dbs((await client.get("/search")).text) == [""]  # no need yet: Any
    person = await make_recipient(user=current(user), name="Kit Child", postcode="PE7 1AB", age_group="child")
    child_need = await make_need(person, title="After school")  # enhanced, children's list
    assert checked_dbs((await client.get("/search")).text) == ["enhanced_children"]
    # A need that asks something else: no one answer, so the search hides nobody (Any).
    adult = await make_recipient(user=current(user), name="Ann Adult", postcode="PE1 1AB")
    other = await make_need(adult, title="Mornings")
    asked = await Need.select(Need.dbs_level, Need.dbs_children_barred).where(Need.id == other["id"]).first()
    assert (asked["dbs_level"], asked["dbs_children_barred"]) != ("enhanced", True)
    assert checked_dbs((await client.get("/search")).text) == [""]
    # Once that need is filled it no longer steers the search.
    await Need.update({Need.status: "filled"}).where(Need.id == other["id"])
    assert checked_dbs((await client.get("/search")).text) == ["enhanced_children"]
    assert child_need["id"] != other["id"]
