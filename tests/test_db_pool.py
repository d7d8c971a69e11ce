"""The SQLite engine's kept connections (market/sqlite_pool.py): one writer and a few readers
reused across queries, reads that see every commit at once, transactions on the one writer
(IMMEDIATE, savepoints, rollback), clean closing, and two processes' engines on one file.
SQLite only: PostgreSQL has its own pool."""

from __future__ import annotations

import asyncio
import contextvars
import sqlite3
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from piccolo.engine.sqlite import SQLiteEngine

from market import db
from market.register.tables import PAProfile
from market.sqlite_pool import PooledSQLiteEngine, SmallRead
from tests.conftest import make_settings
from tests.register.factories import make_pa


@pytest.fixture
def engine_name() -> str:
    return "sqlite"


def new_engine(path: Path, **kwargs) -> PooledSQLiteEngine:
    engine = db.create_engine(make_settings(f"sqlite:///{path}", path.parent))
    assert isinstance(engine, PooledSQLiteEngine)
    for key, value in kwargs.items():
        engine.connection_kwargs[key] = value
    return engine


@pytest.fixture
async def engine(tmp_path) -> PooledSQLiteEngine:
    """A kept-connections engine on a new file with one small table."""
    engine = new_engine(tmp_path / "pool.db")
    await engine.run_ddl("CREATE TABLE counter (id INTEGER PRIMARY KEY, n INTEGER NOT NULL)")
    await engine.run_ddl("INSERT INTO counter (id, n) VALUES (1, 0)")
    try:
        yield engine
    finally:
        await engine.close()


async def count_n(engine) -> int:
    rows = await engine.run_ddl("SELECT n FROM counter WHERE id = 1")
    return rows[0]["n"]


def worker_threads() -> int:
    return sum("_connection_worker_thread" in thread.name for thread in threading.enumerate())


async def test_a_hundred_queries_open_at_most_the_writer_and_the_readers(engine):
    opened = engine.connections_opened
    for number in range(25):
        await engine.run_ddl(f"INSERT INTO counter (n) VALUES ({number})")
        await engine.run_ddl("SELECT count(*) AS rows FROM counter")
        async with db.write_transaction(engine):
            await engine.run_ddl("SELECT n FROM counter WHERE id = 1")
            await engine.run_ddl("UPDATE counter SET n = n + 1 WHERE id = 1")
    # Many at once: still no more than the pool.
    await asyncio.gather(*(engine.run_ddl("SELECT n FROM counter") for _ in range(40)))
    assert engine.connections_opened - opened <= 1 + engine.readers
    assert engine.open_connections <= 1 + engine.readers
    assert await count_n(engine) == 25


async def test_a_reader_sees_each_commit_at_once(engine):
    # Warm every reader first, so the reads below reuse connections that read before.
    await asyncio.gather(*(count_n(engine) for _ in range(engine.readers * 2)))
    for number in range(1, 21):
        if number % 2:
            await engine.run_ddl(f"UPDATE counter SET n = {number} WHERE id = 1")
        else:
            async with db.write_transaction(engine):
                await engine.run_ddl(f"UPDATE counter SET n = {number} WHERE id = 1")
        seen = await asyncio.gather(*(count_n(engine) for _ in range(engine.readers)))
        assert seen == [number] * engine.readers


async def test_a_reader_does_not_see_a_transaction_until_it_commits(engine):
    written, release = asyncio.Event(), asyncio.Event()

    async def writer() -> None:
        async with db.write_transaction(engine):
            await engine.run_ddl("UPDATE counter SET n = 7 WHERE id = 1")
            written.set()
            await release.wait()

    task = asyncio.create_task(writer())
    await written.wait()
    assert await count_n(engine) == 0  # outside the transaction: a reader, the last commit
    release.set()
    await task
    assert await count_n(engine) == 7


async def small_n(engine) -> int:
    rows = await engine.run_querystring(SmallRead("SELECT n FROM counter WHERE id = {}", 1))
    return rows[0]["n"]


async def test_a_small_read_runs_on_the_loops_thread_and_sees_each_commit(engine):
    readers_before = len(engine._connections.idle_readers)
    for number in range(1, 6):
        await engine.run_ddl(f"UPDATE counter SET n = {number} WHERE id = 1")
        assert await small_n(engine) == number
        assert threading.current_thread() is threading.main_thread()
    # No reader thread was asked: the one inline connection answered every time.
    assert len(engine._connections.idle_readers) == readers_before
    assert engine._connections.inline is not None


async def test_a_small_read_inside_a_transaction_sees_the_transactions_writes(engine):
    async with db.write_transaction(engine):
        await engine.run_ddl("UPDATE counter SET n = 9 WHERE id = 1")
        assert await small_n(engine) == 9  # on the transaction's connection, not the inline one
        assert await asyncio.create_task(small_n(engine), context=contextvars.Context()) == 0
    assert await small_n(engine) == 9


async def test_a_small_read_the_inline_connection_cannot_answer_goes_to_a_reader(engine, tmp_path):
    await small_n(engine)
    # An inline connection on another file, which has no such table: SQLite refuses there,
    # and a reader on the engine's own file answers instead.
    engine._connections.close_inline()
    engine._connections.inline = sqlite3.connect(tmp_path / "elsewhere.db")
    await engine.run_ddl("UPDATE counter SET n = 3 WHERE id = 1")
    assert await small_n(engine) == 3
    await engine.close()
    assert engine.open_connections == 0


async def test_two_hundred_concurrent_read_then_write_transactions_all_succeed(engine):
    async def increment() -> None:
        async with db.write_transaction(engine):
            rows = await engine.run_ddl("SELECT n FROM counter WHERE id = 1")
            await asyncio.sleep(0)  # let the others try to get in between
            await engine.run_ddl(f"UPDATE counter SET n = {rows[0]['n'] + 1} WHERE id = 1")

    results = await asyncio.gather(*(increment() for _ in range(200)), return_exceptions=True)
    assert [r for r in results if isinstance(r, BaseException)] == []
    assert await count_n(engine) == 200


async def test_a_rolled_back_transaction_leaves_nothing(engine):
    with pytest.raises(RuntimeError):
        async with db.write_transaction(engine):
            await engine.run_ddl("INSERT INTO counter (id, n) VALUES (2, 2)")
            await engine.run_ddl("UPDATE counter SET n = 99 WHERE id = 1")
            raise RuntimeError("changed my mind")
    assert await engine.run_ddl("SELECT id, n FROM counter") == [{"id": 1, "n": 0}]
    # The writer is free and out of any transaction: the next one starts and commits.
    async with engine.transaction():
        await engine.run_ddl("UPDATE counter SET n = 1 WHERE id = 1")
    assert await count_n(engine) == 1


async def test_a_failed_statement_rolls_its_transaction_back_and_frees_the_writer(engine):
    with pytest.raises(sqlite3.IntegrityError):
        async with db.write_transaction(engine):
            await engine.run_ddl("UPDATE counter SET n = 5 WHERE id = 1")
            await engine.run_ddl("INSERT INTO counter (id, n) VALUES (1, 1)")
    assert await count_n(engine) == 0
    with pytest.raises(sqlite3.OperationalError):
        await engine.run_ddl("INSERT INTO nowhere VALUES (1)")
    await engine.run_ddl("UPDATE counter SET n = 3 WHERE id = 1")
    assert await count_n(engine) == 3


async def test_savepoints_and_nested_transactions(engine):
    async with engine.transaction() as outer:
        await engine.run_ddl("UPDATE counter SET n = 1 WHERE id = 1")
        savepoint = await outer.savepoint()
        await engine.run_ddl("UPDATE counter SET n = 2 WHERE id = 1")
        await savepoint.rollback_to()
        assert await count_n(engine) == 1  # inside: the transaction's own connection
        kept = await outer.savepoint("kept")
        await engine.run_ddl("INSERT INTO counter (id, n) VALUES (2, 2)")
        await kept.release()
        async with engine.transaction() as inner:  # joins the outer one
            assert inner is outer
            await engine.run_ddl("INSERT INTO counter (id, n) VALUES (3, 3)")
    assert await engine.run_ddl("SELECT id, n FROM counter ORDER BY id") == [
        {"id": 1, "n": 1},
        {"id": 2, "n": 2},
        {"id": 3, "n": 3},
    ]


async def test_atomic_runs_on_the_writer(database):
    pa = await make_pa()
    atomic = db.current_engine().atomic()
    atomic.add(
        PAProfile.update({PAProfile.headline: "Atomic"}).where(PAProfile.id == pa["id"]),
        PAProfile.update({PAProfile.matters: "Both"}).where(PAProfile.id == pa["id"]),
    )
    await atomic.run()
    row = (
        await PAProfile.select(PAProfile.headline, PAProfile.matters).where(PAProfile.id == pa["id"]).first()
    )
    assert row == {"headline": "Atomic", "matters": "Both"}


async def test_foreign_keys_hold_on_every_connection(database):
    # user 999999 does not exist: the writer refuses the profile, in a transaction or not.
    with pytest.raises(sqlite3.IntegrityError):
        await PAProfile.insert(PAProfile(user=999999))
    with pytest.raises(sqlite3.IntegrityError):
        async with db.write_transaction():
            await PAProfile.insert(PAProfile(user=999999))
    rows = await db.current_engine().run_ddl("PRAGMA foreign_keys")
    assert rows == [{"foreign_keys": 1}]


async def test_rows_are_the_same_as_piccolos_engine_gives(database):
    for _ in range(3):
        await make_pa(skills={"personal_care": 2}, languages=("English", "Welsh"))
    pooled = db.current_engine()
    plain = SQLiteEngine(path=pooled.path, timeout=30)
    query = PAProfile.select().order_by(PAProfile.id)
    pooled_rows = await query.run()
    db.activate(plain)
    try:
        plain_rows = await PAProfile.select().order_by(PAProfile.id).run()
        plain_objects = await PAProfile.objects().order_by(PAProfile.id).run()
    finally:
        db.activate(pooled)
    assert pooled_rows == plain_rows
    assert [row.to_dict() for row in await PAProfile.objects().order_by(PAProfile.id).run()] == [
        row.to_dict() for row in plain_objects
    ]
    assert {type(value) for row in pooled_rows for value in row.values()} == {
        type(value) for row in plain_rows for value in row.values()
    }


async def test_close_closes_every_connection_and_thread(tmp_path):
    before = worker_threads()
    engine = new_engine(tmp_path / "closing.db")
    await engine.run_ddl("CREATE TABLE t (id INTEGER PRIMARY KEY)")
    await asyncio.gather(*(engine.run_ddl("SELECT * FROM t") for _ in range(10)))
    assert worker_threads() > before
    await engine.close()
    assert engine.open_connections == 0
    assert worker_threads() == before
    # Used again, it opens afresh; closed again, nothing is left.
    assert await engine.run_ddl("SELECT count(*) AS n FROM t") == [{"n": 0}]
    await engine.close()
    assert worker_threads() == before


async def test_two_engines_on_one_file_both_write(engine, tmp_path):
    """Two processes each have their own writer; IMMEDIATE plus the busy timeout queue them."""
    other = new_engine(Path(engine.path))
    try:

        async def increment(on: PooledSQLiteEngine) -> None:
            async with db.write_transaction(on):
                rows = await on.run_ddl("SELECT n FROM counter WHERE id = 1")
                await asyncio.sleep(0)
                await on.run_ddl(f"UPDATE counter SET n = {rows[0]['n'] + 1} WHERE id = 1")

        results = await asyncio.gather(
            *(increment(engine if number % 2 else other) for number in range(100)), return_exceptions=True
        )
        assert [r for r in results if isinstance(r, BaseException)] == []
        assert await count_n(engine) == 100
        assert await count_n(other) == 100
    finally:
        await other.close()


async def test_a_write_waiting_for_the_writer_gets_database_is_locked_after_the_timeout(tmp_path):
    """A task outside a transaction that waits for the writer while another transaction holds
    it gets SQLite's answer after the busy timeout, as it did with a connection per query."""
    engine = new_engine(tmp_path / "locked.db", timeout=0.2)
    try:
        await engine.run_ddl("CREATE TABLE t (id INTEGER PRIMARY KEY)")
        async with db.write_transaction(engine):
            # A fresh context: this task is not in the transaction.
            task = asyncio.create_task(
                engine.run_ddl("INSERT INTO t VALUES (1)"), context=contextvars.Context()
            )
            with pytest.raises(sqlite3.OperationalError, match="database is locked"):
                await task
        await engine.run_ddl("INSERT INTO t VALUES (2)")
        assert await engine.run_ddl("SELECT id FROM t") == [{"id": 2}]
    finally:
        await engine.close()


async def test_another_event_loop_gets_working_connections(engine):
    """A command's second asyncio.run, or piccolo's run_sync from inside a running loop,
    still gets answers (its own connections, or piccolo's per query)."""
    await count_n(engine)

    def in_new_loops() -> list[int]:
        return [asyncio.run(count_n(engine)) for _ in range(2)]

    with ThreadPoolExecutor(max_workers=1) as pool:
        # This loop still owns the connections: the other loop runs on its own.
        assert await asyncio.get_running_loop().run_in_executor(pool, in_new_loops) == [0, 0]
    assert await count_n(engine) == 0

    async def write() -> None:
        await engine.run_ddl("UPDATE counter SET n = 4 WHERE id = 1")

    await engine.close()
    # With no connections of this loop's, a new loop takes the engine over.
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(asyncio.run, write()).result()
    assert await count_n(engine) == 4


async def test_migrations_run_on_a_new_file(tmp_path):
    settings = make_settings(f"sqlite:///{tmp_path / 'fresh.db'}", tmp_path)
    before = db._engine
    engine = db.activate(db.create_engine(settings))
    try:
        await db.migrate()
        assert await db.pending_migrations() == 0
        assert await db.check()
    finally:
        await db.close_pool(engine)
        if before is not None:
            db.activate(before)
