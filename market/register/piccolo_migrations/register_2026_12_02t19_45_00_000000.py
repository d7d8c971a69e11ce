"""Indexes for the monitoring return (issue 22): the register's figures read who was on the
register at a moment from the status history, and count PAs by skill and client group. Raw DDL
that SQLite and PostgreSQL both accept (piccolo's auto migrations make one-column indexes only).

- register_status_change (profile, changed_at): a PA's latest change before a moment, found by
  one index probe (``register_figures.latest_status``), for the few PAs a figure asks about;
- register_pa_skill (profile, skill) and register_pa_client_group (profile, "group"): a PA's
  skills and groups in order, so that each (PA, skill) pair is counted once by a GROUP BY that
  reads them in that order, with no sort of half a million pairs.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder

ID = "2026-12-02T19:45:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Indexes for the monitoring return (status history by PA and time; skills and groups by PA)"
INDEXES = {
    "register_status_change_profile_at": "register_status_change (profile, changed_at)",
    "register_pa_skill_profile_skill": "register_pa_skill (profile, skill)",
    "register_pa_client_group_profile_group": 'register_pa_client_group (profile, "group")',
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
