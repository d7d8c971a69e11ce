"""Drop the failed sign-in log: its count-then-insert could not hold the limit under
concurrent requests. The next migration puts a counter in its place. The rows were only
kept for the rate limit's short window, so nothing of lasting value is lost."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-12-02T02:33:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Drop the failed sign-in log"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="accounts", description=DESCRIPTION)
    manager.drop_table(class_name="LoginAttempt", tablename="account_login_attempt", schema=None)
    return manager
