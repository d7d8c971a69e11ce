"""The round trip: a database filled through the demo seeding (and a row in every table the
demo leaves empty) exports, loads into a new empty instance, and exports again to the very
same files. Also across engines: a SQLite export loads into PostgreSQL unchanged."""

from __future__ import annotations

import csv
import json
import shutil
import time
from pathlib import Path

from market import demo
from market.accounts import services as accounts
from market.accounts.schemas import NewUserInput
from market.accounts.tables import User
from market.export import dump, load
from market.export.common import EXCLUDED, MANIFEST, exported_tables
from market.register.demo import NEARBY
from tests.conftest import make_settings
from tests.export.conftest import new_postgres_database, using
from tests.export.fill import fill_empty_tables


def _files(directory: Path) -> dict[str, bytes]:
    files = {p.name: p.read_bytes() for p in directory.iterdir()}
    manifest = json.loads(files.pop(MANIFEST))
    manifest.pop("exported_at")
    files[MANIFEST] = json.dumps(manifest, indent=1).encode()
    return files


async def test_an_export_loads_into_a_new_instance_with_nothing_lost(database, second_database, tmp_path):
    await demo.seed(database)
    filled = await fill_empty_tables()
    specs = exported_tables()
    counts = {spec.name: await spec.table.count() for spec in specs}
    assert all(counts.values()), f"tables still empty: {[n for n, c in counts.items() if not c]}"
    demo_pas = 300 + sum(count for count, *_ in NEARBY)  # the random ones and those round the needs
    assert counts["account_user"] >= demo_pas and counts["register_pa_profile"] == demo_pas

    started = time.perf_counter()
    first = await dump.export_to(tmp_path / "first")
    print(
        f"\nexport of {first.total:,} rows: {time.perf_counter() - started:.2f} s (filled {len(filled)} tables)"
    )
    assert first.rows == counts
    manifest = json.loads((tmp_path / "first" / MANIFEST).read_text())
    assert {t["name"]: t["rows"] for t in manifest["tables"]} == counts
    assert set(manifest["schema"]["migrations"]) >= {"accounts", "register", "matching"}
    assert not set(EXCLUDED) & {p.stem for p in (tmp_path / "first").iterdir()}

    async with using(second_database):
        started = time.perf_counter()
        loaded = await load.import_from(tmp_path / "first")
        print(f"import: {time.perf_counter() - started:.2f} s")
        assert loaded.rows == counts
        await dump.export_to(tmp_path / "second")
        # Ids go on after the imported ones (PostgreSQL's sequences were moved on).
        newcomer = await accounts.create_user(
            NewUserInput(
                email="after@example.org", display_name="After", role="staff", password="a long password 1"
            )
        )
        assert newcomer.id == max(r["id"] for r in await User.select(User.id)) > counts["account_user"] - 1

    first_files, second_files = _files(tmp_path / "first"), _files(tmp_path / "second")
    assert sorted(first_files) == sorted(second_files)
    assert len(first_files) == 2 * len(specs) + 1
    for name, content in first_files.items():
        assert second_files[name] == content, f"{name} differs after the round trip"


async def test_jsonl_and_csv_hold_the_same_rows_in_documented_types(database, tmp_path):
    await demo.seed(database)
    await fill_empty_tables()
    await dump.export_to(tmp_path)
    manifest = json.loads((tmp_path / MANIFEST).read_text())
    for table in manifest["tables"]:
        lines = (tmp_path / f"{table['name']}.jsonl").read_text(encoding="utf-8").splitlines()
        with (tmp_path / f"{table['name']}.csv").open(encoding="utf-8", newline="") as file:
            rows = list(csv.reader(file))
        names = [c["name"] for c in table["columns"]]
        assert rows[0] == names
        assert len(lines) == len(rows) - 1 == table["rows"]
        ids = [json.loads(line)["id"] for line in lines]
        assert ids == sorted(ids)
        first = json.loads(lines[0])
        assert list(first) == names
        for column in table["columns"]:
            value = first[column["name"]]
            if value is None:
                continue
            expected = {"integer": int, "number": float, "text": str, "boolean": bool, "date": str}
            if column["type"] in expected:
                assert isinstance(value, expected[column["type"]]), (table["name"], column)
            if column["type"] == "timestamp":
                assert value.endswith("+00:00"), (table["name"], column["name"], value)
            if column["type"] == "json":
                assert isinstance(value, list | dict), (table["name"], column["name"], value)


async def test_a_sqlite_export_loads_into_postgresql_unchanged(sqlite_template, postgres_url, tmp_path):
    """The format does not depend on the engine: a county moving from SQLite to PostgreSQL
    (or to another provider's PostgreSQL) exports, imports and exports the same files."""
    path = tmp_path / "county.db"
    shutil.copyfile(sqlite_template, path)
    async with using(make_settings(f"sqlite:///{path}", tmp_path)):
        await demo.seed(make_settings(f"sqlite:///{path}", tmp_path))
        await fill_empty_tables()
        await dump.export_to(tmp_path / "from-sqlite")
    async with new_postgres_database(tmp_path) as settings, using(settings):
        await load.import_from(tmp_path / "from-sqlite")
        await dump.export_to(tmp_path / "from-postgres")
    first, second = _files(tmp_path / "from-sqlite"), _files(tmp_path / "from-postgres")
    assert json.loads(first.pop(MANIFEST))["database"] == "sqlite"
    assert json.loads(second.pop(MANIFEST))["database"] == "postgresql"
    assert first == second
