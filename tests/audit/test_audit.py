from market.audit import services as audit
from market.audit.tables import AuditEvent
from tests.support import PASSWORD, submit


async def test_staff_filter_the_audit_log(client, login_as, create_user):
    pa = await create_user("pa")
    await submit(client, "/login", {"email": pa.email, "password": "wrong password!"})
    await login_as("staff")
    page = await client.get("/staff/audit")
    assert page.status_code == 200
    assert "account.login_failed" in page.text and "account.login" in page.text

    failed = await client.get("/staff/audit", params={"action": "account.login_failed"})
    assert "account.login_failed" in failed.text
    assert "1 event" in failed.text
    by_record = await client.get("/staff/audit", params={"subject_type": "user", "subject_id": str(pa.id)})
    assert "account.created" in by_record.text


async def test_bad_dates_are_named_and_kept(client, login_as):
    await login_as("staff")
    page = await client.get("/staff/audit", params={"date_from": "2026-13-01", "date_to": "yesterday"})
    assert page.status_code == 422
    assert page.text.count("Enter a real date, like 2026-11-25") == 4  # summary + field, twice
    assert 'value="2026-13-01"' in page.text
    backwards = await client.get("/staff/audit", params={"date_from": "2026-11-25", "date_to": "2026-11-01"})
    assert "The end date must be the same as or after the start date" in backwards.text


async def test_audit_api_filters_and_pages(client, create_user, database):
    staff = await create_user("staff")
    for number in range(7):
        await audit.record("test.thing", subject_type="thing", subject_id=number, detail={"n": number})
    login = await client.post("/api/v1/auth/login", json={"email": staff.email, "password": PASSWORD})
    headers = {"Authorization": f"Bearer {login.json()['token']}"}
    response = await client.get(
        "/api/v1/audit", params={"action": "test.thing", "per_page": 5, "page": 2}, headers=headers
    )
    body = response.json()
    assert body["total"] == 7 and len(body["events"]) == 2
    assert body["events"][0]["detail"] == {"n": 1}
    bad = await client.get("/api/v1/audit", params={"date_from": "not a date"}, headers=headers)
    assert bad.status_code == 422 and "date_from" in bad.json()["errors"]


async def test_audit_is_for_staff_only(client, login_as):
    await login_as("recipient")
    assert (await client.get("/staff/audit")).status_code == 403
    assert await AuditEvent.count() > 0
