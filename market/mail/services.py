"""The outbox: emails are queued with the change that causes them, then delivered.

Delivery claims a batch of due messages in one conditional update (so several workers never
send one twice),
sends each over SMTP, and on failure schedules a retry with exponential backoff.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from email.message import EmailMessage
from typing import Any

import aiosmtplib
import msgspec

from market.clock import utcnow
from market.db import ilike
from market.mail.tables import OutboxEmail
from market.paging import Page, page_of
from market.settings import Settings

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
FIRST_RETRY = timedelta(minutes=1)
LONGEST_WAIT = timedelta(hours=6)
CLAIM_FOR = timedelta(minutes=5)


class OutboxRow(msgspec.Struct, kw_only=True):
    id: int
    to_address: str
    subject: str
    body_text: str
    kind: str
    created_at: datetime
    attempts: int
    next_attempt_at: datetime
    sent_at: datetime | None
    failed_at: datetime | None
    last_error: str
    attachment_name: str = ""
    # True where the outbox does not show this viewer the text (market.mail.outbox).
    withheld: bool = False

    @property
    def status(self) -> str:
        if self.sent_at:
            return "sent"
        if self.failed_at:
            return "failed"
        return "retrying" if self.attempts else "queued"


class DeliveryReport(msgspec.Struct):
    sent: int = 0
    retrying: int = 0
    failed: int = 0


def backoff(attempts: int) -> timedelta:
    """Wait before attempt ``attempts + 1``: 1, 2, 4, 8 ... minutes, at most 6 hours."""
    return min(FIRST_RETRY * (2 ** max(attempts - 1, 0)), LONGEST_WAIT)


class Attachment(msgspec.Struct, frozen=True):
    """A small text file sent with an email (e.g. an interview's .ics calendar file)."""

    name: str
    content_type: str  # e.g. "text/calendar; method=REQUEST"
    text: str


async def queue(
    to_address: str, subject: str, body_text: str, *, kind: str = "", attachment: Attachment | None = None
) -> int:
    extra: dict[str, Any] = (
        {
            "attachment_name": attachment.name,
            "attachment_type": attachment.content_type,
            "attachment_text": attachment.text,
        }
        if attachment
        else {}
    )
    rows = await OutboxEmail.insert(
        OutboxEmail(to_address=to_address, subject=subject, body_text=body_text, kind=kind, **extra)
    ).returning(OutboxEmail.id)
    return rows[0]["id"]


class Message(msgspec.Struct, frozen=True):
    """One email to queue with ``queue_many``."""

    to_address: str
    subject: str
    body_text: str
    kind: str = ""


async def queue_many(messages: list[Message]) -> int:
    """Queue several emails in one INSERT (inside the caller's transaction, like ``queue``):
    for jobs that send hundreds at once. Returns how many were queued."""
    if not messages:
        return 0
    await OutboxEmail.insert(
        *(
            OutboxEmail(to_address=m.to_address, subject=m.subject, body_text=m.body_text, kind=m.kind)
            for m in messages
        )
    )
    return len(messages)


async def recent(limit: int = 100, to_address: str = "") -> list[OutboxRow]:
    query = OutboxEmail.select().order_by(OutboxEmail.id, ascending=False).limit(limit)
    if to_address:
        query = query.where(OutboxEmail.to_address == to_address.strip().lower())
    return [_row(r) for r in await query]


# The outbox's states, as its tags say them (OutboxRow.status).
STATUSES = {"queued": "Queued", "retrying": "Retrying", "sent": "Sent", "failed": "Failed"}


def _outbox_filters(query: str, status: str) -> list[Any]:
    where: list[Any] = []
    if query.strip():
        where.append(
            ilike(OutboxEmail.to_address, f"%{query.strip()}%")
            | ilike(OutboxEmail.subject, f"%{query.strip()}%")
        )
    if status == "sent":
        where.append(OutboxEmail.sent_at.is_not_null())
    elif status == "failed":
        where.append(OutboxEmail.sent_at.is_null() & OutboxEmail.failed_at.is_not_null())
    elif status in ("queued", "retrying"):
        waiting = OutboxEmail.sent_at.is_null() & OutboxEmail.failed_at.is_null()
        where.append(
            waiting & ((OutboxEmail.attempts == 0) if status == "queued" else (OutboxEmail.attempts > 0))
        )
    return where


async def outbox_page(*, query: str = "", status: str = "", page: int = 1) -> Page[OutboxRow]:
    """The outbox newest first, a page at a time: searched by address or subject, filtered by state."""
    where = _outbox_filters(query, status)
    select, count = OutboxEmail.select().order_by(OutboxEmail.id, ascending=False), OutboxEmail.count()
    if where:
        select, count = select.where(*where), count.where(*where)
    return await page_of(select, count, _row, page=page)


async def get(email_id: int) -> OutboxRow | None:
    row = await OutboxEmail.select().where(OutboxEmail.id == email_id).first()
    return _row(row) if row else None


def _row(raw: dict[str, Any]) -> OutboxRow:
    raw = {k: v for k, v in raw.items() if k in OutboxRow.__struct_fields__}
    return msgspec.convert(raw, OutboxRow)


async def _claim(now: datetime, limit: int) -> list[dict[str, Any]]:
    due = (
        await OutboxEmail.select()
        .where(
            OutboxEmail.sent_at.is_null(),
            OutboxEmail.failed_at.is_null(),
            OutboxEmail.next_attempt_at <= now,
            (OutboxEmail.claimed_until.is_null()) | (OutboxEmail.claimed_until < now),
        )
        .order_by(OutboxEmail.id)
        .limit(limit)
    )
    if not due:
        return []
    # One conditional update claims the whole batch: a row another worker claimed since the
    # read no longer matches, so each email is claimed (and sent) by one worker only.
    claimed = {
        r["id"]
        for r in await OutboxEmail.update({OutboxEmail.claimed_until: now + CLAIM_FOR})
        .where(
            OutboxEmail.id.is_in([row["id"] for row in due]),
            OutboxEmail.sent_at.is_null(),
            (OutboxEmail.claimed_until.is_null()) | (OutboxEmail.claimed_until < now),
        )
        .returning(OutboxEmail.id)
    }
    return [row for row in due if row["id"] in claimed]


def signature(settings: Settings) -> str:
    """The foot of every email: how to reach the team (Settings.contact), added when the
    email is sent, so a queued email carries the details in force when it goes."""
    contact = settings.contact
    hours = f" ({contact.hours})" if contact.hours else ""
    return (
        f"\n-- \nThe {settings.service_name} team\n"
        f"Phone: {contact.phone}{hours}\n"
        f"Email: {contact.email}\n"
        f"Contact us: {settings.base_url}/contact\n"
    )


def _message(settings: Settings, row: dict[str, Any]) -> EmailMessage:
    message = EmailMessage()
    message["From"] = settings.mail_from
    message["To"] = row["to_address"]
    message["Subject"] = row["subject"]
    message.set_content(row["body_text"].rstrip("\n") + "\n" + signature(settings))
    if row.get("attachment_name"):
        maintype, _, rest = row["attachment_type"].partition("/")
        subtype, *params = [p.strip() for p in rest.split(";")]
        message.add_attachment(
            row["attachment_text"].encode(),
            maintype=maintype,
            subtype=subtype,
            filename=row["attachment_name"],
            params=dict(p.split("=", 1) for p in params if "=" in p),
        )
    return message


async def _send(settings: Settings, row: dict[str, Any]) -> None:
    await aiosmtplib.send(
        _message(settings, row),
        hostname=settings.smtp_host,
        port=settings.smtp_port,
        username=settings.smtp_username or None,
        password=settings.smtp_password or None,
        start_tls=settings.smtp_starttls,
        timeout=20,
    )


async def deliver_due(settings: Settings, *, now: datetime | None = None, limit: int = 50) -> DeliveryReport:
    """Send what is due. Without an SMTP host nothing is sent: the outbox page shows it."""
    report = DeliveryReport()
    if not settings.smtp_host:
        return report
    now = now or utcnow()
    # Claimed as a batch; each email is marked sent (or failed) as soon as its SMTP send
    # returns, one row at a time on purpose: the send is outside the database, and marking
    # a batch only at its end would send the batch again after a crash half-way.
    for row in await _claim(now, limit):
        try:
            await _send(settings, row)
        except (aiosmtplib.SMTPException, OSError, TimeoutError) as error:
            attempts = row["attempts"] + 1
            values: dict[Any, Any] = {
                OutboxEmail.attempts: attempts,
                OutboxEmail.last_error: f"{type(error).__name__}: {error}"[:500],
                OutboxEmail.claimed_until: None,
            }
            if attempts >= MAX_ATTEMPTS:
                values[OutboxEmail.failed_at] = now
                report.failed += 1
                log.error("Gave up on email %s to %s: %s", row["id"], row["to_address"], error)
            else:
                values[OutboxEmail.next_attempt_at] = now + backoff(attempts)
                report.retrying += 1
                log.warning("Email %s will be retried: %s", row["id"], error)
            await OutboxEmail.update(values).where(OutboxEmail.id == row["id"])
        else:
            await OutboxEmail.update(
                {
                    OutboxEmail.sent_at: utcnow(),
                    OutboxEmail.attempts: row["attempts"] + 1,
                    OutboxEmail.claimed_until: None,
                    OutboxEmail.last_error: "",
                }
            ).where(OutboxEmail.id == row["id"])
            report.sent += 1
    return report
