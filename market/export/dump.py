"""``market export DIR``: every table as JSON Lines and CSV, and a manifest (docs/export.md).

Rows are read in batches by id (keyset), inside one read transaction, so the export is a
consistent snapshot and never holds a whole table in memory.
"""

from __future__ import annotations

import asyncio
import csv
import json
import time
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from piccolo.engine.postgres import PostgresEngine

from market import db
from market.export.common import (
    EXCLUDED,
    FORMAT_VERSION,
    MANIFEST,
    RowCounts,
    TableSpec,
    column_type,
    exported_tables,
    to_csv,
    to_json,
)

BATCH = 2000


class ExportError(Exception):
    pass


@dataclass
class ExportReport(RowCounts):
    directory: Path = Path(".")

    def summary(self) -> str:
        return (
            f"Exported {self.total:,} rows from {len(self.rows)} tables to {self.directory} "
            f"in {self.seconds:.1f} s."
        )


async def applied_migrations() -> dict[str, str]:
    """The last migration id applied, per app, in this database."""
    from piccolo.apps.migrations.tables import Migration

    from market.piccolo_conf import APP_REGISTRY

    engine = db.current_engine()
    Migration._meta.db = engine
    rows = await Migration.select(Migration.app_name, Migration.name)
    last: dict[str, str] = {}
    for row in rows:
        if row["name"] > last.get(row["app_name"], ""):
            last[row["app_name"]] = row["name"]
    return {app: last.get(app, "") for app in APP_REGISTRY.app_configs}


def _encode(row: dict[str, Any]) -> str:
    return json.dumps(row, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


async def _dump_table(spec: TableSpec, directory: Path) -> int:
    table = spec.table
    id_column = table._meta.primary_key  # every exported table is keyed by its id
    kinds = [(column._meta.name, column_type(column)) for column in spec.columns]
    names = [name for name, _ in kinds]
    count = 0
    last_id: int | None = None
    with (
        (directory / f"{spec.name}.jsonl").open("w", encoding="utf-8", newline="\n") as jsonl,
        (directory / f"{spec.name}.csv").open("w", encoding="utf-8", newline="") as csv_file,
    ):
        writer = csv.writer(csv_file, lineterminator="\r\n")
        writer.writerow(names)
        while True:
            query = table.select(*spec.columns).order_by(id_column).limit(BATCH)
            if last_id is not None:
                query = query.where(id_column > last_id)
            rows = await query
            for raw in rows:
                try:
                    row = {name: to_json(kind, raw[name]) for name, kind in kinds}
                except ValueError as error:
                    raise ExportError(f"{spec.name} id {raw['id']}: {error}") from None
                jsonl.write(_encode(row) + "\n")
                writer.writerow([to_csv(kind, row[name]) for name, kind in kinds])
            count += len(rows)
            if len(rows) < BATCH:
                return count
            last_id = rows[-1]["id"]


async def export_to(directory: Path, *, now: datetime | None = None) -> ExportReport:
    """Write the export into ``directory`` (made if need be; its old export files are replaced)."""
    started = time.perf_counter()
    await asyncio.to_thread(directory.mkdir, parents=True, exist_ok=True)
    specs = exported_tables()
    report = ExportReport(directory=directory)
    engine = db.current_engine()
    async with engine.transaction():
        if isinstance(engine, PostgresEngine):
            # One snapshot for every table; the transaction only reads.
            await specs[0].table.raw("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        migrations = await applied_migrations()
        for spec in specs:
            report.rows[spec.name] = await _dump_table(spec, directory)
    manifest = {
        "format": "market-export",
        "format_version": FORMAT_VERSION,
        "exported_at": (now or datetime.now(UTC)).astimezone(UTC).isoformat(),
        "database": "postgresql" if isinstance(engine, PostgresEngine) else "sqlite",
        "schema": {"migrations": migrations},
        "tables": [
            {
                "name": spec.name,
                "app": spec.app,
                "files": [f"{spec.name}.jsonl", f"{spec.name}.csv"],
                "rows": report.rows[spec.name],
                "columns": spec.describe(),
            }
            for spec in specs
        ],
        "excluded": [{"name": name, "why": why} for name, why in EXCLUDED.items()],
    }
    text = json.dumps(manifest, indent=2, ensure_ascii=False) + "\n"
    await asyncio.to_thread((directory / MANIFEST).write_text, text, encoding="utf-8")
    report.seconds = time.perf_counter() - started
    return report


def zip_directory(directory: Path, target: Path) -> Path:
    """The export's files in one zip (manifest first)."""
    names = [MANIFEST, *sorted(p.name for p in directory.iterdir() if p.name != MANIFEST)]
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        for name in names:
            archive.write(directory / name, arcname=name)
    return target
