"""Loading a need for someone who may act for it, and saving a change to it under the
need's version (optimistic locking) with its audit record, in one transaction."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from market.accounts.schemas import CurrentUser
from market.audit import services as audit
from market.clock import utcnow
from market.db import for_update, write_transaction
from market.errors import Conflict, Invalid, NotFound
from market.matching.needs import changes, recipients
from market.matching.needs.schemas import EDITABLE, STATUSES
from market.matching.tables import Need

STALE = (
    "This need was changed by someone else while you were looking at it. "
    "The page now shows the latest version: check it and make your change again."
)


async def need_row(user: CurrentUser, need_id: int) -> dict[str, Any]:
    """The need, if ``user`` may act for its recipient; NotFound otherwise."""
    row = await Need.select().where(Need.id == need_id).first()
    if row is None or not await recipients.can_act_for(user, row["recipient"]):
        raise NotFound()
    return row


async def save(
    user: CurrentUser,
    need_id: int,
    values: dict[Any, Any],
    action: str,
    detail: dict[str, Any],
    *,
    expected_version: int | None,
    also: Callable[[], Awaitable[Any]] | None = None,
    allowed_from: tuple[str, ...] = EDITABLE,
) -> int:
    """Apply a change in one transaction if the need is still at ``expected_version``
    (None: whatever it is now); returns the new version. Conflict when it moved on."""
    async with write_transaction():
        current = await for_update(Need.select(Need.version, Need.status).where(Need.id == need_id)).first()
        if current is None:
            raise NotFound()
        if expected_version is not None and current["version"] != expected_version:
            raise Conflict(STALE)
        if current["status"] not in allowed_from:
            raise Invalid({"status": f"A {STATUSES[current['status']].lower()} need cannot be changed"})
        version = current["version"] + 1
        await Need.update({**values, Need.version: version, Need.updated_at: utcnow()}).where(
            Need.id == need_id
        )
        if also is not None:
            await also()
        await changes.touch(need_id)  # work near you patches this need (its fields, times, status)
        await audit.record(action, actor=user, subject_type="need", subject_id=need_id, detail=detail)
    return version
