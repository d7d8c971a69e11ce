"""The daily DBS job (``market dbs sweep``; also run at start-up and once a day by the app):

1. delete decision rationales older than the retention period, keeping the fact of the
   check, its level, date and decision;
2. flag checks whose currency has run out;
3. email PAs whose check stops being current within the reminder period (once a check);
4. email staff with the DBS permission about applications stuck at a step (once a step).

Each action is audit-logged in the transaction that makes it, in batches of at most 500 rows
a transaction (never one per row). Each batch re-checks its condition as it writes, so two
sweeps at once, or twice in a day, do each thing once.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from typing import Any, TypeVar

import msgspec

from market.accounts import directory as accounts
from market.audit import services as audit
from market.clock import LONDON, london_today, utcnow
from market.dates import add_months
from market.db import write_transaction
from market.dbs import application_lists, checks, permissions, rules
from market.dbs.standing import Policy, checks_with_facts
from market.dbs.tables import DBSApplication, DBSCheck
from market.mail import services as mail
from market.register import directory as register
from market.register.directory import PAContact
from market.settings import Settings

T = TypeVar("T")
# Rows a write transaction changes at most (so a big sweep never holds the lock for long).
BATCH = 500


class SweepReport(msgspec.Struct, kw_only=True):
    rationales_deleted: int = 0
    expired_flagged: int = 0
    reminders_sent: int = 0
    stuck_applications: int = 0

    def summary(self) -> str:
        return (
            f"Deleted {self.rationales_deleted} rationale(s) past retention, flagged "
            f"{self.expired_flagged} expired check(s), emailed {self.reminders_sent} PA(s) about "
            f"checks falling due, reminded staff of {self.stuck_applications} stuck application(s)."
        )


async def _log(action: str, profile_id: int, **detail: Any) -> None:
    await audit.record(action, actor=None, subject_type=checks.SUBJECT, subject_id=profile_id, detail=detail)


def _chunks(items: list[T], size: int = BATCH) -> Iterator[list[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _event(action: str, profile_id: int, **detail: Any) -> audit.Event:
    return audit.Event(action, subject_type=checks.SUBJECT, subject_id=profile_id, detail=detail)


async def delete_old_rationales(settings: Settings, today: date) -> int:
    cutoff = add_months(today, -settings.dbs_rationale_retention_months)
    cutoff_moment = datetime.combine(cutoff, time.min, tzinfo=LONDON)
    rows = await DBSCheck.select(DBSCheck.id).where(
        (DBSCheck.rationale != "") & (DBSCheck.decided_at < cutoff_moment)
    )
    deleted = 0
    for chunk in _chunks([r["id"] for r in rows]):
        async with write_transaction():
            # The condition again: a second sweep at once finds these already done.
            done = (
                await DBSCheck.update({DBSCheck.rationale: "", DBSCheck.rationale_deleted_at: utcnow()})
                .where(DBSCheck.id.is_in(chunk) & (DBSCheck.rationale != ""))
                .returning(DBSCheck.id, DBSCheck.profile)
            )
            await audit.record_many(
                [
                    _event(
                        "dbs.rationale_deleted",
                        r["profile"],
                        check_id=r["id"],
                        retention_months=settings.dbs_rationale_retention_months,
                    )
                    for r in done
                ]
            )
        deleted += len(done)
    return deleted


async def _flag_expired(expired: list[tuple[dict, date]]) -> int:
    flagged = 0
    for chunk in _chunks(expired):
        until_of = {row["id"]: until for row, until in chunk}
        async with write_transaction():
            done = (
                await DBSCheck.update({DBSCheck.expired_flagged_at: utcnow()})
                .where(DBSCheck.id.is_in(list(until_of)) & DBSCheck.expired_flagged_at.is_null())
                .returning(DBSCheck.id, DBSCheck.profile)
            )
            await audit.record_many(
                [
                    _event(
                        "dbs.check_expired",
                        r["profile"],
                        check_id=r["id"],
                        current_until=until_of[r["id"]].isoformat(),
                    )
                    for r in done
                ]
            )
        flagged += len(done)
    return flagged


async def flag_expired_and_remind(settings: Settings, today: date) -> tuple[int, int]:
    policy = Policy.of(settings)
    months = {"recheck_months": policy.recheck_months, "status_check_months": policy.status_check_months}
    ids = [
        r["profile"]
        for r in await DBSCheck.select(DBSCheck.profile).where(DBSCheck.decision == "suitable").distinct()
    ]
    expired: list[tuple[dict, date]] = []
    latest: dict[int, tuple[dict, date]] = {}
    for row, facts in await checks_with_facts(ids):
        if facts.decision != "suitable" or facts.stopped:
            continue
        until = rules.current_until(facts, **months)
        if until < today:
            if row["expired_flagged_at"] is None:
                expired.append((row, until))
            continue
        held = latest.get(row["profile"])
        if held is None or until > held[1]:
            latest[row["profile"]] = (row, until)
    flagged = await _flag_expired(expired)
    due = [
        (profile_id, row, until)
        for profile_id, (row, until) in latest.items()
        if row["reminder_sent_on"] is None and until <= today + timedelta(days=settings.dbs_reminder_days)
    ]
    reminded = 0
    for chunk in _chunks(due):
        reminded += await _remind(settings, chunk)
    return flagged, reminded


def _reminder(settings: Settings, pa: PAContact, row: dict, until: date) -> mail.Message:
    description = rules.describe(row["level"], row["barred_lists"])
    how = (
        "As you subscribe to the DBS Update Service, we can do a status check with your consent: "
        "reply to this email or sign in to check your consent is recorded."
        if row["update_service"]
        else "You will need a new check. Sign in to ask for one through our service, or tell us "
        "if you are applying through an umbrella body yourself."
    )
    return mail.Message(
        pa.email,
        f"Your DBS check needs renewing by {checks.long_date(until)}",
        f"Hello {pa.name},\n\nYour {description} is current until {checks.long_date(until)}. "
        f"After that date you will not be shown for work that needs a DBS check.\n\n{how}\n\n"
        f"Your DBS page: {settings.base_url}/profile/dbs\n",
        kind="dbs",
    )


async def _remind(settings: Settings, due: list[tuple[int, dict, date]]) -> int:
    """One transaction for a batch of reminders: claim them, queue their emails, log them."""
    people = await register.contacts(profile_id for profile_id, _, _ in due)
    # A profile deleted since the sweep read its checks gets no email.
    due = [item for item in due if item[0] in people]
    if not due:
        return 0
    async with write_transaction():
        # Claim the reminders first, so that two workers sweeping at once send each once.
        claimed = {
            r["id"]
            for r in await DBSCheck.update({DBSCheck.reminder_sent_on: london_today()})
            .where(DBSCheck.id.is_in([row["id"] for _, row, _ in due]) & DBSCheck.reminder_sent_on.is_null())
            .returning(DBSCheck.id)
        }
        mine = [item for item in due if item[1]["id"] in claimed]
        await mail.queue_many([_reminder(settings, people[p], row, until) for p, row, until in mine])
        await audit.record_many(
            [
                _event("dbs.reminder_sent", p, check_id=row["id"], current_until=until.isoformat())
                for p, row, until in mine
            ]
        )
    return len(mine)


async def remind_stuck(settings: Settings) -> int:
    queue = await application_lists.queue(settings.dbs_stuck_days)
    rows = {r["id"]: r for r in await DBSApplication.select(DBSApplication.id, DBSApplication.reminded_step)}
    fresh = [
        a for items in queue.values() for a in items if a.stuck and rows[a.id]["reminded_step"] != a.step
    ]
    if not fresh:
        return 0
    to = await permissions.emails()
    if not to:  # nobody holds the permission yet: tell every staff member instead
        to = await accounts.active_staff_emails()
    lines = "\n".join(
        f"- {a.pa_name}: {a.step_text.lower()} for {a.days_waiting} days "
        f"({settings.base_url}/staff/dbs/pa/{a.profile_id})"
        for a in fresh
    )
    async with write_transaction():
        for address in to:
            await mail.queue(
                address,
                f"{len(fresh)} DBS application(s) waiting longer than expected",
                f"These applications have waited at one step longer than the usual time:\n\n{lines}\n\n"
                f"The full queue: {settings.base_url}/staff/dbs/applications\n",
                kind="dbs",
            )
        for a in fresh:
            await DBSApplication.update({DBSApplication.reminded_step: a.step}).where(
                DBSApplication.id == a.id
            )
            await _log(
                "dbs.stuck_reminder", a.profile_id, application_id=a.id, step=a.step, days=a.days_waiting
            )
    return len(fresh)


async def run(settings: Settings, today: date | None = None) -> SweepReport:
    today = today or london_today()
    report = SweepReport(rationales_deleted=await delete_old_rationales(settings, today))
    report.expired_flagged, report.reminders_sent = await flag_expired_and_remind(settings, today)
    report.stuck_applications = await remind_stuck(settings)
    return report
