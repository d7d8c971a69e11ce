"""What driving a need asks for (issue 21): none, the person's own car, or the PA's own car.
The column only; the next migration moves the old answers into it (a migration's raw steps
run before its new columns are added). ``driver_needed`` stays, unused: dropping a column is
not additive, and piccolo cannot rebuild a table on SQLite."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Varchar
from piccolo.columns.indexes import IndexMethod

ID = "2026-12-02T14:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "matching_need.driving"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="matching", description=DESCRIPTION)
    manager.add_column(
        table_class_name="Need",
        tablename="matching_need",
        column_name="driving",
        db_column_name="driving",
        column_class_name="Varchar",
        column_class=Varchar,
        params={
            "length": 16,
            "default": "none",
            "null": False,
            "primary_key": False,
            "unique": False,
            "index": False,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )
    return manager
