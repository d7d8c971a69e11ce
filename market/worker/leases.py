"""Each background job's lease and last run, in the database (table worker_job).

A lease says which process runs a job now, and until when. It is taken by one statement, an
``INSERT ... ON CONFLICT (name) DO UPDATE ... WHERE`` the lease is free (never taken, given
back, or lapsed) and the job is due. Two processes asking at the same instant cannot both
win: on PostgreSQL the loser waits on the unique index, then re-reads the winner's committed
row under its row lock and finds the lease taken; on SQLite the IMMEDIATE write transaction
serialises them. There is no read-then-insert gap to race through.

A holder that crashes simply stops renewing: its lease lapses at ``lease_until`` and the next
process to ask takes the job over. ``last_started_at`` is set by the same statement that takes
the lease, so a job's interval holds across processes and restarts.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import msgspec

from market.db import write_transaction
from market.worker.tables import JobState

# Outcomes of a run, as ``last_outcome`` records them.
OK, FAILED, STOPPED = "ok", "failed", "stopped"


class JobRecord(msgspec.Struct, kw_only=True):
    """One job's row: its lease (holder "" when free) and its last run."""

    name: str
    holder: str = ""
    lease_until: datetime | None = None
    last_started_at: datetime | None = None
    last_finished_at: datetime | None = None
    last_seconds: float | None = None
    last_outcome: str = ""
    last_message: str = ""
    last_error: str = ""
    last_holder: str = ""

    def held(self, now: datetime) -> bool:
        """Whether some process holds the lease at ``now`` (a lapsed lease is free)."""
        return bool(self.holder) and self.lease_until is not None and self.lease_until >= now

    def due(self, now: datetime, every: timedelta) -> bool:
        return self.last_started_at is None or self.last_started_at <= now - every


_TAKE = """
INSERT INTO worker_job (name, holder, lease_until, last_started_at, last_holder)
VALUES ({}, {}, {}, {}, {})
ON CONFLICT (name) DO UPDATE SET
    holder = excluded.holder,
    lease_until = excluded.lease_until,
    last_started_at = excluded.last_started_at,
    last_holder = excluded.last_holder
WHERE (worker_job.holder = '' OR worker_job.lease_until IS NULL OR worker_job.lease_until < {}
       OR worker_job.holder = excluded.holder)
"""
_DUE = " AND (worker_job.last_started_at IS NULL OR worker_job.last_started_at <= {})"
_RETURNING = " RETURNING name"


async def acquire(
    name: str, holder: str, *, now: datetime, lease_for: timedelta, every: timedelta | None = None
) -> bool:
    """Take ``name``'s lease for ``holder`` until ``now + lease_for``, in one statement, if it is
    free and (with ``every``) the job's last start is at least ``every`` ago. True if taken:
    the caller then runs the job, renews the lease while it runs, and calls ``finish``."""
    sql, args = _TAKE, [name, holder, now + lease_for, now, holder, now]
    if every is not None:
        sql, args = sql + _DUE, [*args, now - every]
    async with write_transaction():
        rows = await JobState.raw(sql + _RETURNING, *args)
    return bool(rows)


async def renew(name: str, holder: str, *, now: datetime, lease_for: timedelta) -> bool:
    """Extend a lease ``holder`` still has; False if another process has taken it over."""
    async with write_transaction():
        rows = (
            await JobState.update({JobState.lease_until: now + lease_for})
            .where((JobState.name == name) & (JobState.holder == holder))
            .returning(JobState.id)
        )
    return bool(rows)


async def finish(
    name: str, holder: str, *, now: datetime, seconds: float, outcome: str, message: str = "", error: str = ""
) -> bool:
    """Record how the run went and give the lease back. Nothing is written if the lease was
    lost meanwhile (the new holder's run is the one on record); returns whether it was held."""
    async with write_transaction():
        rows = (
            await JobState.update(
                {
                    JobState.holder: "",
                    JobState.lease_until: None,
                    JobState.last_finished_at: now,
                    JobState.last_seconds: round(seconds, 3),
                    JobState.last_outcome: outcome,
                    JobState.last_message: message[:2000],
                    JobState.last_error: error[:2000],
                }
            )
            .where((JobState.name == name) & (JobState.holder == holder))
            .returning(JobState.id)
        )
    return bool(rows)


async def records() -> dict[str, JobRecord]:
    """Every job's row by name (a job that never ran has none)."""
    rows = await JobState.select().order_by(JobState.name)
    fields = set(JobRecord.__struct_fields__)
    return {r["name"]: msgspec.convert({k: v for k, v in r.items() if k in fields}, JobRecord) for r in rows}
