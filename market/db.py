"""The database engine: chosen from the settings, bound to every table, migrated.

piccolo finds its engine through ``market.piccolo_conf.DB``; ``activate`` sets that
and rebinds every table class, so the app, the CLI and each test can point the
whole model at one database without import-time side effects.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Any

from piccolo.columns.base import Column
from piccolo.columns.combination import Where
from piccolo.engine.base import BaseTransaction, Engine
from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import SQLiteEngine, TransactionType
from piccolo.query.methods.select import Select
from piccolo.table import Table

from market.errors import DomainError
from market.settings import Settings
from market.sqlite_pool import PooledSQLiteEngine

# piccolo's migration runner finds its configuration through this variable.
os.environ.setdefault("PICCOLO_CONF", "market.piccolo_conf")

SQLITE_BUSY_TIMEOUT_SECONDS = 30

_engine: Engine | None = None


def create_engine(settings: Settings) -> Engine:
    """An engine for the configured database (no connection is opened yet)."""
    if settings.is_postgres:
        return PostgresEngine(config={"dsn": settings.database_url})
    path = Path(settings.sqlite_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    # WAL lets readers run beside the one writer; it is a property of the file,
    # so set it once here rather than on each of the engine's connections.
    with sqlite3.connect(path) as connection:
        connection.execute("PRAGMA journal_mode=WAL")
    # One writer and a few readers kept open per process (market/sqlite_pool.py), not
    # piccolo's connection per query.
    return PooledSQLiteEngine(path=str(path), timeout=SQLITE_BUSY_TIMEOUT_SECONDS)


def _all_table_classes(base: type[Table] = Table) -> list[type[Table]]:
    found = []
    for cls in base.__subclasses__():
        found.append(cls)
        found.extend(_all_table_classes(cls))
    return found


def activate(engine: Engine) -> Engine:
    """Make ``engine`` the one every table and piccolo's migrations use."""
    global _engine
    _engine = engine
    import market.piccolo_conf  # noqa: F401 - make sure every app's tables are imported
    from market.piccolo_conf import APP_REGISTRY

    for app_config in APP_REGISTRY.app_configs.values():
        for table in app_config.table_classes:
            table._meta.db = engine
    for table in _all_table_classes():
        table._meta.db = engine
    return engine


def current_engine() -> Engine:
    """The active engine; built from the environment's settings when none was activated."""
    if _engine is None:
        from market.settings import load_settings

        activate(create_engine(load_settings()))
    assert _engine is not None
    return _engine


def write_transaction(engine: Engine | None = None) -> BaseTransaction:
    """A transaction for read-then-write work.

    On SQLite it is IMMEDIATE: it takes the write lock at BEGIN, so two writers
    queue on the busy timeout instead of one failing with "database is locked"
    when it tries to upgrade a read lock.
    """
    engine = engine or current_engine()
    if isinstance(engine, SQLiteEngine):
        return engine.transaction(transaction_type=TransactionType.immediate)
    return engine.transaction()


def for_update(query: Select) -> Select:
    """Lock the selected rows until the transaction ends (SELECT ... FOR UPDATE).

    Needed on PostgreSQL for read-then-write work, or two transactions can read the
    same value and one update is lost. On SQLite the IMMEDIATE write_transaction()
    already serialises writers, and piccolo refuses FOR UPDATE there.
    """
    if isinstance(current_engine(), PostgresEngine):
        return query.lock_rows()
    return query


# PostgreSQL's SQLSTATE for unique_violation (asyncpg raises UniqueViolationError with it).
_UNIQUE_VIOLATION = "23505"


def is_unique_violation(error: BaseException) -> bool:
    """Whether ``error`` is the database refusing a row that a unique index forbids, on
    either engine: sqlite3's IntegrityError "UNIQUE constraint failed", or PostgreSQL's
    SQLSTATE 23505. Checked by value, so this module needs no asyncpg import."""
    if isinstance(error, sqlite3.IntegrityError):
        return str(error).startswith("UNIQUE constraint failed")
    return getattr(error, "sqlstate", None) == _UNIQUE_VIOLATION


@asynccontextmanager
async def unique_or(refusal: DomainError) -> AsyncIterator[None]:
    """Raise ``refusal`` (say a Conflict) when a unique index refuses a write in the block.

    The rule itself is checked inside the write transaction first; on SQLite that is
    enough, since IMMEDIATE serialises writers. On PostgreSQL two transactions can both
    pass that check, and the index then stops the later one: its loser gets the same clear
    answer as someone who asked after the winner, never a 500. Wrap the transaction, so
    that it has been rolled back by the time ``refusal`` is raised.
    """
    try:
        yield
    except Exception as error:
        if is_unique_violation(error):
            raise refusal from error
        raise


def ilike(column: Column, pattern: str) -> Where:
    """Case-insensitive LIKE on both engines: ILIKE on PostgreSQL; on SQLite, LIKE already
    ignores case (for ASCII), and piccolo warns on every ILIKE there."""
    if isinstance(current_engine(), PostgresEngine):
        return column.ilike(pattern)
    return column.like(pattern)


async def migrate() -> None:
    """Apply every feature's pending migrations to the active database."""
    from piccolo.apps.migrations.commands.forwards import run_forwards

    current_engine()
    result = await run_forwards(app_name="all")
    if not result.success:
        raise RuntimeError(f"Migrations failed: {result.message}")


async def pending_migrations() -> int:
    """How many of the features' migrations the active database has not run yet (all of them
    on a new database)."""
    from piccolo.apps.migrations.commands.check import CheckMigrationManager

    current_engine()
    return await CheckMigrationManager(app_name="all").havent_ran_count()


async def open_pool(engine: Engine, max_size: int = 10) -> None:
    if isinstance(engine, PostgresEngine):
        await engine.start_connection_pool(min_size=1, max_size=max_size)


async def close_pool(engine: Engine) -> None:
    """Close the engine's connections: PostgreSQL's pool, or the SQLite engine's kept ones."""
    if isinstance(engine, PostgresEngine) and engine.pool is not None:
        await engine.close_connection_pool()
    elif isinstance(engine, PooledSQLiteEngine):
        await engine.close()


async def check(engine: Engine | None = None) -> bool:
    """True when the database answers a trivial query."""
    engine = engine or current_engine()
    rows = await engine.run_ddl("SELECT 1 AS ok")
    return bool(rows) and rows[0]["ok"] == 1


def json_list(value: Any) -> list:
    """A JSON list column as piccolo returns it: a list on PostgreSQL, its JSON text on
    SQLite. Anything unreadable counts as an empty list."""
    if isinstance(value, str):
        try:
            value = json.loads(value or "[]")
        except ValueError:
            return []
    return list(value) if isinstance(value, list | tuple) else []


# -- counting the SQL a piece of work runs (benchmarks, and tests that pin a page's queries) --

_counting: ContextVar[list[str] | None] = ContextVar("market_db_counting", default=None)
_inside: ContextVar[bool] = ContextVar("market_db_counting_inside", default=False)
_COUNTED = ("run_querystring", "run_ddl")


def _wrap_for_counting(cls: type[Engine]) -> None:
    """Wrap the engine class's two ways into the database (every piccolo query runs through
    run_querystring, raw SQL through run_ddl, inside a transaction or not) so they record
    their SQL while a count_queries() is open in the calling context. On the class, once:
    piccolo's engines have __slots__, so an instance cannot be patched; a call made from
    inside a counted one (a subclass calling its parent's) is not counted twice."""
    if cls.__dict__.get("_market_counting"):
        return
    for name in _COUNTED:
        original = getattr(cls, name)

        async def counted(
            self: Engine, querystring: Any, *args: Any, _original: Any = original, **kwargs: Any
        ) -> Any:
            statements = _counting.get()
            if statements is None or _inside.get():
                return await _original(self, querystring, *args, **kwargs)
            statements.append(str(querystring))
            token = _inside.set(True)
            try:
                return await _original(self, querystring, *args, **kwargs)
            finally:
                _inside.reset(token)

        setattr(cls, name, counted)
    cls._market_counting = True  # type: ignore[attr-defined]


@contextmanager
def count_queries(engine: Engine | None = None) -> Iterator[list[str]]:
    """The SQL statements run in this context (and the tasks it starts) while open, as a list
    that fills as they run: ``with count_queries() as sql: ...; len(sql)``. Only this
    context's queries count, not a background task's running beside it; a counter opened
    inside another takes the statements until it closes. BEGIN and COMMIT
    of piccolo's transactions are not statements of the work and are not counted."""
    _wrap_for_counting(type(engine or current_engine()))
    statements: list[str] = []
    token = _counting.set(statements)
    try:
        yield statements
    finally:
        _counting.reset(token)
