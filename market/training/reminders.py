"""Emailing PAs whose training expires soon: once per completion, and only for the completion
that lasts longest in its course (a renewal stops reminders about the old one).

A daily job (market.jobs). Reminders go in batches of up to 500, one transaction each: the
batch's completions are claimed with a conditional update and their emails queued and
audit-logged in the same transaction, so two runs at once send each reminder once, and a
crash half-way leaves no email without its mark (nor a mark without its email).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import msgspec

from market.audit import services as audit
from market.db import write_transaction
from market.mail import services as mail
from market.register import directory
from market.settings import Settings
from market.training.tables import Completion

BATCH = 500


def _rank(row: dict[str, Any]) -> tuple[date, bool, date, int]:
    return (row["expires_on"] or date.max, row["verified_at"] is not None, row["completed_on"], row["id"])


async def due(settings: Settings, today: date) -> list[dict[str, Any]]:
    """Completions that expire within the reminder period, are not yet reminded, and are the
    longest-lasting of their PA's completions of that course."""
    horizon = today + timedelta(days=settings.training_reminder_days)
    candidates = await Completion.select(Completion.id, Completion.profile, Completion.course).where(
        Completion.reminder_sent_on.is_null(),
        Completion.expires_on.is_not_null(),
        Completion.expires_on > today,
        Completion.expires_on <= horizon,
        Completion.profile.status != "withdrawn",
        Completion.profile._.user._.is_active.eq(True),
    )
    found = []
    wanted = {c["id"] for c in candidates}
    ids = list({c["profile"] for c in candidates})
    for start in range(0, len(ids), BATCH):
        best: dict[tuple[int, int], dict[str, Any]] = {}
        for row in await Completion.select(
            Completion.id,
            Completion.profile,
            Completion.course,
            Completion.course.name.as_alias("course_name"),
            Completion.completed_on,
            Completion.expires_on,
            Completion.verified_at,
        ).where(Completion.profile.is_in(ids[start : start + BATCH])):
            key = (row["profile"], row["course"])
            if key not in best or _rank(row) > _rank(best[key]):
                best[key] = row
        found += [row for row in best.values() if row["id"] in wanted]
    return sorted(found, key=lambda r: r["id"])


class ReminderReport(msgspec.Struct):
    sent: int = 0
    # Write transactions committed: one per batch of at most BATCH due completions.
    batches: int = 0


def _email(settings: Settings, pa: directory.PAContact, row: dict[str, Any]) -> mail.Message:
    expires = row["expires_on"]
    when = f"{expires.day} {expires.strftime('%B %Y')}"
    return mail.Message(
        pa.email,
        f"Your {row['course_name']} training expires on {when}",
        f"Hello {pa.name},\n\nYour {row['course_name']} training expires on {when}. After that "
        "date it no longer counts on the register, and skills that depend on it show as gaps "
        "to people looking for a PA.\n\nBook a refresher, or if you have already done one, add it "
        f"to your training record:\n\n{settings.base_url}/profile/training\n",
        kind="training-reminder",
    )


async def _send_batch(settings: Settings, rows: list[dict[str, Any]], today: date) -> int:
    """One transaction for up to BATCH reminders: claim the completions still unreminded (a
    conditional update, so a second run at once claims none of them), then queue their emails
    and audit events. A crash rolls all three back together: no email without its mark."""
    people = await directory.contacts(r["profile"] for r in rows)
    rows = [r for r in rows if r["profile"] in people]  # a profile went since the scan
    if not rows:
        return 0
    async with write_transaction():
        claimed = {
            c["id"]
            for c in await Completion.update({Completion.reminder_sent_on: today})
            .where(Completion.id.is_in([r["id"] for r in rows]) & Completion.reminder_sent_on.is_null())
            .returning(Completion.id)
        }
        mine = [r for r in rows if r["id"] in claimed]
        await mail.queue_many([_email(settings, people[r["profile"]], r) for r in mine])
        await audit.record_many(
            [
                audit.Event(
                    "training.reminder_sent",
                    subject_type="pa_profile",
                    subject_id=r["profile"],
                    detail={"completion_id": r["id"], "expires_on": r["expires_on"].isoformat()},
                )
                for r in mine
            ]
        )
    return len(mine)


async def send_due_report(settings: Settings, today: date, *, batch: int = BATCH) -> ReminderReport:
    """Email each PA about training of theirs expiring soon, ``batch`` at a time."""
    report = ReminderReport()
    rows = await due(settings, today)
    for start in range(0, len(rows), batch):
        report.sent += await _send_batch(settings, rows[start : start + batch], today)
        report.batches += 1
    return report


async def send_due(settings: Settings, today: date) -> int:
    """Email each PA about training of theirs expiring soon; returns how many were sent."""
    return (await send_due_report(settings, today)).sent
