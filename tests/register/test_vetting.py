"""Vetting onto the register: submit, checks, references, decisions, suspension."""

from datetime import date

from market.audit.tables import AuditEvent
from market.mail.tables import OutboxEmail
from market.register.tables import PAProfile, StatusChange
from tests.register.factories import make_pa
from tests.support import submit


async def staff_records_everything(client, profile_id: int) -> None:
    page = f"/staff/vetting/{profile_id}"
    for kind in ("identity", "right_to_work", "interview"):
        done = await submit(
            client, page, {"kind": kind, "outcome": "satisfactory", "note": "seen"}, action=f"{page}/checks"
        )
        assert done.status_code == 302, done.text
    for name in ("Ann Referee", "Bob Referee"):
        await submit(
            client,
            page,
            {"referee_name": name, "relationship": "Former employer", "contact": "ref@example.org"},
            action=f"{page}/references",
        )
    from market.register.tables import Reference

    for ref in await Reference.select(Reference.id).where(Reference.profile == profile_id):
        await submit(client, page, {"outcome": "satisfactory"}, action=f"{page}/references/{ref['id']}")


async def test_a_pa_submits_and_staff_approve(client, login_as, make_client):
    pa_row = await make_pa(status="draft")
    pa = make_client()
    from tests.support import PASSWORD

    await submit(pa, "/login", {"email": pa_row["email"], "password": PASSWORD})
    profile_page = await pa.get("/profile")
    assert "Send my profile to the team" in profile_page.text
    sent = await submit(pa, "/profile", {}, action="/profile/submit")
    assert sent.headers["location"] == "/profile?done=submitted"
    assert "Waiting for checks" in (await pa.get("/profile")).text
    again = await submit(pa, "/profile", {}, action="/profile/submit")
    assert again.status_code == 409  # already sent

    await login_as("staff")
    queue = await client.get("/staff/vetting")
    assert "Waiting for checks (1)" in queue.text
    page = f"/staff/vetting/{pa_row['id']}"
    early = await submit(client, page, {"decision": "approve"}, action=f"{page}/decision")
    assert early.status_code == 422
    assert "Before approving, record: Identity documents seen: not yet satisfactory" in early.text
    assert "References: 0 of 2 satisfactory" in early.text

    await staff_records_everything(client, pa_row["id"])
    approved = await submit(client, page, {"decision": "approve"}, action=f"{page}/decision")
    assert approved.headers["location"] == f"{page}?done=approve"
    row = await PAProfile.select().where(PAProfile.id == pa_row["id"]).first()
    assert row["status"] == "approved" and row["approved_at"] is not None
    assert row["right_to_work_confirmed_at"] is not None
    assert row["review_due_on"] == date(
        row["approved_at"].year + 1, row["approved_at"].month, row["approved_at"].day
    )
    email = (
        await OutboxEmail.select()
        .where(OutboxEmail.to_address == pa_row["email"])
        .order_by(OutboxEmail.id, ascending=False)
        .first()
    )
    assert "You are on the" in email["subject"]
    assert "Vetted by" in (await pa.get("/profile")).text
    changes = await StatusChange.select(StatusChange.to_status).where(StatusChange.profile == pa_row["id"])
    assert [c["to_status"] for c in changes] == ["submitted", "approved"]
    assert await AuditEvent.exists().where(AuditEvent.action == "profile.approved")


async def test_asking_for_changes_needs_a_message_and_lets_the_pa_resubmit(client, login_as, make_client):
    pa_row = await make_pa(status="submitted")
    await login_as("staff")
    page = f"/staff/vetting/{pa_row['id']}"
    missing = await submit(client, page, {"decision": "changes"}, action=f"{page}/decision")
    assert missing.status_code == 422 and "Enter what the PA needs to change" in missing.text
    asked = await submit(
        client,
        page,
        {"decision": "changes", "reason": "Add more about your experience."},
        action=f"{page}/decision",
    )
    assert asked.status_code == 302
    row = await PAProfile.select().where(PAProfile.id == pa_row["id"]).first()
    assert (row["status"], row["status_reason"]) == ("changes_requested", "Add more about your experience.")
    from tests.support import PASSWORD

    pa = make_client()
    await submit(pa, "/login", {"email": pa_row["email"], "password": PASSWORD})
    assert "Add more about your experience." in (await pa.get("/profile")).text
    assert (await submit(pa, "/profile", {}, action="/profile/submit")).status_code == 302


async def test_suspend_and_reinstate_need_reasons_and_tell_the_pa(client, login_as):
    pa_row = await make_pa(status="approved")
    await login_as("staff")
    page = f"/staff/vetting/{pa_row['id']}"
    empty = await submit(client, page, {"reason": ""}, action=f"{page}/suspend")
    assert empty.status_code == 422 and "Enter the reason for suspending" in empty.text
    done = await submit(
        client, page, {"reason": "A safeguarding concern is being looked into."}, action=f"{page}/suspend"
    )
    assert done.status_code == 302
    assert (await PAProfile.select(PAProfile.status).where(PAProfile.id == pa_row["id"]).first())[
        "status"
    ] == "suspended"
    assert "Suspended (1)" in (await client.get("/staff/vetting")).text
    twice = await submit(client, page, {"reason": "again"}, action=f"{page}/suspend")
    assert twice.status_code == 409
    back = await submit(client, page, {"reason": "Concern resolved."}, action=f"{page}/reinstate")
    assert back.status_code == 302
    subjects = [
        r["subject"]
        for r in await OutboxEmail.select(OutboxEmail.subject).where(
            OutboxEmail.to_address == pa_row["email"]
        )
    ]
    assert (
        "Your profile has been suspended" in subjects and "Your profile is back on the register" in subjects
    )


async def test_checks_are_validated_and_staff_only(client, login_as):
    pa_row = await make_pa(status="submitted")
    await login_as("recipient")
    assert (await client.get(f"/staff/vetting/{pa_row['id']}")).status_code == 403
    await login_as("staff")
    page = f"/staff/vetting/{pa_row['id']}"
    bad = await submit(client, page, {"kind": "palm_reading"}, action=f"{page}/checks")
    assert bad.status_code == 422
    assert "Select which check you made" in bad.text and "Select the outcome" in bad.text
    ref = await submit(client, page, {"referee_name": "Ann"}, action=f"{page}/references")
    assert "Enter how the referee knows the PA" in ref.text
    assert (await client.get("/staff/vetting/999999")).status_code == 404
    other = await make_pa(status="submitted")
    await submit(
        client,
        page,
        {"referee_name": "Ann", "relationship": "Boss", "contact": "a@example.org"},
        action=f"{page}/references",
    )
    from market.register.tables import Reference

    ref_id = (await Reference.select(Reference.id).first())["id"]
    wrong = await submit(
        client, page, {"outcome": "satisfactory"}, action=f"/staff/vetting/{other['id']}/references/{ref_id}"
    )
    assert wrong.status_code == 404


async def test_an_incomplete_profile_cannot_be_sent(client, login_as):
    await login_as("pa")
    response = await submit(client, "/profile", {}, action="/profile/submit")
    assert response.status_code == 422
    assert "Complete these sections first" in response.text


async def test_the_vetting_lists_page_search_and_show_overdue_reviews(client, login_as):
    """Each list a page at a time, searched by name; a review past its date says overdue."""
    from datetime import timedelta

    from market.clock import london_today

    for number in range(55):
        await make_pa(name=f"Wendy Waiting{number}", status="submitted")
    late = await make_pa(name="Lara Late", status="approved")
    soon = await make_pa(name="Sam Soon", status="approved")
    today = london_today()
    await PAProfile.update({PAProfile.review_due_on: today - timedelta(days=3)}).where(
        PAProfile.id == late["id"]
    )
    await PAProfile.update({PAProfile.review_due_on: today + timedelta(days=10)}).where(
        PAProfile.id == soon["id"]
    )
    await login_as("staff")
    waiting = await client.get("/staff/vetting")
    assert "Waiting for checks (55)" in waiting.text and "Showing 1 to 50 of 55 PAs" in waiting.text
    assert 'href="/staff/vetting?show=submitted&amp;page=2"' in waiting.text
    assert "Showing 51 to 55 of 55 PAs" in (await client.get("/staff/vetting?page=2")).text
    found = await client.get("/staff/vetting", params={"q": "waiting5"})
    assert "Showing all 6 PAs" in found.text  # Waiting5 and Waiting50 to Waiting54
    reviews = await client.get("/staff/vetting", params={"show": "review"})
    assert "Showing all 2 PAs" in reviews.text
    assert reviews.text.count("Overdue</strong>") == 1
    late_row = reviews.text.split("Lara Late")[1].split("</tr>")[0]
    assert "Overdue" in late_row
