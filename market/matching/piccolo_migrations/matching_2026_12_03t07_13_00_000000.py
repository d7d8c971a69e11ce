"""An index for the monitoring return (issue 22) on matching_stage_change (from_stage, at):
the appointments that ended before a moment (a move out of "appointed" or "started",
``recruitment_figures._not_ended_before``, read for the PAs active and the needs open at the
end) are then a range of the index, a few thousand rows, instead of a pass over every stage
change (600,000 at 50k needs). Additive; raw DDL that SQLite and PostgreSQL both accept
(piccolo's auto migrations make one-column indexes only)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder

ID = "2026-12-03T07:13:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "An index for the monitoring return: stage changes by the stage left and time"
INDEXES = {
    "matching_stage_change_from_at": "matching_stage_change (from_stage, at)",
}


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="matching", description=DESCRIPTION)

    async def create_indexes():
        for name, on in INDEXES.items():
            await engine_finder().run_ddl(f"CREATE INDEX IF NOT EXISTS {name} ON {on}")

    async def drop_indexes():
        for name in INDEXES:
            await engine_finder().run_ddl(f"DROP INDEX IF EXISTS {name}")

    manager.add_raw(create_indexes)
    manager.add_raw_backwards(drop_indexes)
    return manager
