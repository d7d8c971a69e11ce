"""Feedback: anyone may send it, staff read it newest first and mark it dealt with.

A sender is slowed, not identified: each row keeps an HMAC of the sender's address under the
secret key, and one address may send ``PER_HOUR`` in an hour (enough for anyone reporting
real problems, too few to flood staff's list).
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import timedelta
from typing import Any

from market.accounts import directory
from market.accounts.services import email_problem
from market.audit import services as audit
from market.audit.services import ActorLike
from market.clock import utcnow
from market.db import write_transaction
from market.errors import Invalid, NotFound
from market.help.schemas import (
    DOING_LIMIT,
    PAGE_LIMIT,
    PROBLEM_LIMIT,
    FeedbackInput,
    FeedbackPage,
    FeedbackRow,
)
from market.help.tables import Feedback
from market.settings import Settings

PER_HOUR = 10
TOO_MANY = (
    "You have sent us a lot of feedback in the last hour. Wait an hour and try again, "
    "or phone or email us (our details are on the contact page)."
)


def safe_page(raw: str) -> str:
    """A path on this site ("/search?q=x"), or "": never another site's address."""
    raw = raw.strip()
    if not raw.startswith("/") or raw.startswith("//") or "\\" in raw or len(raw) > PAGE_LIMIT:
        return ""
    return raw if raw.isprintable() else ""


def _problems(data: FeedbackInput) -> dict[str, str]:
    """The rules every caller meets (the form names the same ones, in its own words)."""
    errors: dict[str, str] = {}
    if len(data.doing) > DOING_LIMIT:
        errors["doing"] = f"What you were doing must be {DOING_LIMIT:,} characters or fewer"
    if not data.problem.strip():
        errors["problem"] = "Enter what went wrong, or your feedback"
    elif len(data.problem) > PROBLEM_LIMIT:
        errors["problem"] = f"What went wrong, or your feedback must be {PROBLEM_LIMIT:,} characters or fewer"
    if data.reply_email and (message := email_problem(data.reply_email)):
        errors["reply_email"] = message
    return errors


def _sender_key(settings: Settings, ip: str) -> str:
    return hmac.new(settings.secret_key.encode(), f"feedback\n{ip}".encode(), hashlib.sha256).hexdigest()


async def submit(settings: Settings, data: FeedbackInput, *, user_id: int | None, ip: str) -> int:
    """Keep one piece of feedback; Invalid if it breaks a rule or its sender has sent too many."""
    if errors := _problems(data):
        raise Invalid(errors)
    key = _sender_key(settings, ip)
    async with write_transaction():
        recent = await Feedback.count().where(
            Feedback.sender_key == key, Feedback.created_at > utcnow() - timedelta(hours=1)
        )
        if recent >= PER_HOUR:
            raise Invalid({"problem": TOO_MANY})
        rows = await Feedback.insert(
            Feedback(
                doing=data.doing,
                problem=data.problem,
                reply_email=data.reply_email,
                page=safe_page(data.page),
                user_id=user_id,
                sender_key=key,
            )
        ).returning(Feedback.id)
    return int(rows[0]["id"])


async def listing(*, page: int = 1, per_page: int = 25) -> FeedbackPage:
    """Every piece of feedback, newest first, a page at a time."""
    rows = (
        await Feedback.select()
        .order_by(Feedback.created_at, ascending=False)
        .order_by(Feedback.id, ascending=False)
        .limit(per_page)
        .offset((page - 1) * per_page)
    )
    total = await Feedback.count()
    still_open = await Feedback.count().where(Feedback.dealt_with_at.is_null())
    people = {r["user_id"] for r in rows if r["user_id"]} | {
        r["dealt_with_by"] for r in rows if r["dealt_with_by"]
    }
    emails = await directory.emails(people, active_only=False)
    return FeedbackPage(rows=[_row(r, emails) for r in rows], total=total, open=still_open)


def _row(raw: dict[str, Any], emails: dict[int, str]) -> FeedbackRow:
    return FeedbackRow(
        id=raw["id"],
        created_at=raw["created_at"],
        doing=raw["doing"],
        problem=raw["problem"],
        reply_email=raw["reply_email"],
        page=raw["page"],
        sender_email=emails.get(raw["user_id"], "") if raw["user_id"] else "",
        dealt_with_at=raw["dealt_with_at"],
        dealt_with_by_email=emails.get(raw["dealt_with_by"], "") if raw["dealt_with_by"] else "",
    )


async def mark_dealt_with(
    actor: ActorLike, feedback_id: int, *, dealt_with: bool = True, ip: str = ""
) -> None:
    """Mark one piece of feedback dealt with (or open again), recorded in the audit log."""
    async with write_transaction():
        found = await Feedback.select(Feedback.id).where(Feedback.id == feedback_id).first()
        if found is None:
            raise NotFound()
        await Feedback.update(
            {
                Feedback.dealt_with_at: utcnow() if dealt_with else None,
                Feedback.dealt_with_by: actor.id if dealt_with else None,
            }
        ).where(Feedback.id == feedback_id)
        await audit.record(
            "feedback.dealt_with" if dealt_with else "feedback.reopened",
            actor=actor,
            subject_type="feedback",
            subject_id=feedback_id,
            ip=ip,
        )
