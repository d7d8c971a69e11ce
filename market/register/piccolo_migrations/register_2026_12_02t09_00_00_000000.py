"""One shortlist entry per (owner, PA), held by the database: a unique index over both
columns, which piccolo's auto migrations cannot express. Raw DDL that SQLite and PostgreSQL
both accept.

Saving was checked outside a unique rule before, so two saves at once could store a PA twice
on one shortlist. Such duplicates are merged first, or the index could not be made: the
oldest entry stays (the shortlist shows when the PA was first saved), taking the newest
non-empty note of the others if it has none, and the others are deleted. They are copies
of one fact, "this person saved this PA", so nothing is lost.
"""

from collections import defaultdict

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns import Integer, Serial, Varchar
from piccolo.engine.finder import engine_finder
from piccolo.table import Table

ID = "2026-12-02T09:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "One shortlist entry per (owner, profile) (duplicates merged, then a unique index)"

INDEX = "register_shortlist_entry_owner_profile"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="register", description=DESCRIPTION)

    async def merge_duplicates():
        # A snapshot of the table as it is at this migration, not as it may become.
        class ShortlistEntry(Table, tablename="register_shortlist_entry"):
            id = Serial(primary_key=True)
            owner = Integer()
            profile = Integer()
            note = Varchar(length=500)

        rows = await ShortlistEntry.select(
            ShortlistEntry.id, ShortlistEntry.owner, ShortlistEntry.profile, ShortlistEntry.note
        ).order_by(ShortlistEntry.id)
        by_pair: dict[tuple[int, int], list[dict]] = defaultdict(list)
        for row in rows:
            by_pair[(row["owner"], row["profile"])].append(row)
        for entries in by_pair.values():
            if len(entries) < 2:
                continue
            kept, others = entries[0], entries[1:]
            notes = [e["note"] for e in others if e["note"]]
            if not kept["note"] and notes:
                await ShortlistEntry.update({ShortlistEntry.note: notes[-1]}).where(
                    ShortlistEntry.id == kept["id"]
                )
            await ShortlistEntry.delete().where(ShortlistEntry.id.is_in([e["id"] for e in others]))

    async def create_index():
        await engine_finder().run_ddl(
            f"CREATE UNIQUE INDEX IF NOT EXISTS {INDEX} ON register_shortlist_entry (owner, profile)"
        )

    async def drop_index():
        await engine_finder().run_ddl(f"DROP INDEX IF EXISTS {INDEX}")

    manager.add_raw(merge_duplicates)
    manager.add_raw(create_index)
    manager.add_raw_backwards(drop_index)
    return manager
