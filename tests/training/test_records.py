"""Training records: claims (added, validated, verified, rejected, deleted), the record with
expiry and gaps, the staff overview, and who may see what."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from market.accounts.schemas import CurrentUser
from market.audit.tables import AuditEvent
from market.clock import london_today
from market.errors import Invalid, NotAllowed, NotFound
from market.mail.tables import OutboxEmail
from market.training import claims, completions, forms, records
from market.training.tables import Completion, Course
from tests.register.factories import make_pa
from tests.support import PASSWORD, submit

DAY = date(2026, 3, 10)  # a fixed "today" for the service tests


async def current(user) -> CurrentUser:
    return CurrentUser(id=user.id, email=user.email, role=user.role, display_name=user.display_name)


async def pa_actor(pa: dict) -> CurrentUser:
    return CurrentUser(id=pa["user_id"], email=pa["email"], role="pa", display_name=pa["display_name"])


async def staff_actor(create_user, role: str = "staff") -> CurrentUser:
    return await current(await create_user(role))


async def course(code: str) -> dict:
    return await Course.select().where(Course.code == code).first()


async def sign_in(client, pa: dict) -> None:
    response = await submit(client, "/login", {"email": pa["email"], "password": PASSWORD})
    assert response.status_code in (302, 303), response.text


def date_fields(day: date) -> dict[str, str]:
    return {
        "completed_on_day": str(day.day),
        "completed_on_month": str(day.month),
        "completed_on_year": str(day.year),
    }


async def claim(pa: dict, code: str = "moving_handling", on: date = DAY - timedelta(days=30)) -> int:
    form = {"course": code, "completed_on": on.isoformat(), "provider": "Elsewhere Ltd", "evidence": "E-1"}
    return await claims.add_claim(await pa_actor(pa), forms.claim_input(form, DAY), DAY)


# Claims, by the services.


async def test_a_claim_names_every_problem(app):
    pa = await make_pa()
    me = await pa_actor(pa)
    with pytest.raises(Invalid) as empty:
        await claims.add_claim(me, forms.claim_input({}, DAY), DAY)
    assert empty.value.errors == {
        "course": "Select the course you completed",
        "completed_on": "Enter the date you completed it",
        "provider": "Enter who provided the training",
    }
    cases = [
        ({"completed_on": (DAY + timedelta(days=1)).isoformat()}, "must be today or in the past"),
        ({"completed_on": "1949-12-31"}, "must be in 1950 or later"),
        (
            {"completed_on_day": "31", "completed_on_month": "2", "completed_on_year": "2025"},
            "must be a real date",
        ),
        ({"completed_on_day": "3", "completed_on_year": "2025"}, "must include a month"),
    ]
    for fields, message in cases:
        with pytest.raises(Invalid) as bad:
            await claims.add_claim(
                me, forms.claim_input({"course": "first_aid", "provider": "X", **fields}, DAY), DAY
            )
        assert list(bad.value.errors) == ["completed_on"] and message in bad.value.errors["completed_on"]
    with pytest.raises(Invalid) as unknown:
        await claims.add_claim(
            me,
            forms.claim_input({"course": "juggling", "completed_on": "2025-01-01", "provider": "X"}, DAY),
            DAY,
        )
    assert unknown.value.errors == {"course": "Select the course you completed"}
    await Course.update({Course.active: False}).where(Course.code == "fire_safety")
    with pytest.raises(Invalid):
        await claims.add_claim(
            me,
            forms.claim_input({"course": "fire_safety", "completed_on": "2025-01-01", "provider": "X"}, DAY),
            DAY,
        )
    with pytest.raises(Invalid) as long_text:
        await claims.add_claim(
            me,
            forms.claim_input(
                {
                    "course": "first_aid",
                    "completed_on": "2025-01-01",
                    "provider": "x" * 161,
                    "evidence": "y" * 301,
                },
                DAY,
            ),
            DAY,
        )
    assert set(long_text.value.errors) == {"provider", "evidence"}
    assert await Completion.count() == 0
    # Today and 1 January 1950 are both allowed; the same course on the same date twice is not.
    await claims.add_claim(
        me,
        forms.claim_input({"course": "first_aid", "completed_on": DAY.isoformat(), "provider": "X"}, DAY),
        DAY,
    )
    await claims.add_claim(
        me, forms.claim_input({"course": "dementia", "completed_on": "1950-01-01", "provider": "X"}, DAY), DAY
    )
    with pytest.raises(Invalid) as twice:
        await claims.add_claim(
            me,
            forms.claim_input({"course": "first_aid", "completed_on": DAY.isoformat(), "provider": "Y"}, DAY),
            DAY,
        )
    assert "already on your record" in twice.value.errors["course"]


async def test_a_claim_is_saved_unverified_and_shown_as_unverified(app, settings):
    pa = await make_pa()
    claim_id = await claim(pa, on=date(2025, 6, 1))
    row = await Completion.select().where(Completion.id == claim_id).first()
    assert (row["source"], row["verified_at"], row["verified_by"], row["provider"], row["evidence"]) == (
        "claim",
        None,
        None,
        "Elsewhere Ltd",
        "E-1",
    )
    assert row["expires_on"] == date(2026, 6, 1) and row["recorded_by"] == pa["user_id"]
    record = await records.pa_record(pa["id"], DAY, settings, viewer=await pa_actor(pa))
    [shown] = record.completions
    assert (shown.status, shown.verified, shown.source, shown.can_delete) == (
        "unverified",
        False,
        "claim",
        True,
    )


async def test_staff_and_trainers_verify_claims_a_pa_cannot(app, create_user):
    pa = await make_pa()
    first, second = await claim(pa), await claim(pa, "first_aid")
    with pytest.raises(NotAllowed):
        await claims.verify_claim(await pa_actor(pa), first)
    staff = await staff_actor(create_user)
    trainer = await staff_actor(create_user, "trainer")
    assert await claims.verify_claim(staff, first) == pa["id"]
    assert await claims.verify_claim(trainer, second) == pa["id"]
    rows = {r["id"]: r for r in await Completion.select()}
    assert rows[first]["verified_by"] == staff.id and rows[first]["verified_at"] is not None
    assert rows[second]["verified_by"] == trainer.id
    with pytest.raises(NotFound):  # verified already: no longer waiting
        await claims.verify_claim(staff, first)
    events = await AuditEvent.select().where(AuditEvent.action == "training.claim_verified")
    assert sorted(e["actor_id"] for e in events) == sorted([staff.id, trainer.id])
    assert {e["subject_id"] for e in events} == {str(pa["id"])}
    # A verified claim can no longer be deleted by the PA.
    with pytest.raises(NotFound):
        await claims.delete_claim(await pa_actor(pa), first)


async def test_rejecting_a_claim_deletes_it_and_emails_the_pa_the_reason(app, settings, create_user):
    pa = await make_pa()
    claim_id = await claim(pa)
    trainer = await staff_actor(create_user, "trainer")
    with pytest.raises(Invalid) as no_reason:
        await claims.reject_claim(trainer, claim_id, forms.reject_input({"reason": "  "}), settings)
    assert list(no_reason.value.errors) == ["reason"]
    await claims.reject_claim(
        trainer, claim_id, forms.reject_input({"reason": "The provider has no record of you."}), settings
    )
    assert await Completion.count() == 0
    [mail] = await OutboxEmail.select().where(OutboxEmail.to_address == pa["email"])
    assert "Moving and handling" in mail["subject"]
    assert "The provider has no record of you." in mail["body_text"]
    assert await AuditEvent.exists().where(AuditEvent.action == "training.claim_rejected")


async def test_a_pa_deletes_only_their_own_unverified_claims(app):
    pa, other = await make_pa(), await make_pa()
    mine, theirs = await claim(pa), await claim(other)
    with pytest.raises(NotFound):
        await claims.delete_claim(await pa_actor(pa), theirs)
    await claims.delete_claim(await pa_actor(pa), mine)
    assert [r["id"] for r in await Completion.select(Completion.id)] == [theirs]


# The record: expiry and gaps.


async def test_expiry_arithmetic_through_completions(app, create_user):
    pa = await make_pa()
    staff = await staff_actor(create_user)
    await Course.update({Course.validity_months: 1}).where(Course.code == "fire_safety")
    monthly = await course("fire_safety")
    cases = [
        (date(2025, 1, 31), date(2025, 2, 28)),
        (date(2024, 1, 31), date(2024, 2, 29)),
        (date(2025, 12, 31), date(2026, 1, 31)),
    ]
    for completed, expected in cases:
        new_id = await completions.add(
            pa["id"], monthly, completed, source="import", actor=staff, verified=True
        )
        assert (await Completion.select().where(Completion.id == new_id).first())["expires_on"] == expected
    await Course.update({Course.validity_months: 12}).where(Course.code == "fire_safety")
    yearly = await course("fire_safety")
    leap = await completions.add(
        pa["id"], yearly, date(2024, 2, 29), source="import", actor=staff, verified=True
    )
    assert (await Completion.select().where(Completion.id == leap).first())["expires_on"] == date(2025, 2, 28)
    await Course.update({Course.validity_months: 48}).where(Course.code == "fire_safety")
    four = await completions.add(
        pa["id"], await course("fire_safety"), date(2024, 2, 29), source="import", actor=staff, verified=True
    )
    assert (await Completion.select().where(Completion.id == four).first())["expires_on"] == date(2028, 2, 29)
    never = await completions.add(
        pa["id"], await course("diploma_l3"), date(2010, 5, 5), source="import", actor=staff, verified=True
    )
    assert (await Completion.select().where(Completion.id == never).first())["expires_on"] is None


async def test_gaps_come_from_skills_and_close_with_current_verified_training(app, settings, create_user):
    pa = await make_pa(skills={"hoist": 2})
    staff = await staff_actor(create_user)
    record = await records.pa_record(pa["id"], DAY, settings)
    [gap] = record.gaps
    assert (gap.skill, [c.code for c in gap.missing]) == ("hoist", ["moving_handling"])
    assert gap.skill_name == "Moving and handling with a hoist"
    # An unverified claim does not close the gap.
    claim_id = await claim(pa, on=DAY - timedelta(days=20))
    assert [g.skill for g in (await records.pa_record(pa["id"], DAY, settings)).gaps] == ["hoist"]
    await claims.verify_claim(staff, claim_id)
    assert (await records.pa_record(pa["id"], DAY, settings)).gaps == []
    expires = (await Completion.select().where(Completion.id == claim_id).first())["expires_on"]
    assert expires == date(2027, 2, 18)
    assert (await records.pa_record(pa["id"], expires - timedelta(days=1), settings)).gaps == []
    back = await records.pa_record(pa["id"], expires, settings)
    assert [g.skill for g in back.gaps] == ["hoist"]
    assert [(e.code, e.days) for e in back.expired] == [("moving_handling", 0)]


async def test_expiring_and_expired_use_the_latest_completion_of_each_course(app, settings, create_user):
    pa = await make_pa()
    staff = await staff_actor(create_user)
    add = lambda code, on: completions.add(pa["id"], code, on, source="import", actor=staff, verified=True)  # noqa: E731
    await add(await course("moving_handling"), DAY - timedelta(days=350))  # expires in 15 days
    await add(await course("first_aid"), date(2020, 1, 1))  # expired in 2023
    await add(await course("safeguarding_adults"), DAY - timedelta(days=360))  # old one, expiring ...
    await add(await course("safeguarding_adults"), DAY - timedelta(days=5))  # ... but renewed
    await add(await course("food_hygiene"), DAY - timedelta(days=365 * 3 - 70))  # in about 70 days
    record = await records.pa_record(pa["id"], DAY, settings)
    assert [(e.code, e.days) for e in record.expiring] == [("moving_handling", 15)]
    assert [e.code for e in record.expired] == ["first_aid"]
    assert record.reminder_days == settings.training_reminder_days == 30
    wide = await records.overview(DAY, 90)
    assert [e.code for e in wide[0].expiring] == ["moving_handling", "food_hygiene"]


async def test_the_overview_lists_approved_pas_with_something_to_act_on(app, create_user):
    staff = await staff_actor(create_user)
    gap = await make_pa(name="Alex Gap", skills={"hoist": 1})
    waiting = await make_pa(name="Bea Waiting", skills={"shopping": 1})
    fine = await make_pa(name="Cal Fine", skills={"shopping": 1})
    await make_pa(name="Dee Draft", status="draft", skills={"hoist": 1})
    await claim(waiting, "first_aid")
    await completions.add(
        fine["id"],
        await course("first_aid"),
        DAY - timedelta(days=10),
        source="import",
        actor=staff,
        verified=True,
    )
    rows = await records.overview(DAY, 30)
    assert [(r.pa_name, r.gaps, r.unverified) for r in rows] == [
        ("Alex Gap", ["Moving and handling with a hoist"], 0),
        ("Bea Waiting", [], 1),
    ]
    assert rows[0].profile_id == gap["id"]


# The pages.


async def test_a_pa_adds_training_on_their_page_and_deletes_it(client, app):
    pa = await make_pa(skills={"hoist": 1})
    await sign_in(client, pa)
    page = await client.get("/profile/training")
    assert page.status_code == 200 and page.text.count("<h1") == 1
    assert "Moving and handling with a hoist" in page.text and "Add training done elsewhere" in page.text
    moving = await course("moving_handling")
    assert f'href="/profile/training?course={moving["id"]}#claim-course"' in page.text
    bad = await submit(
        client,
        "/profile/training",
        {
            "course": str(moving["id"]),
            **date_fields(london_today() + timedelta(days=2)),
            "provider": "Kept Provider",
        },
        action="/profile/training/claims",
    )
    assert bad.status_code == 422
    assert "must be today or in the past" in bad.text and 'href="#claim-completed-on"' in bad.text
    assert 'value="Kept Provider"' in bad.text
    done = await submit(
        client,
        "/profile/training",
        {
            "course": str(moving["id"]),
            **date_fields(london_today() - timedelta(days=3)),
            "provider": "Acme",
            "evidence": "A-9",
        },
        action="/profile/training/claims",
    )
    assert done.status_code in (302, 303) and done.headers["location"] == "/profile/training?done=added"
    shown = await client.get(done.headers["location"])
    assert "shows as unverified until" in shown.text and 'govuk-tag--yellow">unverified' in shown.text
    [row] = await Completion.select(Completion.id)
    deleted = await submit(
        client, "/profile/training", {}, action=f"/profile/training/claims/{row['id']}/delete"
    )
    assert deleted.headers["location"] == "/profile/training?done=deleted"
    assert await Completion.count() == 0


async def test_a_pa_without_a_profile_sees_how_to_start(client, login_as):
    await login_as("pa")
    page = await client.get("/profile/training")
    assert page.status_code == 200 and "You have no profile yet" in page.text


async def test_a_trainer_verifies_and_rejects_on_the_claims_page(client, login_as):
    pa = await make_pa()
    keep, drop = await claim(pa), await claim(pa, "first_aid")
    await login_as("trainer")
    page = await client.get("/training/claims")
    assert page.status_code == 200 and page.text.count("Elsewhere Ltd") == 2
    empty = await submit(client, "/training/claims", {"reason": ""}, action=f"/training/claims/{drop}/reject")
    assert empty.status_code == 422 and f'href="#reject-{drop}-reason"' in empty.text
    verified = await submit(client, "/training/claims", {}, action=f"/training/claims/{keep}/verify")
    assert verified.headers["location"] == "/training/claims?done=verified"
    rejected = await submit(
        client, "/training/claims", {"reason": "No such course"}, action=f"/training/claims/{drop}/reject"
    )
    assert rejected.headers["location"] == "/training/claims?done=rejected"
    assert "No claims are waiting" in (await client.get("/training/claims")).text
    assert await OutboxEmail.exists().where(OutboxEmail.to_address == pa["email"])
    # A trainer cannot be sent on to a staff page.
    again = await claim(pa, "dementia")
    sent = await submit(
        client,
        "/training/claims",
        {"back": f"/staff/training/pa/{pa['id']}"},
        action=f"/training/claims/{again}/verify",
    )
    assert sent.headers["location"] == "/training/claims?done=verified"


async def test_staff_verify_from_the_pa_record_and_see_the_overview(client, login_as):
    pa = await make_pa(name="Gap Person", skills={"hoist": 1})
    claim_id = await claim(pa)
    await login_as("staff")
    overview = await client.get("/staff/training?days=90")
    assert overview.status_code == 200 and f'href="/staff/training/pa/{pa["id"]}"' in overview.text
    assert 'value="90" selected' in overview.text
    record_page = f"/staff/training/pa/{pa['id']}"
    shown = await client.get(record_page)
    assert shown.status_code == 200 and "Training: Gap Person" in shown.text
    empty = await submit(
        client, record_page, {"reason": "", "back": record_page}, action=f"/training/claims/{claim_id}/reject"
    )
    assert empty.status_code == 422 and "Training: Gap Person" in empty.text
    sent = await submit(
        client, record_page, {"back": record_page}, action=f"/training/claims/{claim_id}/verify"
    )
    assert sent.headers["location"] == f"{record_page}?done=verified"
    assert "has been verified" in (await client.get(sent.headers["location"])).text
    assert (await client.get("/staff/training/pa/999999")).status_code == 404


@pytest.mark.parametrize(
    ("role", "own", "claims", "staff"),
    [
        ("pa", 200, 403, 403),
        ("recipient", 403, 403, 403),
        ("trainer", 403, 200, 403),
        ("staff", 403, 200, 200),
        ("admin", 403, 200, 200),
    ],
)
async def test_pages_answer_by_role(client, login_as, role, own, claims, staff):
    pa = await make_pa()
    await login_as(role)
    assert (await client.get("/profile/training")).status_code == own
    assert (await client.get("/training/claims")).status_code == claims
    assert (await client.get("/staff/training")).status_code == staff
    assert (await client.get(f"/staff/training/pa/{pa['id']}")).status_code == staff
    assert (await client.get(f"/api/v1/training/pa/{pa['id']}")).status_code == staff


async def test_a_pa_cannot_verify_or_reach_another_pas_record(client, app):
    pa, other = await make_pa(), await make_pa()
    theirs = await claim(other)
    await sign_in(client, pa)
    page = await client.get("/profile/training")
    token = page.text.split('name="_csrf_token" value="')[1].split('"')[0]
    assert (
        await client.post(f"/training/claims/{theirs}/verify", data={"_csrf_token": token})
    ).status_code == 403
    assert (
        await client.post(f"/profile/training/claims/{theirs}/delete", data={"_csrf_token": token})
    ).status_code == 404
    assert (await client.get(f"/staff/training/pa/{other['id']}")).status_code == 403
    refused = await client.post(f"/api/v1/training/claims/{theirs}/verify", json={})
    assert refused.status_code == 403 and "does not have access" in refused.text
    assert (await client.get("/api/v1/training/me")).json()["profile_id"] == pa["id"]
    assert (await Completion.select().where(Completion.id == theirs).first())["verified_at"] is None


async def test_the_api_adds_a_claim_and_a_trainer_verifies_it(client, make_client, app):
    pa = await make_pa()
    await sign_in(client, pa)
    bad = await client.post(
        "/api/v1/training/me/claims", json={"course": "nope", "completed_on": "2025-01-01", "provider": ""}
    )
    assert bad.status_code == 422 and set(bad.json()["errors"]) == {"course", "provider"}
    made = await client.post(
        "/api/v1/training/me/claims",
        json={"course": "first_aid", "completed_on": "2025-01-01", "provider": "Red Cross"},
    )
    assert made.status_code == 201, made.text
    claim_id = made.json()["id"]
    mine = (await client.get("/api/v1/training/me")).json()
    assert [(c["code"], c["status"]) for c in mine["completions"]] == [("first_aid", "unverified")]
    trainer = make_client()
    await sign_in(trainer, {"email": (await make_trainer(app)).email})
    listed = (await trainer.get("/api/v1/training/claims")).json()
    assert [c["id"] for c in listed] == [claim_id]
    answer = await trainer.post(f"/api/v1/training/claims/{claim_id}/verify", json={})
    assert answer.status_code == 204, answer.text
    assert (await client.get("/api/v1/training/me")).json()["completions"][0]["status"] == "Verified"


async def make_trainer(app):
    from market.accounts import services as accounts
    from market.accounts.schemas import NewUserInput

    return await accounts.create_user(
        NewUserInput(
            email="trainer.api@example.org", display_name="Tia Trainer", role="trainer", password=PASSWORD
        )
    )
