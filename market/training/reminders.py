"""Emailing PAs whose training expires soon: once per completion, and only for the completion
that lasts longest in its course (a renewal stops reminders about the old one).

Called from the daily sweep. Each reminder is claimed with a conditional update before its
email is queued, so two workers running at once send it once; each is audit-logged.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

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


async def _send_one(settings: Settings, row: dict[str, Any], today: date) -> bool:
    pa = await directory.contact(row["profile"])
    if pa is None:  # the profile went between the scan and now
        return False
    expires = row["expires_on"]
    when = f"{expires.day} {expires.strftime('%B %Y')}"
    async with write_transaction():
        claimed = (
            await Completion.update({Completion.reminder_sent_on: today})
            .where((Completion.id == row["id"]) & Completion.reminder_sent_on.is_null())
            .returning(Completion.id)
        )
        if not claimed:
            return False
        await mail.queue(
            pa.email,
            f"Your {row['course_name']} training expires on {when}",
            f"Hello {pa.name},\n\nYour {row['course_name']} training expires on {when}. After that "
            "date it no longer counts on the register, and skills that depend on it show as gaps "
            "to people looking for a PA.\n\nBook a refresher, or if you have already done one, add it "
            f"to your training record:\n\n{settings.base_url}/profile/training\n",
            kind="training-reminder",
        )
        await audit.record(
            "training.reminder_sent",
            subject_type="pa_profile",
            subject_id=row["profile"],
            detail={"completion_id": row["id"], "expires_on": expires.isoformat()},
        )
    return True


async def send_due(settings: Settings, today: date) -> int:
    """Email each PA about training of theirs expiring soon; returns how many were sent."""
    sent = 0
    for row in await due(settings, today):
        sent += await _send_one(settings, row, today)
    return sent
