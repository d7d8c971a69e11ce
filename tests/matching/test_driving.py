"""Driving, said plainly on the need's side (issue 21): none, the person's own car, or the
PA's own car; the retired driving skills refused with a pointer to the question; the engine
lists only the PAs who can do what the need asks, and counts those it leaves out by rule; and
the migration that moved today's answers (both databases)."""

from __future__ import annotations

import importlib

from market.matching import matches
from market.matching.needs import lifecycle as needs
from market.matching.tables import Need, NeedSkill
from market.register.tables import PAProfile, PASkill, Skill
from market.training import completions
from market.training.tables import Course
from tests.dbs.support import as_current, certificate, days_ago
from tests.matching.factories import current, make_need, make_recipient
from tests.matching.test_need_pages import answer, signed_in_recipient
from tests.register.factories import make_pa
from tests.register.test_refusals import inline_error
from tests.support import PASSWORD, submit

NEED = {
    "title": "Trips out",
    "description": "Shopping and the library",
    "max_distance_miles": 8,
    "slots": [{"day": "Friday", "start": "10:00:00", "end": "14:00:00"}],
}


async def test_the_driving_page_asks_which_driving_with_what_each_asks_of_the_pa(client, login_as):
    user, recipient_id = await signed_in_recipient(client, login_as)
    need = (await client.post("/api/v1/needs", json={**NEED, "recipient_id": recipient_id})).json()
    assert need["driving"] == "none"
    page = await client.get(f"/needs/{need['id']}/section/driving")
    assert page.status_code == 200 and "Does the work need the PA to drive?" in page.text
    for text in (
        "No driving",
        "Driving the person&#39;s own car",
        "Driving the PA&#39;s own car",
        "The PA needs a full UK driving licence. The car is yours",
        "a car they can use for work and business insurance for it",
    ):
        assert text in page.text, text
    assert 'name="driving" type="radio" value="none" checked' in page.text

    bad = await answer(client, need["id"], "driving", {"driving": "bus"})
    assert bad.status_code == 422
    assert "Select what driving the work needs" in inline_error(bad.text, "need-driving")
    assert 'href="#need-driving"' in bad.text
    assert (await needs.get_need(user, need["id"])).driving == "none"  # nothing saved

    saved = await answer(client, need["id"], "driving", {"driving": "own_car"}, flow="check")
    assert saved.headers["location"] == f"/needs/{need['id']}?done=saved"
    assert (await needs.get_need(user, need["id"])).driving == "own_car"
    summary = await client.get(f"/needs/{need['id']}")
    assert "Driving the PA&#39;s own car. The PA needs a full UK driving licence" in summary.text
    assert f'href="/needs/{need["id"]}/section/driving"' in summary.text
    again = await client.get(f"/needs/{need['id']}/section/driving")
    assert 'name="driving" type="radio" value="own_car" checked' in again.text


async def test_the_retired_driving_skills_point_at_the_driving_question(client, login_as):
    user, recipient_id = await signed_in_recipient(client, login_as)
    before = await Need.count()
    body = {**NEED, "recipient_id": recipient_id, "driving": "none", "required_skills": ["driving_own_car"]}
    refused = await client.post("/api/v1/needs", json=body)
    assert refused.status_code == 422, refused.text
    message = refused.json()["errors"]["required_skills"]
    assert "Driving (own car) is no longer a skill" in message and "driving “own_car”" in message
    assert "not “No driving”" in message
    preferred = await client.post(
        "/api/v1/needs",
        json={
            **body,
            "required_skills": [],
            "driving": "recipients_car",
            "preferred_skills": ["driving_recipients_car"],
        },
    )
    assert preferred.status_code == 422 and "preferred_skills" in preferred.json()["errors"]
    odd = await client.post("/api/v1/needs", json={**NEED, "recipient_id": recipient_id, "driving": "bike"})
    assert odd.status_code == 422 and "driving" in odd.json()["errors"]
    assert await Need.count() == before  # nothing saved
    # The page offers neither skill; a forged post is refused beside the skills.
    need = (await client.post("/api/v1/needs", json={**NEED, "recipient_id": recipient_id})).json()
    skills_page = await client.get(f"/needs/{need['id']}/section/skills")
    assert "required_driving_own_car" not in skills_page.text and "Driving (own car)" not in skills_page.text
    forged = await answer(client, need["id"], "skills", {"required_driving_own_car": "yes"})
    assert forged.status_code == 422 and "answer the driving question" in forged.text
    assert (await needs.get_need(user, need["id"])).required_skills == []


async def test_a_need_for_the_pas_own_car_lists_only_insured_drivers_with_a_car(client, create_user):
    staff = await as_current(await create_user("staff"))
    people = {
        "Ivy": dict(driving_licence=True, has_car=True, car_insurance=True),
        "Una": dict(driving_licence=True, has_car=True, car_insurance=None),  # not said
        "Carl": dict(driving_licence=True, has_car=False),
        "Nat": dict(driving_licence=False, has_car=False),
    }
    course = await Course.select().where(Course.code == "moving_handling").first()
    for name, driving in people.items():
        pa = await make_pa(name=f"{name} Example", postcode="PE1 1BF", skills={"hoist": 2}, **driving)
        await certificate(pa["id"], staff)
        await completions.add(pa["id"], course, days_ago(20), source="import", actor=staff, verified=True)
    user = await create_user("recipient")
    recipient = await make_recipient(user=current(user), postcode="PE1 1AB")
    own = await make_need(recipient, title="Own car", driving="own_car")
    theirs = await make_need(recipient, title="Their car", driving="recipients_car")
    walking = await make_need(recipient, title="No driving")
    matches.CACHE._index = None  # a fresh index for this test's database

    await submit(client, "/login", {"email": user.email, "password": PASSWORD})
    found = {}
    for need in (own, theirs, walking):
        body = (await client.get(f"/api/v1/needs/{need['id']}/matches")).json()
        found[need["title"]] = (sorted(m["display_name"] for m in body["matches"]), dict(body["excluded"]))
    names, excluded = found["Own car"]
    assert names == ["Ivy"]
    assert excluded["No full UK driving licence (the work needs driving)"] == 1
    assert excluded["No car to use for work (the work needs the PA's own car)"] == 1
    assert excluded["No business insurance for their car (the work needs the PA's own car)"] == 1
    assert found["Their car"][0] == ["Carl", "Ivy", "Una"]
    assert found["Their car"][1] == {"No full UK driving licence (the work needs driving)": 1}
    assert found["No driving"][0] == ["Carl", "Ivy", "Nat", "Una"]
    page = await client.get(f"/needs/{own['id']}/matches")
    assert "Holds a full UK driving licence and has a car for work, insured for business" in page.text


# -- the migration, on both databases ------------------------------------------------------


async def run_migration(module: str) -> None:
    """Run one migration's raw steps again (the schema is already there)."""
    manager = await importlib.import_module(module).forwards()
    for step in manager.raw:
        await step()


async def test_the_migration_moves_the_tick_box_and_the_skills_losing_nothing(database):
    # The database as it was before: the two skills active, held and asked for.
    await Skill.update({Skill.active: True}).where(
        Skill.code.is_in(["driving_own_car", "driving_recipients_car"])
    )
    own_car = await make_pa(
        name="Olive Own", driving_licence=False, has_car=False, skills={"driving_own_car": 4, "hoist": 2}
    )
    theirs = await make_pa(
        name="Tariq Theirs", driving_licence=False, has_car=False, skills={"driving_recipients_car": 1}
    )
    both = await make_pa(
        name="Bea Both",
        driving_licence=False,
        has_car=True,
        car_insurance=None,
        skills={"driving_recipients_car": 1, "driving_own_car": 1},
    )
    ticked = await make_pa(name="Tom Ticked", driving_licence=True, has_car=False)
    nobody = await make_pa(name="Nell None", driving_licence=False, has_car=False)
    recipient = await make_recipient()
    needs_made = {
        "ticked": await make_need(recipient, driver_needed=True),
        "requires theirs": await make_need(recipient, required_skills=("driving_recipients_car", "hoist")),
        "prefers own": await make_need(recipient, preferred_skills=("driving_own_car",)),
        "prefers theirs": await make_need(recipient, preferred_skills=("driving_recipients_car",)),
        "ticked and theirs": await make_need(
            recipient, driver_needed=True, required_skills=("driving_recipients_car",)
        ),
        "both skills": await make_need(
            recipient, required_skills=("driving_recipients_car",), preferred_skills=("driving_own_car",)
        ),
        "nothing": await make_need(recipient, required_skills=("hoist",)),
    }
    await run_migration("market.register.piccolo_migrations.register_2026_12_02t14_00_00_000000")
    await run_migration("market.matching.piccolo_migrations.matching_2026_12_02t14_00_01_000000")

    rows = {
        r["id"]: (r["driving_licence"], r["has_car"], r["car_insurance"])
        for r in await PAProfile.select(
            PAProfile.id, PAProfile.driving_licence, PAProfile.has_car, PAProfile.car_insurance
        )
    }
    assert rows[own_car["id"]] == (True, True, None)  # insurance cannot be inferred: not said
    assert rows[theirs["id"]] == (True, False, None)
    assert rows[both["id"]] == (True, True, None)
    assert rows[ticked["id"]] == (True, False, None)
    assert rows[nobody["id"]] == (False, False, None)
    retired = await Skill.select(Skill.code, Skill.active).where(Skill.code.like("driving_%"))
    assert sorted((r["code"], r["active"]) for r in retired) == [
        ("driving_own_car", False),
        ("driving_recipients_car", False),
    ]
    held = await PASkill.select(PASkill.skill.code).where(PASkill.profile == own_car["id"])
    assert [r["skill.code"] for r in held] == ["hoist"]  # the other skills stay
    assert await PASkill.count().where(PASkill.skill.code.like("driving_%")) == 0

    driving = {r["id"]: r["driving"] for r in await Need.select(Need.id, Need.driving)}
    assert {name: driving[n["id"]] for name, n in needs_made.items()} == {
        "ticked": "own_car",
        "requires theirs": "recipients_car",
        "prefers own": "own_car",
        "prefers theirs": "recipients_car",
        "ticked and theirs": "own_car",
        "both skills": "own_car",
        "nothing": "none",
    }
    assert await NeedSkill.count().where(NeedSkill.skill.code.like("driving_%")) == 0
    kept = await NeedSkill.select(NeedSkill.skill.code).where(
        NeedSkill.need == needs_made["requires theirs"]["id"]
    )
    assert [r["skill.code"] for r in kept] == ["hoist"]

    # Safe to run twice: nothing changes the second time.
    await run_migration("market.register.piccolo_migrations.register_2026_12_02t14_00_00_000000")
    await run_migration("market.matching.piccolo_migrations.matching_2026_12_02t14_00_01_000000")
    assert {r["id"]: r["driving"] for r in await Need.select(Need.id, Need.driving)} == driving
