"""The pipeline's dates make sense: nobody is recorded as started before the appointment's
start date or before an interview that has not happened. A PA appointed for part of a need's
hours fills it only if the need's side says so; otherwise it stays open for the rest."""

from __future__ import annotations

from datetime import timedelta

import pytest

from market.clock import london_today, utcnow
from market.errors import Invalid
from market.matching.pipeline import applications as pipeline
from market.matching.pipeline import appointments, forms, starting
from market.matching.tables import Application, Appointment, Interview, Need
from tests.matching.test_appointments import _offered, accepted, interview_form
from tests.matching.test_pipeline import _pa_user
from tests.register.factories import make_pa
from tests.support import PASSWORD, csrf_token, submit

CHECKS = ("identity", "right_to_work", "reference_1", "reference_2", "dbs_seen", "contract", "insurance")


async def appointed_and_checked(**offer):
    owner, need, pa, app_id, version = await _offered(**offer)
    version = await appointments.accept_offer(await _pa_user(pa), app_id, version)
    today = london_today()
    for item in CHECKS:
        form = {
            f"{item}_on_day": str(today.day),
            f"{item}_on_month": str(today.month),
            f"{item}_on_year": str(today.year),
        }
        version = await appointments.tick(owner, app_id, version, item, forms.read_check(item, form), today)
    return owner, need, app_id, version


async def stage_of(app_id: int) -> str:
    return (await Application.select(Application.stage).where(Application.id == app_id).first())["stage"]


async def need_status(need_id: int) -> str:
    return (await Need.select(Need.status).where(Need.id == need_id).first())["status"]


async def test_not_started_before_the_start_date(database):
    start = london_today() + timedelta(days=10)
    owner, need, app_id, version = await appointed_and_checked(start=start)
    with pytest.raises(Invalid) as problem:
        await starting.start(owner, app_id, version)
    assert problem.value.errors == {
        "checklist": f"The PA's start date is {start.day} {start:%B %Y}: record that they started on or after that day"
    }
    assert await stage_of(app_id) == "appointed"
    await Appointment.update({Appointment.start_date: london_today()}).where(
        Appointment.application == app_id
    )
    await starting.start(owner, app_id, version)
    assert await stage_of(app_id) == "started"


async def test_not_started_before_an_interview_that_has_not_happened(database):
    owner, need, app_id, version = await appointed_and_checked(held=False)  # it is in 3 days
    with pytest.raises(Invalid, match="record that the PA started once it has happened"):
        await starting.start(owner, app_id, version)
    # Still under way: it started half an hour ago and lasts an hour.
    await Interview.update({Interview.starts_at: utcnow() - timedelta(minutes=30)}).where(
        Interview.application == app_id
    )
    with pytest.raises(Invalid, match="once it has happened"):
        await starting.start(owner, app_id, version)
    # A cancelled interview does not hold the start up.
    await Interview.update({Interview.status: "cancelled"}).where(Interview.application == app_id)
    await starting.start(owner, app_id, version)
    assert await stage_of(app_id) == "started"


async def test_part_of_the_hours_asks_whether_to_keep_the_need_open(database):
    with pytest.raises(Invalid) as problem:
        await _offered(hours="5")  # the need is for 8 hours a week
    assert problem.value.errors == {
        "keep_need_open": "The need is for 8 hours a week and this offer is for 5: "
        "say whether to keep the need open for the other 3 hours"
    }


async def test_kept_open_the_need_stays_open_and_the_others_stay_in(database):
    owner, need, pa, app_id, version = await _offered(hours="5", keep="yes")
    other_pa = await make_pa(name="Omar Other", postcode="PE1 1BF")
    other = await pipeline.shortlist(owner, need["id"], other_pa["id"])
    await pipeline.invite(owner, other, 1)
    await appointments.accept_offer(await _pa_user(pa), app_id, version)
    assert await stage_of(app_id) == "appointed"
    assert await need_status(need["id"]) == "open"
    assert await stage_of(other) == "invited"  # still wanted, for the other 3 hours
    appointment = await appointments.appointment_of(app_id)
    assert appointment is not None and appointment.keep_need_open is True


async def test_not_kept_open_the_need_is_filled(database):
    owner, need, pa, app_id, version = await _offered(hours="5", keep="no")
    other_pa = await make_pa(name="Omar Other", postcode="PE1 1BF")
    other = await pipeline.shortlist(owner, need["id"], other_pa["id"])
    await appointments.record_acceptance(owner, app_id, version)
    assert await need_status(need["id"]) == "filled"
    assert await stage_of(other) == "withdrawn"


async def test_all_the_hours_fill_the_need_without_asking(database):
    owner, need, pa, app_id, version = await _offered(hours="8", keep="yes")  # the answer is moot
    await appointments.accept_offer(await _pa_user(pa), app_id, version)
    assert await need_status(need["id"]) == "filled"
    assert (await appointments.appointment_of(app_id)).keep_need_open is None


async def test_the_offer_form_asks_and_keeps_the_input(client):
    owner, need, pa, app_id, version = await accepted()
    await submit(client, "/login", {"email": owner.email, "password": PASSWORD})
    page_path = f"/needs/{need['id']}/applications/{app_id}"
    page = await client.get(page_path)
    booked = await client.post(
        f"{page_path}/interview",
        data={"version": str(version), **interview_form(), "_csrf_token": csrf_token(page.text)},
    )
    assert booked.status_code in (302, 303)
    page = await client.get(page_path)
    assert "should the need stay open for the rest once" in page.text
    row = await Application.select().where(Application.id == app_id).first()
    today = london_today()
    offer = {
        "version": str(row["version"]),
        "start_date_day": str(today.day),
        "start_date_month": str(today.month),
        "start_date_year": str(today.year),
        "hours_per_week": "5",
        "rate": "13.50",
        "_csrf_token": csrf_token(page.text),
    }
    asked = await client.post(f"{page_path}/offer", data=offer)
    assert asked.status_code == 422
    assert 'href="#offer-keep-need-open"' in asked.text
    assert '<p id="offer-keep-need-open-error" class="govuk-error-message">' in asked.text
    assert 'value="5"' in asked.text and 'value="13.50"' in asked.text
    made = await client.post(
        f"{page_path}/offer", data={**offer, "keep_need_open": "yes", "_csrf_token": csrf_token(asked.text)}
    )
    assert made.status_code in (302, 303), made.text
    page = await client.get(page_path)
    assert "The need will stay open for them" in page.text
