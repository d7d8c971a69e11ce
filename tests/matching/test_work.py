"""Work near me: a PA sees the open needs they meet every requirement of, by the same rules
as a need's matches, and nothing that identifies the person before an invitation."""

from __future__ import annotations

from datetime import timedelta

from market.clock import london_today
from market.training import completions
from market.training.tables import Course
from tests.dbs.support import as_current, certificate, days_ago
from tests.matching.factories import current, make_need, make_recipient
from tests.register.factories import make_pa
from tests.support import PASSWORD, submit


async def test_a_pa_sees_the_open_needs_they_can_do_and_nothing_private(client, create_user):
    staff = await as_current(await create_user("staff"))
    pa = await make_pa(postcode="PE1 1BF", skills={"hoist": 2, "personal_care": 3})
    await certificate(pa["id"], staff)
    course = await Course.select().where(Course.code == "moving_handling").first()
    await completions.add(pa["id"], course, days_ago(20), source="import", actor=staff, verified=True)
    owner = await create_user("recipient")
    person = await make_recipient(user=current(owner), name="Margaret Private", postcode="PE1 1AB")
    await make_need(person, title="Mornings with a hoist", required_skills=("hoist",), personal_care=True)
    await make_need(person, title="A draft need", status="draft")
    await make_need(person, title="Sign language tutor", required_skills=("bsl",))
    oxford = await make_recipient(user=current(owner), name="Oxford Person", postcode="OX1 1DP")
    await make_need(oxford, title="Far away work")

    await submit(client, "/login", {"email": pa["email"], "password": PASSWORD})
    page = await client.get("/work")
    assert page.status_code == 200, page.text
    assert "Mornings with a hoist" in page.text
    for hidden in (
        "A draft need",
        "Sign language tutor",
        "Far away work",
        "Margaret",
        "1AB",
        "washed and dressed",
    ):
        assert hidden not in page.text, hidden
    api = await client.get("/api/v1/work")
    assert [w["title"] for w in api.json()] == ["Mornings with a hoist"]
    assert "Margaret" not in api.text and "1AB" not in api.text


async def test_a_recipient_cannot_open_work_near_me(client, login_as):
    await login_as("recipient")
    assert (await client.get("/work")).status_code == 403


async def test_a_pa_never_sees_work_at_none_of_whose_times_they_are_free(client, create_user):
    """The zero-coverage rule runs the other way too (issue 16)."""
    staff = await as_current(await create_user("staff"))
    pa = await make_pa(postcode="PE1 1BF", slots=(("Monday", "09:00", "12:00"),))
    await certificate(pa["id"], staff)
    owner = await create_user("recipient")
    person = await make_recipient(user=current(owner), postcode="PE1 1AB")
    await make_need(person, title="Monday mornings", slots=(("Monday", "08:00", "12:00"),))
    await make_need(person, title="Saturday mornings", slots=(("Saturday", "09:00", "12:00"),))
    await submit(client, "/login", {"email": pa["email"], "password": PASSWORD})
    work = (await client.get("/api/v1/work")).json()
    assert [w["title"] for w in work] == ["Monday mornings"]
    assert work[0]["worth_knowing"] == ["Covers 3 of 4 hours a week"]
    page = await client.get("/work")
    assert "Saturday mornings" not in page.text and "Worth knowing" in page.text


async def test_cover_on_dates_shows_its_dates_not_hours_a_week(client, create_user):
    """A need for cover on a few dates lists the dates and times; its hours are no weekly
    figure, whatever the need's hours field says."""
    pa = await make_pa(postcode="PE1 1BF")
    await certificate(pa["id"], await as_current(await create_user("staff")))
    owner = await create_user("recipient")
    person = await make_recipient(user=current(owner), postcode="PE1 1AB")
    today = london_today()
    monday = today + timedelta(days=7 - today.weekday())  # next Monday: the PA is free 9 to 5
    await make_need(
        person, title="Cover on a Monday", kind="cover", cover=((monday, 9 * 60, 13 * 60),), hours_per_week=4
    )
    await make_need(person, title="Mondays at home", hours_per_week=8)
    await submit(client, "/login", {"email": pa["email"], "password": PASSWORD})
    page = await client.get("/work")
    assert page.status_code == 200, page.text
    cover, weekly = (
        page.text.split(title)[1].split("</li>")[0] for title in ("Cover on a Monday", "Mondays at home")
    )
    assert f"{monday:%A} {monday.day} {monday:%B %Y}, 09:00 to 13:00" in cover
    assert "hours a week" not in cover
    assert "8 hours a week." in weekly
