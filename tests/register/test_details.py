"""Experience, qualifications, work pattern, dates away, and the printable one-page view."""

from datetime import date, timedelta

from market.db import json_list
from market.register.tables import AwayPeriod, PAClientGroup, PAProfile, Qualification
from tests.register.factories import make_pa
from tests.register.test_more_api import bearer
from tests.support import submit


async def test_client_groups_and_languages(client, login_as):
    await login_as("pa")
    saved = await submit(
        client,
        "/profile/experience",
        {
            "group_dementia": "on",
            "group_autism": "on",
            # A name, an alias in another case, a repeat, an alias with odd spacing.
            "language_0": "english",
            "language_1": "punjabi",
            "language_2": "English ",
            "language_3": " b s l",
            "gender": "woman",
        },
    )
    assert saved.headers["location"] == "/profile?done=experience"
    assert await PAClientGroup.count() == 2
    row = await PAProfile.select(PAProfile.languages).first()
    assert json_list(row["languages"]) == ["english", "panjabi", "british_sign_language"]
    assert (await PAProfile.select(PAProfile.gender).first())["gender"] == "woman"
    odd = await submit(client, "/profile/experience", {"gender": "robot"})
    assert odd.status_code == 422 and "Select your gender, or that you prefer not to say" in odd.text
    page = await client.get("/profile/experience")
    # Standard names in the boxes, one more empty box, and the shared list of suggestions.
    assert 'value="English"' in page.text and 'value="Panjabi"' in page.text
    assert 'value="British Sign Language"' in page.text and 'name="language_3"' in page.text
    assert 'list="language-names"' in page.text and '<option value="Punjabi">' in page.text


async def test_an_unknown_language_is_an_error_by_its_box_and_nothing_is_saved(client, login_as):
    await login_as("pa")
    await submit(client, "/profile/experience", {"language_0": "Polish"})
    bad = await submit(
        client, "/profile/experience", {"language_0": "Welsh", "language_1": "Klingon", "gender": ""}
    )
    assert bad.status_code == 422
    assert (
        "We do not recognise ‘Klingon’ as a language. Check the spelling or choose one from the list"
        in bad.text
    )
    assert 'href="#language-1"' in bad.text and 'id="language-1-error"' in bad.text
    assert 'value="Klingon"' in bad.text and 'value="Welsh"' in bad.text  # the input is kept
    row = await PAProfile.select(PAProfile.languages).first()
    assert json_list(row["languages"]) == ["polish"]


async def test_add_another_language_shows_one_more_box_and_saves_nothing(client, login_as):
    await login_as("pa")
    page = await client.get("/profile/experience")
    assert 'name="language_2"' in page.text and 'name="language_3"' not in page.text
    more = await submit(
        client,
        "/profile/experience",
        {"language_0": "Polish", "language_1": "Urdu", "language_2": "Farsi", "add_language": "language"},
    )
    assert more.status_code == 200 and 'name="language_3"' in more.text and 'name="language_4"' in more.text
    assert 'value="Farsi"' in more.text
    row = await PAProfile.select(PAProfile.languages).first()
    assert json_list(row["languages"]) == []


async def test_the_api_takes_codes_names_or_aliases_and_names_the_field_of_an_unknown_one(
    client, create_user
):
    user = await create_user("pa")
    headers = await bearer(client, user.email)
    ok = await client.put(
        "/api/v1/profile/experience",
        json={"client_groups": [], "languages": ["polish", "Punjabi", "BSL"], "gender": ""},
        headers=headers,
    )
    assert ok.status_code in (200, 204), ok.text
    got = await client.get("/api/v1/profile/experience", headers=headers)
    assert got.json()["languages"] == ["polish", "panjabi", "british_sign_language"]
    bad = await client.put(
        "/api/v1/profile/experience",
        json={"client_groups": [], "languages": ["Polish", "Klingon"], "gender": ""},
        headers=headers,
    )
    assert bad.status_code == 422
    body = bad.json()
    assert "Klingon" in str(body) and "languages" in str(body)
    got = await client.get("/api/v1/profile/experience", headers=headers)
    assert got.json()["languages"] == ["polish", "panjabi", "british_sign_language"]


async def test_work_pattern_validates_dates_and_hours(client, login_as):
    await login_as("pa")
    bad = await submit(
        client,
        "/profile/pattern",
        {"start_day": "31", "start_month": "2", "start_year": "2027", "min_hours": "30", "max_hours": "10"},
    )
    assert bad.status_code == 422
    assert "Select the kinds of shift you will work" in bad.text
    assert "The date you can start must be a real date" in bad.text
    assert "The most hours a week must be the same as or more than the fewest" in bad.text
    assert 'value="31"' in bad.text
    partial = await submit(client, "/profile/pattern", {"shift_day": "on", "start_day": "3"})
    assert "must include a month and a year" in partial.text
    ok = await submit(
        client,
        "/profile/pattern",
        {
            "shift_day": "on",
            "shift_sleeping_night": "on",
            "start_day": "1",
            "start_month": "3",
            "start_year": "2027",
            "min_hours": "10",
            "max_hours": "30",
        },
    )
    assert ok.status_code == 302
    row = await PAProfile.select().first()
    assert row["earliest_start"] == date(2027, 3, 1) and (row["min_hours"], row["max_hours"]) == (10, 30)


async def test_dates_away(client, login_as, make_client):
    await login_as("pa")
    soon = date.today() + timedelta(days=10)
    later = soon + timedelta(days=7)
    backwards = await submit(
        client,
        "/profile/pattern",
        {
            "from_day": str(later.day),
            "from_month": str(later.month),
            "from_year": str(later.year),
            "to_day": str(soon.day),
            "to_month": str(soon.month),
            "to_year": str(soon.year),
        },
        action="/profile/pattern/away",
    )
    assert backwards.status_code == 422 and "must be the same as or after the first" in backwards.text
    added = await submit(
        client,
        "/profile/pattern",
        {
            "from_day": str(soon.day),
            "from_month": str(soon.month),
            "from_year": str(soon.year),
            "to_day": str(later.day),
            "to_month": str(later.month),
            "to_year": str(later.year),
        },
        action="/profile/pattern/away",
    )
    assert added.headers["location"] == "/profile/pattern?done=away-added"
    away = await AwayPeriod.select().first()
    assert (away["starts_on"], away["ends_on"]) == (soon, later)
    other = make_client()
    await login_as("pa", http=other)
    assert (
        await submit(other, "/profile/pattern", {}, action=f"/profile/pattern/away/{away['id']}/remove")
    ).status_code == 404
    assert (
        await submit(client, "/profile/pattern", {}, action=f"/profile/pattern/away/{away['id']}/remove")
    ).status_code == 302
    assert await AwayPeriod.count() == 0


async def test_qualifications_and_staff_verification(client, login_as, make_client):
    pa = make_client()
    await login_as("pa", http=pa)
    bad = await submit(
        pa,
        "/profile/qualifications",
        {"kind": "other", "achieved_month": "13", "achieved_day": "1", "achieved_year": "2020"},
    )
    assert bad.status_code == 422
    assert "Enter the name of the qualification" in bad.text and "must be a real date" in bad.text
    future = date.today() + timedelta(days=400)
    late = await submit(
        pa,
        "/profile/qualifications",
        {
            "kind": "care_certificate",
            "achieved_day": "1",
            "achieved_month": str(future.month),
            "achieved_year": str(future.year),
        },
    )
    assert "must be today or in the past" in late.text
    ok = await submit(
        pa,
        "/profile/qualifications",
        {"kind": "level_3_diploma", "achieved_day": "1", "achieved_month": "6", "achieved_year": "2021"},
    )
    assert ok.status_code == 302
    page = await pa.get("/profile/qualifications")
    assert "Level 3 Diploma in Health and Social Care" in page.text and "Not yet checked" in page.text
    qualification = await Qualification.select().first()
    assert qualification["achieved_on"] == date(2021, 6, 1)

    profile = await PAProfile.select(PAProfile.id).first()
    await login_as("staff")
    verify = f"/staff/vetting/{profile['id']}/qualifications/{qualification['id']}/verify"
    assert (await submit(client, f"/staff/vetting/{profile['id']}", {}, action=verify)).status_code == 302
    assert "Checked by our team" in (await pa.get("/profile/qualifications")).text
    other = await make_pa(status="submitted")
    wrong = f"/staff/vetting/{other['id']}/qualifications/{qualification['id']}/verify"
    assert (await submit(client, f"/staff/vetting/{other['id']}", {}, action=wrong)).status_code == 404


async def test_printable_one_page_profile(client, login_as):
    await login_as("pa")
    await submit(
        client,
        "/profile/availability",
        {"day": "Saturday", "start": "22:00", "end": "07:00", "overnight": "yes"},
    )
    page = await client.get("/profile/print")
    assert page.status_code == 200
    assert "fits on one sheet of A4" in page.text
    assert "When I am available (9 hours a week)" in page.text
    assert '<link rel="stylesheet" href="/assets/print.css" media="print">' in page.text
