"""The database layer under load: concurrent read-then-write transactions all succeed."""

import asyncio

from market.audit.tables import AuditEvent
from market.db import check, for_update, write_transaction


async def test_two_hundred_concurrent_read_then_write_transactions(database):
    await AuditEvent.insert(AuditEvent(action="counter", subject_id="0"))

    async def increment() -> None:
        async with write_transaction():
            row = await for_update(
                AuditEvent.select(AuditEvent.subject_id).where(AuditEvent.action == "counter")
            ).first()
            await AuditEvent.update({AuditEvent.subject_id: str(int(row["subject_id"]) + 1)}).where(
                AuditEvent.action == "counter"
            )

    results = await asyncio.gather(*(increment() for _ in range(200)), return_exceptions=True)
    failures = [r for r in results if isinstance(r, Exception)]
    assert failures == []
    row = await AuditEvent.select(AuditEvent.subject_id).where(AuditEvent.action == "counter").first()
    # Every increment saw the one before it: no lost updates.
    assert row["subject_id"] == "200"


async def test_the_schema_comes_from_the_migrations(database):
    from piccolo.apps.migrations.tables import Migration

    applied = {row["app_name"] for row in await Migration.select(Migration.app_name)}
    assert {"accounts", "audit", "mail"} <= applied
    assert await check()
