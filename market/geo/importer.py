"""``market geo import``: load every postcode of Code-Point Open, streaming, all or nothing.

The zip is read one area file at a time (the largest holds about 50,000 postcodes), so
memory stays flat whatever the release's size. All rows are replaced in one transaction:
a second run replaces, never duplicates, and a failed run leaves the old table in place.
"""

from __future__ import annotations

import csv
import io
import sqlite3
import time
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import msgspec
import numpy as np
from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import SQLiteEngine

from market.db import current_engine
from market.geo.osgb import grid_to_wgs84
from market.geo.tables import Postcode, PostcodeImport

HEADER_FILE = "Doc/Code-Point_Open_Column_Headers.csv"
DATA_PREFIX = "Data/CSV/"
NEEDED = ("Postcode", "Eastings", "Northings")
# Positional quality 90 means "no coordinates"; such rows carry 0, 0.
NO_COORDINATES = "90"

Progress = Callable[[int, int, int], None]


class NotCodePointOpen(ValueError):
    """The file is not a Code-Point Open zip; the message says what is wrong."""


class ImportReport(msgspec.Struct):
    postcodes: int
    skipped: int
    files: int
    seconds: float
    release: str


class AreaRows(msgspec.Struct):
    postcodes: list[str]
    sectors: list[str]
    lat: np.ndarray
    lon: np.ndarray
    skipped: int


def _normalise(raw: str) -> str:
    compact = raw.replace(" ", "").upper()
    return f"{compact[:-3]} {compact[-3:]}"


def open_release(path: Path) -> tuple[zipfile.ZipFile, dict[str, int], list[str], str]:
    """The zip, the column positions by name, the area files in order, and the release date."""
    if not path.exists():
        raise NotCodePointOpen(f"{path} does not exist.")
    if not zipfile.is_zipfile(path):
        raise NotCodePointOpen(f"{path} is not a zip file: give Code-Point Open's codepo_gb.zip.")
    archive = zipfile.ZipFile(path)
    names = archive.namelist()
    header_name = next((n for n in names if n.lower() == HEADER_FILE.lower()), None)
    if header_name is None:
        raise NotCodePointOpen(f"{path.name} is not Code-Point Open: it has no {HEADER_FILE}.")
    header_lines = archive.read(header_name).decode("utf-8-sig").splitlines()
    # The file has a line of short codes and a line of full names; accept either.
    columns: dict[str, int] = {}
    for line in header_lines:
        fields = [f.strip() for f in next(csv.reader([line]))]
        if all(name in fields for name in NEEDED):
            columns = {name: fields.index(name) for name in NEEDED}
            if "Positional_quality_indicator" in fields:
                columns["Positional_quality_indicator"] = fields.index("Positional_quality_indicator")
            break
    if not columns:
        raise NotCodePointOpen(f"{path.name}'s {HEADER_FILE} does not name the columns {', '.join(NEEDED)}.")
    areas = sorted(n for n in names if n.startswith(DATA_PREFIX) and n.lower().endswith(".csv"))
    if not areas:
        raise NotCodePointOpen(f"{path.name} is not Code-Point Open: it has no {DATA_PREFIX}*.csv files.")
    release = ""
    metadata = next((n for n in names if n.lower() == "doc/metadata.txt"), None)
    if metadata:
        for line in archive.read(metadata).decode("utf-8", "replace").splitlines():
            if "date" in line.lower() and ":" in line:
                release = line.split(":", 1)[1].strip()[:64]
                break
    return archive, columns, areas, release


def read_area(archive: zipfile.ZipFile, name: str, columns: dict[str, int]) -> AreaRows:
    postcodes: list[str] = []
    eastings: list[float] = []
    northings: list[float] = []
    skipped = 0
    quality = columns.get("Positional_quality_indicator")
    width = max(columns.values()) + 1
    with archive.open(name) as raw:
        for line_number, row in enumerate(csv.reader(io.TextIOWrapper(raw, "utf-8-sig")), start=1):
            if len(row) < width:
                raise NotCodePointOpen(
                    f"{name} line {line_number} has {len(row)} fields; expected {width} or more."
                )
            if quality is not None and row[quality].strip() == NO_COORDINATES:
                skipped += 1
                continue
            try:
                easting, northing = float(row[columns["Eastings"]]), float(row[columns["Northings"]])
            except ValueError:
                raise NotCodePointOpen(
                    f"{name} line {line_number}: the coordinates are not numbers."
                ) from None
            if easting == 0 and northing == 0:
                skipped += 1
                continue
            postcodes.append(_normalise(row[columns["Postcode"]]))
            eastings.append(easting)
            northings.append(northing)
    lat, lon = grid_to_wgs84(np.array(eastings), np.array(northings))
    sectors = [p[:-2] for p in postcodes]  # "PE1 1AB" -> "PE1 1"
    return AreaRows(postcodes=postcodes, sectors=sectors, lat=lat, lon=lon, skipped=skipped)


def _areas(
    archive: zipfile.ZipFile, columns: dict[str, int], areas: list[str], progress: Progress | None
) -> Iterator[AreaRows]:
    loaded = 0
    for number, name in enumerate(areas, start=1):
        rows = read_area(archive, name, columns)
        loaded += len(rows.postcodes)
        yield rows
        if progress:
            progress(number, len(areas), loaded)


def _load_sqlite(path: str, chunks: Iterator[AreaRows]) -> tuple[int, int]:
    loaded = skipped = 0
    connection = sqlite3.connect(path, timeout=30, isolation_level=None)
    try:
        connection.execute("BEGIN IMMEDIATE")
        connection.execute(f"DELETE FROM {Postcode._meta.tablename}")
        for rows in chunks:
            connection.executemany(
                f"INSERT INTO {Postcode._meta.tablename} (postcode, sector, lat, lon) VALUES (?, ?, ?, ?)",
                zip(rows.postcodes, rows.sectors, rows.lat.tolist(), rows.lon.tolist(), strict=True),
            )
            loaded += len(rows.postcodes)
            skipped += rows.skipped
        connection.execute("COMMIT")
    except BaseException:
        connection.execute("ROLLBACK")
        raise
    finally:
        connection.close()
    return loaded, skipped


async def _load_postgres(engine: PostgresEngine, chunks: Iterator[AreaRows]) -> tuple[int, int]:
    loaded = skipped = 0
    connection = await engine.get_new_connection()
    try:
        async with connection.transaction():
            await connection.execute(f"DELETE FROM {Postcode._meta.tablename}")
            for rows in chunks:
                await connection.copy_records_to_table(
                    Postcode._meta.tablename,
                    records=zip(
                        rows.postcodes, rows.sectors, rows.lat.tolist(), rows.lon.tolist(), strict=True
                    ),
                    columns=["postcode", "sector", "lat", "lon"],
                )
                loaded += len(rows.postcodes)
                skipped += rows.skipped
    finally:
        await connection.close()
    return loaded, skipped


async def import_codepo(path: Path, *, progress: Progress | None = None) -> ImportReport:
    """Replace the postcode table with the release at ``path``; raise NotCodePointOpen on a wrong file."""
    import asyncio

    started = time.perf_counter()
    archive, columns, areas, release = open_release(path)
    engine = current_engine()
    with archive:
        chunks = _areas(archive, columns, areas, progress)
        if isinstance(engine, SQLiteEngine):
            loaded, skipped = await asyncio.to_thread(_load_sqlite, engine.path, chunks)
        elif isinstance(engine, PostgresEngine):
            loaded, skipped = await _load_postgres(engine, chunks)
        else:  # pragma: no cover - only the two engines are configured
            raise TypeError(f"Unsupported engine {engine!r}")
    seconds = time.perf_counter() - started
    await PostcodeImport.insert(
        PostcodeImport(source=path.name, release=release, postcodes=loaded, skipped=skipped, seconds=seconds)
    )
    return ImportReport(postcodes=loaded, skipped=skipped, files=len(areas), seconds=seconds, release=release)
