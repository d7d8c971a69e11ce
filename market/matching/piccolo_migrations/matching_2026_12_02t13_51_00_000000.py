"""Each need's free-text languages (required and preferred) become codes of the register's
list of languages (see the register migration of the same day, whose ``map_texts`` this uses).
A text that matches no language's name or alias is taken off the need and kept in
register_language_unmapped for staff to map. Safe to run twice."""

from __future__ import annotations

import json

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns import JSON, Serial
from piccolo.table import Table

from market.register.piccolo_migrations.register_2026_12_02t13_50_00_000000 import (
    _list,
    codes_by_key,
    map_texts,
)

ID = "2026-12-02T13:51:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Needs' typed languages mapped onto the register's list of languages"

FIELDS = ("languages_required", "languages_preferred")


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="matching", description=DESCRIPTION)

    async def map_needs() -> None:
        class _Need(Table, tablename="matching_need"):
            id = Serial(primary_key=True)
            languages_required = JSON(default="[]")
            languages_preferred = JSON(default="[]")

        known = await codes_by_key()
        columns = {
            "languages_required": _Need.languages_required,
            "languages_preferred": _Need.languages_preferred,
        }
        for row in await _Need.select(_Need.id, *columns.values()):
            changed = {}
            for field, column in columns.items():
                before = _list(row[field])
                codes = await map_texts("need", row["id"], field, before, known)
                if codes != before:
                    changed[column] = json.dumps(codes)
            if changed:
                await _Need.update(changed).where(_Need.id == row["id"])

    manager.add_raw(map_needs)
    return manager
