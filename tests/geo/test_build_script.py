"""scripts/build_geo_table.py on a small zip in Code-Point Open's own layout."""

import csv
import gzip
import importlib.util
import io
import sys
import zipfile
from pathlib import Path

import pytest

from market.geo.centroids import parse_table
from tests.support import skip_or_fail

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "build_geo_table.py"

COLUMNS = (
    "Postcode",
    "Positional_quality_indicator",
    "Eastings",
    "Northings",
    "Country_code",
    "NHS_regional_HA_code",
    "NHS_HA_code",
    "Admin_county_code",
    "Admin_district_code",
    "Admin_ward_code",
)
SHORT = ("PC", "PQ", "EA", "NO", "CY", "RH", "LH", "CC", "DC", "WC")

# Real rows from the 2025 release, plus two with no position.
PE = ("E92000001", "E19000001", "E18000006", "", "E06000031", "E05010807")
OX = ("E92000001", "E19000002", "E18000009", "E10000025", "E07000178")
PE_ROWS = [
    ("PE1 1AB", 10, 518993, 298647, *PE),
    ("PE1 1BA", 10, 519046, 298485, *PE),
    ("PE1 1BF", 10, 519240, 298522, *PE),
    ("PE1 2AA", 10, 518848, 299005, *PE),
    ("PE1 2AD", 10, 518647, 299143, *PE),
    ("PE1 9ZZ", 90, 0, 0, "E92000001", "", "", "", "", ""),  # no coordinates: skipped
    ("PE2 8AA", 50, "", "", "E92000001", "", "", "", "", ""),  # empty coordinates: skipped
]
OX_ROWS = [
    ("OX1 1AA", 10, 450673, 205980, *OX, "E05013111"),
    ("OX1 1DP", 10, 451420, 205951, *OX, "E05013106"),
    ("OX1 2JD", 10, 451034, 206852, *OX, "E05013098"),
]
METADATA = "\nORDNANCE SURVEY\nPRODUCT: OS CODE-POINT_03.02\nDATASET VERSION NUMBER: 2025.2.0\nCOPYRIGHT DATE: 20250422\n"


@pytest.fixture(scope="module")
def script():
    try:
        import pyproj  # noqa: F401
    except ImportError:
        skip_or_fail("pyproj is not installed (pip install pyproj): the build script needs it")
    spec = importlib.util.spec_from_file_location("build_geo_table", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("build_geo_table", module)
    spec.loader.exec_module(module)
    return module


def _csv(rows) -> str:
    text = io.StringIO()
    writer = csv.writer(text, quoting=csv.QUOTE_NONNUMERIC, lineterminator="\r\n")
    for row in rows:
        writer.writerow(row)
    return text.getvalue()


def make_zip(
    path: Path, order: list[int] | None = None, extra_column: bool = False, metadata: bool = True
) -> Path:
    """A Code-Point Open zip; ``order`` permutes the columns (header file and data alike)."""
    order = order or list(range(len(COLUMNS)))

    def arrange(row):
        cells = [row[i] for i in order]
        return [*cells, "extra"] if extra_column else cells

    names = arrange(COLUMNS)
    short = arrange(SHORT)
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(
            "Doc/Code-Point_Open_Column_Headers.csv", ",".join(short) + "\r\n" + ",".join(names) + "\r\n"
        )
        if metadata:
            archive.writestr("Doc/metadata.txt", METADATA)
        archive.writestr("Doc/licence.txt", "Contains OS data © Crown copyright and database right 2025.")
        archive.writestr("Data/CSV/pe.csv", _csv(arrange(row) for row in PE_ROWS))
        archive.writestr("Data/CSV/ox.csv", _csv(arrange(row) for row in OX_ROWS))
    return path


def read_table(out_dir: Path) -> list[list[str]]:
    with gzip.open(out_dir / "centroids.csv.gz", "rt", encoding="utf-8") as file:
        return list(csv.reader(file))


def wgs84(easting: float, northing: float) -> tuple[float, float]:
    from pyproj import Transformer

    lon, lat = Transformer.from_crs("EPSG:27700", "EPSG:4326", always_xy=True).transform(easting, northing)
    return lat, lon


def _mean(rows) -> tuple[float, float]:
    return sum(r[2] for r in rows) / len(rows), sum(r[3] for r in rows) / len(rows)


def test_builds_sector_and_district_means(script, tmp_path):
    out = tmp_path / "out"
    assert script.main([str(make_zip(tmp_path / "codepo_gb.zip")), "--out-dir", str(out)]) == 0
    rows = read_table(out)
    assert rows[0] == ["kind", "code", "lat", "lon", "postcodes"]
    body = rows[1:]
    assert [(kind, code) for kind, code, *_ in body] == [
        ("district", "OX1"),
        ("district", "PE1"),
        ("sector", "OX1 1"),
        ("sector", "OX1 2"),
        ("sector", "PE1 1"),
        ("sector", "PE1 2"),
    ]
    found = {(kind, code): (float(lat), float(lon), int(count)) for kind, code, lat, lon, count in body}
    expected = {
        ("sector", "PE1 1"): PE_ROWS[0:3],
        ("sector", "PE1 2"): PE_ROWS[3:5],
        ("district", "PE1"): PE_ROWS[0:5],  # not PE1 9ZZ, which has no position
        ("sector", "OX1 1"): OX_ROWS[0:2],
        ("sector", "OX1 2"): OX_ROWS[2:3],
        ("district", "OX1"): OX_ROWS,
    }
    for key, members in expected.items():
        lat, lon = wgs84(*_mean(members))
        assert found[key] == pytest.approx((lat, lon, len(members)), abs=6e-6), key
    # the numbers are written with exactly five decimals
    assert all(len(lat.split(".")[1]) == 5 and len(lon.split(".")[1]) == 5 for _, _, lat, lon, _ in body)
    # PE1 1 lands in Peterborough
    assert found[("sector", "PE1 1")][:2] == pytest.approx((52.5722, -0.2438), abs=0.001)
    # and the loader reads what the builder writes
    table = parse_table((out / "centroids.csv.gz").read_bytes())
    assert table.sectors["PE1 1"] == found[("sector", "PE1 1")][:2]
    assert table.district_postcodes == {"OX1": 3, "PE1": 5}


def test_the_output_is_byte_for_byte_reproducible(script, tmp_path):
    source = make_zip(tmp_path / "codepo_gb.zip")
    for name in ("one", "two"):
        assert script.main([str(source), "--out-dir", str(tmp_path / name)]) == 0
    first = (tmp_path / "one" / "centroids.csv.gz").read_bytes()
    assert first == (tmp_path / "two" / "centroids.csv.gz").read_bytes()
    assert first[4:8] == b"\0\0\0\0"  # gzip mtime
    assert (tmp_path / "one" / "PROVENANCE.md").read_text() == (
        tmp_path / "two" / "PROVENANCE.md"
    ).read_text()


def test_tolerates_reordered_and_extra_columns(script, tmp_path):
    plain = tmp_path / "plain"
    shuffled = tmp_path / "shuffled"
    assert script.main([str(make_zip(tmp_path / "a.zip")), "--out-dir", str(plain)]) == 0
    reordered = make_zip(tmp_path / "b.zip", order=[3, 9, 0, 5, 2, 4, 1, 6, 8, 7], extra_column=True)
    assert script.main([str(reordered), "--out-dir", str(shuffled)]) == 0
    assert read_table(shuffled) == read_table(plain)


def test_writes_provenance_with_release_counts_and_attribution(script, tmp_path):
    out = tmp_path / "out"
    assert script.main([str(make_zip(tmp_path / "codepo_gb.zip")), "--out-dir", str(out)]) == 0
    text = (out / "PROVENANCE.md").read_text(encoding="utf-8")
    assert "Dataset version (release): 2025.2.0" in text
    assert "Copyright date: 2025-04-22" in text
    assert "Postcode rows read: 10" in text
    assert "no coordinates (positional quality 90 or easting/northing 0): 2" in text
    assert "Sectors: 4" in text and "Districts: 2" in text
    assert "Contains OS data © Crown copyright and database right 2025" in text
    assert "Contains Royal Mail data © Royal Mail copyright and database right 2025" in text
    assert "Contains National Statistics data © Crown copyright and database right 2025" in text
    assert "Open Government Licence v3.0" in text
    assert "scripts/build_geo_table.py" in text


def test_copes_without_metadata(script, tmp_path):
    out = tmp_path / "out"
    assert script.main([str(make_zip(tmp_path / "z.zip", metadata=False)), "--out-dir", str(out)]) == 0
    assert "not stated" in (out / "PROVENANCE.md").read_text(encoding="utf-8")


def test_refuses_a_zip_whose_header_lacks_the_columns(script, tmp_path, capsys):
    path = tmp_path / "bad.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("Doc/Code-Point_Open_Column_Headers.csv", "A,B,C\r\nPostcode,Quality,X\r\n")
        archive.writestr("Data/CSV/pe.csv", _csv(PE_ROWS))
    assert script.main([str(path), "--out-dir", str(tmp_path / "out")]) == 1
    assert "Eastings" in capsys.readouterr().err
    assert not (tmp_path / "out" / "centroids.csv.gz").exists()


def test_header_file_may_name_columns_only_by_short_code(script):
    assert script.column_positions("EA,NO,PC,PQ\r\n") == {
        "postcode": 2,
        "quality": 3,
        "eastings": 0,
        "northings": 1,
    }


def test_finds_the_zip_in_an_installed_geocode_package(script, tmp_path, monkeypatch):
    site = tmp_path / "site"
    (site / "geocode" / "code_point_open").mkdir(parents=True)
    (site / "geocode" / "__init__.py").write_text("")
    make_zip(site / "geocode" / "code_point_open" / "codepo_gb.zip")
    monkeypatch.syspath_prepend(str(site))
    assert script.default_zip() == site / "geocode" / "code_point_open" / "codepo_gb.zip"
    assert script.main(["--out-dir", str(tmp_path / "out")]) == 0
    assert (tmp_path / "out" / "centroids.csv.gz").exists()


def test_says_so_when_there_is_no_zip(script, tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(script, "_geocode_spec", lambda: None)
    assert script.main(["--out-dir", str(tmp_path / "out")]) == 1
    assert "geocode" in capsys.readouterr().err
    assert script.main([str(tmp_path / "missing.zip"), "--out-dir", str(tmp_path / "out")]) == 1
