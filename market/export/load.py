"""``market import DIR``: load an export into a new, empty, migrated instance (docs/export.md).

Everything or nothing: the rows go in, parents first, in one transaction; the first bad line
(its file and line number) stops the import and rolls every table back. Ids are kept, and
PostgreSQL's id sequences are moved past them afterwards.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from piccolo.columns import ForeignKey, Varchar
from piccolo.columns.base import Column
from piccolo.engine.postgres import PostgresEngine

from market import db
from market.export.common import (
    MANIFEST,
    SEEDED,
    FormatError,
    RowCounts,
    TableSpec,
    column_type,
    exported_tables,
    from_json,
)
from market.export.dump import applied_migrations

# Rows per INSERT: well under both engines' limit on bound parameters.
PARAMETERS_PER_INSERT = 15_000


class ImportRefused(Exception):
    """The export cannot go into this instance (not empty, other schema, no manifest ...)."""


class ImportProblem(Exception):
    """A line the import cannot take; nothing was imported."""

    def __init__(self, file: str, line: int | None, message: str):
        self.file, self.line, self.message = file, line, message
        where = f"{file}, line {line}" if line else file
        super().__init__(f"{where}: {message}")


@dataclass
class ImportReport(RowCounts):
    def summary(self) -> str:
        return f"Imported {self.total:,} rows into {len(self.rows)} tables in {self.seconds:.1f} s."


def read_manifest(directory: Path) -> dict[str, Any]:
    path = directory / MANIFEST
    if not path.is_file():
        raise ImportRefused(f"{path} is missing: is {directory} a `market export` directory?")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except ValueError as error:
        raise ImportRefused(f"{path} is not valid JSON ({error})") from None
    if manifest.get("format") != "market-export":
        raise ImportRefused(f"{path} is not a market export manifest")
    return manifest


async def check_target(manifest: dict[str, Any], specs: list[TableSpec]) -> None:
    """Refuse unless this instance has the export's schema and holds no data yet."""
    ours = await applied_migrations()
    theirs = manifest.get("schema", {}).get("migrations", {})
    if ours != theirs:
        differences = [
            f"{app}: export {theirs.get(app) or 'none'}, this instance {ours.get(app) or 'none'}"
            for app in sorted(set(ours) | set(theirs))
            if ours.get(app) != theirs.get(app)
        ]
        raise ImportRefused(
            "The export was made at another schema version; run the same release's migrations "
            "(`market migrate`) on an instance of that version. Last migration per app: "
            + "; ".join(differences)
        )
    known = {spec.name for spec in specs}
    listed = [table["name"] for table in manifest.get("tables", [])]
    if set(listed) != known:
        raise ImportRefused(
            f"The manifest's tables do not match this instance's: missing {sorted(known - set(listed))}, "
            f"unknown {sorted(set(listed) - known)}"
        )
    for table in manifest["tables"]:
        spec = next(s for s in specs if s.name == table["name"])
        if [c["name"] for c in table.get("columns", [])] != [c._meta.name for c in spec.columns]:
            raise ImportRefused(f"{spec.name}: the manifest's columns differ from this instance's")
    in_use = [
        f"{spec.name} ({count} row{'' if count == 1 else 's'})"
        for spec in specs
        if spec.name not in SEEDED and (count := await spec.table.count())
    ]
    if in_use:
        raise ImportRefused(
            "This instance already holds data, and an import only goes into a new, empty one "
            "(run `market migrate` on an empty database, then import). Tables with rows: " + ", ".join(in_use)
        )


class _TableLoader:
    """Checks each line of one table's JSONL file and inserts the rows in batches."""

    def __init__(self, spec: TableSpec, seen_ids: dict[str, set[int]]):
        self.spec = spec
        self.file = f"{spec.name}.jsonl"
        self.columns = spec.columns
        self.names = [c._meta.name for c in self.columns]
        self.kinds = {c._meta.name: column_type(c) for c in self.columns}
        self.parents = {
            c._meta.name: c._foreign_key_meta.resolved_references._meta.tablename
            for c in self.columns
            if isinstance(c, ForeignKey)
        }
        self.seen_ids = seen_ids
        self.ids: set[int] = set()
        seen_ids[spec.name] = self.ids
        self.unique: dict[str, set[Any]] = {
            c._meta.name: set() for c in self.columns if c._meta.unique and not c._meta.primary_key
        }
        self.batch_size = max(1, PARAMETERS_PER_INSERT // len(self.columns))
        self.batch: list[tuple[int, dict[str, Any]]] = []

    def problem(self, line: int, message: str) -> ImportProblem:
        return ImportProblem(self.file, line, message)

    def check(self, line: int, text: str) -> dict[str, Any]:
        data = self._object(line, text)
        row = {column._meta.name: self._value(line, column, data) for column in self.columns}
        if row["id"] in self.ids:
            raise self.problem(line, f"id {row['id']} appears twice")
        self.ids.add(row["id"])
        return row

    def _object(self, line: int, text: str) -> dict[str, Any]:
        """The line as a JSON object with exactly this table's columns."""
        try:
            data = json.loads(text)
        except ValueError as error:
            raise self.problem(line, f"not valid JSON ({error})") from None
        if not isinstance(data, dict):
            raise self.problem(line, "expected one JSON object per line")
        if missing := [n for n in self.names if n not in data]:
            raise self.problem(line, f"missing column(s) {', '.join(missing)}")
        if extra := [n for n in data if n not in self.kinds]:
            raise self.problem(line, f"unknown column(s) {', '.join(extra)}")
        return data

    def _value(self, line: int, column: Column, data: dict[str, Any]) -> Any:
        """One column's value as the database takes it, checked against the column's rules."""
        name = column._meta.name
        try:
            value = from_json(self.kinds[name], data[name])
        except FormatError as error:
            raise self.problem(line, f"{name}: {error}") from None
        if value is None:
            if not column._meta.null:
                raise self.problem(line, f"{name} may not be null")
        elif isinstance(column, Varchar) and column.length is not None and len(value) > column.length:
            raise self.problem(line, f"{name} is longer than {column.length} characters")
        elif (parent := self.parents.get(name)) and value not in self.seen_ids.get(parent, ()):
            raise self.problem(line, f"{name} {value} is not an id in {parent}")
        if name in self.unique and value is not None:
            if value in self.unique[name]:
                raise self.problem(line, f"{name} {data[name]!r} appears twice")
            self.unique[name].add(value)
        return value

    async def add(self, line: int, row: dict[str, Any]) -> None:
        self.batch.append((line, row))
        if len(self.batch) >= self.batch_size:
            await self.flush()

    async def flush(self) -> None:
        if not self.batch:
            return
        table = self.spec.table
        first, last = self.batch[0][0], self.batch[-1][0]
        try:
            await table.insert(*[table(_ignore_missing=True, **row) for _, row in self.batch])
        except Exception as error:  # the database's own check (a constraint we do not mirror)
            raise ImportProblem(self.file, None, f"lines {first}-{last} were refused: {error}") from None
        self.batch.clear()


async def _reset_sequences(specs: list[TableSpec]) -> None:
    for spec in specs:
        name = spec.name
        await spec.table.raw(
            f"SELECT setval(pg_get_serial_sequence('\"{name}\"', 'id'), "
            f'COALESCE((SELECT max(id) FROM "{name}"), 0) + 1, false)'
        )


async def import_from(directory: Path) -> ImportReport:
    """Load the export in ``directory``; ImportRefused or ImportProblem when it cannot."""
    started = time.perf_counter()
    manifest = read_manifest(directory)
    specs = exported_tables()
    expected = {table["name"]: table.get("rows") for table in manifest.get("tables", [])}
    for spec in specs:
        if not (directory / f"{spec.name}.jsonl").is_file():
            raise ImportRefused(f"{directory / (spec.name + '.jsonl')} is missing")
    report = ImportReport()
    engine = db.current_engine()
    async with db.write_transaction(engine):
        await check_target(manifest, specs)
        # The seeded lists go first: children before parents.
        for spec in reversed(specs):
            if spec.name in SEEDED:
                await spec.table.delete(force=True)
        seen_ids: dict[str, set[int]] = {}
        for spec in specs:
            loader = _TableLoader(spec, seen_ids)
            count = 0
            with (directory / loader.file).open(encoding="utf-8") as lines:
                for number, text in enumerate(lines, start=1):
                    if not text.strip():
                        continue
                    await loader.add(number, loader.check(number, text))
                    count += 1
            await loader.flush()
            if expected.get(spec.name) is not None and expected[spec.name] != count:
                raise ImportProblem(
                    loader.file, None, f"holds {count} rows but the manifest says {expected[spec.name]}"
                )
            report.rows[spec.name] = count
        if isinstance(engine, PostgresEngine):
            await _reset_sequences(specs)
    report.seconds = time.perf_counter() - started
    return report
