"""School years and their periods kept by an admin: the rules (each bad case named next to
its field, nothing saved), the audit log, the change log and the role guard."""

from __future__ import annotations

from datetime import date

import pytest

from market.audit.tables import AuditEvent
from market.errors import Invalid
from market.register import changes
from market.register.tables import ProfileChange
from market.terms import years
from market.terms.schemas import PeriodInput, SchoolYearInput
from market.terms.tables import SchoolPeriod, SchoolYear
from tests.support import submit

SOURCE = "Peterborough City Council, school term dates 2025 to 2026"


class Admin:
    id, email, role = 1, "admin@example.org", "admin"


def year_input(name="2025 to 2026", first=date(2025, 9, 1), last=date(2026, 8, 31), source=SOURCE):
    return SchoolYearInput(name=name, first_day=first, last_day=last, source=source)


def period_input(kind="term", first=date(2025, 9, 1), last=date(2025, 12, 19), name="Autumn term"):
    return PeriodInput(kind=kind, first_day=first, last_day=last, name=name)


async def _year_with_autumn(database) -> int:
    year_id = await years.add_year(year_input(), actor=Admin())
    await years.add_period(year_id, period_input(), actor=Admin())
    await years.add_period(
        year_id, period_input("holiday", date(2025, 12, 22), date(2026, 1, 2), "Christmas"), actor=Admin()
    )
    return year_id


def _dates(prefix: str, day: date) -> dict[str, str]:
    return {f"{prefix}_day": str(day.day), f"{prefix}_month": str(day.month), f"{prefix}_year": str(day.year)}


async def test_a_year_and_its_periods_are_kept_audited_and_logged_for_everyone(database):
    before = await changes.newest()
    year_id = await _year_with_autumn(database)
    await years.add_period(
        year_id, period_input("half_term", date(2025, 10, 27), date(2025, 10, 31), ""), actor=Admin()
    )
    await years.add_period(
        year_id, period_input("inset", date(2025, 9, 1), date(2025, 9, 1), "Training day"), actor=Admin()
    )
    year = await years.school_year(year_id)
    assert [p.name for p in year.periods] == ["Autumn term", "Training day", "Half term", "Christmas"]
    entries = await changes.entries(before)
    assert len(entries) == 5 and {p for _, p in entries} == {changes.EVERYONE}
    actions = [r["action"] for r in await AuditEvent.select(AuditEvent.action).order_by(AuditEvent.id)]
    assert actions == ["terms.year_added"] + ["terms.period_added"] * 4


async def test_every_edit_touches_the_change_log_in_its_transaction(database):
    year_id = await _year_with_autumn(database)
    term = (await years.school_year(year_id)).periods[0]
    for edit in (
        years.update_year(year_id, year_input(source="The council's page"), actor=Admin()),
        years.update_period(year_id, term.id, period_input(last=date(2025, 12, 18)), actor=Admin()),
        years.delete_period(year_id, term.id, actor=Admin()),
        years.delete_year(year_id, actor=Admin()),
    ):
        before = await changes.newest()
        await edit
        assert [p for _, p in await changes.entries(before)] == [changes.EVERYONE]
    assert not await SchoolYear.exists() and not await SchoolPeriod.exists()
    # A refused edit writes nothing, not even the change log.
    year_id = await _year_with_autumn(database)
    before = await ProfileChange.count()
    with pytest.raises(Invalid):
        await years.add_period(year_id, period_input(last=date(2025, 8, 1)), actor=Admin())
    assert await ProfileChange.count() == before


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (
            period_input(first=date(2025, 12, 19), last=date(2025, 9, 1)),
            "last_day",
            "The last day must be the same as or after the first day",
        ),
        (
            period_input("term", date(2026, 1, 1), date(2026, 3, 27), "Spring term"),
            "first_day",
            "This term overlaps Christmas (22 December 2025 to 2 January 2026): a term cannot include a holiday",
        ),
        (
            period_input("holiday", date(2025, 12, 15), date(2025, 12, 21), "Early Christmas"),
            "first_day",
            "This holiday overlaps Autumn term",
        ),
        (
            period_input("term", date(2025, 11, 1), date(2025, 11, 30), "Another term"),
            "first_day",
            "This term overlaps Autumn term",
        ),
        (
            period_input("holiday", date(2026, 8, 1), date(2026, 9, 3), "Summer"),
            "last_day",
            "The dates must be within the school year 2025 to 2026 (1 September 2025 to 31 August 2026)",
        ),
        (
            period_input("half_term", date(2025, 8, 25), date(2025, 8, 29), ""),
            "first_day",
            "The dates must be within the school year",
        ),
    ],
    ids=[
        "ends-before-it-starts",
        "term-overlaps-holiday",
        "holiday-overlaps-term",
        "terms-overlap",
        "after-the-year",
        "before-the-year",
    ],
)
async def test_a_bad_period_is_refused_by_field_and_nothing_is_saved(database, data, field, message):
    year_id = await _year_with_autumn(database)
    with pytest.raises(Invalid) as refused:
        await years.add_period(year_id, data, actor=Admin())
    assert message in refused.value.errors[field]
    assert await SchoolPeriod.count() == 2


async def test_half_terms_and_inset_days_inside_a_term_are_fine(database):
    year_id = await _year_with_autumn(database)
    await years.add_period(
        year_id, period_input("half_term", date(2025, 10, 27), date(2025, 10, 31), ""), actor=Admin()
    )
    await years.add_period(
        year_id, period_input("inset", date(2025, 12, 19), date(2025, 12, 19), ""), actor=Admin()
    )
    assert await SchoolPeriod.count() == 4


async def test_school_years_cannot_overlap_nor_end_before_they_start(database):
    await years.add_year(year_input(), actor=Admin())
    with pytest.raises(Invalid) as overlapping:
        await years.add_year(year_input("2026 to 2027", date(2026, 8, 1), date(2027, 8, 31)), actor=Admin())
    assert "overlap the school year 2025 to 2026" in overlapping.value.errors["first_day"]
    with pytest.raises(Invalid) as backwards:
        await years.add_year(year_input("2027 to 2028", date(2028, 8, 31), date(2027, 9, 1)), actor=Admin())
    assert backwards.value.errors["last_day"] == "The last day must be the same as or after the first day"
    with pytest.raises(Invalid) as same:
        await years.add_year(year_input("2025 TO 2026", date(2030, 9, 1), date(2031, 8, 31)), actor=Admin())
    assert "There is already a school year called" in same.value.errors["name"]
    assert await SchoolYear.count() == 1


async def test_a_year_cannot_shrink_past_its_periods(database):
    year_id = await _year_with_autumn(database)
    with pytest.raises(Invalid) as refused:
        await years.update_year(year_id, year_input(first=date(2025, 9, 2)), actor=Admin())
    assert (
        "Autumn term (1 September 2025 to 19 December 2025) is outside these dates"
        in refused.value.errors["first_day"]
    )
    assert (await years.school_year(year_id)).first_day == date(2025, 9, 1)


async def test_only_admins_keep_the_school_terms(client, login_as):
    for path in ("/admin/terms", "/admin/terms/new", "/admin/terms/import"):
        assert (await client.get(path)).status_code == 302  # signed out: to the sign-in page
    await login_as("staff")
    for path in ("/admin/terms", "/admin/terms/new", "/admin/terms/import", "/admin/terms/1"):
        assert (await client.get(path)).status_code == 403


async def test_the_admin_pages_add_change_and_delete_a_year_and_its_dates(client, login_as):
    await login_as("admin")
    form = {
        "name": "2025 to 2026",
        "source": SOURCE,
        **_dates("first_day", date(2025, 9, 1)),
        **_dates("last_day", date(2026, 8, 31)),
    }
    added = await submit(client, "/admin/terms/new", form, action="/admin/terms")
    assert added.status_code in (302, 303)
    page = added.headers["location"]
    year_id = int(page.split("/")[3].split("?")[0])
    shown = await client.get(page)
    assert "2025 to 2026" in shown.text and "The school year has been added" in shown.text
    term = {
        "kind": "term",
        "name": "Autumn term",
        **_dates("first_day", date(2025, 9, 1)),
        **_dates("last_day", date(2025, 12, 19)),
    }
    new_period = f"/admin/terms/{year_id}/periods/new"
    assert (await submit(client, new_period, term, action=f"/admin/terms/{year_id}/periods")).status_code in (
        302,
        303,
    )
    # A holiday in the term: the error beside its field, the input kept, nothing saved.
    holiday = {
        "kind": "holiday",
        "name": "Bonfire week",
        **_dates("first_day", date(2025, 11, 3)),
        **_dates("last_day", date(2025, 11, 7)),
    }
    refused = await submit(client, new_period, holiday, action=f"/admin/terms/{year_id}/periods")
    assert refused.status_code == 422
    assert "This holiday overlaps Autumn term" in refused.text
    assert 'href="#first-day"' in refused.text and 'value="Bonfire week"' in refused.text
    assert await SchoolPeriod.count() == 1
    backwards = {**term, **_dates("last_day", date(2025, 8, 1))}
    refused = await submit(client, new_period, backwards, action=f"/admin/terms/{year_id}/periods")
    assert (
        refused.status_code == 422
        and "The last day must be the same as or after the first day" in refused.text
    )
    period_id = (await SchoolPeriod.select(SchoolPeriod.id).first())["id"]
    edit = f"/admin/terms/{year_id}/periods/{period_id}"
    assert (await submit(client, edit, {**term, "name": "Michaelmas"})).status_code in (302, 303)
    assert (await SchoolPeriod.select(SchoolPeriod.name).first())["name"] == "Michaelmas"
    assert (await submit(client, f"{edit}/delete", {})).status_code in (302, 303)
    changed = await submit(client, f"/admin/terms/{year_id}/edit", {**form, "source": "The council"})
    assert changed.status_code in (302, 303)
    assert (await SchoolYear.select(SchoolYear.source).first())["source"] == "The council"
    bad = await submit(
        client, f"/admin/terms/{year_id}/edit", {**form, **_dates("last_day", date(2025, 1, 1))}
    )
    assert bad.status_code == 422 and "The last day must be the same as or after the first day" in bad.text
    assert (await submit(client, f"/admin/terms/{year_id}/delete", {})).status_code in (302, 303)
    assert not await SchoolYear.exists()
    assert "No school years yet" in (await client.get("/admin/terms")).text
    actions = {r["action"] for r in await AuditEvent.select(AuditEvent.action)}
    assert {"terms.year_added", "terms.period_added", "terms.period_updated", "terms.period_deleted",
            "terms.year_updated", "terms.year_deleted"} <= actions  # fmt: skip
