"""Every report download is safe to open in a spreadsheet: a name or label that starts like a
formula is text (a quoted CSV cell, an XLSX string cell), and numbers stay numbers."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

from openpyxl import load_workbook

from market.matching.tables import Need
from market.register.tables import PAProfile, StatusChange
from market.reports import exports
from market.reports.figures import Breakdown, Figure, Section
from market.reports.periods import financial_year
from tests.matching.factories import make_need, make_recipient, make_user
from tests.register.factories import make_pa
from tests.support import PASSWORD, submit
from tests.test_spreadsheets import NASTY

PERIOD = financial_year(2025)
QUERY = {"kind": "year", "year": "2025"}

SECTION = Section(
    key="register",
    title="The register",
    figures=[Figure(key="register.x", title=NASTY[0], definition=NASTY[3], value=-2)],
    breakdowns=[
        Breakdown(
            key="register.by_skill",
            title="By skill",
            definition="Each PA once per skill.",
            heading="Skill",
            rows=[(name, 3) for name in NASTY],
        )
    ],
)


def _cells(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


def _as_read_back(name: str) -> str:
    return name.replace("\r", "\n")  # XML reads a carriage return back as a line feed


def test_section_csv_and_the_return_workbook():
    rows = _cells(exports.section_csv(SECTION, PERIOD))
    assert ["'" + NASTY[0], "-2", "", "'" + NASTY[3]] in rows  # the count stays a number
    for name in NASTY:
        assert ["'" + name, "3"] in rows
    book = load_workbook(io.BytesIO(exports.workbook([SECTION], PERIOD)))
    cells = [c for row in book["The register"].iter_rows() for c in row if c.value is not None]
    by_value = {c.value: c for c in cells}
    for name in NASTY:
        cell = by_value[_as_read_back(name)]
        assert cell.data_type == "s" and cell.quotePrefix
    assert by_value[-2].data_type == "n" and by_value[3].data_type == "n"
    assert all(c.data_type != "f" for sheet in book for row in sheet.iter_rows() for c in row)


def test_table_csv_and_xlsx():
    rows = [[number, name] for number, name in enumerate(NASTY, start=-1)]
    written = _cells(exports.table_csv("Title", ["Id", "Name"], rows))
    assert written[2:] == [[str(number), "'" + name] for number, name in rows]
    sheet = load_workbook(io.BytesIO(exports.table_xlsx("Title", ["Id", "Name"], rows))).active
    for (number, name), row in zip(rows, sheet.iter_rows(min_row=2), strict=True):
        assert row[0].value == number and row[0].data_type == "n"
        assert row[1].value == _as_read_back(name) and row[1].data_type == "s" and row[1].quotePrefix


async def test_the_register_listing_and_people_supported_downloads(client, make_client):
    approved = datetime(2025, 5, 1, 12, tzinfo=UTC)
    for name in NASTY:
        pa = await make_pa()
        await PAProfile.update({PAProfile.display_name: name}).where(PAProfile.id == pa["id"])
        await StatusChange.insert(
            StatusChange(profile=pa["id"], from_status="submitted", to_status="approved", changed_at=approved)
        )
        person = await make_recipient(name=name, postcode="PE1 1AB")
        need = await make_need(person, status="open")
        await Need.update({Need.opened_at: approved}).where(Need.id == need["id"])

    staff = await make_user("staff")
    await submit(client, "/login", {"email": staff.email, "password": PASSWORD})
    listing = await client.get("/staff/reports/register-listing.csv", params=QUERY)
    assert listing.status_code == 200
    rows = _cells(listing.text)[2:]
    assert sorted(row[1] for row in rows) == sorted("'" + name for name in NASTY)
    assert all(row[0].isdigit() for row in rows)  # the ids are numbers, not escaped

    admin_client = make_client()
    admin = await make_user("admin")
    await submit(admin_client, "/login", {"email": admin.email, "password": PASSWORD})
    got = await admin_client.get("/staff/reports/people-supported.xlsx", params=QUERY)
    assert got.status_code == 200
    sheet = load_workbook(io.BytesIO(got.content)).active
    names = [row[0] for row in sheet.iter_rows(min_row=2)]
    assert sorted(c.value for c in names) == sorted(_as_read_back(name) for name in NASTY)
    assert all(c.data_type == "s" and c.quotePrefix for c in names)
    assert all(row[-1].data_type == "n" for row in sheet.iter_rows(min_row=2))
