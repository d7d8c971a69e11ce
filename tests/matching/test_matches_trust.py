"""Matches people can trust (issue 16): the matches API never returns a PA with 0 hours of
cover, on weekly and cover needs; every match can be reached, a page at a time; the reasons
come in two lists, and the page states the rules and explains the score."""

from __future__ import annotations

from datetime import timedelta

import pytest

from market.clock import london_today
from market.matching import matches
from tests.dbs.support import as_current, certificate
from tests.matching.factories import current, make_need, make_recipient
from tests.register import factories
from tests.support import PASSWORD, submit

MONDAY = (("Monday", "09:00", "17:00"),)
TUESDAY = (("Tuesday", "09:00", "17:00"),)


async def _owner(create_user, client):
    owner = await create_user("recipient")
    person = await make_recipient(user=current(owner), postcode="PE1 1AB")
    await submit(client, "/login", {"email": owner.email, "password": PASSWORD})
    return person


@pytest.fixture
async def make_pa(create_user):
    """Makes a PA on the register with a current DBS check (every need here asks for one)."""
    staff = await as_current(await create_user("staff"))

    async def make(**fields):
        profile = await factories.make_pa(**fields)
        await certificate(profile["id"], staff)
        return profile

    return make


def _covered(reason: str) -> int | None:
    """The hours a "Covers 9 of 24 hours ..." reason says, else None."""
    if not reason.startswith("Covers "):
        return None
    return int(float(reason.split()[1]))


async def test_the_matches_api_never_returns_a_pa_with_0_hours_of_cover(client, create_user, make_pa):
    person = await _owner(create_user, client)
    monday_pa = await make_pa(name="Mona Monday", postcode="PE1 1BF", slots=MONDAY)
    await make_pa(name="Tess Tuesday", postcode="PE1 1BF", slots=TUESDAY)
    tomorrow = london_today() + timedelta(days=1)
    next_monday = tomorrow + timedelta(days=(7 - tomorrow.weekday()) % 7)
    weekly = await make_need(person, slots=(("Monday", "08:00", "12:00"),))
    cover = await make_need(
        person,
        title="Cover",
        kind="cover",
        cover=((next_monday, 9 * 60, 13 * 60), (next_monday + timedelta(days=1), 18 * 60, 20 * 60)),
    )
    nobody = await make_need(person, title="Saturdays", slots=(("Saturday", "09:00", "12:00"),))
    matches.CACHE._index = None  # a fresh index for this test's database

    for need, when in ((weekly, "hours a week"), (cover, "hours on the dates you need")):
        body = (await client.get(f"/api/v1/needs/{need['id']}/matches")).json()
        assert [m["profile_id"] for m in body["matches"]] == [monday_pa["id"]]
        assert ["Not free at any of the times", 1] in body["excluded"]
        for match in body["matches"]:
            said = [_covered(r) for r in (*match["reasons"], *match["worth_knowing"])]
            hours = [h for h in said if h is not None]
            assert hours and all(h > 0 for h in hours)
        assert any(when in r for m in body["matches"] for r in (*m["reasons"], *m["worth_knowing"]))
        assert any("free at some of the times" in rule for rule in body["rules"])
    # The cover needs 6 hours on its dates; Mona is free for 4 of them (all of Monday 9 to 1,
    # none of Tuesday evening): part of the hours is worth knowing, not a reason for.
    cover_match = (await client.get(f"/api/v1/needs/{cover['id']}/matches")).json()["matches"][0]
    assert "Covers 4 of 6 hours on the dates you need" in cover_match["worth_knowing"]
    empty = (await client.get(f"/api/v1/needs/{nobody['id']}/matches")).json()
    assert empty["matches"] == [] and empty["total"] == 0
    assert ["Not free at any of the times", 2] in empty["excluded"]
    page = await client.get(f"/needs/{nobody['id']}/matches")
    assert "Not free at any of the times" in page.text and "Tess" not in page.text


async def test_a_need_for_all_its_hours_lists_only_pas_free_for_all(client, create_user, make_pa):
    person = await _owner(create_user, client)
    await make_pa(name="Mona Monday", postcode="PE1 1BF", slots=MONDAY)
    await make_pa(name="Polly Part", postcode="PE1 1BF", slots=(("Monday", "09:00", "11:00"),))
    need = await make_need(person, all_hours=True)
    matches.CACHE._index = None
    body = (await client.get(f"/api/v1/needs/{need['id']}/matches")).json()
    assert [m["display_name"] for m in body["matches"]] == ["Mona"]
    assert ["Free at only some of the times (the need asks for all of them)", 1] in body["excluded"]
    assert any("free at all of the times" in rule for rule in body["rules"])


async def test_every_match_can_be_reached_a_page_at_a_time(client, create_user, make_pa):
    person = await _owner(create_user, client)
    made = [await make_pa(name=f"Pat Number{i}", postcode="PE1 1BF", slots=MONDAY) for i in range(23)]
    need = await make_need(person, max_rate_pence=1200)  # the PAs ask £12.50: within the stretch
    matches.CACHE._index = None
    url = f"/api/v1/needs/{need['id']}/matches"
    first = (await client.get(url)).json()
    assert first["total"] == 23 and len(first["matches"]) == 20 and first["offset"] == 0
    rest = (await client.get(url, params={"offset": 20})).json()
    assert len(rest["matches"]) == 3 and rest["offset"] == 20
    seen = [m["profile_id"] for m in (*first["matches"], *rest["matches"])]
    assert sorted(seen) == sorted(p["id"] for p in made)
    small = (await client.get(url, params={"limit": 5, "offset": 5})).json()
    assert [m["profile_id"] for m in small["matches"]] == seen[5:10]
    for bad in ({"limit": 0}, {"limit": 101}, {"offset": -1}, {"offset": 2**40}):
        assert (await client.get(url, params=bad)).status_code in (400, 422), bad
    # The budget: a PA above it is listed while the stretch allows, and the page says so.
    reasons = first["matches"][0]
    assert any("above the £12.00 budget" in r for r in reasons["worth_knowing"])
    assert not any("above" in r for r in reasons["reasons"])
    assert any("may stretch by up to 10%" in rule for rule in first["rules"])

    page = await client.get(f"/needs/{need['id']}/matches")
    assert page.status_code == 200
    assert "showing 1 to 20, best first" in page.text
    assert 'class="govuk-pagination' in page.text and f"/needs/{need['id']}/matches?page=2" in page.text
    assert "Worth knowing" in page.text and "Why Pat is suggested" in page.text
    assert 'class="govuk-details' in page.text and "Match " in page.text and "harmonic mean" in page.text
    second = await client.get(f"/needs/{need['id']}/matches", params={"page": 2})
    assert "showing 21 to 23, best first" in second.text
    beyond = await client.get(f"/needs/{need['id']}/matches", params={"page": 9})
    assert beyond.status_code == 200 and "Go to the first page" in beyond.text
    assert (await client.get(f"/needs/{need['id']}/matches", params={"page": 0})).status_code == 400
    schema = (await client.get("/schema/openapi.json")).json()
    params = {p["name"]: p for p in schema["paths"]["/api/v1/needs/{need_id}/matches"]["get"]["parameters"]}
    assert params["limit"]["schema"]["maximum"] == 100 and params["offset"]["schema"]["minimum"] == 0
