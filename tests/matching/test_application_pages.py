"""The pipeline's pages after an invitation is accepted: the need's side books an interview
(errors named by field, input kept), both sides download the calendar file, the offer is
made and accepted by the PA, the checklist is done, the PA starts; strangers get 404."""

from __future__ import annotations

from datetime import date, timedelta

from market.clock import utcnow
from market.matching.tables import Application, Appointment, Interview, Need
from tests.matching.test_appointments import accepted, interview_form
from tests.register.factories import make_pa
from tests.support import PASSWORD, csrf_token, submit


async def _post(client, page_path: str, action: str, data: dict[str, str]):
    page = await client.get(page_path)
    assert page.status_code == 200, page.text
    return await client.post(action, data={**data, "_csrf_token": csrf_token(page.text)})


async def test_interview_offer_checklist_start_through_the_pages(client, make_client):
    owner, need, pa, app_id, version = await accepted()
    await submit(client, "/login", {"email": owner.email, "password": PASSWORD})
    page_path = f"/needs/{need['id']}/applications/{app_id}"
    page = await client.get(page_path)
    assert page.status_code == 200 and "Book an interview" in page.text
    assert pa["email"] in page.text  # they accepted: the need's side may contact them

    bad = await _post(
        client,
        page_path,
        f"{page_path}/interview",
        {"version": str(version), "time": "13pm", "place": "Café Rouge"},
    )
    assert bad.status_code == 422
    assert "There is a problem" in bad.text and 'href="#book-day"' in bad.text
    assert "as a time of day, like 09:00, 9am" in bad.text and 'value="Café Rouge"' in bad.text  # input kept

    booked = await _post(
        client, page_path, f"{page_path}/interview", {"version": str(version), **interview_form()}
    )
    assert booked.status_code in (302, 303), booked.text
    interview = await Interview.select().where(Interview.application == app_id).first()
    ics = await client.get(f"{page_path}/interviews/{interview['id']}/interview.ics")
    assert ics.status_code == 200 and ics.headers["content-type"].startswith("text/calendar")
    assert "BEGIN:VEVENT" in ics.text

    pa_client = make_client()
    await submit(pa_client, "/login", {"email": pa["email"], "password": PASSWORD})
    listing = await pa_client.get("/interviews")
    assert listing.status_code == 200 and need["title"] in listing.text
    pa_ics = await pa_client.get(f"/invitations/{app_id}/interviews/{interview['id']}/interview.ics")
    assert pa_ics.status_code == 200 and "BEGIN:VEVENT" in pa_ics.text

    row = await Application.select().where(Application.id == app_id).first()
    start = date.today() + timedelta(days=20)
    offered = await _post(
        client,
        page_path,
        f"{page_path}/offer",
        {
            "version": str(row["version"]),
            "start_date_day": str(start.day),
            "start_date_month": str(start.month),
            "start_date_year": str(start.year),
            "hours_per_week": "8",
            "rate": "13.50",
        },
    )
    assert offered.status_code in (302, 303), offered.text

    invitation = await pa_client.get(f"/invitations/{app_id}")
    assert "Accept the offer" in invitation.text and "£13.50" in invitation.text
    row = await Application.select().where(Application.id == app_id).first()
    took = await pa_client.post(
        f"/invitations/{app_id}/accept-offer",
        data={"version": str(row["version"]), "_csrf_token": csrf_token(invitation.text)},
    )
    assert took.status_code in (302, 303), took.text
    assert (await Need.select(Need.status).where(Need.id == need["id"]).first())["status"] == "filled"

    page = await client.get(page_path)
    assert "Safe recruitment checklist" in page.text
    today = date.today()
    for item in (
        "identity",
        "right_to_work",
        "reference_1",
        "reference_2",
        "dbs_seen",
        "contract",
        "insurance",
    ):
        row = await Application.select().where(Application.id == app_id).first()
        done = await _post(
            client,
            page_path,
            f"{page_path}/checks/{item}",
            {
                "version": str(row["version"]),
                f"{item}_on_day": str(today.day),
                f"{item}_on_month": str(today.month),
                f"{item}_on_year": str(today.year),
            },
        )
        assert done.status_code in (302, 303), done.text
    row = await Application.select().where(Application.id == app_id).first()
    # Not before the start date (twenty days away) or the interview (in three).
    early = await _post(client, page_path, f"{page_path}/start", {"version": str(row["version"])})
    assert early.status_code == 422 and "The PA&#39;s start date is" in early.text
    await Appointment.update({Appointment.start_date: date.today()}).where(Appointment.application == app_id)
    early = await _post(client, page_path, f"{page_path}/start", {"version": str(row["version"])})
    assert early.status_code == 422 and "once it has happened" in early.text
    await Interview.update({Interview.starts_at: utcnow() - timedelta(hours=2)}).where(
        Interview.application == app_id
    )
    started = await _post(client, page_path, f"{page_path}/start", {"version": str(row["version"])})
    assert started.status_code in (302, 303), started.text
    page = await client.get(page_path)
    assert "Started" in page.text


async def test_starting_early_names_what_is_missing_and_a_stale_form_conflicts(client):
    owner, need, pa, app_id, version = await accepted()
    await submit(client, "/login", {"email": owner.email, "password": PASSWORD})
    page_path = f"/needs/{need['id']}/applications/{app_id}"
    first = await _post(
        client, page_path, f"{page_path}/interview", {"version": str(version), **interview_form()}
    )
    assert first.status_code in (302, 303)
    stale = await _post(
        client, page_path, f"{page_path}/interview", {"version": str(version), **interview_form()}
    )
    assert stale.status_code == 409 and "changed by someone else" in stale.text
    past = utcnow() - timedelta(days=1)
    row = await Application.select().where(Application.id == app_id).first()
    late = await _post(
        client, page_path, f"{page_path}/interview", {"version": str(row["version"]), **interview_form(past)}
    )
    assert late.status_code == 422 and "must be in the future" in late.text


async def test_strangers_get_404(client, make_client):
    owner, need, pa, app_id, version = await accepted()
    other = make_client()
    stranger_pa = await make_pa(name="Olly Other")
    await submit(other, "/login", {"email": stranger_pa["email"], "password": PASSWORD})
    assert (await other.get(f"/invitations/{app_id}")).status_code == 404
    recipient_client = make_client()
    from tests.matching.factories import make_user

    stranger = await make_user("recipient")
    await submit(recipient_client, "/login", {"email": stranger.email, "password": PASSWORD})
    assert (await recipient_client.get(f"/needs/{need['id']}/applications/{app_id}")).status_code == 404
    # A PA cannot reach the need's side at all.
    assert (await other.get(f"/needs/{need['id']}/applications/{app_id}")).status_code in (403, 404)


async def test_the_recipient_sees_interviews_coming_up_on_their_needs(client):
    owner, need, pa, app_id, version = await accepted()
    from market.matching.pipeline import forms, interviews

    await interviews.book(owner, app_id, version, forms.read_interview(interview_form()))
    await submit(client, "/login", {"email": owner.email, "password": PASSWORD})
    page = await client.get("/needs")
    assert page.status_code == 200
    assert "Interviews coming up" in page.text and f"/needs/{need['id']}/applications/{app_id}" in page.text
