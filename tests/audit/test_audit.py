from market.audit import services as audit
from market.audit.tables import AuditEvent
from tests.support import PASSWORD, submit


async def test_staff_filter_the_audit_log(client, login_as, create_user):
    pa = await create_user("pa")
    await submit(client, "/login", {"email": pa.email, "password": "wrong password!"})
    await login_as("staff")
    page = await client.get("/staff/audit")
    assert page.status_code == 200
    # Actions in words, in the table and the filter alike; the codes only as the filter's values.
    assert "Sign-in failed" in page.text and "Signed in" in page.text
    assert '<option value="account.login_failed">Sign-in failed</option>' in page.text
    assert ">account.login_failed<" not in page.text

    failed = await client.get("/staff/audit", params={"action": "account.login_failed"})
    assert "Sign-in failed" in failed.text
    assert "Showing 1 event" in failed.text
    by_record = await client.get("/staff/audit", params={"subject_type": "user", "subject_id": str(pa.id)})
    assert "Account created by an admin" in by_record.text or "Signed up" in by_record.text


async def test_the_dates_are_day_month_and_year_boxes(client, login_as):
    await login_as("staff")
    form = await client.get("/staff/audit")
    assert 'type="date"' not in form.text
    for name in ("date_from_day", "date_from_month", "date_from_year", "date_to_day"):
        assert f'name="{name}"' in form.text
    today = await client.get(
        "/staff/audit", params={"date_from_day": "1", "date_from_month": "1", "date_from_year": "2020"}
    )
    assert today.status_code == 200 and "Showing" in today.text


async def test_bad_dates_are_named_per_field_and_kept(client, login_as):
    await login_as("staff")
    page = await client.get(
        "/staff/audit",
        params={"date_from_day": "31", "date_from_month": "2", "date_from_year": "2026", "date_to_day": "4"},
    )
    assert page.status_code == 422
    # Each in the summary and beside its own field.
    assert page.text.count("The start date must be a real date") == 2
    assert page.text.count("The end date must include a month and a year") == 2
    assert 'value="31"' in page.text and 'href="#date-from"' in page.text and 'href="#date-to"' in page.text
    backwards = await client.get(
        "/staff/audit",
        params={
            **{"date_from_day": "25", "date_from_month": "11", "date_from_year": "2026"},
            **{"date_to_day": "1", "date_to_month": "11", "date_to_year": "2026"},
        },
    )
    assert "The end date must be the same as or after the start date" in backwards.text


async def test_the_log_is_paged_and_says_how_many(client, login_as, database):
    for number in range(120):
        await audit.record("test.thing", subject_type="thing", subject_id=number)
    await login_as("staff")
    first = await client.get("/staff/audit", params={"action": "test.thing"})
    assert "Showing 1 to 50 of 120 events" in first.text
    assert 'href="/staff/audit?action=test.thing&amp;page=3"' in first.text
    last = await client.get("/staff/audit", params={"action": "test.thing", "page": "3"})
    assert "Showing 101 to 120 of 120 events" in last.text
    # A page past the end shows the last one.
    beyond = await client.get("/staff/audit", params={"action": "test.thing", "page": "9"})
    assert "Showing 101 to 120 of 120 events" in beyond.text
    # The unknown code reads as its area and words.
    assert "Test: thing" in first.text


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
