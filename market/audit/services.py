"""The audit trail: append-only records of who did what to which record."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any, Protocol

import msgspec

from market.audit.tables import AuditEvent
from market.clock import LONDON
from market.db import ilike


class ActorLike(Protocol):
    # Read-only, so a frozen CurrentUser fits.
    @property
    def id(self) -> int: ...

    @property
    def email(self) -> str: ...

    @property
    def role(self) -> str: ...


class AuditFilter(msgspec.Struct, kw_only=True):
    actor: str = ""
    action: str = ""
    subject_type: str = ""
    subject_id: str = ""
    date_from: date | None = None
    date_to: date | None = None


class AuditRow(msgspec.Struct, kw_only=True):
    id: int
    at: datetime
    actor_id: int | None
    actor_email: str
    actor_role: str
    action: str
    subject_type: str
    subject_id: str
    detail: dict[str, Any]
    ip: str


async def record(
    action: str,
    *,
    actor: ActorLike | None = None,
    subject_type: str = "",
    subject_id: str | int = "",
    detail: dict[str, Any] | None = None,
    ip: str = "",
) -> None:
    """Append one event. Call it inside the transaction of the change it records."""
    await AuditEvent.insert(
        AuditEvent(
            actor_id=actor.id if actor else None,
            actor_email=actor.email if actor else "",
            actor_role=actor.role if actor else "",
            action=action,
            subject_type=subject_type,
            subject_id=str(subject_id),
            detail=msgspec.json.encode(detail or {}).decode(),
            ip=ip,
        )
    )


class Event(msgspec.Struct, frozen=True):
    """One event for ``record_many``, recorded by the system (no actor)."""

    action: str
    subject_type: str = ""
    subject_id: str | int = ""
    detail: dict[str, Any] | None = None


async def record_many(events: list[Event]) -> None:
    """Append several system events in one INSERT; call it inside the transaction of the
    changes they record (a job's batch)."""
    if not events:
        return
    await AuditEvent.insert(
        *(
            AuditEvent(
                actor_id=None,
                actor_email="",
                actor_role="",
                action=e.action,
                subject_type=e.subject_type,
                subject_id=str(e.subject_id),
                detail=msgspec.json.encode(e.detail or {}).decode(),
                ip="",
            )
            for e in events
        )
    )


def _london_midnight_utc(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=LONDON)


def _where(filters: AuditFilter) -> list[Any]:
    where: list[Any] = []
    if filters.actor:
        where.append(ilike(AuditEvent.actor_email, f"%{filters.actor.strip()}%"))
    if filters.action:
        where.append(AuditEvent.action == filters.action.strip())
    if filters.subject_type:
        where.append(AuditEvent.subject_type == filters.subject_type.strip())
    if filters.subject_id:
        where.append(AuditEvent.subject_id == filters.subject_id.strip())
    if filters.date_from:
        where.append(AuditEvent.at >= _london_midnight_utc(filters.date_from))
    if filters.date_to:
        where.append(AuditEvent.at < _london_midnight_utc(filters.date_to + timedelta(days=1)))
    return where


async def count(filters: AuditFilter) -> int:
    """How many events match every given filter."""
    where = _where(filters)
    return await (AuditEvent.count().where(*where) if where else AuditEvent.count())


async def search(filters: AuditFilter, *, page: int = 1, per_page: int = 50) -> tuple[list[AuditRow], int]:
    """Events matching every given filter, newest first, and how many match in all."""
    where = _where(filters)
    query = AuditEvent.select().order_by(AuditEvent.id, ascending=False)
    count = AuditEvent.count()
    if where:
        query = query.where(*where)
        count = count.where(*where)
    rows = await query.limit(per_page).offset((page - 1) * per_page)
    return [_row(r) for r in rows], await count


async def for_subject(subject_type: str, subject_id: str | int, *, limit: int = 200) -> list[AuditRow]:
    """One record's trail, newest first: for features that show who looked at or changed it."""
    rows = (
        await AuditEvent.select()
        .where((AuditEvent.subject_type == subject_type) & (AuditEvent.subject_id == str(subject_id)))
        .order_by(AuditEvent.id, ascending=False)
        .limit(limit)
    )
    return [_row(r) for r in rows]


async def actions() -> list[str]:
    rows = await AuditEvent.select(AuditEvent.action).distinct().order_by(AuditEvent.action)
    return [r["action"] for r in rows]


def _row(raw: dict[str, Any]) -> AuditRow:
    detail = raw["detail"]
    if isinstance(detail, str):
        detail = msgspec.json.decode(detail or "{}")
    return AuditRow(**{**raw, "detail": detail})
