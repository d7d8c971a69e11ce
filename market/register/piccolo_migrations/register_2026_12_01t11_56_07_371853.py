from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import JSON
from piccolo.columns.column_types import Varchar
from piccolo.columns.indexes import IndexMethod

ID = "2026-12-01T11:56:07:371853"
VERSION = "1.38.0"
DESCRIPTION = "A PA's own limits: work they will not do, and when in the year they work"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="register", description=DESCRIPTION)

    manager.add_column(
        table_class_name="PAProfile",
        tablename="register_pa_profile",
        column_name="wont_do",
        db_column_name="wont_do",
        column_class_name="JSON",
        column_class=JSON,
        params={
            "default": "[]",
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

    manager.add_column(
        table_class_name="PAProfile",
        tablename="register_pa_profile",
        column_name="year_pattern",
        db_column_name="year_pattern",
        column_class_name="Varchar",
        column_class=Varchar,
        params={
            "length": 24,
            "default": "all_year",
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
