"""What the full data export holds, and how each column's values are written and read back.

Shared by ``dump`` (export) and ``load`` (import); see docs/export.md for the format.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from piccolo.columns import (
    JSON,
    JSONB,
    BigInt,
    Boolean,
    Date,
    DoublePrecision,
    Float,
    ForeignKey,
    Integer,
    Real,
    Serial,
    SmallInt,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.columns.base import Column
from piccolo.table import Table

from market import spreadsheets

FORMAT_VERSION = 1
MANIFEST = "manifest.json"

# Tables left out, and why (docs/export.md repeats this for the council).
EXCLUDED: dict[str, str] = {
    "account_session": "Signed-in sessions: live credentials, of no use elsewhere. People sign in again.",
    "account_token": (
        "One-time links sent by email (verify an address, reset a password): live credentials. "
        "People ask for a new link."
    ),
    "account_login_attempt": "Failed sign-ins, kept only for the sign-in rate limit's short window.",
    "geo_postcode": (
        "Public Code-Point Open data, not the council's: load it again with the command "
        "market geo import codepo_gb.zip."
    ),
    "geo_postcode_import": "The log of postcode imports, which describes the table left out above.",
    "geo_place_cache": "A cache of an online geocoder's answers, filled again as places are looked up.",
}

# Lists the migrations seed into every new instance. An import replaces their rows with the
# exported ones (an admin may have edited them), so an instance holding only these is "empty".
SEEDED = (
    "register_skill",
    "register_client_group",
    "register_language",
    "training_course",
    "training_course_skill",
    "dbs_fee",
)

_TYPES: list[tuple[type[Column], str]] = [
    (ForeignKey, "integer"),
    (Serial, "integer"),
    (Integer, "integer"),
    (BigInt, "integer"),
    (SmallInt, "integer"),
    (Boolean, "boolean"),
    (DoublePrecision, "number"),
    (Float, "number"),
    (Real, "number"),
    (Varchar, "text"),
    (Text, "text"),
    (Date, "date"),
    (Timestamptz, "timestamp"),
    (JSONB, "json"),
    (JSON, "json"),
]


@dataclass
class RowCounts:
    """How many rows went out (or in) per table, and how long it took."""

    rows: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def total(self) -> int:
        return sum(self.rows.values())


class FormatError(ValueError):
    """A value that does not fit its column's type."""


def column_type(column: Column) -> str:
    for cls, name in _TYPES:
        if isinstance(column, cls):
            return name
    raise TypeError(
        f"{column._meta.table._meta.tablename}.{column._meta.name}: the export does not know "
        f"{type(column).__name__} columns yet (add it to market/export/common.py and docs/export.md)"
    )


@dataclass(frozen=True)
class TableSpec:
    table: type[Table]
    app: str

    @property
    def name(self) -> str:
        return self.table._meta.tablename

    @property
    def columns(self) -> list[Column]:
        return list(self.table._meta.columns)

    def describe(self) -> list[dict[str, Any]]:
        described = []
        for column in self.columns:
            entry: dict[str, Any] = {
                "name": column._meta.name,
                "type": column_type(column),
                "null": bool(column._meta.null),
            }
            if isinstance(column, Varchar):
                entry["max_length"] = column.length
            if isinstance(column, ForeignKey):
                entry["references"] = column._foreign_key_meta.resolved_references._meta.tablename
            if column._meta.unique or column._meta.primary_key:
                entry["unique"] = True
            described.append(entry)
        return described

    def parents(self) -> set[str]:
        return {
            column._foreign_key_meta.resolved_references._meta.tablename
            for column in self.table._meta.foreign_key_columns
        } - {self.name}


def all_tables() -> list[TableSpec]:
    """Every table of every piccolo app, in the registry's order."""
    from market.piccolo_conf import APP_REGISTRY

    return [
        TableSpec(table, app_name)
        for app_name, config in APP_REGISTRY.app_configs.items()
        for table in config.table_classes
    ]


def in_dependency_order(specs: list[TableSpec]) -> list[TableSpec]:
    """Parents before children (from the ForeignKey columns), otherwise in registry order."""
    by_name = {spec.name: spec for spec in specs}
    ordered: list[TableSpec] = []
    placed: set[str] = set()
    visiting: set[str] = set()

    def visit(spec: TableSpec) -> None:
        if spec.name in placed:
            return
        if spec.name in visiting:
            raise ValueError(f"Foreign keys form a cycle through {spec.name}")
        visiting.add(spec.name)
        for parent in sorted(spec.parents()):
            if parent in by_name:
                visit(by_name[parent])
        visiting.discard(spec.name)
        placed.add(spec.name)
        ordered.append(spec)

    for spec in specs:
        visit(spec)
    return ordered


def exported_tables() -> list[TableSpec]:
    """The tables an export holds, parents first."""
    return in_dependency_order([spec for spec in all_tables() if spec.name not in EXCLUDED])


# Values ---------------------------------------------------------------------------------


def to_json(kind: str, value: Any) -> Any:
    """A database value as the export writes it in JSON Lines."""
    if value is None:
        return None
    if kind == "integer":
        return int(value)
    if kind == "boolean":
        return bool(value)
    if kind == "number":
        return float(value)
    if kind == "text":
        return str(value)
    if kind == "date":
        return value.isoformat() if isinstance(value, date) else date.fromisoformat(str(value)).isoformat()
    if kind == "timestamp":
        if not isinstance(value, datetime):
            value = datetime.fromisoformat(str(value))
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(UTC).isoformat()
    if kind == "json":
        # Keys sorted: JSON objects have no order, and PostgreSQL's JSONB keeps none, so the
        # same data exports the same from either engine.
        parsed = json.loads(value) if isinstance(value, str | bytes) else value
        return json.loads(json.dumps(parsed, sort_keys=True))
    raise TypeError(kind)


def to_csv(kind: str, value: Any) -> str:
    """A JSON Lines value as the CSV shows it: empty for null, true/false, JSON as its text.

    The CSVs are for people's spreadsheets (the import reads the JSON Lines), so text that a
    spreadsheet would run as a formula ("=...", "+...", "-...", "@...") gets a single quote
    in front (market.spreadsheets); numbers, dates and JSON are never escaped."""
    if value is None:
        return ""
    if kind == "boolean":
        return "true" if value else "false"
    if kind == "json":
        return json.dumps(value, ensure_ascii=False)
    if kind == "number":
        return repr(value)
    if kind == "text":
        return str(spreadsheets.csv_text(str(value)))
    return str(value)


def _integer(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise FormatError(f"expected a whole number, found {value!r}")
    return value


def _boolean(value: Any) -> bool:
    if not isinstance(value, bool):
        raise FormatError(f"expected true or false, found {value!r}")
    return value


def _number(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise FormatError(f"expected a number, found {value!r}")
    return float(value)


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise FormatError(f"expected text, found {value!r}")
    return value


def _timestamp(value: Any) -> datetime:
    parsed = datetime.fromisoformat(value)
    if parsed.tzinfo is None:
        raise FormatError(f"a timestamp needs its UTC offset, found {value!r}")
    return parsed.astimezone(UTC)


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


# How each column kind's JSON value becomes what the database takes.
_FROM_JSON: dict[str, Callable[[Any], Any]] = {
    "integer": _integer,
    "boolean": _boolean,
    "number": _number,
    "text": _text,
    "date": date.fromisoformat,
    "timestamp": _timestamp,
    "json": _json,
}


def from_json(kind: str, value: Any) -> Any:
    """A JSON Lines value as the database takes it; FormatError when it does not fit."""
    if value is None:
        return None
    convert = _FROM_JSON.get(kind)
    if convert is None:
        raise TypeError(kind)
    try:
        return convert(value)
    except FormatError:
        raise
    except (TypeError, ValueError):
        raise FormatError(f"expected a {kind} in ISO 8601, found {value!r}") from None
