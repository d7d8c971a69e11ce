"""An index for the monitoring return (issue 22) on register_status_change (profile,
changed_at): a PA's latest change before a moment is then one index probe
(``register_figures.latest_status``), for the few PAs a figure asks about (those suspended at
the end of a period), instead of a pass over every PA's history. Raw DDL that SQLite and
PostgreSQL both accept (piccolo's auto migrations make one-column indexes only)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder

ID = "2026-12-02T19:45:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "An index for the monitoring return: the status history by PA and time"
INDEXES = {
    "register_status_change_profile_at": "register_status_change (profile, changed_at)",
}


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="register", description=DESCRIPTION)

    async def create_indexes():
        for name, on in INDEXES.items():
            await engine_finder().run_ddl(f"CREATE INDEX IF NOT EXISTS {name} ON {on}")

    async def drop_indexes():
        for name in INDEXES:
            await engine_finder().run_ddl(f"DROP INDEX IF EXISTS {name}")

    manager.add_raw(create_indexes)
    manager.add_raw_backwards(drop_indexes)
    return manager
