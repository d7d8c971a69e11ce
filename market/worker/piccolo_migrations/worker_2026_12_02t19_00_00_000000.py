"""The background jobs' leases and last runs (one row per job)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Float, Serial, Text, Timestamptz, Varchar
from piccolo.columns.indexes import IndexMethod

ID = "2026-12-02T19:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Background jobs: each one's lease and last run"


def _params(**overrides):
    params = {
        "null": False,
        "primary_key": False,
        "unique": False,
        "index": False,
        "index_method": IndexMethod.btree,
        "choices": None,
        "db_column_name": None,
        "secret": False,
    }
    params.update(overrides)
    return params


COLUMNS = (
    ("id", Serial, _params(primary_key=True)),
    ("name", Varchar, _params(length=64, default="", unique=True)),
    ("holder", Varchar, _params(length=120, default="")),
    ("lease_until", Timestamptz, _params(null=True, default=None)),
    ("last_started_at", Timestamptz, _params(null=True, default=None)),
    ("last_finished_at", Timestamptz, _params(null=True, default=None)),
    ("last_seconds", Float, _params(null=True, default=None)),
    ("last_outcome", Varchar, _params(length=16, default="")),
    ("last_message", Text, _params(default="")),
    ("last_error", Text, _params(default="")),
    ("last_holder", Varchar, _params(length=120, default="")),
)


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="worker", description=DESCRIPTION)
    manager.add_table(class_name="JobState", tablename="worker_job", schema=None, columns=None)
    for name, column_class, params in COLUMNS:
        manager.add_column(
            table_class_name="JobState",
            tablename="worker_job",
            column_name=name,
            db_column_name=name,
            column_class_name=column_class.__name__,
            column_class=column_class,
            params=params,
            schema=None,
        )
    return manager
