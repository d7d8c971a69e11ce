"""Give every exported table rows: a row for each table the demo leaves empty, made from its
columns' types, with awkward values (newlines, quotes, commas, non-ASCII, nulls, fractions,
microseconds, nested JSON), so that the round trip covers every table and column."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from piccolo.columns import ForeignKey, Varchar

from market.export.common import column_type, exported_tables

# Tables with a unique index over their foreign keys, made in a migration (piccolo's columns
# do not say so): both rows would point at the same parents, so these get one row.
UNIQUE_TOGETHER = {"register_shortlist_entry", "matching_application"}

AWKWARD = 'Line one\nline "two", with commas; ünïcode ✓ — and a tab\there'


async def _value(column, kind: str, serial: int, empty: bool) -> Any:
    if column._meta.null and empty and not isinstance(column, ForeignKey):
        return None
    if isinstance(column, ForeignKey):
        parent = column._foreign_key_meta.resolved_references
        row = await parent.select(parent.id).order_by(parent.id, ascending=False).first()
        assert row, f"{parent._meta.tablename} has no row to point at"
        return row["id"]
    if kind == "integer":
        return -3 if serial % 2 else 1_234_567
    if kind == "boolean":
        return bool(serial % 2)
    if kind == "number":
        return 0.1 + serial
    if kind == "text":
        text = f"{serial} {AWKWARD}"
        return text[: column.length] if isinstance(column, Varchar) else text
    if kind == "date":
        return date(2024, 2, 29)
    if kind == "timestamp":
        return datetime(2025, 3, 30, 0, 59, 59, 123456 + serial, tzinfo=UTC)
    if kind == "json":
        return '{"z": [1, 2.5, null, "é\\n"], "a": {"nested": true}}'
    raise TypeError(kind)


async def fill_empty_tables() -> list[str]:
    """Add rows to every exported table without any; the names of the tables filled."""
    filled = []
    serial = 0
    for spec in exported_tables():
        if await spec.table.count():
            continue
        one_only = spec.name in UNIQUE_TOGETHER or any(
            isinstance(c, ForeignKey) and c._meta.unique for c in spec.columns
        )
        for empty in (False,) if one_only else (False, True):
            serial += 1
            values = {}
            for column in [c for c in spec.columns if not c._meta.primary_key]:
                values[column._meta.name] = await _value(column, column_type(column), serial, empty)
            await spec.table.insert(spec.table(**values))
        filled.append(spec.name)
    return filled
