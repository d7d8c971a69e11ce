"""The lists behind the figures: the register listing for staff (who was on the register at
the period's end, with skills, qualifications and the training current then), and the people
supported by name for admins only, each download audit-logged, with contacts counted as days
the service recorded something for the person."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime

from openpyxl import load_workbook

from market.audit.tables import AuditEvent
from market.matching.tables import Need
from market.reports import listings
from market.reports.periods import financial_year
from tests.matching.factories import make_need, make_recipient, make_user
from tests.reports.history import build
from tests.support import PASSWORD, submit


async def test_the_register_listing_at_the_end_of_each_year(database):
    history = await build()
    headings, rows = await listings.register_listing(financial_year(2024))
    assert headings[:3] == ["PA id", "Name", "District"]
    ids = {r[0] for r in rows}
    # 2024-25: A, B (approved 23:30 on 31 March 2025) and D (reinstated in February).
    assert ids == {history.pas[x] for x in "ABD"}
    _, later = await listings.register_listing(financial_year(2025))
    assert {r[0] for r in later} == {history.pas[x] for x in "ABE"}  # C suspended, D withdrawn
    a_row = next(r for r in later if r[0] == history.pas["A"])
    assert "Level 2" in a_row[5] or "level 2" in a_row[5].lower()


async def test_people_supported_by_name_for_admins_only_and_logged(client, make_client):
    person = await make_recipient(name="Rosa Private", postcode="PE1 1AB")
    need = await make_need(person, status="open")
    await Need.update({Need.opened_at: datetime(2025, 5, 1, 12, tzinfo=UTC)}).where(Need.id == need["id"])
    for day in (2, 2, 3):  # two events on 2 May, one on 3 May: two contacts
        await AuditEvent.insert(
            AuditEvent(
                action="need.updated",
                subject_type="need",
                subject_id=str(need["id"]),
                at=datetime(2025, 5, day, 10, tzinfo=UTC),
            )
        )
    headings, rows = await listings.people_supported_list(financial_year(2025))
    assert headings[-1] == "Contacts" and rows == [
        ["Rosa Private", None, "Adult (18 to 64)", "Not given", "Not given", "Not given", "PE1 1AB", 2]
    ]

    staff = await make_user("staff")
    await submit(client, "/login", {"email": staff.email, "password": PASSWORD})
    listing = await client.get("/staff/reports/register-listing.csv", params={"kind": "year", "year": "2025"})
    assert listing.status_code == 200
    assert next(csv.reader(io.StringIO(listing.text)))[0].startswith(
        "PAs on the register at the end of 2025-26"
    )
    page = await client.get("/staff/reports", params={"kind": "year", "year": "2025"})
    assert "people-supported.xlsx" not in page.text
    refused = await client.get(
        "/staff/reports/people-supported.xlsx", params={"kind": "year", "year": "2025"}
    )
    assert refused.status_code in (403, 404)

    admin_client = make_client()
    admin = await make_user("admin")
    await submit(admin_client, "/login", {"email": admin.email, "password": PASSWORD})
    page = await admin_client.get("/staff/reports", params={"kind": "year", "year": "2025"})
    assert "people-supported.xlsx" in page.text
    got = await admin_client.get(
        "/staff/reports/people-supported.xlsx", params={"kind": "year", "year": "2025"}
    )
    assert got.status_code == 200
    sheet = load_workbook(io.BytesIO(got.content)).active
    assert [c.value for c in sheet[2]][0] == "Rosa Private"
    logged = (
        await AuditEvent.select().where(AuditEvent.action == "reports.people_supported_downloaded").first()
    )
    assert logged is not None and logged["actor_id"] == admin.id
    assert date(2025, 4, 1).isoformat() in str(logged["detail"])


async def test_long_lists_are_read_a_few_ids_at_a_time(database, monkeypatch):
    """PostgreSQL takes at most 32,767 parameters a query: the lists ask in chunks."""
    from market.reports import people_figures

    await build()
    whole = await listings.register_listing(financial_year(2025))
    monkeypatch.setattr(listings, "CHUNK", 1)
    monkeypatch.setattr(people_figures, "CHUNK", 1)
    assert await listings.register_listing(financial_year(2025)) == whole
    person = await make_recipient(name="Ann")
    await make_need(person, status="open", opened_at=datetime(2025, 5, 1, tzinfo=UTC))
    assert (await people_figures.section(financial_year(2025), date(2026, 1, 1))).figures[0].value == 1
