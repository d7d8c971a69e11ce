"""Data minimisation: certificate numbers and dates of birth in full only for staff with the
DBS permission; other staff see them masked, on the page and in the API alike. Every view,
of either kind, is in the audit log."""

from __future__ import annotations

import msgspec

from market.audit.tables import AuditEvent
from market.dbs import checks, forms, records
from tests.dbs.support import NUMBER, as_current, certificate, check_row, permit
from tests.register.factories import make_pa
from tests.support import PASSWORD, csrf_token, submit

MASKED = "\u2022" * 8 + NUMBER[-4:]
BORN = "1980-05-17"  # what tests.dbs.support records for a check ready for status checks


async def views(profile_id: int, actor_id: int) -> list[dict]:
    return await AuditEvent.select(AuditEvent.detail).where(
        (AuditEvent.action == "dbs.viewed")
        & (AuditEvent.subject_id == str(profile_id))
        & (AuditEvent.actor_id == actor_id)
    )


def full_details_of(event: dict) -> bool:
    detail = event["detail"]
    return (msgspec.json.decode(detail) if isinstance(detail, str) else detail)["full_details"]


async def test_staff_without_the_permission_see_the_number_and_birth_date_masked(database, create_user):
    holder = await as_current(await create_user("staff"))
    reader = await as_current(await create_user("staff"))
    pa = await make_pa()
    await certificate(pa["id"], holder, update_service=True, ready_for_status_checks=True)

    masked = await records.staff_record(pa["id"], reader, database)
    assert masked.full_details is False
    check = masked.checks[0]
    assert (check.certificate_number, check.holder_birth_date, check.holder_birth_year) == (
        MASKED,
        None,
        1980,
    )
    sent = msgspec.json.encode(masked).decode()
    assert NUMBER not in sent and BORN not in sent

    full = await records.staff_record(pa["id"], holder, database)
    assert full.full_details is True
    check = full.checks[0]
    assert (check.certificate_number, check.holder_birth_date.isoformat(), check.holder_birth_year) == (
        NUMBER,
        BORN,
        1980,
    )
    assert [full_details_of(e) for e in await views(pa["id"], reader.id)] == [False]
    assert [full_details_of(e) for e in await views(pa["id"], holder.id)] == [True]


async def test_the_page_and_the_api_mask_for_staff_without_the_permission(client, make_client, create_user):
    holder = await as_current(await create_user("staff"))
    reader = await create_user("staff")
    pa = await make_pa()
    await certificate(pa["id"], holder, update_service=True, ready_for_status_checks=True)
    page = f"/staff/dbs/pa/{pa['id']}"

    await submit(client, "/login", {"email": reader.email, "password": PASSWORD})
    shown = await client.get(page)
    assert shown.status_code == 200
    assert MASKED in shown.text and "only staff with the DBS permission see the full number" in shown.text
    assert "born \u2022\u2022 \u2022\u2022\u2022 1980" in shown.text
    assert NUMBER not in shown.text and "17 May 1980" not in shown.text
    assert 'value="1980"' not in shown.text  # nor is the holder form filled with the date
    api = await client.get(f"/api/v1/dbs/pa/{pa['id']}")
    assert api.status_code == 200
    assert api.json()["full_details"] is False
    assert api.json()["checks"][0]["certificate_number"] == MASKED
    assert api.json()["checks"][0]["holder_birth_date"] is None
    assert NUMBER not in api.text and BORN not in api.text

    other = make_client()
    await submit(other, "/login", {"email": holder.email, "password": PASSWORD})
    shown = await other.get(page)
    assert NUMBER in shown.text and "17 May 1980" in shown.text and 'value="1980"' in shown.text
    api = await other.get(f"/api/v1/dbs/pa/{pa['id']}")
    assert api.json()["full_details"] is True
    assert api.json()["checks"][0]["certificate_number"] == NUMBER
    assert api.json()["checks"][0]["holder_birth_date"] == BORN

    # Both kinds of look are recorded: two by each reader.
    assert len(await views(pa["id"], reader.id)) == 2
    assert len(await views(pa["id"], holder.id)) == 2


async def test_a_blank_birth_date_from_staff_without_the_permission_keeps_the_recorded_one(
    client, create_user
):
    holder = await as_current(await create_user("staff"))
    reader = await create_user("staff")
    pa = await make_pa()
    check_id = await certificate(pa["id"], holder, update_service=True, ready_for_status_checks=True)
    await submit(client, "/login", {"email": reader.email, "password": PASSWORD})
    page = f"/staff/dbs/pa/{pa['id']}"
    token = csrf_token((await client.get(page)).text)
    joined = (await check_row(check_id))["update_service_joined_on"]
    saved = await client.post(
        f"{page}/checks/{check_id}/holder",
        data={
            "_csrf_token": token,
            "update_service": "yes",
            "update_service_joined_on_day": str(joined.day),
            "update_service_joined_on_month": str(joined.month),
            "update_service_joined_on_year": str(joined.year),
            "holder_surname": "Newname",
        },
    )
    assert saved.status_code == 302, saved.text
    row = await check_row(check_id)
    assert (row["holder_surname"], row["holder_birth_date"].isoformat()) == ("Newname", BORN)

    # Staff with the permission see the date, so a blank from them still clears it.
    await checks.update_holder(
        pa["id"],
        check_id,
        forms.holder_input({"update_service": "yes", "update_service_joined_on": joined.isoformat()}),
        actor=holder,
    )
    assert (await check_row(check_id))["holder_birth_date"] is None


async def test_a_granted_permission_shows_the_full_details_at_once(database, create_user):
    staff = await as_current(await create_user("staff"))
    pa = await make_pa()
    await certificate(pa["id"], staff, decision=None)
    assert (await records.staff_record(pa["id"], staff, database)).checks[0].certificate_number == MASKED
    await permit(staff)
    assert (await records.staff_record(pa["id"], staff, database)).checks[0].certificate_number == NUMBER
