"""The pipeline's JSON API: the need's side carries an application from shortlist to started
and the PA answers, each change under the version read (409), problems named (422), and
nothing that is not yours (404)."""

from __future__ import annotations

from datetime import date, timedelta

from market.clock import london_today, utcnow
from market.matching.tables import Appointment, Interview, Need
from tests.matching.factories import make_need, make_recipient, make_user
from tests.register.factories import make_pa
from tests.support import PASSWORD, submit


async def test_the_whole_pipeline_by_api(client, make_client):
    owner = await make_user("recipient")
    recipient = await make_recipient(user=owner, name="Rosa Private", postcode="PE1 1AB")
    need = await make_need(recipient, title="Morning support", hours_per_week=8)
    await Need.update({Need.status: "open"}).where(Need.id == need["id"])
    pa = await make_pa(name="Nina Near", postcode="PE1 1BF")
    await submit(client, "/login", {"email": owner.email, "password": PASSWORD})
    pa_client = make_client()
    await submit(pa_client, "/login", {"email": pa["email"], "password": PASSWORD})
    base = f"/api/v1/needs/{need['id']}/applications"

    created = await client.post(base, json={"profile_id": pa["id"]})
    assert created.status_code == 201, created.text
    app = created.json()["application"]
    assert app["stage"] == "shortlisted" and app["history"][0]["to_stage"] == "shortlisted"
    assert (await pa_client.get(f"/api/v1/invitations/{app['id']}")).status_code == 404  # not told yet

    async def act(body: dict, *, who=client, path=None, expect=201):
        answer = await who.post(path or f"{base}/{app['id']}/actions", json=body)
        assert answer.status_code == expect, answer.text
        return answer.json()

    detail = await act({"action": "invite", "version": 1})
    assert detail["application"]["stage"] == "invited"
    seen = await pa_client.get(f"/api/v1/invitations/{app['id']}")
    assert seen.status_code == 200 and "Rosa" not in seen.text and "1AB" not in seen.text
    invite_path = f"/api/v1/invitations/{app['id']}/actions"
    await act({"action": "accept", "version": 2}, who=pa_client, path=invite_path)

    soon = (utcnow() + timedelta(days=4)).date()
    problem = await act(
        {"action": "book_interview", "version": 3, "mode": "video", "place": "zoom"}, expect=422
    )
    assert {"day", "time", "minutes", "place"} <= set(problem["errors"])
    detail = await act(
        {
            "action": "book_interview",
            "version": 3,
            "date": soon.isoformat(),
            "time": "10:00:00",
            "minutes": 45,
            "mode": "video",
            "place": "https://meet.example/rosa",
        }
    )
    assert detail["application"]["stage"] == "interview" and detail["interviews"][0]["minutes"] == 45
    interview_id = detail["interviews"][0]["id"]
    stale = await act({"action": "cancel_interview", "version": 3, "interview_id": interview_id}, expect=409)
    assert "changed by someone else" in stale["detail"]
    detail = await act(
        {"action": "interview_notes", "version": 4, "interview_id": interview_id, "notes": "Kind"}
    )
    start = (date.today() + timedelta(days=14)).isoformat()
    detail = await act(
        {"action": "offer", "version": 5, "start_date": start, "hours_per_week": 8, "rate_pence": 1350}
    )
    assert detail["appointment"]["rate_pence"] == 1350
    offered = await pa_client.get(f"/api/v1/invitations/{app['id']}")
    assert offered.json()["offer"]["hours_per_week"] == 8
    await act({"action": "accept_offer", "version": 6}, who=pa_client, path=invite_path)

    version = 7
    for item in ("identity", "right_to_work", "reference_1", "reference_2", "dbs_seen", "contract"):
        detail = await act(
            {"action": "check", "version": version, "item": item, "done_on": date.today().isoformat()}
        )
        version += 1
    early = await act({"action": "start", "version": version}, expect=422)
    assert "Employer's liability insurance" in early["errors"]["checklist"]
    staff_client = make_client()
    staff = await make_user("staff")
    await submit(staff_client, "/login", {"email": staff.email, "password": PASSWORD})
    await act(
        {
            "action": "override_check",
            "version": version,
            "item": "insurance",
            "reason": "Policy renewing today",
        },
        who=staff_client,
    )
    # Not before the start date (two weeks away), nor before the interview (in four days).
    early = await act({"action": "start", "version": version + 1}, expect=422)
    assert "record that they started on or after that day" in early["errors"]["checklist"]
    await Appointment.update({Appointment.start_date: london_today()}).where(
        Appointment.application == app["id"]
    )
    early = await act({"action": "start", "version": version + 1}, expect=422)
    assert "once it has happened" in early["errors"]["checklist"]
    await Interview.update({Interview.starts_at: utcnow() - timedelta(hours=2)}).where(
        Interview.id == interview_id
    )
    detail = await act({"action": "start", "version": version + 1})
    assert detail["application"]["stage"] == "started"
    assert detail["appointment"]["complete"] and detail["appointment"]["started"]

    stranger = make_client()
    other = await make_user("recipient")
    await submit(stranger, "/login", {"email": other.email, "password": PASSWORD})
    assert (await stranger.get(f"{base}/{app['id']}")).status_code == 404
    assert (
        await stranger.post(f"{base}/{app['id']}/actions", json={"action": "start", "version": 1})
    ).status_code == 404
