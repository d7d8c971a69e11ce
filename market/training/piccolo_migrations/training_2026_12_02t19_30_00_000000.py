"""Training sessions near a PA are found by a latitude and longitude box (the only query
left that asks a table by place: the register search runs on each worker's in-memory index
since issue 22). An index on (status, lat, lon) lets that box use it instead of reading
every scheduled session. Raw DDL that SQLite and PostgreSQL both accept."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder

ID = "2026-12-02T19:30:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "An index for the training sessions near a PA (by status and place)"
INDEX = "training_session_status_place"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="training", description=DESCRIPTION)

    async def create_index():
        await engine_finder().run_ddl(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON training_session (status, lat, lon)"
        )

    async def drop_index():
        await engine_finder().run_ddl(f"DROP INDEX IF EXISTS {INDEX}")

    manager.add_raw(create_index)
    manager.add_raw_backwards(drop_index)
    return manager
