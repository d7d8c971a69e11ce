"""The daily DBS sweep on a real database: rationales deleted after retention, expired checks
flagged, PAs reminded before their check falls due, staff told about stuck applications;
each once, however often the sweep runs."""

from __future__ import annotations

from datetime import timedelta
from itertools import count

import msgspec

from market.accounts import services as accounts
from market.accounts.schemas import CurrentUser, NewUserInput
from market.audit.tables import AuditEvent
from market.clock import london_today, utcnow
from market.dates import add_months
from market.dbs import applications, checks, forms, sweep
from market.dbs.tables import DBSCheck
from market.mail.tables import OutboxEmail
from tests.dbs.support import as_current, certificate, check_row, days_ago, iso, permit
from tests.register.factories import make_pa
from tests.support import PASSWORD

_numbers = count(1)


async def make_staff(*, permitted: bool = False) -> CurrentUser:
    number = next(_numbers)
    user = await accounts.create_user(
        NewUserInput(
            email=f"sweep.staff{number}@example.org",
            display_name=f"Staff Member {number}",
            role="staff",
            password=PASSWORD,
        )
    )
    if permitted:
        await permit(user)
    return await as_current(user)


async def events(action: str) -> int:
    return await AuditEvent.count().where(AuditEvent.action == action)


async def emails_to(address: str) -> list[dict]:
    return await OutboxEmail.select().where(OutboxEmail.to_address == address).order_by(OutboxEmail.id)


async def decided_months_ago(check_id: int, months: int) -> None:
    await DBSCheck.update({DBSCheck.decided_at: utcnow() - timedelta(days=round(30.5 * months))}).where(
        DBSCheck.id == check_id
    )


def due_in(days: int):
    """The issue date of a certificate (no Update Service) whose last current day is ``days`` from today."""
    return add_months(london_today() + timedelta(days=days + 1), -36)


# Rationales past retention


async def test_a_rationale_past_retention_is_deleted_and_the_decision_kept(database):
    staff = await make_staff(permitted=True)
    pa = await make_pa()
    issued = days_ago(300)
    check_id = await certificate(pa["id"], staff, issued_on=issued)
    await decided_months_ago(check_id, 7)
    report = await sweep.run(database, london_today())
    assert report.rationales_deleted == 1
    row = await check_row(check_id)
    assert row["rationale"] == ""
    assert row["rationale_deleted_at"] is not None
    assert (row["decision"], row["level"], row["barred_lists"], row["issued_on"]) == (
        "suitable",
        "enhanced",
        "adults",
        issued,
    )
    assert row["decided_by"] == staff.id
    event = await AuditEvent.select().where(AuditEvent.action == "dbs.rationale_deleted").first()
    assert event["subject_type"] == "pa_dbs"
    assert event["subject_id"] == str(pa["id"])
    assert event["actor_id"] is None


async def test_a_second_sweep_deletes_nothing_more(database):
    staff = await make_staff(permitted=True)
    pa = await make_pa()
    check_id = await certificate(pa["id"], staff)
    await decided_months_ago(check_id, 7)
    await sweep.run(database, london_today())
    deleted_at = (await check_row(check_id))["rationale_deleted_at"]
    again = await sweep.run(database, london_today())
    assert again.rationales_deleted == 0
    assert await events("dbs.rationale_deleted") == 1
    assert (await check_row(check_id))["rationale_deleted_at"] == deleted_at


async def test_a_rationale_within_retention_is_kept(database):
    staff = await make_staff(permitted=True)
    pa = await make_pa()
    check_id = await certificate(pa["id"], staff)
    await decided_months_ago(check_id, 5)
    report = await sweep.run(database, london_today())
    assert report.rationales_deleted == 0
    assert (await check_row(check_id))["rationale"] == "Reviewed in person"


async def test_the_retention_period_comes_from_the_settings(database):
    staff = await make_staff(permitted=True)
    pa = await make_pa()
    check_id = await certificate(pa["id"], staff)
    await decided_months_ago(check_id, 7)
    longer = msgspec.structs.replace(database, dbs_rationale_retention_months=12)
    assert (await sweep.run(longer, london_today())).rationales_deleted == 0
    assert (await check_row(check_id))["rationale"] == "Reviewed in person"
    shorter = msgspec.structs.replace(database, dbs_rationale_retention_months=6)
    assert (await sweep.run(shorter, london_today())).rationales_deleted == 1


# Expired checks


async def test_an_expired_check_is_flagged_once(database):
    staff = await make_staff(permitted=True)
    pa = await make_pa()
    check_id = await certificate(pa["id"], staff, issued_on=add_months(london_today(), -37))
    first = await sweep.run(database, london_today())
    assert first.expired_flagged == 1
    assert (await check_row(check_id))["expired_flagged_at"] is not None
    second = await sweep.run(database, london_today())
    assert second.expired_flagged == 0
    assert await events("dbs.check_expired") == 1
    event = await AuditEvent.select().where(AuditEvent.action == "dbs.check_expired").first()
    assert event["subject_id"] == str(pa["id"])


async def test_a_current_check_is_not_flagged(database):
    staff = await make_staff(permitted=True)
    pa = await make_pa()
    check_id = await certificate(pa["id"], staff, issued_on=days_ago(30))
    assert (await sweep.run(database, london_today())).expired_flagged == 0
    assert (await check_row(check_id))["expired_flagged_at"] is None


async def test_a_pending_or_stopped_check_is_not_flagged_as_expired(database):
    staff = await make_staff(permitted=True)
    pending, stopped = await make_pa(), await make_pa()
    long_ago = add_months(london_today(), -40)
    await certificate(pending["id"], staff, issued_on=long_ago, decision=None)
    check_id = await certificate(stopped["id"], staff, update_service=True, ready_for_status_checks=True)
    await checks.record_status_check(
        stopped["id"],
        check_id,
        forms.status_check_input({"checked_on": iso(days_ago(1)), "result": "NEW_INFO"}),
        actor=staff,
    )
    report = await sweep.run(database, london_today())
    assert (report.expired_flagged, report.reminders_sent) == (0, 0)


# Reminders to PAs


async def test_a_pa_is_emailed_once_when_their_check_falls_due(database):
    staff = await make_staff(permitted=True)
    pa = await make_pa()
    check_id = await certificate(pa["id"], staff, issued_on=due_in(29))
    first = await sweep.run(database, london_today())
    assert first.reminders_sent == 1
    sent = await emails_to(pa["email"])
    assert len(sent) == 1
    assert "DBS" in sent[0]["subject"]
    assert sent[0]["kind"] == "dbs"
    assert (await check_row(check_id))["reminder_sent_on"] == london_today()
    second = await sweep.run(database, london_today())
    assert second.reminders_sent == 0
    assert len(await emails_to(pa["email"])) == 1
    assert await events("dbs.reminder_sent") == 1


async def test_a_pa_is_reminded_on_the_first_day_of_the_reminder_period(database):
    staff = await make_staff(permitted=True)
    on_the_day, a_day_early = await make_pa(), await make_pa()
    await certificate(on_the_day["id"], staff, issued_on=due_in(database.dbs_reminder_days))
    await certificate(a_day_early["id"], staff, issued_on=due_in(database.dbs_reminder_days + 1))
    assert (await sweep.run(database, london_today())).reminders_sent == 1
    assert len(await emails_to(on_the_day["email"])) == 1
    assert await emails_to(a_day_early["email"]) == []


async def test_a_pa_with_a_newer_current_check_is_not_reminded_about_the_older_one(database):
    staff = await make_staff(permitted=True)
    pa = await make_pa()
    await certificate(pa["id"], staff, issued_on=due_in(20))
    await certificate(pa["id"], staff, issued_on=days_ago(10))
    assert (await sweep.run(database, london_today())).reminders_sent == 0
    assert await emails_to(pa["email"]) == []


async def test_a_subscriber_is_told_a_status_check_can_renew_it(database):
    staff = await make_staff(permitted=True)
    pa = await make_pa()
    await certificate(pa["id"], staff, issued_on=due_in(10), update_service=True)
    await sweep.run(database, london_today())
    [sent] = await emails_to(pa["email"])
    assert "Update Service" in sent["body_text"]


# Stuck applications


async def test_a_stuck_application_emails_permission_holders_once_per_step(database):
    holder = await make_staff(permitted=True)
    other = await make_staff()
    pa = await make_pa()
    application_id = await applications.start(
        pa["id"],
        forms.application_input({"route": "service", "requested_on": iso(days_ago(10))}),
        actor=other,
    )
    first = await sweep.run(database, london_today())
    assert first.stuck_applications == 1
    [sent] = await emails_to(holder.email)
    assert "DBS" in sent["subject"]
    assert f"/staff/dbs/pa/{pa['id']}" in sent["body_text"]
    assert await emails_to(other.email) == []
    assert (await sweep.run(database, london_today())).stuck_applications == 0
    assert len(await emails_to(holder.email)) == 1
    await applications.advance(
        pa["id"],
        application_id,
        forms.step_input({"id_verified_on": iso(days_ago(9)), "id_documents": "Passport"}),
        actor=other,
    )
    assert (await sweep.run(database, london_today())).stuck_applications == 1
    assert len(await emails_to(holder.email)) == 2
    assert (await sweep.run(database, london_today())).stuck_applications == 0
    assert len(await emails_to(holder.email)) == 2
    assert await events("dbs.stuck_reminder") == 2


async def test_an_application_within_its_usual_time_emails_nobody(database):
    holder = await make_staff(permitted=True)
    pa = await make_pa()
    await applications.start(
        pa["id"],
        forms.application_input({"route": "service", "requested_on": iso(days_ago(3))}),
        actor=holder,
    )
    assert (await sweep.run(database, london_today())).stuck_applications == 0
    assert await OutboxEmail.count() == 0


async def test_with_no_permission_holder_every_staff_member_hears_of_a_stuck_application(database):
    first, second = await make_staff(), await make_staff()
    pa = await make_pa()
    await applications.start(
        pa["id"], forms.application_input({"route": "own", "requested_on": iso(days_ago(10))}), actor=first
    )
    assert (await sweep.run(database, london_today())).stuck_applications == 1
    assert len(await emails_to(first.email)) == 1
    assert len(await emails_to(second.email)) == 1
    assert await emails_to(pa["email"]) == []


async def test_a_deactivated_permission_holder_is_not_emailed_about_stuck_applications(database):
    holder, leaver = await make_staff(permitted=True), await make_staff(permitted=True)
    await accounts.set_active(leaver.id, False, actor=holder)
    pa = await make_pa()
    await applications.start(
        pa["id"], forms.application_input({"route": "own", "requested_on": iso(days_ago(10))}), actor=holder
    )
    assert (await sweep.run(database, london_today())).stuck_applications == 1
    assert len(await emails_to(holder.email)) == 1
    assert await emails_to(leaver.email) == []


async def test_the_report_summarises_each_action(database):
    report = await sweep.run(database, london_today())
    assert report.summary() == (
        "Deleted 0 rationale(s) past retention, flagged 0 expired check(s), emailed 0 PA(s) about "
        "checks falling due, reminded staff of 0 stuck application(s)."
    )
