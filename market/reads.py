"""Several SELECTs in one statement, each row straight into a msgspec Struct (issue 22).

A page that shows one PA, or one need's matches, reads a handful of small things owned by
different features: the profile and its slots (register), the DBS checks (dbs), the training
(training), the shortlist entry (search). Each feature keeps its own SQL, as a ``Read`` built
by its published module (``market.dbs.standing.checks_read`` ...), and the page runs them
together: one round trip, one query to ``market.db.count_queries``, instead of one a read.

Each read comes back as ONE value: a JSON array of its rows, each row ``[seq, [cols...]]``,
built in the database (``json_group_array``/``json_array`` on SQLite, ``json_agg``/
``json_build_array`` on PostgreSQL), and msgspec decodes it straight into the read's Structs
(an ``array_like`` one, its fields in the read's column order). That skips piccolo's query
building and its row conversion, whose foreign-key attribute lookups (``dir()`` on every
joined column) cost more than the queries on these pages; and the whole statement is one
row, whatever the reads hold. That matters on SQLite: the driver hands the interpreter lock
back and forth for every row it steps, and a page's thirty-odd rows, while the event loop
is busy with other requests, cost more CPU in those hand-overs than the query itself (a
profile page: 0.7 ms of the worker's threads against 0.15 ms of SQL). msgspec decodes
non-strictly, so both engines' spellings of a value come out the same: SQLite's 0/1 for a
bool, its JSON column as JSON text (read it with ``market.db.json_list``), either engine's
timestamp text.

The statement is, for reads 0..n-1::

    SELECT (SELECT json_group_array(json_array(seq, json_array(c0, c1, ...)))
              FROM (SELECT ROW_NUMBER() OVER (ORDER BY ...) AS seq, col0 AS c0, ...
                    FROM ... WHERE ...) AS part0) AS part0,
           ...

Each row carries its place in the read's order (``seq``) and is put back in it here: SQLite
does not promise that an aggregate sees its rows in a subquery's order.

On SQLite the statement runs on the event loop's own thread (``market.sqlite_pool.SmallRead``):
a read here must stay a handful of rows found by key (one PA, one need, a page of them), never
a scan, or it holds up every request its worker is serving.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC
from functools import cache, lru_cache
from operator import itemgetter
from typing import Any

import msgspec
import msgspec.inspect
from piccolo.engine.postgres import PostgresEngine
from piccolo.querystring import QueryString
from piccolo.table import Table

from market.db import current_engine
from market.sqlite_pool import SmallRead


class Read(msgspec.Struct, frozen=True, kw_only=True):
    """One SELECT to run beside others: its column expressions (``columns``), the rest of
    the statement from FROM on (``source``, with ``{}`` for each of ``args``), the order of
    its rows (``order``, SQL for ORDER BY; empty: any) and the Struct each row becomes
    (``row``: ``array_like=True``, a field per column, in order)."""

    row: type
    columns: tuple[str, ...]
    source: str
    args: tuple[Any, ...] = ()
    order: str = ""


def table(cls: type[Table]) -> str:
    """A table's name, quoted for either engine (the feature's own table class names it, so
    a read's SQL follows a rename)."""
    return f'"{cls._meta.tablename}"'


def marks(values: Sequence[Any]) -> str:
    """``{}, {}, ...``: one placeholder a value, for ``IN (...)`` (never empty: ``IN (NULL)``
    matches nothing)."""
    return ", ".join("{}" for _ in values) or "NULL"


class _Compiled(SmallRead):
    """A statement already in the engine's placeholders (``?`` or ``$1``...). piccolo's own
    compiling splits the template into fragments and checks every argument's type, which for
    a results page's eighty-odd ids cost more than building the statement. A ``SmallRead``:
    on SQLite it runs on the event loop's thread (``market.sqlite_pool``)."""

    __slots__ = ()

    def __init__(self, sql: str, args: list[Any]) -> None:
        super().__init__("")
        self._frozen_compiled_strings = (sql, args)

    def __str__(self) -> str:
        return self.compile_string()[0]


@cache
def _frame(columns: tuple[str, ...], order: str, postgres: bool) -> tuple[str, str]:
    """A read's statement around its source: what comes before it and after it."""
    array = "json_build_array" if postgres else "json_array"
    named = ", ".join(f"{column} AS c{i}" for i, column in enumerate(columns))
    data = f"{array}(seq, {array}({', '.join(f'c{i}' for i in range(len(columns)))}))"
    every = f"COALESCE(json_agg({data} ORDER BY seq), '[]')" if postgres else f"json_group_array({data})"
    over = f"ORDER BY {order}" if order else ""
    return (
        f"(SELECT {every} FROM (SELECT ROW_NUMBER() OVER ({over}) AS seq, {named} ",
        ") AS part{k}) AS part{k}",
    )


def _statement(reads: Sequence[Read], postgres: bool) -> QueryString:
    args = [arg for read in reads for arg in read.args]
    shape = tuple((read.row, read.columns, read.source, read.order, len(read.args)) for read in reads)
    return _Compiled(_sql(shape, postgres), args)


@lru_cache(maxsize=1024)
def _sql(shape: tuple[tuple[type, tuple[str, ...], str, str, int], ...], postgres: bool) -> str:
    """The statement for reads of this shape (row, columns, source, order, how many
    arguments): pages ask the same few shapes again and again, with other values."""
    parts: list[str] = []
    placeholders = 0
    for k, (row, columns, source, order, count) in enumerate(shape):
        before, after = _frame(columns, order, postgres)
        pieces = source.split("{}")
        if len(pieces) != count + 1:
            raise ValueError(f"{row.__name__}: {len(pieces) - 1} placeholders for {count} values")
        if postgres:
            first = placeholders + 1
            source = pieces[0] + "".join(f"${first + i}{piece}" for i, piece in enumerate(pieces[1:]))
        else:
            source = "?".join(pieces)
        parts.append(before + source + after.format(k=k))
        placeholders += count
    return "SELECT " + ", ".join(parts)


async def read_together(*reads: Read) -> list[list[Any]]:
    """Each read's rows, as its Structs, in its order, from one statement."""
    if not reads:
        return []
    engine = current_engine()
    postgres = isinstance(engine, PostgresEngine)
    values = (await engine.run_querystring(_statement(reads, postgres)))[0]
    found: list[list[Any]] = []
    for k, read in enumerate(reads):
        numbered = _decoder(read.row).decode(values[f"part{k}"])
        numbered.sort(key=itemgetter(0))  # in order already, as a rule: a single pass then
        rows = [row for _, row in numbered]
        if rows and not postgres and (fields := _timestamps(read.row)):
            _as_utc(rows, fields)
        found.append(rows)
    return found


@cache
def _decoder(row: type) -> msgspec.json.Decoder:
    """A read's rows as (seq, Struct) pairs."""
    return msgspec.json.Decoder(list[tuple[int, row]], strict=False)  # type: ignore[valid-type]


@cache
def _timestamps(row: type) -> tuple[str, ...]:
    """The row's datetime fields (None allowed)."""
    info = msgspec.inspect.type_info(row)
    assert isinstance(info, msgspec.inspect.StructType), row
    found = []
    for field in info.fields:
        kinds = field.type.types if isinstance(field.type, msgspec.inspect.UnionType) else (field.type,)
        if any(isinstance(kind, msgspec.inspect.DateTimeType) for kind in kinds):
            found.append(field.name)
    return tuple(found)


def _as_utc(rows: list[Any], fields: tuple[str, ...]) -> None:
    """SQLite keeps a timestamp as text, with its offset when piccolo wrote it but without
    one when SQL computed it (``current_timestamp``, date arithmetic); both are UTC, and
    piccolo answers both as aware datetimes: so do these reads."""
    for row in rows:
        for name in fields:
            value = getattr(row, name)
            if value is not None and value.tzinfo is None:
                msgspec.structs.force_setattr(row, name, value.replace(tzinfo=UTC))


def by(rows: Iterable[Any], field: str) -> dict[Any, list[Any]]:
    """Rows grouped by one of their fields, each group in the rows' order."""
    found: dict[Any, list[Any]] = {}
    for row in rows:
        found.setdefault(getattr(row, field), []).append(row)
    return found
