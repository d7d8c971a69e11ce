"""Importing school term dates from CSV: the demo file, bad rows by line with nothing
imported, a year replaced, the upload page."""

from __future__ import annotations

from datetime import date

from market.audit.tables import AuditEvent
from market.register import changes
from market.terms import importer, years
from market.terms.demo import DEMO_DATES, seed_terms
from market.terms.tables import SchoolPeriod, SchoolYear
from tests.support import csrf_token

HEAD = "school_year,kind,name,first_day,last_day,source\n"
GOOD = HEAD + (
    "2025 to 2026,school_year,,1 September 2025,31 August 2026,The council\n"
    "2025 to 2026,term,Autumn term,2025-09-01,19/12/2025,\n"
    "2025 to 2026,Half term,,Monday 27 October 2025,31 Oct 2025,\n"
    "2025 to 2026,holiday,Christmas,2025-12-22,2026-01-02,\n"
    "2025 to 2026,INSET day,,2025-09-01,2025-09-01,\n"
)
BAD = HEAD + (
    "2025 to 2026,school_year,,2025-09-01,2026-08-31,The council\n"  # 2: fine
    "2025 to 2026,term,Autumn term,2025-12-19,2025-09-01,\n"  # 3: ends before it starts
    "2025 to 2026,term,Spring term,2026-01-05,2026-03-27,\n"  # 4: fine
    "2025 to 2026,holiday,Easter,2026-03-23,2026-04-10,\n"  # 5: overlaps the spring term
    "2025 to 2026,holiday,Summer,2026-07-21,2026-09-04,\n"  # 6: past the year's end
    "2026 to 2027,school_year,,2026-08-01,2027-08-31,\n"  # 7: overlaps 2025 to 2026
    "2027 to 2028,term,Autumn term,2027-09-01,2027-12-17,\n"  # 8: no such year
    "2025 to 2026,fortnight,,2026-05-25,2026-05-29,\n"  # 9: not a kind
    "2025 to 2026,half_term,,31 February 2026,2026-03-01,\n"  # 10: not a real date
)


class Admin:
    id, email, role = 1, "admin@example.org", "admin"


async def test_a_good_file_is_imported_with_every_date_form(database):
    before = await changes.newest()
    report = await importer.import_csv(GOOD.encode(), file_name="t.csv", actor=Admin(), mode="all")
    assert report.problems == [] and report.imported
    (year,) = await years.school_years()
    assert (year.name, year.first_day, year.last_day, year.source) == (
        "2025 to 2026",
        date(2025, 9, 1),
        date(2026, 8, 31),
        "The council",
    )
    assert [(p.kind, p.name, p.first_day, p.last_day) for p in year.periods] == [
        ("term", "Autumn term", date(2025, 9, 1), date(2025, 12, 19)),
        ("inset", "INSET day", date(2025, 9, 1), date(2025, 9, 1)),
        ("half_term", "Half term", date(2025, 10, 27), date(2025, 10, 31)),
        ("holiday", "Christmas", date(2025, 12, 22), date(2026, 1, 2)),
    ]
    assert [p for _, p in await changes.entries(before)] == [changes.EVERYONE]
    assert await AuditEvent.count().where(AuditEvent.action == "terms.import") == 1


async def test_bad_rows_are_reported_by_line_and_nothing_is_imported(database):
    before = await changes.newest()
    report = await importer.import_csv(BAD.encode(), file_name="bad.csv", actor=Admin(), mode="all")
    assert not report.imported
    by_line = {(p.line, p.column): p.message for p in report.problems}
    assert sorted({line for line, _ in by_line}) == [3, 5, 6, 7, 8, 9, 10]
    assert by_line[(3, "last_day")] == "The last day must be the same as or after the first day"
    assert by_line[(5, "first_day")].startswith("This holiday overlaps Spring term")
    assert by_line[(5, "first_day")].endswith("(line 4)")
    assert by_line[(6, "last_day")].startswith("The dates must be within the school year 2025 to 2026")
    assert "school years cannot overlap" in by_line[(7, "first_day")]
    assert "2027 to 2028 is not a school year here yet" in by_line[(8, "school_year")]
    assert "“fortnight” is not a kind" in by_line[(9, "kind")]
    assert "must be a real date" in by_line[(10, "first_day")]
    assert not await SchoolYear.exists() and not await SchoolPeriod.exists()
    assert await changes.newest() == before
    assert await AuditEvent.count().where(AuditEvent.action == "terms.import") == 1


async def test_a_term_overlapping_a_holiday_in_a_file_is_refused(database):
    clash = HEAD + (
        "2025 to 2026,school_year,,2025-09-01,2026-08-31,The council\n"
        "2025 to 2026,holiday,Christmas,2025-12-15,2026-01-02,\n"
        "2025 to 2026,term,Autumn term,2025-09-01,2025-12-19,\n"
    )
    report = await importer.import_csv(clash.encode(), file_name="c.csv", actor=Admin(), mode="all")
    (problem,) = report.problems
    assert (problem.line, problem.column) == (4, "first_day")
    assert "a term cannot include a holiday" in problem.message
    assert not await SchoolYear.exists()


async def test_checking_writes_nothing_and_importing_again_replaces_the_year(database):
    checked = await importer.import_csv(GOOD.encode(), file_name="t.csv", actor=Admin(), mode="check")
    assert checked.problems == [] and not checked.imported and not await SchoolYear.exists()
    await importer.import_csv(GOOD.encode(), file_name="t.csv", actor=Admin(), mode="all")
    # The year is kept now: a file of its periods alone replaces them.
    again = HEAD + "2025 to 2026,term,Autumn term,2025-09-02,2025-12-19,\n"
    report = await importer.import_csv(again.encode(), file_name="a.csv", actor=Admin(), mode="all")
    assert report.problems == [] and report.imported
    (year,) = await years.school_years()
    assert [(p.name, p.first_day) for p in year.periods] == [("Autumn term", date(2025, 9, 2))]
    assert year.source == "The council"


async def test_the_demo_dates_are_peterboroughs_two_school_years_with_their_source(database):
    assert await seed_terms() == 2
    assert await seed_terms() == 0  # only once
    first, second = await years.school_years()
    assert (first.name, second.name) == ("2025 to 2026", "2026 to 2027")
    assert first.source.startswith("Peterborough City Council") and second.source.startswith(
        "Peterborough City Council"
    )
    assert len(first.periods) == 10 and len(second.periods) == 9
    assert DEMO_DATES.read_text().startswith("school_year,kind,name,first_day,last_day,source")


async def test_the_upload_page_imports_and_lists_problems(client, login_as):
    await login_as("admin")
    form = await client.get("/admin/terms/import")
    assert form.status_code == 200
    token = csrf_token(form.text)
    bad = await client.post(
        "/admin/terms/import",
        data={"mode": "all", "_csrf_token": token},
        files={"file": ("bad.csv", BAD.encode(), "text/csv")},
    )
    assert bad.status_code == 422
    assert "7 problems on 7 lines: nothing has been changed" in bad.text
    good = await client.post(
        "/admin/terms/import",
        data={"mode": "all", "_csrf_token": token},
        files={"file": ("good.csv", GOOD.encode(), "text/csv")},
    )
    assert good.status_code == 200 and "School term dates imported" in good.text
    assert await SchoolPeriod.count() == 4
    missing = await client.post("/admin/terms/import", data={"mode": "", "_csrf_token": token})
    assert missing.status_code == 422 and "Select a CSV file" in missing.text
    example = await client.get("/admin/terms/import/example.csv")
    assert example.status_code == 200 and "2026 to 2027" in example.text
