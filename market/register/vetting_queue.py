"""Staff's vetting to-do lists: PAs waiting for checks, due for review, or suspended."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import msgspec

from market.clock import utcnow
from market.register.tables import PAProfile


class QueueRow(msgspec.Struct, kw_only=True):
    profile_id: int
    name: str
    email: str
    district: str
    status: str
    since: Any
    review_due_on: date | None = None


async def queue(*, review_within_days: int = 30) -> dict[str, list[QueueRow]]:
    """Staff's to-do lists: waiting for checks, due for review, suspended."""
    columns = (
        PAProfile.id,
        PAProfile.status,
        PAProfile.district,
        PAProfile.submitted_at,
        PAProfile.updated_at,
        PAProfile.review_due_on,
        PAProfile.user.display_name,
        PAProfile.user.email,
    )

    def rows(found: list[dict]) -> list[QueueRow]:
        return [
            QueueRow(
                profile_id=r["id"],
                name=r["user.display_name"],
                email=r["user.email"],
                district=r["district"],
                status=r["status"],
                since=r["submitted_at"] or r["updated_at"],
                review_due_on=r["review_due_on"],
            )
            for r in found
        ]

    horizon = utcnow().date() + timedelta(days=review_within_days)
    return {
        "submitted": rows(
            await PAProfile.select(*columns)
            .where(PAProfile.status == "submitted")
            .order_by(PAProfile.submitted_at)
        ),
        "review": rows(
            await PAProfile.select(*columns)
            .where(PAProfile.status == "approved", PAProfile.review_due_on <= horizon)
            .order_by(PAProfile.review_due_on)
        ),
        "suspended": rows(
            await PAProfile.select(*columns)
            .where(PAProfile.status == "suspended")
            .order_by(PAProfile.updated_at)
        ),
    }
