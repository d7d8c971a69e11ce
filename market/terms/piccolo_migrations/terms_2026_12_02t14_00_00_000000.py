"""School terms: the council's school years and their periods (terms, half terms, holidays,
INSET days)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.base import OnDelete, OnUpdate
from piccolo.columns.column_types import Date, ForeignKey, Serial, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.columns.indexes import IndexMethod
from piccolo.table import Table

ID = "2026-12-02T14:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "School years and their terms, half terms, holidays and INSET days"


class SchoolYear(Table, tablename="terms_school_year", schema=None):
    id = Serial(null=False, primary_key=True, unique=False, index=False, index_method=IndexMethod.btree)


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


YEAR_COLUMNS = (
    ("id", Serial, _params(primary_key=True)),
    ("name", Varchar, _params(length=40, default="", unique=True)),
    ("first_day", Date, _params(default=None)),
    ("last_day", Date, _params(default=None)),
    ("source", Text, _params(default="")),
    ("created_at", Timestamptz, _params(default=TimestamptzNow())),
    ("updated_at", Timestamptz, _params(default=TimestamptzNow())),
)
PERIOD_COLUMNS = (
    ("id", Serial, _params(primary_key=True)),
    (
        "school_year",
        ForeignKey,
        _params(
            references=SchoolYear,
            on_delete=OnDelete.cascade,
            on_update=OnUpdate.cascade,
            target_column=None,
            null=True,
            index=True,
        ),
    ),
    ("kind", Varchar, _params(length=16, default="")),
    ("name", Varchar, _params(length=80, default="")),
    ("first_day", Date, _params(default=None)),
    ("last_day", Date, _params(default=None)),
)


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="terms", description=DESCRIPTION)
    for class_name, tablename, columns in (
        ("SchoolYear", "terms_school_year", YEAR_COLUMNS),
        ("SchoolPeriod", "terms_school_period", PERIOD_COLUMNS),
    ):
        manager.add_table(class_name=class_name, tablename=tablename, schema=None, columns=None)
        for name, column_class, params in columns:
            manager.add_column(
                table_class_name=class_name,
                tablename=tablename,
                column_name=name,
                db_column_name=name,
                column_class_name=column_class.__name__,
                column_class=column_class,
                params=params,
                schema=None,
            )
    return manager
