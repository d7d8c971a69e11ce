"""The reports page: staff choose a period (named problems, input kept), read every section
with definitions, charts and tables; download the return (XLSX) and each section (CSV).
Nobody else gets in. The command line prints the same figures as JSON."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

from openpyxl import load_workbook

from market.clock import london_today
from market.reports.periods import financial_year_of
from tests.matching.factories import make_user
from tests.support import PASSWORD, PRODUCTION_CONTACT, submit

ROOT = Path(__file__).resolve().parents[2]


async def _staff(client):
    staff = await make_user("staff")
    await submit(client, "/login", {"email": staff.email, "password": PASSWORD})


async def test_staff_read_and_download_the_return(client):
    await _staff(client)
    page = await client.get("/staff/reports")
    assert page.status_code == 200, page.text
    year = financial_year_of(london_today())
    assert f"{year}-{str(year + 1)[2:]}" in page.text
    for title in ("How this is counted", "Downloads", "monitoring return"):
        assert title in page.text
    quarter = await client.get("/staff/reports", params={"kind": "quarter", "year": "2025", "quarter": "4"})
    assert quarter.status_code == 200 and "Q4 2025-26" in quarter.text
    assert "1 January 2026 to 31 March 2026" in quarter.text

    bad = await client.get(
        "/staff/reports", params={"kind": "custom", "from_day": "31", "from_month": "2", "from_year": "2026"}
    )
    assert bad.status_code == 422 and "There is a problem" in bad.text
    assert 'href="#from"' in bad.text and 'href="#to"' in bad.text and 'value="31"' in bad.text

    book = await client.get("/staff/reports/return.xlsx", params={"kind": "year", "year": "2025"})
    assert book.status_code == 200 and "spreadsheetml" in book.headers["content-type"]
    sheets = load_workbook(io.BytesIO(book.content)).sheetnames
    assert sheets[0] == "About" and len(sheets) >= 5
    for key in ("register", "training", "dbs", "activity", "recruitment", "people"):
        got = await client.get(f"/staff/reports/csv/{key}", params={"kind": "year", "year": "2025"})
        assert got.status_code == 200 and got.headers["content-type"].startswith("text/csv"), key
        assert got.text.splitlines()[0].endswith("2025-26 (01/04/2025 to 31/03/2026)")
    assert (await client.get("/staff/reports/csv/nothing")).status_code == 404


async def test_only_staff_and_admins(client):
    pa = await make_user("pa")
    await submit(client, "/login", {"email": pa.email, "password": PASSWORD})
    assert (await client.get("/staff/reports")).status_code in (403, 404)
    assert (await client.get("/staff/reports/return.xlsx")).status_code in (403, 404)


def test_the_command_line_prints_json_and_writes_xlsx(database, tmp_path):
    env = {
        "PATH": "/usr/bin:/bin",
        "MARKET_VAR_DIR": str(tmp_path),
        "MARKET_DATABASE_URL": database.database_url,
        "MARKET_SECRET_KEY": "reports-test-secret-key-that-is-long-enough-0123456789",
        **PRODUCTION_CONTACT,
    }
    command = [
        sys.executable,
        "-m",
        "market.cli",
        "reports",
        "return",
        "--from",
        "2025-04-01",
        "--to",
        "2026-03-31",
    ]
    done = subprocess.run([*command, "--format", "json"], capture_output=True, text=True, env=env, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    body = json.loads(done.stdout)
    assert body["period"] == {
        "label": "1 April 2025 to 31 March 2026",
        "from": "2025-04-01",
        "to": "2026-03-31",
        "so_far": False,
    }
    assert body["sections"] and body["definitions"]
    output = tmp_path / "return.xlsx"
    wrote = subprocess.run(
        [*command, "--format", "xlsx", "--output", str(output)],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
    )
    assert wrote.returncode == 0 and output.stat().st_size > 0
    wrong = subprocess.run(
        [*command[:-4], "--from", "2026-03-31", "--to", "2025-04-01"],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
    )
    assert wrong.returncode == 2 and "after the start date" in wrong.stderr
