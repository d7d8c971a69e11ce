"""A period that has not yet ended is read to today, in every section alike, and says so: on
the page, in both copies of the return (whose file names differ) and on the command line. A
period that has not begun is refused, by name."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

from openpyxl import load_workbook

from market.clock import london_today
from market.reports import returns, training_figures
from market.reports.periods import financial_year, financial_year_of, so_far
from tests.matching.factories import make_user
from tests.reports.history import TODAY, build
from tests.support import PASSWORD, PRODUCTION_CONTACT, submit

ROOT = Path(__file__).resolve().parents[2]


def _values(sections) -> dict:
    return {f.key: f.value for s in sections for f in s.figures}


async def test_every_section_reads_an_unfinished_year_to_today(database):
    await build()
    year = financial_year(2026)  # 1 April 2026 to 31 March 2027; "today" is 15 April 2026
    cut = so_far(year, TODAY)
    assert (cut.start, cut.end, cut.planned_end) == (date(2026, 4, 1), TODAY, date(2027, 3, 31))
    assert cut.label == "2026-27 so far, to 15 April 2026"
    assert so_far(cut, TODAY) == cut and so_far(financial_year(2025), TODAY) == financial_year(2025)

    figures = _values(await returns.monitoring_return(year, TODAY))
    # B's safeguarding children ran out on 1 April 2026; A's safeguarding adults (15 May 2026)
    # and E's moving and handling (10 June 2026) run out after today, so they have not fallen
    # due yet (read at the year's future end, they had).
    assert figures["training.falling_due_in_period"] == 1
    whole = _values([await training_figures.section(year, TODAY)])
    assert whole["training.falling_due_in_period"] == 3
    # Every section computed on the period cut to today, none at the future end.
    assert figures == _values(await returns.monitoring_return(cut, TODAY))
    assert figures["register.on_register_at_end"] == 3  # A, B and E; D left on 31 March 2026
    body = returns.as_json(await returns.monitoring_return(year, TODAY), cut)
    assert body["period"] == {
        "label": "2026-27 so far, to 15 April 2026",
        "from": "2026-04-01",
        "to": "2026-04-15",
        "so_far": True,
        "ends": "2027-03-31",
    }


async def test_the_page_and_the_downloads_say_so_far(client):
    staff = await make_user("staff")
    await submit(client, "/login", {"email": staff.email, "password": PASSWORD})
    today = london_today()
    year = financial_year_of(today)
    label = f"{year}-{str(year + 1)[2:]} so far, to {today:%-d %B %Y}"
    page = await client.get("/staff/reports")
    assert page.status_code == 200 and f'<h1 class="govuk-heading-l">{label}</h1>' in page.text
    assert "This period has not ended" in page.text and f"31 March {year + 1}" in page.text

    commissioner = await client.get("/staff/reports/return.xlsx")
    staff_copy = await client.get("/staff/reports/return.xlsx", params={"copy": "staff"})
    names = [r.headers["content-disposition"] for r in (commissioner, staff_copy)]
    assert names == [
        f'attachment; filename="monitoring-return-{year}-04-01-{today}.xlsx"',
        f'attachment; filename="monitoring-return-{year}-04-01-{today}-staff-only.xlsx"',
    ]
    about = [
        [c.value for c in row] for row in load_workbook(io.BytesIO(staff_copy.content))["About"].iter_rows()
    ]
    assert about[0][0].endswith("staff-only copy") and ["Period", label] in about
    people = await client.get("/staff/reports/csv/people")
    assert people.headers["content-disposition"].endswith(f'people-{year}-04-01-{today}-staff-only.csv"')
    assert next(csv.reader(io.StringIO(people.text)))[0].startswith(f"People supported: {label} (")

    later = await client.get("/staff/reports", params={"kind": "year", "year": str(year + 1)})
    assert later.status_code == 422 and "That period has not started yet" in later.text
    assert 'href="#year"' in later.text


def test_the_command_line_says_so_far(database):
    env = {
        "PATH": "/usr/bin:/bin",
        "MARKET_VAR_DIR": "/tmp",
        "MARKET_DATABASE_URL": database.database_url,
        "MARKET_SECRET_KEY": "reports-test-secret-key-that-is-long-enough-0123456789",
        **PRODUCTION_CONTACT,  # no MARKET_ENV: production, which must name its contact details
    }
    today = london_today()
    command = [
        sys.executable,
        "-m",
        "market.cli",
        "reports",
        "return",
        "--from",
        f"{today - timedelta(days=9)}",
    ]
    done = subprocess.run(
        [*command, "--to", f"{today + timedelta(days=30)}"], capture_output=True, text=True, env=env, cwd=ROOT
    )
    assert done.returncode == 0, done.stderr
    period = json.loads(done.stdout)["period"]
    assert period["to"] == today.isoformat() and period["so_far"] is True
    assert period["label"].endswith(f"so far, to {today:%-d %B %Y}")
    ahead = subprocess.run(
        [*command[:-1], f"{today + timedelta(days=1)}", "--to", f"{today + timedelta(days=30)}"],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
    )
    assert ahead.returncode == 2 and "has not started yet" in ahead.stderr
