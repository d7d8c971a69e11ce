"""One consistent read of many rows, for the bulk readers (the matching index's build and the
readers it calls in ``market.dbs.standing`` and ``market.training.holdings``): a read-only
connection of its own, in one transaction, so every table is read at one moment.

Its queries return either the driver's own rows (tuples) or whole columns as numpy arrays.
Turning rows into Python objects is most of the cost of reading millions of per-PA rows:
piccolo's row dicts cost about five times a driver's tuple, and a tuple of three numbers
about as much again as the query that found it. So ``columns`` asks the database for each
column of a query as one text of comma-separated numbers (SQLite ``group_concat``,
PostgreSQL ``string_agg``) and numpy parses it in C: no Python object per row or value.

SQL is written once for both databases, in SQLite's spelling with ``?`` parameters (numbered
for PostgreSQL here); ``day`` spells a date's day number, which the two databases compute
differently. The SQLite driver is synchronous: its queries run in a thread, as does the
parsing of every column, so that the event loop keeps serving requests meanwhile."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Sequence
from pathlib import Path
from typing import Any, cast

import asyncpg
import msgspec
import numpy as np
from piccolo.engine.base import Engine
from piccolo.engine.sqlite import SQLiteEngine

# SQLite's julian day number of 0001-01-01 (day 1 of Python's ``date.toordinal``) at noon,
# less one day: julianday('YYYY-MM-DD') minus this is the date's ordinal.
_JULIAN_BEFORE_DAY_ONE = 1721424.5


class Snapshot:
    """``async with Snapshot(engine) as snapshot``: its queries all see the database as it
    was at the first of them."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._sqlite: sqlite3.Connection | None = None
        self._postgres: Any = None
        self._transaction: Any = None

    @property
    def postgres(self) -> bool:
        return not isinstance(self._engine, SQLiteEngine)

    async def __aenter__(self) -> Snapshot:
        if isinstance(self._engine, SQLiteEngine):
            self._sqlite = _read_only(self._engine.path)
        else:
            self._postgres = await asyncpg.connect(**cast(Any, self._engine).config)
            self._transaction = self._postgres.transaction(isolation="repeatable_read", readonly=True)
            await self._transaction.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._sqlite is not None:
            self._sqlite.close()
        if self._postgres is not None:
            await self._transaction.rollback()
            await self._postgres.close()

    # -- SQL spelled for this database ------------------------------------------------------------

    def day(self, expression: str) -> str:
        """SQL for a date's day number (``date.toordinal``); NULL stays NULL."""
        if self.postgres:
            return f"(({expression}) - DATE '0001-01-01' + 1)"
        return f"CAST(julianday({expression}) - {_JULIAN_BEFORE_DAY_ONE} AS INTEGER)"

    # -- queries ------------------------------------------------------------------------------

    async def rows(self, sql: str, *args: Any) -> list[Sequence[Any]]:
        """The driver's rows (tuples, or asyncpg's records) of a query."""
        if self._sqlite is not None:
            connection = self._sqlite
            return await asyncio.to_thread(lambda: connection.execute(sql, args).fetchall())
        return list(await self._postgres.fetch(_numbered(sql), *args))

    async def columns(
        self, expressions: Sequence[str], source: str, *args: Any, floats: Sequence[int] = ()
    ) -> list[np.ndarray]:
        """One array per expression, over the rows of ``SELECT <expressions> FROM <source>``
        (``source``: tables, WHERE, ORDER BY and LIMIT; an ORDER BY there orders the arrays).
        Every expression must be a number and never NULL (an aggregate would leave a NULL
        out and misalign the arrays: a ValueError says so). Integers come back as int64,
        except those at the positions in ``floats``: float64 (written as text on the way, to
        15 significant digits on SQLite: not for coordinates)."""
        kinds = [float if k in floats else int for k in range(len(expressions))]
        inner = ", ".join(
            f"{self._number(expression, kind)} AS c{k}"
            for k, (expression, kind) in enumerate(zip(expressions, kinds, strict=True))
        )
        joined = ", ".join(self._joined(f"c{k}") for k in range(len(expressions)))
        sql = f"SELECT count(*), {joined} FROM (SELECT {inner} FROM {source}) AS found"
        if self._sqlite is not None:
            connection = self._sqlite

            def read() -> list[np.ndarray]:
                return _parse(connection.execute(sql, args).fetchone(), kinds)

            return await asyncio.to_thread(read)
        row = await self._postgres.fetchrow(_numbered(sql), *args)
        return await asyncio.to_thread(_parse, tuple(row), kinds)

    async def texts(self, expressions: Sequence[str], source: str, *args: Any) -> list[list[str | None]]:
        """One list per expression, over the rows of ``SELECT <expressions> FROM <source>``:
        each value as text (None for NULL), read as one JSON array a column (SQLite
        ``json_group_array``, PostgreSQL ``json_agg``) decoded in C, no row tuples."""
        cast_as = "::text" if self.postgres else ""
        inner = ", ".join(
            f"({e}){cast_as} AS c{k}" if self.postgres else f"CAST({e} AS TEXT) AS c{k}"
            for k, e in enumerate(expressions)
        )
        joined = ", ".join(
            f"json_agg(c{k})::text" if self.postgres else f"json_group_array(c{k})"
            for k in range(len(expressions))
        )
        sql = f"SELECT {joined} FROM (SELECT {inner} FROM {source}) AS found"
        if self._sqlite is not None:
            connection = self._sqlite

            def read() -> list[list[str | None]]:
                return _decode(connection.execute(sql, args).fetchone())

            return await asyncio.to_thread(read)
        row = await self._postgres.fetchrow(_numbered(sql), *args)
        return await asyncio.to_thread(_decode, tuple(row))

    async def packed(self, fields: Sequence[tuple[str, int]], source: str, *args: Any) -> list[np.ndarray]:
        """``columns`` of small integers, read several to a number (``packed_sql``): one value
        a row to write out and parse, not one a field. Each field's expression must be in
        [0, 2 ** bits) (``within`` keeps an id so)."""
        (values,) = await self.columns((packed_sql(fields),), source, *args)
        return unpacked(values, [bits for _, bits in fields])

    def _number(self, expression: str, kind: type) -> str:
        if self.postgres:
            return f"({expression})::{'float8' if kind is float else 'bigint'}"
        return f"CAST({expression} AS {'REAL' if kind is float else 'INTEGER'})"

    def _joined(self, column: str) -> str:
        if self.postgres:
            return f"string_agg({column}::text, ',')"
        return f"group_concat({column}, ',')"


def packed_sql(fields: Sequence[tuple[str, int]]) -> str:
    """SQL for one integer holding each (expression, bits) field, the first in the lowest
    bits (arithmetic, not shifts: spelled alike on both databases; 64-bit, so no field of
    PostgreSQL's 32-bit integers overflows)."""
    assert sum(bits for _, bits in fields) <= 63, "a packed number must fit a signed 64-bit integer"
    shift, terms = 0, []
    for sql, bits in fields:
        terms.append(f"({sql}) * CAST({1 << shift} AS BIGINT)")
        shift += bits
    return " + ".join(terms)


def unpacked(values: np.ndarray, widths: Sequence[int]) -> list[np.ndarray]:
    """The fields of ``packed_sql`` numbers, given each field's bits."""
    found, shift = [], 0
    for bits in widths:
        found.append((values >> shift) & ((1 << bits) - 1))
        shift += bits
    return found


def within(expression: str, bits: int) -> str:
    """SQL for an id as a packed field: itself if it fits ``bits``, else 0 (no row has id 0:
    read as an unknown id)."""
    return f"CASE WHEN {expression} BETWEEN 0 AND {(1 << bits) - 1} THEN {expression} ELSE 0 END"


def _parse(row: Sequence[Any], kinds: Sequence[type]) -> list[np.ndarray]:
    count, texts = int(row[0]), row[1:]
    found = []
    for text, kind in zip(texts, kinds, strict=True):
        dtype = np.float64 if kind is float else np.int64
        values = np.fromstring(text, dtype=dtype, sep=",") if text else np.zeros(0, dtype=dtype)
        if len(values) != count:
            raise ValueError(f"a column of {count} rows came back with {len(values)} values (a NULL?)")
        found.append(values)
    return found


_TEXTS = msgspec.json.Decoder(list[str | None])


def _decode(row: Sequence[Any]) -> list[list[str | None]]:
    return [_TEXTS.decode(text) if text else [] for text in row]


def _numbered(sql: str) -> str:
    """``?`` parameters as PostgreSQL's ``$1``, ``$2`` ... (no ``?`` may appear otherwise)."""
    parts = sql.split("?")
    return parts[0] + "".join(f"${k}{part}" for k, part in enumerate(parts[1:], start=1))


def _read_only(path: str) -> sqlite3.Connection:
    """A read-only connection to the SQLite file, in a read transaction (one snapshot from
    its first query on)."""
    uri = Path(path).resolve().as_uri() + "?mode=ro"
    connection = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False)
    connection.execute("BEGIN")
    return connection
