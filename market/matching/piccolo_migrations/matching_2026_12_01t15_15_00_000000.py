"""An index on when each stage change happened: the reports count the pipeline's steps by
date (the funnel, appointments ended). Raw DDL, which both SQLite and PostgreSQL accept
(piccolo's auto migrations cannot alter a column on SQLite)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder

ID = "2026-12-01T15:15:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "An index on matching_stage_change (to_stage, at)"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="matching", description=DESCRIPTION)

    async def create_index():
        await engine_finder().run_ddl(
            "CREATE INDEX IF NOT EXISTS matching_stage_change_stage_at ON matching_stage_change (to_stage, at)"
        )

    async def drop_index():
        await engine_finder().run_ddl("DROP INDEX IF EXISTS matching_stage_change_stage_at")

    manager.add_raw(create_index)
    manager.add_raw_backwards(drop_index)
    return manager
