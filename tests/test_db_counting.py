"""db.count_queries: the SQL statements a piece of work runs, on SQLite and PostgreSQL, inside
write transactions too, and only the counting context's (not a task running beside it)."""

from __future__ import annotations

import asyncio

from market import db
from market.accounts.tables import User


async def test_counts_every_statement_in_and_out_of_transactions(database):
    with db.count_queries() as sql:
        await User.select(User.id).limit(1)
        async with db.write_transaction():
            await User.count()
            await User.select(User.id).limit(1)
        await db.check()
    assert len(sql) == 4
    assert "COUNT(*)" in sql[1]
    with db.count_queries() as nothing:
        pass
    assert nothing == []


async def test_counts_only_its_own_context(database):
    started, release = asyncio.Event(), asyncio.Event()

    async def beside() -> None:
        started.set()
        await release.wait()
        await User.count()

    other = asyncio.create_task(beside())  # created before counting: not the counted work's
    await started.wait()
    with db.count_queries() as sql:
        release.set()
        await other
        await User.select(User.id).limit(1)
    assert len(sql) == 1


async def test_nested_counters_each_see_their_own(database):
    with db.count_queries() as outer:
        await User.count()
        with db.count_queries() as inner:
            await User.count()
        await User.count()
    assert (len(outer), len(inner)) == (2, 1)
