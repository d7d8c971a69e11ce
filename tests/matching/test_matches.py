"""Matches for a need, through the page: ranked PAs with reasons, the excluded counts, the
DBS badge, distance bands and never a postcode; another recipient's need answers 404."""

from __future__ import annotations

from market.matching import matches
from market.training import completions
from market.training.tables import Course
from tests.dbs.support import as_current, certificate, days_ago
from tests.matching.factories import current, make_need, make_recipient
from tests.register.factories import make_pa
from tests.support import PASSWORD, submit


async def test_a_recipient_sees_ranked_matches_with_reasons(client, create_user, make_client):
    staff = await as_current(await create_user("staff"))
    near = await make_pa(
        name="Nina Near", postcode="PE1 1BF", skills={"hoist": 2, "personal_care": 3}, travel_miles=10
    )
    no_dbs = await make_pa(name="Dora Nodbs", postcode="PE1 1BF", skills={"hoist": 2, "personal_care": 1})
    far = await make_pa(name="Olly Oxford", postcode="OX1 1DP", skills={"hoist": 2})
    course = await Course.select().where(Course.code == "moving_handling").first()
    for profile in (near, no_dbs, far):
        await certificate(profile["id"], staff) if profile is not no_dbs else None
        await completions.add(
            profile["id"], course, days_ago(20), source="import", actor=staff, verified=True
        )
    user = await create_user("recipient")
    recipient = await make_recipient(user=current(user), postcode="PE1 1AB")
    need = await make_need(recipient, required_skills=("hoist",), personal_care=True)
    matches.CACHE._index = None  # a fresh index for this test's database

    await submit(client, "/login", {"email": user.email, "password": PASSWORD})
    page = await client.get(f"/needs/{need['id']}/matches")
    assert page.status_code == 200, page.text
    text = page.text
    assert "Nina" in text and "Dora" not in text and "Olly" not in text
    assert "Covers 8 of 8 hours a week" in text
    assert "away as the crow flies, within both travel limits" in text
    assert "Enhanced DBS with the adults&#39; barred list, checked by staff on" in text
    assert "No current DBS check of the level the work needs" in text
    assert "Further away than the need allows" in text
    assert "1BF" not in text and "1DP" not in text

    api = await client.get(f"/api/v1/needs/{need['id']}/matches")
    assert api.status_code == 200
    body = api.json()
    assert [m["display_name"] for m in body["matches"]] == ["Nina"]
    assert ["No current DBS check of the level the work needs", 1] in body["excluded"]
    assert "1BF" not in api.text

    other = make_client()
    stranger = await create_user("recipient")
    await submit(other, "/login", {"email": stranger.email, "password": PASSWORD})
    assert (await other.get(f"/needs/{need['id']}/matches")).status_code == 404
