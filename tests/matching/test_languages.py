"""A need's languages come from the register's list: typed names and aliases become codes,
an unknown one is an error by its box (page) or on its field (API), nothing saved; and the
engine matches a need asking for "BSL" with a PA who has British Sign Language."""

from __future__ import annotations

from market.db import json_list
from market.matching import matches
from market.matching.tables import Need
from market.training import completions
from market.training.tables import Course
from tests.dbs.support import as_current, certificate, days_ago
from tests.matching.factories import current, make_need, make_recipient
from tests.matching.test_need_pages import answer, signed_in_recipient
from tests.register.factories import make_pa
from tests.support import PASSWORD, submit


async def test_the_languages_page_resolves_aliases_and_puts_an_unknown_one_by_its_box(client, login_as):
    user, recipient_id = await signed_in_recipient(client, login_as)
    need = await make_need(recipient_id, status="draft")
    page = await client.get(f"/needs/{need['id']}/section/languages")
    assert page.status_code == 200
    assert 'name="languages_required_0"' in page.text and 'list="language-names"' in page.text
    assert '<option value="BSL">' in page.text and "Add another language" in page.text

    bad = await answer(
        client,
        need["id"],
        "languages",
        {
            "languages_required_0": "BSL",
            "languages_preferred_0": "Polish",
            "languages_preferred_1": "Klingon",
        },
        flow="check",
    )
    assert bad.status_code == 422
    assert (
        "We do not recognise ‘Klingon’ as a language. Check the spelling or choose one from the list"
        in bad.text
    )
    assert (
        'href="#need-languages-preferred-1"' in bad.text
        and 'id="need-languages-preferred-1-error"' in bad.text
    )
    assert 'value="Klingon"' in bad.text and 'value="BSL"' in bad.text  # input kept
    row = (
        await Need.select(Need.languages_required, Need.languages_preferred)
        .where(Need.id == need["id"])
        .first()
    )
    assert json_list(row["languages_required"]) == [] and json_list(row["languages_preferred"]) == []

    more = await answer(
        client, need["id"], "languages", {"languages_required_0": "BSL", "add_language": "languages_required"}
    )
    assert (
        more.status_code == 200 and 'name="languages_required_3"' in more.text and 'value="BSL"' in more.text
    )

    saved = await answer(
        client,
        need["id"],
        "languages",
        {"languages_required_0": "bsl", "languages_preferred_0": "Punjabi", "languages_preferred_1": "farsi"},
        flow="check",
    )
    assert saved.status_code in (302, 303), saved.text
    row = (
        await Need.select(Need.languages_required, Need.languages_preferred)
        .where(Need.id == need["id"])
        .first()
    )
    assert json_list(row["languages_required"]) == ["british_sign_language"]
    assert json_list(row["languages_preferred"]) == ["panjabi", "persian_farsi"]
    shown = await client.get(f"/needs/{need['id']}")
    assert (
        "British Sign Language (required)" in shown.text
        and "Panjabi, Persian or Farsi (preferred)" in shown.text
    )
    again = await client.get(f"/needs/{need['id']}/section/languages")
    assert 'value="British Sign Language"' in again.text and 'value="Persian or Farsi"' in again.text
    assert user


async def test_the_needs_api_takes_aliases_and_names_the_field_of_an_unknown_language(
    client, create_user, make_client
):
    staff = await as_current(await create_user("staff"))
    signer = await make_pa(
        name="Sian Signer",
        postcode="PE1 1BF",
        skills={"hoist": 2},
        languages=("English", "British Sign Language"),
    )
    speaker = await make_pa(
        name="Sam Speaker", postcode="PE1 1BF", skills={"hoist": 2}, languages=("English",)
    )
    course = await Course.select().where(Course.code == "moving_handling").first()
    for profile in (signer, speaker):
        await certificate(profile["id"], staff)
        await completions.add(
            profile["id"], course, days_ago(20), source="import", actor=staff, verified=True
        )
    user = await create_user("recipient")
    recipient = await make_recipient(user=current(user), postcode="PE1 1AB")
    await submit(client, "/login", {"email": user.email, "password": PASSWORD})
    body = {
        "recipient_id": recipient["id"],
        "title": "Evening support",
        "description": "Cooking and company",
        "max_distance_miles": 8,
        "required_skills": ["hoist"],
        "slots": [{"day": "Monday", "start": "09:00:00", "end": "17:00:00"}],
    }
    bad = await client.post("/api/v1/needs", json={**body, "languages_required": ["BSL", "Klingon"]})
    assert bad.status_code == 422
    assert "Klingon" in bad.json()["errors"]["languages_required"]
    assert await Need.count() == 0

    created = await client.post("/api/v1/needs", json={**body, "languages_required": ["BSL"]})
    assert created.status_code == 201, created.text
    need = created.json()
    assert need["languages_required"] == ["british_sign_language"]
    opened = await client.post(f"/api/v1/needs/{need['id']}/status", json={"action": "open", "version": 1})
    assert opened.status_code == 201, opened.text

    matches.CACHE._index = None  # a fresh index for this test's database
    found = await client.get(f"/api/v1/needs/{need['id']}/matches")
    assert found.status_code == 200, found.text
    assert [m["display_name"] for m in found.json()["matches"]] == ["Sian"]
