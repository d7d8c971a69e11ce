"""One application per (need, PA): a unique index over both columns, which piccolo's
auto migrations cannot express. Kept apart from the migration that creates the table,
because a migration's raw steps run before its new tables are created."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder

ID = "2026-12-01T12:36:30:000000"
VERSION = "1.38.0"
DESCRIPTION = "A unique index on the pipeline's (need, profile)"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="matching", description=DESCRIPTION)

    async def create_index():
        await engine_finder().run_ddl(
            "CREATE UNIQUE INDEX matching_application_need_profile ON matching_application (need, profile)"
        )

    async def drop_index():
        await engine_finder().run_ddl("DROP INDEX IF EXISTS matching_application_need_profile")

    manager.add_raw(create_index)
    manager.add_raw_backwards(drop_index)
    return manager
