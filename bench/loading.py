"""Bulk-loading synthetic rows into a migrated database, for the benchmarks that need one
(``matches_http.py``, ``reports.py``): one ``executemany`` per table on SQLite, one COPY per
table on PostgreSQL (then each id sequence moved past the rows and the planner's statistics
refreshed, as autovacuum would soon after a load this size)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable

import asyncpg

# Per table: its column names and its rows (tuples in that order).
Rows = dict[str, tuple[list[str], list]]


def fill_sqlite(path: str, groups: Iterable[Rows]) -> None:
    connection = sqlite3.connect(path)
    try:
        connection.execute("PRAGMA synchronous=OFF")
        with connection:
            for rows in groups:
                for table, (columns, values) in rows.items():
                    names = ", ".join(f'"{c}"' for c in columns)
                    marks = ", ".join("?" for _ in columns)
                    connection.executemany(f'INSERT INTO "{table}" ({names}) VALUES ({marks})', values)
    finally:
        connection.close()


async def fill_postgres(url: str, groups: Iterable[Rows]) -> None:
    connection = await asyncpg.connect(url)
    try:
        for rows in groups:
            for table, (columns, values) in rows.items():
                await connection.copy_records_to_table(table, records=values, columns=columns)
                await connection.execute(
                    f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'),"
                    f' (SELECT GREATEST(MAX(id), 1) FROM "{table}"))'
                )
        await connection.execute("ANALYZE")
    finally:
        await connection.close()
