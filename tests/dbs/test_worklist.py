"""Staff's DBS worklist on a real database: checks overdue or falling due in 30, 60 and 90
days, stopped checks, decisions waiting, and stuck applications."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from itertools import count

import pytest

from market.accounts import services as accounts
from market.accounts.schemas import CurrentUser, NewUserInput
from market.clock import london_today
from market.dates import add_months
from market.dbs import applications, checks, forms, rules, worklist
from market.dbs.tables import DBSCheck
from tests.dbs.support import as_current, certificate, days_ago, iso, permit
from tests.register.factories import make_pa
from tests.support import PASSWORD

_numbers = count(1)


async def make_staff(*, permitted: bool = True) -> CurrentUser:
    number = next(_numbers)
    user = await accounts.create_user(
        NewUserInput(
            email=f"worklist.staff{number}@example.org",
            display_name=f"Staff Member {number}",
            role="staff",
            password=PASSWORD,
        )
    )
    if permitted:
        await permit(user)
    return await as_current(user)


def due_in(days: int) -> date:
    """The issue date of a certificate (no Update Service) whose last current day is ``days`` from today."""
    return add_months(london_today() + timedelta(days=days + 1), -36)


def band_of(work: worklist.Worklist, profile_id: int) -> str | None:
    """Which list the PA's check landed in: "overdue", "30", "60", "90", or None."""
    lists = {"overdue": work.overdue, **{str(band): rows for band, rows in work.due.items()}}
    found = [name for name, rows in lists.items() if any(r.profile_id == profile_id for r in rows)]
    assert len(found) <= 1, found
    return found[0] if found else None


async def pa_due_in(staff: CurrentUser, days: int, **options) -> int:
    pa = await make_pa(**options)
    await certificate(pa["id"], staff, issued_on=due_in(days))
    return pa["id"]


async def stop(profile_id: int, check_id: int, staff: CurrentUser, result: str = "NEW_INFO") -> None:
    await checks.record_status_check(
        profile_id,
        check_id,
        forms.status_check_input({"checked_on": iso(days_ago(1)), "result": result}),
        actor=staff,
    )


async def test_an_expired_check_is_overdue_by_its_days(database):
    staff = await make_staff()
    profile_id = await pa_due_in(staff, -5)
    work = await worklist.build(database)
    assert [(r.profile_id, r.days, r.current_until) for r in work.overdue] == [
        (profile_id, -5, london_today() - timedelta(days=5))
    ]
    assert all(not rows for rows in work.due.values())


@pytest.mark.parametrize(
    ("days", "band"),
    [(0, "30"), (10, "30"), (30, "30"), (31, "60"), (60, "60"), (61, "90"), (90, "90"), (91, None)],
)
async def test_a_check_falling_due_lands_in_its_band(database, days, band):
    staff = await make_staff()
    profile_id = await pa_due_in(staff, days)
    work = await worklist.build(database)
    assert band_of(work, profile_id) == band
    if band:
        [row] = work.due[int(band)]
        assert row.days == days


async def test_the_bands_are_sorted_soonest_first(database):
    staff = await make_staff()
    later = await pa_due_in(staff, 25)
    sooner = await pa_due_in(staff, 5)
    much_later_overdue = await pa_due_in(staff, -2)
    much_earlier_overdue = await pa_due_in(staff, -40)
    work = await worklist.build(database)
    assert [r.profile_id for r in work.due[30]] == [sooner, later]
    assert [r.profile_id for r in work.overdue] == [much_earlier_overdue, much_later_overdue]


async def test_a_pa_is_listed_by_their_latest_current_check(database):
    staff = await make_staff()
    pa = await make_pa()
    await certificate(pa["id"], staff, issued_on=due_in(-10))
    newer = await certificate(pa["id"], staff, issued_on=due_in(45))
    work = await worklist.build(database)
    assert work.overdue == []
    assert [(r.profile_id, r.check_id) for r in work.due[60]] == [(pa["id"], newer)]


async def test_a_recent_status_check_keeps_a_subscriber_off_the_lists(database):
    staff = await make_staff()
    pa = await make_pa()
    check_id = await certificate(
        pa["id"], staff, issued_on=due_in(10), update_service=True, ready_for_status_checks=True
    )
    await stop(pa["id"], check_id, staff, result="BLANK_NO_NEW_INFO")
    work = await worklist.build(database)
    assert band_of(work, pa["id"]) is None
    assert work.stopped == []


async def test_pas_not_on_the_register_are_not_watched(database):
    staff = await make_staff()
    draft = await pa_due_in(staff, 10, status="draft")
    suspended = await pa_due_in(staff, 10, status="suspended")
    work = await worklist.build(database)
    assert band_of(work, draft) is None
    assert band_of(work, suspended) == "30"


async def test_a_stopped_check_is_on_the_stopped_list_and_not_the_due_lists(database):
    staff = await make_staff()
    pa = await make_pa()
    check_id = await certificate(pa["id"], staff, update_service=True, ready_for_status_checks=True)
    await stop(pa["id"], check_id, staff, result="NO_MATCH")
    work = await worklist.build(database)
    [row] = work.stopped
    assert (row.profile_id, row.check_id) == (pa["id"], check_id)
    assert row.reason == rules.STATUS_RESULTS["NO_MATCH"]
    assert band_of(work, pa["id"]) is None
    assert work.todo_count == 1


async def test_a_stopped_check_is_dated_by_the_london_day_it_was_stopped(database):
    staff = await make_staff()
    pa = await make_pa()
    check_id = await certificate(pa["id"], staff, update_service=True, ready_for_status_checks=True)
    await stop(pa["id"], check_id, staff)
    work = await worklist.build(database)
    assert [r.since for r in work.stopped] == [london_today()]


async def test_a_check_stopped_just_after_midnight_in_summer_is_dated_that_london_day(database):
    staff = await make_staff()
    pa = await make_pa()
    check_id = await certificate(pa["id"], staff, update_service=True, ready_for_status_checks=True)
    await stop(pa["id"], check_id, staff)
    # 00:30 on 1 July in London is 23:30 on 30 June in UTC.
    await DBSCheck.update({DBSCheck.stopped_at: datetime(2026, 6, 30, 23, 30, tzinfo=UTC)}).where(
        DBSCheck.id == check_id
    )
    work = await worklist.build(database)
    assert [r.since for r in work.stopped] == [date(2026, 7, 1)]


async def test_a_check_stopped_by_the_second_status_check_of_a_day_gives_that_reason(database):
    staff = await make_staff()
    pa = await make_pa()
    check_id = await certificate(pa["id"], staff, update_service=True, ready_for_status_checks=True)
    await stop(pa["id"], check_id, staff, result="BLANK_NO_NEW_INFO")
    await stop(pa["id"], check_id, staff, result="NEW_INFO")
    work = await worklist.build(database)
    assert [r.reason for r in work.stopped] == [rules.STATUS_RESULTS["NEW_INFO"]]


async def test_a_certificate_waiting_for_a_decision_is_pending(database):
    staff = await make_staff()
    pa = await make_pa(name="Penny Pending")
    issued = days_ago(12)
    check_id = await certificate(pa["id"], staff, issued_on=issued, decision=None)
    work = await worklist.build(database)
    [row] = work.pending
    assert (row.profile_id, row.check_id, row.since) == (pa["id"], check_id, issued)
    assert row.reason == "Waiting for a decision"
    assert row.pa_name == "Penny Pending"
    assert band_of(work, pa["id"]) is None
    assert work.stopped == []


async def test_a_decided_certificate_is_not_pending(database):
    staff = await make_staff()
    pa = await make_pa()
    await certificate(pa["id"], staff, decision="not_suitable")
    work = await worklist.build(database)
    assert work.pending == []
    assert band_of(work, pa["id"]) is None


async def test_stuck_applications_are_on_the_to_do_list(database):
    staff = await make_staff()
    stuck_pa, fresh_pa = await make_pa(), await make_pa()
    stuck = await applications.start(
        stuck_pa["id"],
        forms.application_input({"route": "service", "requested_on": iso(days_ago(10))}),
        actor=staff,
    )
    await applications.start(fresh_pa["id"], forms.application_input({"route": "service"}), actor=staff)
    work = await worklist.build(database)
    assert [a.id for a in work.stuck] == [stuck]
    assert work.todo_count == 1


async def test_an_empty_register_has_an_empty_worklist(database):
    work = await worklist.build(database)
    assert (work.overdue, work.stopped, work.pending, work.stuck) == ([], [], [], [])
    assert work.due == {30: [], 60: [], 90: []}
    assert work.todo_count == 0
