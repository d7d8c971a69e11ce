"""The pipeline after the PA accepts: interviews (with calendar files to both sides, moved and
cancelled), notes, the offer, appointment (the need is filled, the others told), the
safe-recruitment checklist with one staff override, and starting; overlapping hours."""

from __future__ import annotations

import email
from datetime import date, datetime, timedelta

import pytest

from market.clock import london_today, utcnow
from market.errors import Conflict, Invalid, NotFound
from market.mail import services as mail
from market.mail.tables import OutboxEmail
from market.matching.pipeline import applications as pipeline
from market.matching.pipeline import appointments, forms, interviews, starting
from market.matching.tables import Application, Interview, Need, StageChange
from tests.matching.factories import make_need, make_recipient, make_user
from tests.matching.test_pipeline import _pa_user
from tests.register.factories import make_pa

SOON = utcnow() + timedelta(days=3)


def interview_form(when: datetime = SOON, **extra: str) -> dict[str, str]:
    return {
        "day_day": str(when.day),
        "day_month": str(when.month),
        "day_year": str(when.year),
        "time": "10:30",
        "minutes": "60",
        "mode": "in_person",
        "place": "The Library café, Bridge Street",
        "attendees": "Rosa and her sister",
        **extra,
    }


async def accepted(owner=None, *, title="Morning support"):
    """A need with a PA who accepted the invitation: (owner, need, pa, application id, version)."""
    owner = owner or await make_user("recipient")
    recipient = await make_recipient(user=owner, name="Rosa Private", postcode="PE1 1AB")
    need = await make_need(recipient, title=title, hours_per_week=8)
    await Need.update({Need.status: "open"}).where(Need.id == need["id"])
    pa = await make_pa(name="Nina Near", postcode="PE1 1BF")
    app_id = await pipeline.shortlist(owner, need["id"], pa["id"])
    await pipeline.invite(owner, app_id, 1)
    version = await pipeline.respond(await _pa_user(pa), app_id, True, 2)
    return owner, need, pa, app_id, version


def test_the_interview_form_names_every_problem():
    with pytest.raises(Invalid) as problem:
        forms.read_interview({"time": "25:99", "mode": "video", "place": "zoom"})
    assert set(problem.value.errors) == {"day", "time", "minutes", "place"}
    past = utcnow() - timedelta(days=2)
    with pytest.raises(Invalid) as problem:
        forms.read_interview(interview_form(past))
    assert problem.value.errors == {"day": "The interview must be in the future"}
    with pytest.raises(Invalid) as problem:
        forms.read_interview(interview_form(place=""))
    assert "place" in problem.value.errors
    values = forms.read_interview(interview_form(mode="video", place="https://meet.example/abc"))
    assert values.mode == "video" and values.minutes == 60


async def test_book_move_cancel_with_calendar_files_to_both_sides(database):
    owner, need, pa, app_id, version = await accepted()
    values = forms.read_interview(interview_form())
    version = await interviews.book(owner, app_id, version, values)
    interview = (await interviews.interviews_of(app_id))[0]
    assert interview.status == "booked" and interview.starts_at == values.starts_at

    sent = await OutboxEmail.select().where(OutboxEmail.kind == "interview").order_by(OutboxEmail.id)
    assert {e["to_address"] for e in sent} == {owner.email, pa["email"]}
    for e in sent:
        assert e["attachment_name"] == "interview.ics"
        assert "BEGIN:VEVENT" in e["attachment_text"] and "SEQUENCE:0" in e["attachment_text"]
        assert "The Library café" in e["body_text"]
    # The PA's email holds no recipient name or postcode beyond what the need's side wrote.
    assert "1AB" not in sent[0]["body_text"]

    moved = forms.read_interview(interview_form(SOON + timedelta(days=1), time="14:00"))
    version = await interviews.reschedule(owner, app_id, interview.id, version, moved)
    again = await OutboxEmail.select().where(OutboxEmail.kind == "interview").order_by(OutboxEmail.id)
    assert len(again) == 4 and "SEQUENCE:1" in again[-1]["attachment_text"]
    assert (await interviews.interviews_of(app_id))[0].starts_at == moved.starts_at

    version = await interviews.cancel(owner, app_id, interview.id, version, "Rosa is unwell")
    row = await Application.select().where(Application.id == app_id).first()
    assert row["stage"] == "accepted"  # no interview left: another can be booked
    last = await OutboxEmail.select().order_by(OutboxEmail.id, ascending=False).first()
    assert "STATUS:CANCELLED" in last["attachment_text"]
    history = [r["to_stage"] for r in await StageChange.select().where(StageChange.application == app_id)]
    assert history[-3:] == ["interview", "interview", "accepted"]


async def test_the_calendar_file_goes_out_as_an_attachment(database):
    owner, need, pa, app_id, version = await accepted()
    await interviews.book(owner, app_id, version, forms.read_interview(interview_form()))
    row = await OutboxEmail.select().where(OutboxEmail.kind == "interview").first()
    message = mail._message(database, row)
    parts = {part.get_content_type(): part for part in message.walk()}
    assert "text/calendar" in parts
    assert parts["text/calendar"].get_filename() == "interview.ics"
    parsed = email.message_from_bytes(message.as_bytes())
    assert any(p.get_content_type() == "text/calendar" for p in parsed.walk())


async def test_calendar_files_are_only_for_the_two_sides(database):
    owner, need, pa, app_id, version = await accepted()
    await interviews.book(owner, app_id, version, forms.read_interview(interview_form()))
    interview_id = (await Interview.select().first())["id"]
    text = await interviews.calendar_for_pa(await _pa_user(pa), app_id, interview_id)
    assert text.startswith("BEGIN:VCALENDAR\r\n") and f"UID:interview-{interview_id}@" in text
    theirs = await interviews.calendar_for_need_side(owner, app_id, interview_id)
    assert theirs.split("UID:")[1].split("\r\n")[0] == text.split("UID:")[1].split("\r\n")[0]
    with pytest.raises(NotFound):
        await interviews.calendar_for_need_side(await make_user("recipient"), app_id, interview_id)
    with pytest.raises(NotFound):
        await interviews.calendar_for_pa(
            await _pa_user(await make_pa(name="Olly Other")), app_id, interview_id
        )


async def _offered(*, start: date | None = None, hours: str = "8", keep: str = "", held: bool = True, **kw):
    """An offer after an interview (held a day ago unless ``held`` is false), starting today
    unless ``start`` says otherwise."""
    owner, need, pa, app_id, version = await accepted(**kw)
    version = await interviews.book(owner, app_id, version, forms.read_interview(interview_form()))
    interview_id = (await Interview.select().where(Interview.application == app_id).first())["id"]
    version = await interviews.record_outcome(
        owner, app_id, interview_id, version, "Warm, punctual, good questions"
    )
    if held:  # time has passed: the interview booked for three days ahead was yesterday
        await Interview.update({Interview.starts_at: utcnow() - timedelta(days=1)}).where(
            Interview.id == interview_id
        )
    start = start or london_today()
    offer = forms.read_offer(
        {
            "start_date_day": str(start.day),
            "start_date_month": str(start.month),
            "start_date_year": str(start.year),
            "hours_per_week": hours,
            "rate": "13.50",
            "keep_need_open": keep,
        },
        london_today(),
    )
    version = await appointments.offer(owner, app_id, version, offer)
    return owner, need, pa, app_id, version


async def test_offer_accept_checklist_override_start(database):
    owner, need, pa, app_id, version = await _offered()
    other_pa = await make_pa(name="Omar Other", postcode="PE1 1BF")
    other = await pipeline.shortlist(owner, need["id"], other_pa["id"])
    await pipeline.invite(owner, other, 1)

    version = await appointments.accept_offer(await _pa_user(pa), app_id, version)
    assert (await Need.select(Need.status).where(Need.id == need["id"]).first())["status"] == "filled"
    others = await Application.select().where(Application.id == other).first()
    assert others["stage"] == "withdrawn"
    told = (
        await OutboxEmail.select()
        .where(OutboxEmail.to_address == other_pa["email"], OutboxEmail.kind == "pipeline")
        .first()
    )
    assert told is not None and "someone else" in told["body_text"]

    appointment = await appointments.appointment_of(app_id)
    assert appointment.appointed and not appointment.complete and appointment.rate_pence == 1350
    assert not next(c for c in appointment.checks if c.item == "update_service").needed  # not subscribed
    with pytest.raises(Invalid, match="Finish the checklist"):
        await starting.start(owner, app_id, version)

    today = date.today()
    done = {"identity", "right_to_work", "reference_1", "dbs_seen", "contract", "insurance"}
    for item in done:
        form = {
            f"{item}_on_day": str(today.day),
            f"{item}_on_month": str(today.month),
            f"{item}_on_year": str(today.year),
        }
        version = await appointments.tick(owner, app_id, version, item, forms.read_check(item, form), today)
    with pytest.raises(NotFound):  # only staff override
        await appointments.override(owner, app_id, version, "reference_2", "Known for years")
    staff = await make_user("staff")
    with pytest.raises(Invalid):
        await appointments.override(staff, app_id, version, "reference_2", "  ")
    version = await appointments.override(
        staff, app_id, version, "reference_2", "Second referee abroad; staff spoke to them"
    )
    with pytest.raises(Invalid, match="Only one check"):
        await appointments.override(staff, app_id, version, "identity", "again")

    appointment = await appointments.appointment_of(app_id)
    assert appointment.complete and appointment.overrides_left == 0
    version = await starting.start(owner, app_id, version)
    row = await Application.select().where(Application.id == app_id).first()
    assert row["stage"] == "started"
    reasons = [r["reason"] for r in await StageChange.select().where(StageChange.application == app_id)]
    assert any("overridden (Second referee abroad" in r for r in reasons)


async def test_a_check_date_cannot_be_in_the_future_and_keeps_the_field(database):
    owner, need, pa, app_id, version = await _offered()
    version = await appointments.record_acceptance(owner, app_id, version)
    later = date.today() + timedelta(days=5)
    with pytest.raises(Invalid) as problem:
        await appointments.tick(
            owner,
            app_id,
            version,
            "identity",
            forms.read_check(
                "identity",
                {
                    "identity_on_day": str(later.day),
                    "identity_on_month": str(later.month),
                    "identity_on_year": str(later.year),
                },
            ),
            date.today(),
        )
    assert "identity_on" in problem.value.errors


async def test_notes_after_the_offer_keep_the_stage(database):
    owner, need, pa, app_id, version = await _offered()
    interview_id = (await Interview.select().where(Interview.application == app_id).first())["id"]
    version = await interviews.record_outcome(owner, app_id, interview_id, version, "References to follow")
    row = await Application.select().where(Application.id == app_id).first()
    assert (row["stage"], row["version"]) == ("offered", version)
    assert (await interviews.interviews_of(app_id))[0].outcome_notes == "References to follow"


async def test_declining_an_offer_and_withdrawing_an_appointment_reopens(database):
    owner, need, pa, app_id, version = await _offered()
    version = await appointments.record_acceptance(owner, app_id, version)
    assert (await Need.select(Need.status).where(Need.id == need["id"]).first())["status"] == "filled"
    await pipeline.pa_withdraw(await _pa_user(pa), app_id, version, "Moving away")
    assert (await Need.select(Need.status).where(Need.id == need["id"]).first())["status"] == "open"

    owner2, need2, pa2, app2, version2 = await _offered(title="Evening support")
    await appointments.decline_offer(await _pa_user(pa2), app2, version2, "The rate is too low")
    row = await Application.select().where(Application.id == app2).first()
    assert row["stage"] == "declined"


async def test_two_people_offering_at_once_one_wins(database):
    import asyncio

    owner, need, pa, app_id, version = await accepted()
    version = await interviews.book(owner, app_id, version, forms.read_interview(interview_form()))
    offer = forms.read_offer(
        {"start_date": (date.today() + timedelta(days=30)).isoformat(), "hours_per_week": "8", "rate": "13"},
        date.today(),
    )
    results = await asyncio.gather(
        appointments.offer(owner, app_id, version, offer),
        appointments.offer(owner, app_id, version, offer),
        return_exceptions=True,
    )
    assert sorted(type(r).__name__ for r in results) == ["Conflict", "int"]
    with pytest.raises(Conflict):
        await appointments.record_acceptance(owner, app_id, version)


async def test_a_pa_appointed_to_overlapping_hours_gets_a_warning(database):
    owner, need, pa, app_id, version = await _offered()
    await appointments.accept_offer(await _pa_user(pa), app_id, version)

    second_owner = await make_user("recipient")
    recipient = await make_recipient(user=second_owner, name="Other Person", postcode="PE1 1AB")
    second = await make_need(
        recipient, title="Monday mornings", hours_per_week=2, slots=(("Monday", "16:00", "18:00"),)
    )
    assert await appointments.overlapping_labels(second["id"], pa["id"]) == ["Monday 16:00 to 18:00"]
    third = await make_need(
        recipient, title="Tuesdays", hours_per_week=2, slots=(("Tuesday", "09:00", "12:00"),)
    )
    assert await appointments.overlapping_labels(third["id"], pa["id"]) == []

    app2 = await pipeline.shortlist(second_owner, second["id"], pa["id"])
    await pipeline.invite(second_owner, app2, 1)
    v = await pipeline.respond(await _pa_user(pa), app2, True, 2)
    v = await interviews.book(second_owner, app2, v, forms.read_interview(interview_form()))
    offer = forms.read_offer(
        {"start_date": (date.today() + timedelta(days=30)).isoformat(), "hours_per_week": "2", "rate": "14"},
        date.today(),
    )
    await appointments.offer(second_owner, app2, v, offer)
    sent = (
        await OutboxEmail.select()
        .where(OutboxEmail.kind == "pipeline")
        .order_by(OutboxEmail.id, ascending=False)
        .first()
    )
    assert "already appointed elsewhere to hours that overlap" in sent["body_text"]


def test_offer_form_errors():
    with pytest.raises(Invalid) as problem:
        forms.read_offer({"hours_per_week": "lots", "rate": "£x"}, date.today())
    assert set(problem.value.errors) == {"start_date", "hours_per_week", "rate"}
    with pytest.raises(Invalid) as problem:
        forms.read_offer({"start_date": "2020-01-01", "hours_per_week": "8", "rate": "13"}, date.today())
    assert problem.value.errors == {"start_date": "The start date must be today or later"}
