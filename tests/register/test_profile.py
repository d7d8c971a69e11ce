"""A PA fills in their profile, one section at a time, on both database engines."""

from market.audit.tables import AuditEvent
from market.register.tables import AvailabilitySlot, PAProfile, Skill
from tests.support import submit

ABOUT = {
    "display_name": "Jo",
    "headline": "Calm, reliable PA with five years supporting autistic adults",
    "admire": "I am patient and I listen.\nPeople say I make them laugh.",
    "matters": "Helping people live the life they choose.",
    "how_to_work": "Tell me what you like and I will remember.",
}


async def test_a_new_pa_sees_what_is_missing(client, login_as):
    await login_as("pa")
    home = await client.get("/home")
    assert home.status_code == 200
    assert "Fill in these 5 sections" in home.text
    for title in (
        "Your one-page profile",
        "Where you live and how far you will travel",
        "Pay and right to work",
        "Your skills and experience",
        "When you are available",
    ):
        assert title in home.text
    assert home.text.count("Incomplete") == 5


async def test_skills_and_client_groups_are_seeded_on_every_engine(database):
    assert await Skill.count() == 25
    names = {row["name"] for row in await Skill.select(Skill.name)}
    assert {"Moving and handling with a hoist", "PEG feeding", "Waking nights", "Live-in care"} <= names


async def test_about_names_every_missing_answer_and_keeps_the_rest(client, login_as):
    await login_as("pa")
    response = await submit(client, "/profile/about", {"display_name": "Jo", "headline": ""})
    assert response.status_code == 422
    for message in (
        "Enter a short headline",
        "Enter what people like and admire about you",
        "Enter what matters to you in your work",
        "Enter how best to work with you",
    ):
        assert response.text.count(message) == 2, message
    assert 'value="Jo"' in response.text


async def test_about_is_saved_as_plain_text(client, login_as):
    await login_as("pa")
    hostile = {**ABOUT, "admire": "<script>alert('x')</script> I am kind"}
    saved = await submit(client, "/profile/about", hostile)
    assert saved.headers["location"] == "/profile?done=about"
    page = await client.get("/profile")
    assert "<script>alert" not in page.text and "&lt;script&gt;" in page.text
    profile = await PAProfile.select().first()
    assert profile["version"] == 2 and profile["headline"] == ABOUT["headline"]
    assert await AuditEvent.exists().where(AuditEvent.action == "profile.about_changed")


async def test_where_validates_the_postcode_and_keeps_it_private_in_the_audit(client, login_as):
    await login_as("pa")
    bad = await submit(client, "/profile/where", {"home_postcode": "hello", "travel_miles": "ten"})
    assert bad.status_code == 422
    assert "Enter a real postcode, like PE1 1AB" in bad.text
    assert "How many miles you will travel must be a whole number, like 10" in bad.text
    assert 'value="hello"' in bad.text
    unknown = await submit(client, "/profile/where", {"home_postcode": "AB1 1AA", "travel_miles": "10"})
    assert (
        "We couldn&#39;t find that postcode" in unknown.text
        or "We couldn't find that postcode" in unknown.text
    )
    far = await submit(client, "/profile/where", {"home_postcode": "PE1 1AB", "travel_miles": "500"})
    assert "must be between 1 and 100" in far.text
    ok = await submit(
        client, "/profile/where", {"home_postcode": "pe11ab", "travel_miles": "12", "driving_licence": "yes"}
    )
    assert ok.status_code == 302
    row = await PAProfile.select().first()
    assert (row["home_postcode"], row["sector"], row["district"], row["travel_miles"]) == (
        "PE1 1AB",
        "PE1 1",
        "PE1",
        12,
    )
    assert row["driving_licence"] is True and row["has_car"] is False
    event = await AuditEvent.select().where(AuditEvent.action == "profile.where_changed").first()
    assert "PE1 1AB" not in str(event["detail"])


async def test_terms_check_money_employment_and_right_to_work(client, login_as):
    await login_as("pa")
    bad = await submit(client, "/profile/terms", {"min_rate": "twelve"})
    assert bad.status_code == 422
    assert "Enter an amount in pounds and pence, like 12.50" in bad.text
    assert "Select how you want to be employed" in bad.text
    assert "Confirm that you have the right to work in the UK" in bad.text
    assert "between £1.00 and £100.00" in (await submit(client, "/profile/terms", {"min_rate": "0.50"})).text
    assert "pounds and pence" in (await submit(client, "/profile/terms", {"min_rate": "12.505"})).text
    ok = await submit(
        client,
        "/profile/terms",
        {"min_rate": "£12.5", "employment": "employed", "right_to_work_declared": "yes"},
    )
    assert ok.status_code == 302
    assert (await PAProfile.select(PAProfile.min_rate_pence).first())["min_rate_pence"] == 1250


async def test_skills_with_years(client, login_as):
    await login_as("pa")
    none = await submit(client, "/profile/skills", {})
    assert none.status_code == 422 and "Select at least one skill" in none.text
    bad = await submit(client, "/profile/skills", {"skill_hoist": "on", "years_hoist": "lots"})
    assert "Years of experience in moving and handling with a hoist must be a whole number" in bad.text
    unknown = await submit(client, "/profile/skills", {"skill_juggling": "on"})
    assert "Unknown skill: juggling" in unknown.text
    ok = await submit(
        client, "/profile/skills", {"skill_hoist": "on", "years_hoist": "3", "skill_epilepsy": "on"}
    )
    assert ok.status_code == 302
    page = await client.get("/profile")
    assert "Moving and handling with a hoist (3 years)" in page.text and "Epilepsy support" in page.text
    again = await client.get("/profile/skills")
    assert 'value="3"' in again.text


async def test_an_overnight_slot_is_one_slot_and_overlaps_are_refused(client, login_as):
    await login_as("pa")
    # An end before the start may be a slip (09:00 to 05:00 for 17:00): the page asks first,
    # with the times kept, and saves nothing until the person says it is overnight.
    asked = await submit(client, "/profile/availability", {"day": "Tuesday", "start": "9am", "end": "5"})
    assert asked.status_code == 422 and await AvailabilitySlot.count() == 0
    assert "Is this an overnight shift from Tuesday 09:00 to Wednesday 05:00 (20 hours)?" in asked.text
    assert (
        'name="overnight"' in asked.text and 'value="9am"' in asked.text and 'href="#overnight"' in asked.text
    )
    evening = await submit(
        client, "/profile/availability", {"day": "Friday", "start": "6pm", "end": "midnight"}
    )
    assert evening.status_code == 302  # an end at midnight is that evening's: nothing to ask
    await submit(
        client,
        "/profile/availability",
        {},
        action=f"/profile/availability/{(await AvailabilitySlot.select().first())['id']}/remove",
    )
    added = await submit(
        client,
        "/profile/availability",
        {"day": "Saturday", "start": "22:00", "end": "7am", "overnight": "yes"},
    )
    assert added.headers["location"] == "/profile/availability?done=slot-added"
    page = await client.get("/profile/availability")
    assert "Saturday 22:00 to Sunday 07:00" in page.text and "9 hours a week" in page.text
    slot = await AvailabilitySlot.select().first()
    assert (slot["start_minute"], slot["end_minute"]) == (5 * 1440 + 22 * 60, 6 * 1440 + 7 * 60)
    overlap = await submit(
        client, "/profile/availability", {"day": "Sunday", "start": "06:00", "end": "09:00"}
    )
    assert overlap.status_code == 422 and "overlaps Saturday 22:00 to Sunday 07:00" in overlap.text
    bad = await submit(client, "/profile/availability", {"day": "Funday", "start": "9", "end": "17:10"})
    assert bad.status_code == 422
    assert 'value="9"' in bad.text
    removed = await submit(
        client, "/profile/availability", {}, action=f"/profile/availability/{slot['id']}/remove"
    )
    assert removed.status_code == 302 and await AvailabilitySlot.count() == 0


async def test_someone_elses_slot_answers_404(client, login_as, make_client):
    other = make_client()
    await login_as("pa", http=other)
    await submit(other, "/profile/availability", {"day": "Monday", "start": "09:00", "end": "17:00"})
    theirs = await AvailabilitySlot.select().first()
    await login_as("pa")
    response = await submit(client, "/profile", {}, action=f"/profile/availability/{theirs['id']}/remove")
    assert response.status_code == 404
    assert await AvailabilitySlot.count() == 1


async def test_a_complete_profile_clears_the_checklist(client, login_as):
    await login_as("pa")
    await submit(client, "/profile/about", ABOUT)
    await submit(client, "/profile/where", {"home_postcode": "OX1 1DP", "travel_miles": "8"})
    await submit(
        client, "/profile/terms", {"min_rate": "13", "employment": "either", "right_to_work_declared": "yes"}
    )
    await submit(client, "/profile/skills", {"skill_personal_care": "on", "years_personal_care": "2"})
    await submit(client, "/profile/availability", {"day": "Monday", "start": "09:00", "end": "17:00"})
    home = await client.get("/home")
    assert "Your profile is complete" in home.text and "Incomplete" not in home.text


async def test_only_pas_have_a_profile(client, login_as):
    await login_as("recipient")
    assert (await client.get("/profile")).status_code == 403
