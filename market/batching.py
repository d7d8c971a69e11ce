"""Writing many rows a batch at a time: the background jobs' rule of at most ``BATCH`` rows a
write transaction (a job never holds the write lock for long, nor commits once a row)."""

from __future__ import annotations

from typing import Any

from piccolo.table import Table

from market.db import write_transaction

BATCH = 500


async def delete_in_batches(table: type[Table], *where: Any, size: int = BATCH) -> int:
    """Delete the rows of ``table`` matching ``where``, ``size`` at a time, one transaction
    each, oldest id first; how many went. Each batch re-applies ``where`` as it deletes, so a
    second run at the same time deletes nothing twice."""
    pk = table._meta.primary_key
    deleted = 0
    while True:
        rows = await table.select(pk).where(*where).order_by(pk).limit(size)
        ids = [r[pk._meta.name] for r in rows]
        if not ids:
            return deleted
        async with write_transaction():
            gone = await table.delete().where(pk.is_in(ids), *where).returning(pk)
        deleted += len(gone)
        if len(ids) < size:
            return deleted
