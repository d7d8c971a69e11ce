"""One open DBS application per PA, held by the database: a partial unique index on
dbs_application (profile) over the open steps (rules.OPEN_STEPS), which piccolo's auto
migrations cannot express. Raw DDL that SQLite and PostgreSQL both accept.

The rule was checked outside the write transaction before, so concurrent requests could
open several applications for one PA. Such duplicates are closed first, or the index could
not be made: of a PA's open applications the one furthest along stays open (of two at the
same step, the older), and each other is withdrawn today with a reason naming the one kept,
and an audit event (actor none: the migration). Nothing is deleted: the withdrawn rows keep
their dates for the reports, and staff can see on the record what happened and why.
"""

import json
from collections import defaultdict
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns import JSONB, Date, Integer, Serial, Text, Timestamptz, Varchar
from piccolo.engine.finder import engine_finder
from piccolo.table import Table

ID = "2026-12-02T09:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "One open DBS application per PA (duplicates withdrawn, then a partial unique index)"

# rules.OPEN_STEPS as it is at this migration, in the order an application goes through them.
OPEN_STEPS = ("requested", "id_verified", "submitted", "issued", "seen")
INDEX = "dbs_application_one_open"
REASON = (
    "Closed automatically: a duplicate of application {kept}, which stays open "
    "(a PA has one open application at a time)."
)


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="dbs", description=DESCRIPTION)

    async def close_duplicates():
        # Snapshots of the tables as they are at this migration, not as they may become.
        class DBSApplication(Table, tablename="dbs_application"):
            id = Serial(primary_key=True)
            profile = Integer()
            step = Varchar(length=16)
            withdrawn_on = Date(null=True)
            withdrawn_reason = Text()
            updated_at = Timestamptz()

        class AuditEvent(Table, tablename="audit_event"):
            id = Serial(primary_key=True)
            at = Timestamptz()
            actor_email = Varchar(length=254)
            actor_role = Varchar(length=16)
            action = Varchar(length=64)
            subject_type = Varchar(length=64)
            subject_id = Varchar(length=64)
            detail = JSONB()
            ip = Varchar(length=45)

        rows = (
            await DBSApplication.select(DBSApplication.id, DBSApplication.profile, DBSApplication.step)
            .where(DBSApplication.step.is_in(list(OPEN_STEPS)))
            .order_by(DBSApplication.id)
        )
        by_profile: dict[int, list[dict]] = defaultdict(list)
        for row in rows:
            by_profile[row["profile"]].append(row)
        now = datetime.now(UTC)
        today = now.astimezone(ZoneInfo("Europe/London")).date()
        for profile_id, open_rows in by_profile.items():
            if len(open_rows) < 2:
                continue
            kept = max(open_rows, key=lambda r: (OPEN_STEPS.index(r["step"]), -r["id"]))
            for row in open_rows:
                if row["id"] == kept["id"]:
                    continue
                await DBSApplication.update(
                    {
                        DBSApplication.step: "withdrawn",
                        DBSApplication.withdrawn_on: today,
                        DBSApplication.withdrawn_reason: REASON.format(kept=kept["id"]),
                        DBSApplication.updated_at: now,
                    }
                ).where(DBSApplication.id == row["id"])
                await AuditEvent.insert(
                    AuditEvent(
                        at=now,
                        actor_email="",
                        actor_role="",
                        action="dbs.application_withdrawn",
                        subject_type="pa_dbs",
                        subject_id=str(profile_id),
                        detail=json.dumps(
                            {"application_id": row["id"], "duplicate_of": kept["id"], "by": f"migration {ID}"}
                        ),
                        ip="",
                    )
                )

    async def create_index():
        steps = ", ".join(f"'{step}'" for step in OPEN_STEPS)
        await engine_finder().run_ddl(
            f"CREATE UNIQUE INDEX IF NOT EXISTS {INDEX} ON dbs_application (profile) WHERE step IN ({steps})"
        )

    async def drop_index():
        await engine_finder().run_ddl(f"DROP INDEX IF EXISTS {INDEX}")

    manager.add_raw(close_duplicates)
    manager.add_raw(create_index)
    manager.add_raw_backwards(drop_index)
    return manager
