"""``market geo import`` on a small zip in the real format, on each database engine."""

import zipfile

import pytest

from market.errors import Invalid
from market.geo import services as geo
from market.geo.importer import NotCodePointOpen, import_codepo
from market.geo.tables import Postcode, PostcodeImport
from tests.geo.codepo import HEADERS, build_zip


async def test_import_loads_exact_centroids_and_replaces_on_a_second_run(database, tmp_path):
    path = build_zip(tmp_path)
    seen = []
    report = await import_codepo(path, progress=lambda done, total, rows: seen.append((done, total, rows)))
    assert (report.postcodes, report.skipped, report.files) == (4, 1, 2)
    assert report.release == "May 2025"
    assert seen[-1] == (2, 2, 4)
    row = await Postcode.select().where(Postcode.postcode == "PE1 1AB").first()
    assert row["sector"] == "PE1 1"
    assert row["lat"] == pytest.approx(52.57263, abs=2e-5) and row["lon"] == pytest.approx(-0.24561, abs=2e-5)

    again = await import_codepo(path)
    assert again.postcodes == 4
    assert await Postcode.count() == 4  # replaced, not duplicated
    assert await PostcodeImport.count() == 2

    point = await geo.locate("pe11ab")
    assert point.precision == "postcode" and point.postcode == "PE1 1AB"
    # With the full table loaded, a well-formed postcode that is not in it does not exist.
    with pytest.raises(Invalid) as missing:
        await geo.locate("PE1 1XX")
    assert missing.value.errors == {"postcode": "We couldn't find that postcode"}


async def test_a_newer_release_with_reordered_columns_is_accepted(database, tmp_path):
    headers = "Northings,Eastings,Postcode,Positional_quality_indicator,Extra\n"
    rows = ['298647,518993,"PE1 1AB",10,x']
    path = build_zip(tmp_path, pe_rows=rows, ox_rows=['205951,451420,"OX1 1DP",10,y'], headers=headers)
    report = await import_codepo(path)
    assert report.postcodes == 2
    row = await Postcode.select().where(Postcode.postcode == "OX1 1DP").first()
    assert row["lat"] == pytest.approx(51.74990, abs=2e-5)


async def test_wrong_files_are_rejected_clearly_and_change_nothing(database, tmp_path):
    await import_codepo(build_zip(tmp_path))
    text = tmp_path / "notes.txt"
    text.write_text("hello")
    with pytest.raises(NotCodePointOpen, match="is not a zip file"):
        await import_codepo(text)
    other = tmp_path / "other.zip"
    with zipfile.ZipFile(other, "w") as archive:
        archive.writestr("README", "something else")
    with pytest.raises(NotCodePointOpen, match="has no Doc/Code-Point_Open_Column_Headers.csv"):
        await import_codepo(other)
    with pytest.raises(NotCodePointOpen, match="does not exist"):
        await import_codepo(tmp_path / "missing.zip")
    broken_dir = tmp_path / "broken"
    broken_dir.mkdir()
    broken = build_zip(broken_dir, ox_rows=['"OX1 1DP",10,abc,205951,"E92000001","","","","",""'])
    with pytest.raises(NotCodePointOpen, match="ox.csv line 1: the coordinates are not numbers"):
        await import_codepo(broken)
    assert await Postcode.count() == 4  # the earlier import is untouched
    assert HEADERS.startswith("PC,")
