import json
import subprocess
import sys

from tests.conftest import SECRET
from tests.geo.codepo import build_zip
from tests.support import PRODUCTION_CONTACT


def market(tmp_path, *args):
    return subprocess.run(
        [sys.executable, "-m", "market.cli", *args],
        env={
            "PATH": "/usr/bin:/bin",
            "MARKET_VAR_DIR": str(tmp_path),
            "MARKET_SECRET_KEY": SECRET,
            **PRODUCTION_CONTACT,
            "MARKET_DATABASE_URL": f"sqlite:///{tmp_path / 'market.db'}",
        },
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_lookup_distance_and_import_from_the_command_line(tmp_path):
    assert market(tmp_path, "migrate").returncode == 0
    lookup = market(tmp_path, "geo", "lookup", "pe11ab")
    assert lookup.returncode == 0, lookup.stderr
    point = json.loads(lookup.stdout)
    assert (point["postcode"], point["sector"], point["district"], point["precision"]) == (
        "PE1 1AB",
        "PE1 1",
        "PE1",
        "sector",
    )
    distance = market(tmp_path, "geo", "distance", "PE1 1AB", "OX1 1DP")
    assert distance.returncode == 0
    miles = float(distance.stdout.split()[0])
    assert 70 <= miles <= 72 and "as the crow flies" in distance.stdout

    bad = market(tmp_path, "geo", "lookup", "nonsense")
    assert bad.returncode == 2 and "Enter a real postcode, like PE1 1AB" in bad.stderr and bad.stdout == ""

    imported = market(tmp_path, "geo", "import", str(build_zip(tmp_path)))
    assert imported.returncode == 0, imported.stderr
    assert "Imported 4 postcodes from 2 area files" in imported.stdout
    assert "2/2 area files" in imported.stderr  # the progress bar
    exact = json.loads(market(tmp_path, "geo", "lookup", "PE1 1AB").stdout)
    assert exact["precision"] == "postcode"
    exact_miles = float(market(tmp_path, "geo", "distance", "PE1 1AB", "OX1 1DP").stdout.split()[0])
    assert abs(exact_miles - 71.0) < 0.6

    wrong = market(tmp_path, "geo", "import", str(tmp_path / "market.db"))
    assert wrong.returncode == 2 and "is not a zip file" in wrong.stderr
