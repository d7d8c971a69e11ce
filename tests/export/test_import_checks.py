"""An import goes only into a new, empty instance of the same schema, and all or nothing:
a bad line is named by file and line number, and no table keeps any row."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from market.accounts import services as accounts
from market.accounts.schemas import NewUserInput
from market.accounts.tables import User
from market.dbs.tables import DBSPermission
from market.export import dump, load
from market.export.common import MANIFEST, SEEDED, all_tables, exported_tables, in_dependency_order
from market.register.tables import Skill
from tests.export.conftest import using


async def _users(count: int) -> list:
    return [
        await accounts.create_user(
            NewUserInput(
                email=f"person{n}@example.org",
                display_name=f"Person {n}",
                role="staff",
                password="a long password 1",
            )
        )
        for n in range(count)
    ]


async def _small_export(directory: Path) -> None:
    users = await _users(3)
    await DBSPermission.insert(DBSPermission(user=users[0].id, granted_by=users[2].id))
    await dump.export_to(directory)


def _edit_line(path: Path, number: int, change) -> None:
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[number - 1] = change(lines[number - 1])
    path.write_text("".join(lines), encoding="utf-8")


async def test_a_new_instance_holds_only_the_seeded_lists(second_database):
    """The lists the migrations seed are what `SEEDED` names (an import replaces them)."""
    async with using(second_database):
        holding = {spec.name for spec in all_tables() if await spec.table.count()}
    assert holding == set(SEEDED)


def test_parents_come_before_children():
    order = [spec.name for spec in exported_tables()]
    for position, spec in enumerate(exported_tables()):
        for parent in spec.parents():
            assert order.index(parent) < position, (parent, spec.name)
    assert order.index("account_user") < order.index("register_pa_profile") < order.index("dbs_check")
    # Whatever order the tables are listed in, parents still come first.
    shuffled = in_dependency_order(list(reversed(exported_tables())))
    names = [spec.name for spec in shuffled]
    assert sorted(names) == sorted(order)
    for position, spec in enumerate(shuffled):
        assert all(names.index(parent) < position for parent in spec.parents())


async def test_import_refuses_an_instance_that_holds_data(database, tmp_path):
    await _small_export(tmp_path)
    with pytest.raises(load.ImportRefused, match=r"already holds data.*account_user \(3 rows\)"):
        await load.import_from(tmp_path)
    assert await User.count() == 3


async def test_import_refuses_another_schema_version(database, second_database, tmp_path):
    await _small_export(tmp_path)
    manifest = json.loads((tmp_path / MANIFEST).read_text())
    manifest["schema"]["migrations"]["matching"] = "2099-01-01T00:00:00:000000"
    (tmp_path / MANIFEST).write_text(json.dumps(manifest))
    async with using(second_database):
        with pytest.raises(
            load.ImportRefused, match=r"matching: export 2099-01-01T00:00:00:000000, this instance 20"
        ):
            await load.import_from(tmp_path)
        assert await User.count() == 0


async def test_import_refuses_a_directory_without_a_manifest(database, tmp_path):
    with pytest.raises(load.ImportRefused, match="manifest.json is missing"):
        await load.import_from(tmp_path)


@pytest.mark.parametrize(
    ("file", "line", "change", "message"),
    [
        ("account_user.jsonl", 2, lambda text: text[:40] + "\n", "not valid JSON"),
        (
            "account_user.jsonl",
            3,
            lambda text: text.replace('"role":"staff"', '"role":7'),
            "role: expected text",
        ),
        (
            "account_user.jsonl",
            2,
            lambda text: text.replace('"email":"person1', '"email":"person0'),
            "email .* appears twice",
        ),
        (
            "account_user.jsonl",
            2,
            lambda text: text.replace('"created_at":"', '"created_at":"x'),
            "created_at: expected a timestamp",
        ),
        (
            "dbs_permission.jsonl",
            1,
            lambda text: text.replace('"user":', '"user":9999'),
            "user 9999.* is not an id in account_user",
        ),
        (
            "dbs_permission.jsonl",
            1,
            lambda text: text.replace('"granted_at":', '"colour":"red","granted_at":'),
            "unknown column",
        ),
    ],
)
async def test_a_bad_line_is_named_and_nothing_is_imported(
    database, second_database, tmp_path, file, line, change, message
):
    await _small_export(tmp_path)
    _edit_line(tmp_path / file, line, change)
    async with using(second_database):
        skills = await Skill.count()
        with pytest.raises(load.ImportProblem, match=message) as problem:
            await load.import_from(tmp_path)
        assert (problem.value.file, problem.value.line) == (file, line)
        assert str(problem.value).startswith(f"{file}, line {line}: ")
        # Nothing half-way: the users (inserted before the bad line) were rolled back too,
        # and the seeded lists are as they were.
        assert await User.count() == 0 and await DBSPermission.count() == 0
        assert await Skill.count() == skills > 0


async def test_a_missing_line_is_caught_by_the_manifest_count(database, second_database, tmp_path):
    await _small_export(tmp_path)
    path = tmp_path / "account_user.jsonl"
    path.write_text("".join(path.read_text().splitlines(keepends=True)[:2]))
    async with using(second_database):
        with pytest.raises(load.ImportProblem, match="holds 2 rows but the manifest says 3"):
            await load.import_from(tmp_path)
        assert await User.count() == 0
