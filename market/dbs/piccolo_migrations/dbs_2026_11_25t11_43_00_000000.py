"""Seed the DBS fees shown to PAs (admin keeps them up to date on /admin/dbs)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns import Integer, Varchar
from piccolo.table import Table

ID = "2026-11-25T11:43:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Seed DBS fees"

# The DBS fees in force since 2 December 2024 (GOV.UK, "DBS check fees").
FEES = [
    ("basic", "Basic check", 2150, "Paid to DBS; an umbrella body may add its own fee."),
    ("standard", "Standard check", 2150, "Paid to DBS; an umbrella body may add its own fee."),
    (
        "enhanced",
        "Enhanced check (with or without barred lists)",
        4950,
        "Paid to DBS; an umbrella body may add its own fee.",
    ),
    ("update_service", "Update Service, a year", 1600, "Free for volunteers. Join within 30 days of issue."),
]


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="dbs", description=DESCRIPTION)

    async def seed():
        class DBSFee(Table, tablename="dbs_fee"):
            code = Varchar(length=32)
            name = Varchar(length=120)
            amount_pence = Integer()
            note = Varchar(length=300)
            position = Integer()

        await DBSFee.insert(
            *[
                DBSFee(code=code, name=name, amount_pence=pence, note=note, position=i)
                for i, (code, name, pence, note) in enumerate(FEES)
            ]
        )

    manager.add_raw(seed)
    return manager
