"""`market export DIR` and `market import DIR` from the command line."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from market.export import dump
from tests.export.test_import_checks import _small_export
from tests.support import PRODUCTION_CONTACT

ROOT = Path(__file__).resolve().parents[2]


def _market(database_url: str, tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    env = {
        "PATH": "/usr/bin:/bin",
        "MARKET_VAR_DIR": str(tmp_path),
        "MARKET_DATABASE_URL": database_url,
        "MARKET_SECRET_KEY": "export-test-secret-key-that-is-long-enough-0123456789",
        **PRODUCTION_CONTACT,
    }
    command = [sys.executable, "-m", "market.cli", *args]
    return subprocess.run(command, capture_output=True, text=True, env=env, cwd=ROOT)


async def test_export_then_import_from_the_command_line(database, second_database, tmp_path):
    await _small_export(tmp_path / "unused")
    out = tmp_path / "export"
    done = _market(database.database_url, tmp_path, "export", str(out))
    assert done.returncode == 0, done.stderr
    assert "Exported" in done.stdout and "keep it encrypted" in done.stdout
    manifest = json.loads((out / "manifest.json").read_text())
    assert {t["name"]: t["rows"] for t in manifest["tables"]}["account_user"] == 3

    full = _market(database.database_url, tmp_path, "export", str(out))
    assert full.returncode == 1 and "not empty" in full.stderr

    refused = _market(database.database_url, tmp_path, "import", str(out))
    assert refused.returncode == 2 and "already holds data" in refused.stderr

    loaded = _market(second_database.database_url, tmp_path, "import", str(out))
    assert loaded.returncode == 0, loaded.stderr
    assert "Imported" in loaded.stdout
    again = _market(second_database.database_url, tmp_path, "export", str(tmp_path / "again"))
    assert again.returncode == 0, again.stderr
    events = [
        json.loads(line) for line in (tmp_path / "again" / "audit_event.jsonl").read_text().splitlines()
    ]
    # The import is in the new instance's trail; its own rows are the export's, exactly.
    assert events[-1]["action"] == "export.imported" and events[-1]["detail"]["rows"] > 3

    # The admin page's zip is read too (here refused: the second database holds data now).
    archive = dump.zip_directory(out, tmp_path / "export.zip")
    zipped = _market(second_database.database_url, tmp_path, "import", str(archive))
    assert zipped.returncode == 2 and "already holds data" in zipped.stderr
    missing = _market(second_database.database_url, tmp_path, "import", str(tmp_path / "nowhere"))
    assert missing.returncode == 2 and "no such directory" in missing.stderr
