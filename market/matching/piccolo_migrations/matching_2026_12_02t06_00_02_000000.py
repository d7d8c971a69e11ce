"""A need may ask for PAs free at all of its hours (``all_hours``): added with a default, so
every existing need keeps today's rule (any PA free at some of the hours)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Boolean
from piccolo.columns.indexes import IndexMethod

ID = "2026-12-02T06:00:02:000000"
VERSION = "1.38.0"
DESCRIPTION = "A need may ask for PAs free at all of its hours"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="matching", description=DESCRIPTION)

    manager.add_column(
        table_class_name="Need",
        tablename="matching_need",
        column_name="all_hours",
        db_column_name="all_hours",
        column_class_name="Boolean",
        column_class=Boolean,
        params={
            "default": False,
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
