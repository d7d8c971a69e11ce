"""Several SELECTs in one statement, each row straight into a msgspec Struct (issue 22).

A page that shows one PA, or one need's matches, reads a handful of small things owned by
different features: the profile and its slots (register), the DBS checks (dbs), the training
(training), the shortlist entry (search). Each feature keeps its own SQL, as a ``Read`` built
by its published module (``market.dbs.standing.checks_read`` ...), and the page runs them
together: one round trip, one query to ``market.db.count_queries``, instead of one a read.

Each read's row is turned into a JSON array in the database (``json_array`` on SQLite,
``json_build_array`` on PostgreSQL) and decoded by msgspec into the read's Struct (an
``array_like`` one, its fields in the read's column order). That skips piccolo's query
building and its row conversion, whose foreign-key attribute lookups (``dir()`` on every
joined column) cost more than the queries on these pages. msgspec decodes non-strictly, so
both engines' spellings of a value come out the same: SQLite's 0/1 for a bool, its JSON
column as JSON text (read it with ``market.db.json_list``), either engine's timestamp text.

The statement is, for reads 0..n-1::

    SELECT * FROM (SELECT 0 AS part, ROW_NUMBER() OVER (ORDER BY ...) AS seq,
                   json_array(cols...) AS row FROM ... WHERE ...) AS part0
    UNION ALL ...
    ORDER BY part, seq

so each read's rows come back in its own order, whatever the plan.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC
from functools import cache
from typing import Any

import msgspec
import msgspec.inspect
from piccolo.engine.postgres import PostgresEngine
from piccolo.querystring import QueryString
from piccolo.table import Table

from market.db import current_engine


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


def _statement(reads: Sequence[Read], postgres: bool) -> QueryString:
    array = "json_build_array" if postgres else "json_array"
    parts: list[str] = []
    args: list[Any] = []
    for k, read in enumerate(reads):
        over = f"ORDER BY {read.order}" if read.order else ""
        parts.append(
            f"SELECT * FROM (SELECT {k} AS part, ROW_NUMBER() OVER ({over}) AS seq, "
            f"{array}({', '.join(read.columns)}) AS data {read.source}) AS part{k}"
        )
        args.extend(read.args)
    return QueryString(" UNION ALL ".join(parts) + " ORDER BY part, seq", *args)


async def read_together(*reads: Read) -> list[list[Any]]:
    """Each read's rows, as its Structs, from one statement."""
    if not reads:
        return []
    engine = current_engine()
    postgres = isinstance(engine, PostgresEngine)
    rows = await engine.run_querystring(_statement(reads, postgres))
    found: list[list[Any]] = [[] for _ in reads]
    decoders = [_decoder(read.row) for read in reads]
    for r in rows:
        part = int(r["part"])
        found[part].append(decoders[part].decode(r["data"]))
    if not postgres:
        for read, got in zip(reads, found, strict=True):
            if got and (fields := _timestamps(read.row)):
                _as_utc(got, fields)
    return found


@cache
def _decoder(row: type) -> msgspec.json.Decoder:
    return msgspec.json.Decoder(row, strict=False)


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
