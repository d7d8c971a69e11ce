"""Who sees what of a PA's DBS data: staff everything (and each look is recorded), the PA
their own status with the number masked and never staff's notes, everyone else the badge."""

import pytest

from market.audit.tables import AuditEvent
from market.dbs.tables import DBSApplication, DBSCheck, DBSFee
from tests.dbs.support import NUMBER, as_current, certificate, days_ago, permit
from tests.matching.factories import current, make_recipient
from tests.register.factories import make_pa
from tests.support import PASSWORD, submit

RATIONALE = "Discussed the circumstances in person; unrelated to the work."


async def test_the_pa_sees_their_masked_number_and_status_but_never_the_rationale(
    client, make_client, create_user
):
    staff = await as_current(await create_user("staff"))
    pa = await make_pa()
    await certificate(pa["id"], staff, result="disclosed", decision=None)
    await permit(staff)
    from market.dbs import checks, forms

    check_id = (await DBSCheck.select(DBSCheck.id).first())["id"]
    await checks.record_decision(
        pa["id"],
        check_id,
        forms.decision_input({"decision": "suitable", "rationale": RATIONALE}),
        actor=staff,
    )
    await submit(client, "/login", {"email": pa["email"], "password": PASSWORD})
    page = await client.get("/profile/dbs")
    assert page.status_code == 200
    assert "\u2022" * 8 + NUMBER[-4:] in page.text
    assert NUMBER not in page.text
    assert RATIONALE not in page.text
    assert "Enhanced DBS with the adults&#39; barred list" in page.text
    api = await client.get("/api/v1/dbs/me")
    assert api.status_code == 200
    assert NUMBER not in api.text and RATIONALE not in api.text and "rationale" not in api.text
    assert api.json()["checks"][0]["certificate_number"].endswith("7890")


async def test_a_recipient_sees_only_the_badge_and_staff_pages_are_closed(client, login_as, create_user):
    staff = await as_current(await create_user("staff"))
    pa = await make_pa()
    await certificate(pa["id"], staff)
    user = await login_as("recipient")
    await make_recipient(user=current(user), postcode="PE1 1AB")  # the place they search from
    profile = await client.get(f"/pas/{pa['id']}")
    assert profile.status_code == 200
    assert "Enhanced DBS with the adults&#39; barred list, checked by staff on" in profile.text
    assert NUMBER[-4:] not in profile.text
    found = await client.get(
        "/api/v1/register/search", params={"postcode": "PE1 1AB", "dbs": "enhanced_adults"}
    )
    assert found.status_code == 200, found.text
    result = found.json()["results"][0]
    assert result["dbs"].startswith("Enhanced DBS with the adults' barred list, checked by staff on")
    assert NUMBER not in found.text
    children = await client.get(
        "/api/v1/register/search", params={"postcode": "PE1 1AB", "dbs": "enhanced_children"}
    )
    assert children.json()["total"] == 0
    wrong = await client.get("/api/v1/register/search", params={"postcode": "PE1 1AB", "dbs": "platinum"})
    assert wrong.status_code == 422 and wrong.json()["errors"]["dbs"] == "Choose a DBS check from the list"
    for path in (
        f"/staff/dbs/pa/{pa['id']}",
        "/staff/dbs",
        f"/api/v1/dbs/pa/{pa['id']}",
        "/profile/dbs",
        "/admin/dbs",
    ):
        assert (await client.get(path)).status_code == 403, path


async def test_another_pas_check_answers_404(client, make_client, create_user):
    staff = await as_current(await create_user("staff"))
    owner = await make_pa()
    other = await make_pa()
    check_id = await certificate(owner["id"], staff, update_service=True)
    await submit(client, "/login", {"email": other["email"], "password": PASSWORD})
    response = await submit(client, "/profile/dbs", {}, action=f"/profile/dbs/checks/{check_id}/consent")
    assert response.status_code == 404
    row = await DBSCheck.select(DBSCheck.consent_on).where(DBSCheck.id == check_id).first()
    assert row["consent_on"] is None
    staff_client = make_client()
    await submit(staff_client, "/login", {"email": staff.email, "password": PASSWORD})
    wrong = await staff_client.get(f"/staff/dbs/pa/{other['id']}")
    assert wrong.status_code == 200  # staff may open any PA's record ...
    step = await submit(
        staff_client,
        f"/staff/dbs/pa/{other['id']}",
        {"consent_on": days_ago(1).isoformat()},
        action=f"/staff/dbs/pa/{other['id']}/checks/{check_id}/consent",
    )
    assert step.status_code == 404  # ... but a check is only reached through its own PA


async def test_the_pa_consents_and_asks_for_a_check(client):
    pa = await make_pa()
    await submit(client, "/login", {"email": pa["email"], "password": PASSWORD})
    # A check can cost money: the first press only asks whether they are sure.
    first = await submit(
        client, "/profile/dbs", {"route": "own", "barred_lists": "both"}, action="/profile/dbs/request"
    )
    assert first.status_code == 200 and "Are you sure you want to ask for a DBS check?" in first.text
    assert "\u00a3" in first.text and 'name="confirm" value="yes"' in first.text
    assert await DBSApplication.count() == 0
    asked = await submit(
        client,
        "/profile/dbs",
        {"route": "own", "barred_lists": "both", "confirm": "yes"},
        action="/profile/dbs/request",
    )
    assert asked.status_code == 302
    row = await DBSApplication.select().first()
    assert (row["route"], row["level"], row["barred_lists"], row["workforce"]) == (
        "own",
        "enhanced",
        "both",
        "adult_and_child",
    )
    again = await submit(
        client,
        "/profile/dbs",
        {"route": "service", "barred_lists": "adults", "confirm": "yes"},
        action="/profile/dbs/request",
    )
    assert again.status_code == 409
    assert "You already have an application in progress" in again.text
    employer = await submit(
        client, "/profile/dbs", {"route": "employer", "barred_lists": "adults"}, action="/profile/dbs/request"
    )
    assert employer.status_code == 422
    assert "Select how the check will be applied for" in employer.text


async def test_the_public_dbs_page_shows_the_fees_an_admin_keeps(client, login_as):
    info = await client.get("/dbs")
    assert info.status_code == 200
    assert "\u00a349.50" in info.text and "21 January 2026" in info.text
    await login_as("admin")
    bad = await submit(
        client,
        "/admin/dbs",
        {
            "amount_enhanced": "lots",
            "amount_basic": "21.50",
            "amount_standard": "21.50",
            "amount_update_service": "16",
        },
        action="/admin/dbs/fees",
    )
    assert bad.status_code == 422
    assert (
        "Enter the fee for the enhanced check (with or without barred lists) in pounds, like 49.50"
        in bad.text
    )
    assert 'value="lots"' in bad.text
    assert (await DBSFee.select(DBSFee.amount_pence).where(DBSFee.code == "enhanced").first())[
        "amount_pence"
    ] == 4950
    good = await submit(
        client,
        "/admin/dbs",
        {
            "amount_enhanced": "54.00",
            "amount_basic": "21.50",
            "amount_standard": "21.50",
            "amount_update_service": "16",
        },
        action="/admin/dbs/fees",
    )
    assert good.status_code == 302
    assert "\u00a354.00" in (await client.get("/dbs")).text
    assert await AuditEvent.count().where(AuditEvent.action == "dbs.fees_updated") == 1


async def test_an_admin_gives_and_removes_the_dbs_permission(client, login_as, create_user):
    await login_as("admin")
    staff = await create_user("staff")
    recipient = await create_user("recipient")
    refused = await submit(client, "/admin/dbs", {"email": recipient.email}, action="/admin/dbs/permissions")
    assert refused.status_code == 422
    assert "There is no staff or admin account with that email address" in refused.text
    given = await submit(
        client, "/admin/dbs", {"email": staff.email.upper()}, action="/admin/dbs/permissions"
    )
    assert given.status_code == 302
    page = await client.get("/admin/dbs")
    assert staff.email in page.text
    removed = await submit(client, "/admin/dbs", {}, action=f"/admin/dbs/permissions/{staff.id}/remove")
    assert removed.status_code == 302
    assert staff.email not in (await client.get("/admin/dbs")).text
    actions = [
        r["action"]
        for r in await AuditEvent.select(AuditEvent.action).where(AuditEvent.subject_type == "user")
    ]
    assert "dbs.permission_granted" in actions and "dbs.permission_removed" in actions


@pytest.mark.parametrize("role", ["pa", "recipient", "trainer"])
async def test_no_role_but_staff_ever_receives_the_certificate_number(client, login_as, create_user, role):
    staff = await as_current(await create_user("staff"))
    pa = await make_pa()
    check_id = await certificate(pa["id"], staff, update_service=True)
    user = await login_as(role)
    if role == "recipient":
        await make_recipient(user=current(user), postcode="PE1 1AB")  # so their search is answered
    paths = [
        f"/pas/{pa['id']}",
        f"/api/v1/register/pas/{pa['id']}",
        "/api/v1/register/search?postcode=PE1+1AB",
        "/search?postcode=PE1+1AB",
        "/profile/dbs",
        "/api/v1/dbs/me",
        "/staff/dbs",
        f"/staff/dbs/pa/{pa['id']}",
        f"/staff/dbs/pa/{pa['id']}/access",
        f"/api/v1/dbs/pa/{pa['id']}",
        "/api/v1/dbs/worklist",
        "/dbs",
    ]
    for path in paths:
        response = await client.get(path)
        assert NUMBER not in response.text, path
        assert response.status_code in (200, 403, 404), (path, response.status_code)
        if path.startswith(("/staff", "/api/v1/dbs/pa", "/api/v1/dbs/worklist")):
            assert response.status_code == 403, path
    assert check_id
