"""Training sessions: scheduling, booking with a waiting list, cancelling, recording
attendance (completions with expiry and certificate numbers), who may do what, and pages."""

from __future__ import annotations

import asyncio

import pytest

from market.dates import add_months
from market.errors import Conflict, Invalid
from market.mail.tables import OutboxEmail
from market.training import bookings, forms, scheduling, sessions
from market.training.tables import Booking, Completion, TrainingSession
from tests.register.factories import make_pa
from tests.support import submit
from tests.training.factories_sessions import (
    course_id,
    current,
    make_session,
    pa_user,
    session_form,
    sign_in,
    start_now,
)


async def test_an_empty_session_form_names_every_missing_field(create_user):
    trainer = current(await create_user("trainer"))
    with pytest.raises(Invalid) as caught:
        await scheduling.create(forms.session_input({}), trainer)
    assert caught.value.errors == {
        "course": "Select the course from the catalogue",
        "date": "Enter the date of the session",
        "start_time": "Enter the start time, for example 09:30",
        "end_time": "Enter the end time, for example 09:30",
        "delivery": "Select whether the session is at a venue or online",
        "capacity": "Enter the number of places",
    }
    assert await TrainingSession.count() == 0


async def test_bad_session_values_each_get_a_specific_message(create_user):
    trainer = current(await create_user("trainer"))
    form = await session_form(
        start_time="14:00", end_time="13:00", postcode="ZZ", capacity="201", notes="x" * 1001
    )
    with pytest.raises(Invalid) as caught:
        await scheduling.create(forms.session_input(form), trainer)
    errors = caught.value.errors
    assert errors["end_time"] == "The end time must be after the start time"
    assert "postcode" in errors
    assert errors["capacity"] == "The number of places must be between 1 and 200"
    assert errors["notes"] == "The notes must be 1000 characters or fewer"

    online = await session_form(delivery="online", online_link="http://meet.example.org/x", start_time="9.5")
    with pytest.raises(Invalid) as caught:
        await scheduling.create(forms.session_input(online), trainer)
    assert caught.value.errors == {
        "online_link": "Enter the link as a full web address starting https://",
        "start_time": "Enter the start time as a time of day, like 09:00, 9am, 17:30 or 5pm",
    }
    past = await session_form(date_day="1", date_month="1", date_year="2020")
    with pytest.raises(Invalid) as caught:
        await scheduling.create(forms.session_input(past), trainer)
    assert caught.value.errors == {"date": "The date of the session must be today or in the future"}
    assert await TrainingSession.count() == 0


async def test_staff_name_a_trainer_but_only_an_account_with_that_role(create_user):
    staff = current(await create_user("staff"))
    trainer = await create_user("trainer")
    other_pa = await create_user("pa")
    with pytest.raises(Invalid) as caught:
        await make_session(staff, trainer=str(other_pa.id))
    assert caught.value.errors == {"trainer": "Select a trainer with a trainer's account"}
    session_id = await make_session(staff, trainer=str(trainer.id))
    row = await TrainingSession.select().where(TrainingSession.id == session_id).first()
    assert row["trainer"] == trainer.id and row["district"] == "PE1" and row["lat"] is not None
    # A trainer cannot hand a session to someone else: it is theirs.
    own = await make_session(current(trainer), trainer=str(other_pa.id))
    assert (await TrainingSession.select().where(TrainingSession.id == own).first())["trainer"] == trainer.id


async def test_a_full_session_puts_the_next_pa_on_the_waiting_list_and_booking_twice_is_refused(create_user):
    trainer = current(await create_user("trainer"))
    session_id = await make_session(trainer, capacity="1")
    first, second, third = pa_user(await make_pa()), pa_user(await make_pa()), pa_user(await make_pa())
    assert await bookings.book(first, session_id) == "booked"
    assert await bookings.book(second, session_id) == "waiting"
    assert await bookings.book(third, session_id) == "waiting"
    with pytest.raises(Conflict, match="already booked"):
        await bookings.book(first, session_id)
    with pytest.raises(Conflict, match="already on the waiting list"):
        await bookings.book(second, session_id)
    detail = await sessions.get(session_id, trainer)
    assert [e.status for e in detail.roster] == ["booked"]
    assert [e.position for e in detail.waiting] == [1, 2]
    assert detail.session.places_left == 0


async def test_cancelling_promotes_the_first_waiting_pa_and_emails_them(create_user, settings):
    trainer = current(await create_user("trainer"))
    session_id = await make_session(trainer, capacity="1")
    pas = [await make_pa() for _ in range(3)]
    for pa in pas:
        await bookings.book(pa_user(pa), session_id)
    await bookings.cancel(pa_user(pas[0]), session_id, settings)
    statuses = {
        r["profile"]: r["status"] for r in await Booking.select().where(Booking.session == session_id)
    }
    assert statuses == {pas[0]["id"]: "cancelled", pas[1]["id"]: "booked", pas[2]["id"]: "waiting"}
    emails = await OutboxEmail.select().where(OutboxEmail.kind == "training.promoted")
    assert [e["to_address"] for e in emails] == [pas[1]["email"]]
    assert "http://testserver/training" in emails[0]["body_text"]
    assert "Moving and handling" in emails[0]["subject"]
    # Having cancelled, the first PA may book again: the session is full, so they wait.
    assert await bookings.book(pa_user(pas[0]), session_id) == "waiting"


async def test_two_pas_booking_the_last_place_at_once_cannot_both_get_it(create_user):
    trainer = current(await create_user("trainer"))
    session_id = await make_session(trainer, capacity="1")
    first, second = pa_user(await make_pa()), pa_user(await make_pa())
    results = await asyncio.gather(bookings.book(first, session_id), bookings.book(second, session_id))
    assert sorted(results) == ["booked", "waiting"]


async def test_cancelled_and_started_sessions_cannot_be_booked(create_user, settings):
    trainer = current(await create_user("trainer"))
    pa = await make_pa()
    booked_pa = await make_pa()
    cancelled = await make_session(trainer)
    await bookings.book(pa_user(booked_pa), cancelled)
    assert await bookings.cancel_session(cancelled, trainer, settings, reason="The trainer is ill") == 1
    email = await OutboxEmail.select().where(OutboxEmail.kind == "training.session_cancelled").first()
    assert email["to_address"] == booked_pa["email"] and "The trainer is ill" in email["body_text"]
    with pytest.raises(Conflict, match="cancelled"):
        await bookings.book(pa_user(pa), cancelled)
    started = await make_session(trainer)
    await start_now(started)
    with pytest.raises(Conflict, match="already started"):
        await bookings.book(pa_user(pa), started)


async def test_recording_attendance_writes_completions_with_expiry_and_certificates(client, login_as):
    trainer = await login_as("trainer")
    session_id = await make_session(current(trainer), capacity="3")
    done, came, away = (
        await make_pa(name="Ann Done"),
        await make_pa(name="Bea Came"),
        await make_pa(name="Cat Away"),
    )
    waiting = await make_pa()
    for pa in (done, came, away, waiting):
        await bookings.book(pa_user(pa), session_id)
    page = f"/training/sessions/{session_id}"
    before = await client.get(page)
    assert "You can record attendance from the start of the session" in before.text
    await start_now(session_id)
    booking_ids = {r["profile"]: r["id"] for r in await Booking.select().where(Booking.session == session_id)}
    missing = await submit(
        client,
        page,
        {f"outcome_{booking_ids[done['id']]}": "completed", f"outcome_{booking_ids[came['id']]}": "attended"},
        action=f"{page}/attendance",
    )
    assert missing.status_code == 422
    assert "Select whether Cat Away completed the course" in missing.text
    assert f'href="#attendance-outcome-{booking_ids[away["id"]]}"' in missing.text
    assert await Completion.count() == 0
    sent = await submit(
        client,
        page,
        {
            f"outcome_{booking_ids[done['id']]}": "completed",
            f"outcome_{booking_ids[came['id']]}": "attended",
            f"outcome_{booking_ids[away['id']]}": "absent",
        },
        action=f"{page}/attendance",
    )
    assert sent.status_code == 302, sent.text
    statuses = {
        r["profile"]: r["status"] for r in await Booking.select().where(Booking.session == session_id)
    }
    assert statuses == {
        done["id"]: "completed",
        came["id"]: "attended",
        away["id"]: "absent",
        waiting["id"]: "waiting",
    }
    session = await TrainingSession.select().where(TrainingSession.id == session_id).first()
    assert session["status"] == "recorded"
    rows = await Completion.select().where(Completion.session == session_id)
    assert len(rows) == 1
    completion = rows[0]
    day = sessions.session_day(session)
    assert completion["profile"] == done["id"] and completion["course"] == await course_id()
    assert completion["completed_on"] == day
    assert completion["expires_on"] == add_months(day, 12)
    assert completion["certificate_number"] == f"PAR-{day.year}-{completion['id']:06d}"
    assert completion["source"] == "session" and completion["verified_at"] is not None
    again = await submit(client, page, {}, action=f"{page}/attendance")
    assert again.status_code == 409
    assert "already been recorded" in again.text
    assert await Completion.count() == 1


async def test_a_trainer_cannot_record_another_trainers_session_but_staff_can(client, make_client, login_as):
    owner = current(await login_as("trainer"))
    session_id = await make_session(owner, capacity="2")
    pa = await make_pa()
    await bookings.book(pa_user(pa), session_id)
    await start_now(session_id)
    booking = (await Booking.select().where(Booking.session == session_id).first())["id"]
    body = {"outcomes": {str(booking): "completed"}}

    other = make_client()
    await login_as("trainer", http=other)
    assert (await other.get(f"/training/sessions/{session_id}")).status_code == 404
    refused = await other.post(f"/api/v1/training/sessions/{session_id}/attendance", json=body)
    assert refused.status_code == 404
    assert (await other.get("/api/v1/training/sessions")).json()["upcoming"] == []

    staff = make_client()
    await login_as("staff", http=staff)
    recorded = await staff.post(f"/api/v1/training/sessions/{session_id}/attendance", json=body)
    assert recorded.status_code == 201, recorded.text
    assert recorded.json() == {"completed": 1, "attended": 0, "absent": 0}
    wrong = await staff.post(f"/api/v1/training/sessions/{session_id}/attendance", json=body)
    assert wrong.status_code == 409


async def test_pas_cannot_reach_trainer_pages_and_recipients_cannot_book(client, make_client, login_as):
    trainer = current(await login_as("trainer"))
    session_id = await make_session(trainer)
    pa_client = make_client()
    await login_as("pa", http=pa_client)
    for path in ("/training/sessions", "/training/sessions/new", f"/training/sessions/{session_id}"):
        assert (await pa_client.get(path)).status_code == 403
    assert (await pa_client.get("/api/v1/training/sessions")).status_code == 403
    recipient = make_client()
    await login_as("recipient", http=recipient)
    assert (await recipient.get("/training")).status_code == 403
    assert (await recipient.post(f"/api/v1/training/sessions/{session_id}/book", json={})).status_code == 403
    assert await Booking.count() == 0


async def test_the_pa_page_lists_nearby_and_online_sessions_but_not_far_ones(client, create_user):
    trainer = current(await create_user("trainer"))
    near = await make_session(trainer, venue="Peterborough Hall", postcode="PE1 1AB")
    await make_session(trainer, venue="Oxford Hall", postcode="OX1 1DP")
    online = await make_session(
        trainer, delivery="online", venue="", postcode="", online_link="https://meet.example.org/mh"
    )
    pa = await make_pa(postcode="PE1 1AB")
    await sign_in(client, pa["email"])
    page = await client.get("/training")
    assert page.status_code == 200, page.text
    assert "Peterborough Hall" in page.text
    assert "Oxford Hall" not in page.text
    assert "Online" in page.text
    assert "under 1 mile as the crow flies" in page.text

    booked = await submit(client, "/training", {}, action=f"/training/book/{near}")
    assert booked.status_code == 302 and booked.headers["location"] == "/training?done=booked"
    shown = await client.get("/training?done=booked")
    assert "Your place is booked." in shown.text and "Cancel booking" in shown.text
    assert "https://meet.example.org/mh" not in shown.text  # the online link: only once booked
    twice = await submit(client, "/training", {}, action=f"/training/book/{near}")
    assert twice.status_code == 409 and "You have already booked this session" in twice.text
    cancelled = await submit(client, "/training", {}, action=f"/training/cancel/{near}")
    assert cancelled.headers["location"] == "/training?done=cancelled"
    assert (await Booking.select().where(Booking.session == near).first())["status"] == "cancelled"
    await submit(client, "/training", {}, action=f"/training/book/{online}")
    with_link = await client.get("/training")
    assert '<a class="govuk-link" href="https://meet.example.org/mh">' in with_link.text


async def test_trainer_pages_render_and_a_bad_form_answers_422_keeping_input(client, login_as):
    await login_as("trainer")
    assert (await client.get("/training/sessions")).status_code == 200
    new = await client.get("/training/sessions/new")
    assert new.status_code == 200 and "Moving and handling" in new.text
    assert 'name="trainer"' not in new.text
    form = await session_form(venue="Community Hall", end_time="08:00")
    bad = await submit(client, "/training/sessions/new", form)
    assert bad.status_code == 422
    assert 'value="Community Hall"' in bad.text
    assert 'href="#session-end-time"' in bad.text
    assert "The end time must be after the start time" in bad.text
    assert await TrainingSession.count() == 0
    created = await submit(client, "/training/sessions/new", await session_form())
    assert created.status_code == 302, created.text
    detail = await client.get(created.headers["location"])
    assert detail.status_code == 200
    assert "The session has been scheduled" in detail.text and "Nobody has booked yet" in detail.text
    listing = await client.get("/training/sessions")
    assert "Peterborough Community Hall" in listing.text


async def test_staff_see_the_trainer_choice_and_cancel_a_session(client, login_as, create_user):
    await login_as("staff")
    trainer = await create_user("trainer")
    new = await client.get("/training/sessions/new")
    assert new.status_code == 200 and trainer.email in new.text
    session_id = await make_session(current(trainer))
    page = f"/training/sessions/{session_id}"
    too_long = await submit(client, page, {"reason": "x" * 501}, action=f"{page}/cancel")
    assert too_long.status_code == 422 and 'href="#cancel-reason"' in too_long.text
    sent = await submit(client, page, {"reason": "Venue closed"}, action=f"{page}/cancel")
    assert sent.status_code == 302
    assert (await TrainingSession.select().where(TrainingSession.id == session_id).first())[
        "status"
    ] == "cancelled"


async def test_the_api_schedules_lists_books_and_cancels(client, make_client, login_as):
    await login_as("trainer")
    body = {
        "course_id": await course_id(),
        "date": (await session_form())["date_year"] + "-01-01",
        "start_time": "10:00:00",
        "end_time": "09:00:00",
        "capacity": 0,
        "online_link": "https://meet.example.org/a",
    }
    bad = await client.post("/api/v1/training/sessions", json=body)
    assert bad.status_code == 422
    assert set(bad.json()["errors"]) >= {"end_time", "capacity"}
    form = await session_form()
    day = f"{form['date_year']}-{int(form['date_month']):02d}-{int(form['date_day']):02d}"
    good = await client.post(
        "/api/v1/training/sessions", json={**body, "date": day, "end_time": "12:00:00", "capacity": 5}
    )
    assert good.status_code == 201, good.text
    session_id = good.json()["id"]

    pa = await make_pa()
    pa_client = make_client()
    await sign_in(pa_client, pa["email"])
    near = (await pa_client.get("/api/v1/training/sessions/near")).json()
    assert [n["session"]["id"] for n in near] == [session_id] and near[0]["online"] is True
    booked = await pa_client.post(f"/api/v1/training/sessions/{session_id}/book", json={})
    assert booked.status_code == 201 and booked.json() == {"status": "booked"}
    assert (await pa_client.post(f"/api/v1/training/sessions/{session_id}/book", json={})).status_code == 409
    mine = (await pa_client.get("/api/v1/training/sessions/bookings")).json()
    assert mine[0]["my_status"] == "booked"
    assert mine[0]["session"]["online_link"] == "https://meet.example.org/a"
    assert near[0]["session"]["online_link"] == ""  # the link is only for PAs with a place

    roster = (await client.get(f"/api/v1/training/sessions/{session_id}")).json()
    assert [r["profile_id"] for r in roster["roster"]] == [pa["id"]]
    assert (await pa_client.delete(f"/api/v1/training/sessions/{session_id}/booking")).status_code == 204
    assert (await client.get(f"/api/v1/training/sessions/{session_id}")).json()["roster"] == []
