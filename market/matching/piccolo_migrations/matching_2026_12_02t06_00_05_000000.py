"""Whether the need's side keeps a need open for the rest of its hours once a PA appointed
for part of them accepts (None: the offer covered all of them, or was made before the
question was asked; then the need is filled, as before)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Boolean
from piccolo.columns.indexes import IndexMethod

ID = "2026-12-02T06:00:05:000000"
VERSION = "1.38.0"
DESCRIPTION = "matching_appointment.keep_need_open"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="matching", description=DESCRIPTION)
    manager.add_column(
        table_class_name="Appointment",
        tablename="matching_appointment",
        column_name="keep_need_open",
        db_column_name="keep_need_open",
        column_class_name="Boolean",
        column_class=Boolean,
        params={
            "default": None,
            "null": True,
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
