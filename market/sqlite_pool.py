"""SQLite connections kept open: one writer and a few readers per process.

piccolo's SQLiteEngine opens a new aiosqlite connection (and its thread) for every
query, a few milliseconds each. ``PooledSQLiteEngine`` keeps them instead, opened
lazily and reused:

- one **writer** connection: every transaction (``engine.transaction()``, ``atomic()``,
  ``market.db.write_transaction``'s IMMEDIATE ones) and every write outside a
  transaction goes through it, one at a time (an asyncio lock). Across processes the
  busy timeout plus IMMEDIATE still makes writers queue on the file's write lock.
- a small pool of **reader** connections for a plain SELECT outside any transaction.
  They are in autocommit mode (``isolation_level=None``) and each statement is read to
  its end, so a reader never holds a read transaction between queries: under WAL every
  query sees the latest commit.

- one **inline** connection for a small read (``SmallRead``: market.reads' statements,
  a handful of rows by key): it runs on the event loop's own thread, not a reader's.
  Most of a small query's cost was the trip to a reader thread and back (the queue, the
  thread's wake-up, the loop's wake-up when the answer is posted), more than the SQL:
  a results page's read takes 0.1 ms of SQL. Under WAL a reader never waits for the writer;
  should it ever be told the file is busy, it does not wait (no busy timeout, which would
  stall the loop) but goes to a reader thread. Inside a transaction a small read runs on
  the transaction's connection, like any other statement there, to see its writes.

Every connection is set up as piccolo sets up its own (the same ``connect`` arguments,
so the same date/JSON/UUID converters, its dict row factory, ``PRAGMA foreign_keys``),
so results are identical. ``close()`` closes them all; the engine reopens lazily if it
is used again.

The connections belong to one process and one event loop. A fork or a new loop (a
second ``asyncio.run`` in a command) starts afresh; a query from another loop while the
owning one is still running (piccolo's ``run_sync`` inside a running loop) falls back
to piccolo's connection per query.
"""

from __future__ import annotations

import asyncio
import os
import sqlite3
from types import TracebackType
from typing import TYPE_CHECKING, Any, cast

import aiosqlite
from piccolo.engine.sqlite import (
    SQLiteEngine,
    SQLiteTransaction,
    TransactionType,
    dict_factory,
)
from piccolo.querystring import QueryString

if TYPE_CHECKING:
    from piccolo.table import Table

DEFAULT_READERS = 4


# How much of the file the inline connection maps into memory (SQLite's mmap_size).
INLINE_MMAP_BYTES = 256 * 1024 * 1024


class SmallRead(QueryString):
    """A SELECT of a handful of rows found by key, which ``PooledSQLiteEngine`` runs on the
    event loop's thread (``market.reads`` builds its statements as these). Anything that
    may read many rows must stay a plain QueryString: it would hold up every request."""

    __slots__ = ()


def _is_read(sql: str) -> bool:
    """Whether a statement can go to a reader: a plain SELECT. Anything else (PRAGMA,
    DDL, WITH ... which may write) goes to the writer; readers are also query_only, so
    a write sent to one would fail loudly rather than take the file's write lock."""
    return sql.lstrip()[:6].upper() == "SELECT"


class _Connections:
    """The connections of one process and event loop."""

    def __init__(self, readers: int) -> None:
        self.pid = os.getpid()
        self.loop = asyncio.get_running_loop()
        self.writer: aiosqlite.Connection | None = None
        self.writer_lock = asyncio.Lock()
        self.idle_readers: list[aiosqlite.Connection] = []
        self.reader_slots = asyncio.Semaphore(readers)
        # Every connection opened and not yet closed, readers in use included.
        self.open: set[aiosqlite.Connection] = set()
        self.inline: sqlite3.Connection | None = None  # SmallRead's, opened on first use
        self.closed = False

    def close_inline(self) -> None:
        inline, self.inline = self.inline, None
        if inline is not None:
            inline.close()


class PooledSQLiteEngine(SQLiteEngine):
    """piccolo's SQLite engine, with one kept writer and ``readers`` kept readers."""

    def __init__(self, path: str, readers: int = DEFAULT_READERS, **connection_kwargs: Any) -> None:
        super().__init__(path=path, **connection_kwargs)
        self.readers = readers
        self._connections: _Connections | None = None
        # How many connections this engine has opened in all (for tests and benchmarks).
        self.connections_opened = 0
        # Connections dropped without waiting (see _retire), with their stop() futures.
        self._stopping: list[tuple[aiosqlite.Connection, asyncio.Future | None]] = []

    # -- the connections ----------------------------------------------------------------

    def _current(self) -> _Connections | None:
        """This loop's connections, made when there are none; None when another loop,
        still running, owns them (the caller then uses a connection of its own)."""
        loop = asyncio.get_running_loop()
        connections = self._connections
        if connections is not None and connections.loop is loop and connections.pid == os.getpid():
            return connections
        if connections is not None:
            if connections.pid == os.getpid() and connections.loop.is_running():
                return None
            # A forked child's copies have no threads behind them: forget them. A finished
            # loop's connections are idle: stop their threads and start afresh.
            if connections.pid == os.getpid():
                for connection in connections.open:
                    self._retire(connection)
                connections.close_inline()
        self._connections = _Connections(self.readers)
        return self._connections

    async def _open(self, *, reader: bool) -> aiosqlite.Connection:
        connection = aiosqlite.connect(**self.connection_kwargs)
        # A command that forgets close() must still exit: aiosqlite's thread is not a daemon.
        connection._thread.daemon = True
        await connection
        try:
            connection.row_factory = dict_factory  # type: ignore[assignment]  # piccolo's own
            # piccolo runs this before every query; a connection's setting lasts, so once is enough.
            await connection.execute("PRAGMA foreign_keys = 1")
            if reader:
                await connection.execute("PRAGMA query_only = 1")
        except BaseException:
            await connection.close()
            raise
        self.connections_opened += 1
        return connection

    def _open_inline(self) -> sqlite3.Connection:
        kwargs = {**self.connection_kwargs, "timeout": 0}  # never wait on the loop's thread
        # Used only on its loop's thread; closed from another once that loop has finished.
        connection = sqlite3.connect(**kwargs, check_same_thread=False)
        try:
            connection.row_factory = dict_factory
            connection.execute("PRAGMA query_only = 1")
            # Its reads find rows by key all over the file (a results page's twenty profiles):
            # read through a memory map they cost no system call a page.
            connection.execute(f"PRAGMA mmap_size = {INLINE_MMAP_BYTES}")
        except BaseException:
            connection.close()
            raise
        self.connections_opened += 1
        return connection

    def _read_inline(self, query: str, args: list[Any] | None) -> list[dict] | None:
        """A small read's rows from the inline connection, or None where it must go the
        usual way: inside a transaction (it must see the transaction's own writes), from a
        loop that does not own the connections, or when SQLite says the file is busy."""
        if self.current_transaction.get() is not None:
            return None
        connections = self._current()
        if connections is None:
            return None
        if connections.inline is None:
            connections.inline = self._open_inline()
        try:
            return connections.inline.execute(query, args or []).fetchall()
        except sqlite3.OperationalError:
            return None  # busy, or a real fault: the reader's thread answers it either way

    def _retire(self, connection: aiosqlite.Connection) -> None:
        """Close a connection without waiting (its thread finishes what it has queued)."""
        self._stopping.append((connection, connection.stop()))

    async def _writer(self, connections: _Connections) -> aiosqlite.Connection:
        if connections.writer is None:
            connections.writer = await self._open(reader=False)
            connections.open.add(connections.writer)
        return connections.writer

    async def _acquire_writer(self, connections: _Connections) -> aiosqlite.Connection:
        """Take the writer lock, waiting no longer than the busy timeout: a task that waits
        for the writer inside another's transaction gets "database is locked", as it did
        with a connection per query, rather than waiting for ever."""
        timeout = float(self.connection_kwargs.get("timeout", 5.0))
        try:
            async with asyncio.timeout(timeout):
                await connections.writer_lock.acquire()
        except TimeoutError:
            raise sqlite3.OperationalError("database is locked") from None
        try:
            return await self._writer(connections)
        except BaseException:
            connections.writer_lock.release()
            raise

    async def _release_writer(self, connections: _Connections, *, clean: bool) -> None:
        """Give the writer back with no transaction open on it, whatever happened.

        ``clean`` says every statement sent to it has finished. After a failure or a
        cancellation one may still be queued on its thread (a BEGIN IMMEDIATE waiting on
        the busy timeout, say), so a ROLLBACK is queued behind it rather than trusting
        ``in_transaction`` now."""
        try:
            writer = connections.writer
            if writer is None or (clean and not writer.in_transaction):
                return
            try:
                await writer.execute("ROLLBACK")
            except sqlite3.OperationalError:
                pass  # no transaction was open
            except BaseException:
                # Unusable: drop it and open a new one next time.
                connections.writer = None
                connections.open.discard(writer)
                self._retire(writer)
                raise
        finally:
            connections.writer_lock.release()

    # -- running queries ----------------------------------------------------------------

    async def _execute(
        self,
        connection: aiosqlite.Connection,
        query: str,
        args: list[Any] | None,
        query_type: str = "generic",
        table: type[Table] | None = None,
    ) -> list[dict]:
        if query_type == "insert" and self.get_version_sync() < 3.35:
            # No RETURNING before SQLite 3.35: piccolo's own path reads the new key.
            return await self._run_in_existing_connection(connection, query, args, query_type, table)
        # One trip to the connection's thread; the statement is read to its end, so it
        # leaves no read transaction open behind it.
        return cast(list[dict], list(await connection.execute_fetchall(query, args or [])))

    async def _read(self, connections: _Connections, query: str, args: list[Any] | None) -> list[dict]:
        async with connections.reader_slots:
            reader = connections.idle_readers.pop() if connections.idle_readers else None
            if reader is None:
                reader = await self._open(reader=True)
                connections.open.add(reader)
            try:
                return await self._execute(reader, query, args)
            finally:
                # Even after a failure or a cancellation the connection is reusable: the
                # statement runs and is read to its end in one call on its thread.
                if not connections.closed:
                    connections.idle_readers.append(reader)

    async def _write(
        self,
        connections: _Connections,
        query: str,
        args: list[Any] | None,
        query_type: str,
        table: type[Table] | None,
    ) -> list[dict]:
        writer = await self._acquire_writer(connections)
        clean = False
        try:
            rows = await self._execute(writer, query, args, query_type, table)
            clean = True
            return rows
        finally:
            await self._release_writer(connections, clean=clean)

    async def _run(
        self,
        query: str,
        args: list[Any] | None,
        query_type: str = "generic",
        table: type[Table] | None = None,
    ) -> list[dict]:
        transaction = self.current_transaction.get()
        if transaction is not None:
            return await self._execute(transaction.connection, query, args, query_type, table)
        connections = self._current()
        if connections is None:
            return await self._run_in_new_connection(query, args, query_type, table)
        if _is_read(query):
            return await self._read(connections, query, args)
        return await self._write(connections, query, args, query_type, table)

    async def run_querystring(self, querystring: QueryString, in_pool: bool = False) -> list[dict]:
        query_id = self.get_query_id()
        if self.log_queries:
            self.print_query(query_id=query_id, query=querystring.__str__())
        query, args = querystring.compile_string(engine_type=self.engine_type)
        response = self._read_inline(query, args) if isinstance(querystring, SmallRead) else None
        if response is None:
            response = await self._run(query, args, querystring.query_type, querystring.table)
        if self.log_responses:
            self.print_response(query_id=query_id, response=response)
        return response

    async def run_ddl(self, ddl: str, in_pool: bool = False) -> list[dict]:
        query_id = self.get_query_id()
        if self.log_queries:
            self.print_query(query_id=query_id, query=ddl)
        response = await self._run(ddl, None)
        if self.log_responses:
            self.print_response(query_id=query_id, response=response)
        return response

    def transaction(
        self,
        transaction_type: TransactionType = TransactionType.deferred,
        allow_nested: bool = True,
    ) -> SQLiteTransaction:
        return PooledTransaction(engine=self, transaction_type=transaction_type, allow_nested=allow_nested)

    # -- closing ------------------------------------------------------------------------

    async def close(self) -> None:
        """Close every connection and end its thread (a reader still in use closes once
        its query is done)."""
        connections, self._connections = self._connections, None
        closing: list[aiosqlite.Connection] = []
        if connections is not None and connections.pid == os.getpid():
            connections.closed = True
            connections.close_inline()
            # Readers first, the writer last.
            closing = sorted(connections.open, key=lambda connection: connection is connections.writer)
            for connection in closing:
                await connection.close()
        stopping, self._stopping = self._stopping, []
        for connection, future in stopping:
            if future is not None and future.get_loop() is asyncio.get_running_loop():
                await asyncio.gather(future, return_exceptions=True)
            closing.append(connection)
        # close() returns once the thread has answered; it ends a moment later. Wait for
        # that, so that nothing outlives the engine (a test's, say).
        for connection in closing:
            connection._thread.join(timeout=1)

    @property
    def open_connections(self) -> int:
        """How many connections are open now (for tests)."""
        connections = self._connections
        return len(connections.open) + (connections.inline is not None) if connections else 0


class PooledTransaction(SQLiteTransaction):
    """piccolo's SQLite transaction on the engine's one writer connection, held (the
    writer lock) from BEGIN to COMMIT or ROLLBACK. Nested ones are piccolo's: they join
    the outer transaction, and savepoints run on its connection."""

    __slots__ = ("_connections",)

    engine: PooledSQLiteEngine

    def __init__(
        self,
        engine: PooledSQLiteEngine,
        transaction_type: TransactionType = TransactionType.deferred,
        allow_nested: bool = True,
    ) -> None:
        super().__init__(engine=engine, transaction_type=transaction_type, allow_nested=allow_nested)
        self._connections: _Connections | None = None

    async def __aenter__(self) -> SQLiteTransaction:
        if self._parent is not None:
            return self._parent
        connections = self.engine._current()
        if connections is None:
            return await super().__aenter__()
        self.connection = await self.engine._acquire_writer(connections)
        try:
            await self.begin()
        except BaseException:
            await self.engine._release_writer(connections, clean=False)
            raise
        self._connections = connections
        self.context = self.engine.current_transaction.set(self)
        return self

    async def __aexit__(
        self,
        exception_type: type[BaseException] | None,
        exception: BaseException | None,
        traceback: TracebackType | None,
    ) -> bool:
        if self._parent is not None:
            return exception is None
        connections = self._connections
        if connections is None:
            return await super().__aexit__(exception_type, exception, traceback)
        clean = False
        try:
            if exception:
                if not self._rolled_back:
                    await self.rollback()
            elif not self._committed and not self._rolled_back:
                await self.commit()
            clean = True
        finally:
            self.engine.current_transaction.reset(self.context)
            self._connections = None
            # A failed COMMIT or ROLLBACK must not leave the transaction open on the writer.
            await self.engine._release_writer(connections, clean=clean)
        return exception is None
