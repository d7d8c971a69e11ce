"""The background jobs: one table of (name, interval, job), and the loops that run them.

Two kinds of job:

- **Leased** jobs (the DBS sweep, training reminders, change-log pruning, email delivery,
  expired sessions) change shared data, so each runs in exactly one process at a time: a
  process takes the job's lease in the database (``market.worker.leases``) before running
  it, renews it while the job runs, and records the run (start, seconds, outcome, message,
  error) when it gives it back. The last start is in the database too, so a job's interval
  holds across processes and restarts. Any web worker (``MARKET_WEB_JOBS``, on by default)
  or a ``market worker`` process may hold a lease; ``market jobs run NAME`` runs one from cron.
- **Per-process** jobs (the matching index refresh) keep this process's memory fresh: every
  web worker runs its own, with its last run kept in memory.

Every job is safe to run twice and batches its writes (at most 500 rows a transaction). A
job that fails is logged and recorded, and tried again at its next turn; it never stops the
others. Nothing here runs inside a request: the loops are tasks of their own.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import time
import traceback
import uuid
from collections.abc import Callable, Coroutine
from datetime import datetime, timedelta
from typing import Any, NamedTuple

import msgspec

from market.accounts import sessions
from market.clock import london_today, utcnow
from market.dbs import sweep as dbs_sweep
from market.dbs.standing import Policy
from market.mail import services as mail
from market.matching import matches as match_cache
from market.matching import need_index as needs_cache
from market.matching.needs import changes as need_changes
from market.register import changes as profile_changes
from market.settings import Settings
from market.training import reminders as training_reminders
from market.worker import leases

log = logging.getLogger(__name__)

HOUR = 3600
DAY = 24 * HOUR
# How long a lease lasts unless renewed: a crashed holder's jobs are taken over this long
# after its last renewal. A running job renews it every third of that.
LEASE_SECONDS = 300


class Job(NamedTuple):
    name: str
    # Seconds between runs; 0 runs it on every turn of the loop (every MARKET_MAIL_POLL_SECONDS).
    every_seconds: int
    run: Callable[[Settings], Coroutine[Any, Any, str]]
    # False: per-process work (this worker's memory), run by every web worker, never leased.
    leased: bool = True

    @property
    def slug(self) -> str:
        """The name as a command line writes it: ``dbs-sweep`` for "DBS sweep"."""
        return self.name.lower().replace(" ", "-")


async def refresh_matching_index(settings: Settings) -> str:
    """Build this worker's candidate index and needs index at start-up, then patch them from
    their change logs (so work near you's first request finds its index built)."""
    index = await match_cache.CACHE.get(Policy.of(settings))
    await needs_cache.CACHE.get(index)
    return ""


async def sweep_dbs(settings: Settings) -> str:
    return "DBS sweep: " + (await dbs_sweep.run(settings)).summary()


async def remind_training(settings: Settings) -> str:
    report = await training_reminders.send_due_report(settings, london_today())
    return (
        f"Training: emailed {report.sent} PA(s) about training that expires within "
        f"{settings.training_reminder_days} days ({report.batches} batch(es))"
    )


async def prune_change_log(settings: Settings) -> str:
    pruned = await profile_changes.prune(utcnow() - timedelta(days=1))
    pruned += await need_changes.prune(utcnow() - timedelta(days=1))  # the needs' log too
    return f"Matching: {pruned} old change-log entries pruned"


async def send_mail(settings: Settings) -> str:
    report = await mail.deliver_due(settings)
    if not (report.sent or report.retrying or report.failed):
        return ""
    return f"Email: sent {report.sent}, will retry {report.retrying}, gave up on {report.failed}"


async def purge_sessions(settings: Settings) -> str:
    purged = await sessions.purge_expired()
    return f"Sessions: {purged} expired session(s) deleted" if purged else ""


JOBS: tuple[Job, ...] = (
    Job("matching index", 0, refresh_matching_index, leased=False),
    Job("DBS sweep", DAY, sweep_dbs),
    Job("training reminders", DAY, remind_training),
    Job("change-log pruning", DAY, prune_change_log),
    Job("email delivery", 0, send_mail),
    Job("expired sessions", HOUR, purge_sessions),
)
LOCAL_JOBS = tuple(job for job in JOBS if not job.leased)
LEASED_JOBS = tuple(job for job in JOBS if job.leased)


def find(name: str, table: tuple[Job, ...] = JOBS) -> Job | None:
    """The job called ``name`` (its name or slug, in any case)."""
    wanted = name.strip().lower()
    return next((job for job in table if wanted in (job.name.lower(), job.slug)), None)


async def run_due(
    settings: Settings, last_run: dict[str, float], now: float, jobs: tuple[Job, ...] = LOCAL_JOBS
) -> None:
    """One turn of a per-process loop: every job whose interval has passed since this process
    last ran it (all of them at start-up). ``last_run`` is this process's memory."""
    for job in jobs:
        previous = last_run.get(job.name)
        if previous is not None and now - previous < job.every_seconds:
            continue
        last_run[job.name] = now
        try:
            message = await job.run(settings)
        except Exception:  # noqa: BLE001 - one failing job must not stop the others
            log.exception("Background job %r failed; will try again", job.name)
        else:
            if message:
                log.info("%s", message)


class Outcome(msgspec.Struct, kw_only=True):
    """How one leased run went."""

    name: str
    outcome: str  # leases.OK | FAILED | STOPPED
    message: str = ""
    error: str = ""
    seconds: float = 0.0


def process_name() -> str:
    """This process as a lease holder: host, pid and a tag (two runners in one process differ)."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"[:120]


class Runner:
    """Runs leased jobs for one process: takes each job's lease, runs it, records the run.

    ``clock`` is the time leases and intervals are measured by (tests move it)."""

    def __init__(
        self,
        settings: Settings,
        jobs: tuple[Job, ...] = LEASED_JOBS,
        *,
        holder: str | None = None,
        lease_seconds: float = LEASE_SECONDS,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.settings = settings
        self.jobs = jobs
        self.holder = holder or process_name()
        self.lease_for = timedelta(seconds=lease_seconds)
        self.clock = clock

    async def run_due(self) -> list[Outcome]:
        """One turn: every job that is due and whose lease is free, each in turn."""
        now = self.clock()
        # A read first, so that a turn with nothing due writes nothing; the lease's one
        # statement still decides, so a stale read costs nothing but a refused acquire.
        known = await leases.records()
        done = []
        for job in self.jobs:
            record = known.get(job.name)
            every = timedelta(seconds=job.every_seconds)
            if record is not None and (record.held(now) or not record.due(now, every)):
                continue
            if (outcome := await self.run_one(job)) is not None:
                done.append(outcome)
        return done

    async def run_one(self, job: Job, *, force: bool = False) -> Outcome | None:
        """Run ``job`` if this process gets its lease (and, unless ``force``, it is due).
        None: another process holds the lease (or the job is not due)."""
        every = None if force else timedelta(seconds=job.every_seconds)
        taken = await leases.acquire(
            job.name, self.holder, now=self.clock(), lease_for=self.lease_for, every=every
        )
        if not taken:
            return None
        started = time.monotonic()
        work: asyncio.Task[str] = asyncio.create_task(job.run(self.settings))
        lost = asyncio.Event()
        keeper = asyncio.create_task(self._keep(job.name, work, lost))
        outcome = Outcome(name=job.name, outcome=leases.OK)
        try:
            outcome.message = await work
        except asyncio.CancelledError:
            outcome.outcome = leases.STOPPED
            outcome.error = "lease lost to another process" if lost.is_set() else "stopped"
            if not lost.is_set():
                raise  # this process is stopping: record the run (finally), then stop
            log.warning("Background job %r stopped: its lease was taken over", job.name)
        except Exception as error:  # noqa: BLE001 - recorded, and retried at its next turn
            log.exception("Background job %r failed; will try again", job.name)
            outcome.outcome = leases.FAILED
            outcome.error = "".join(traceback.format_exception_only(error)).strip()
        finally:
            keeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await keeper
            outcome.seconds = time.monotonic() - started
            await self._finish(outcome)
        if outcome.message:
            log.info("%s", outcome.message)
        return outcome

    async def _keep(self, name: str, work: asyncio.Task[str], lost: asyncio.Event) -> None:
        """Renew the lease while the job runs; stop the job if another process took it over
        (its work is batched and idempotent, so stopping between two batches is safe)."""
        while True:
            await asyncio.sleep(self.lease_for.total_seconds() / 3)
            try:
                held = await leases.renew(name, self.holder, now=self.clock(), lease_for=self.lease_for)
            except Exception:  # noqa: BLE001 - a failed renewal is retried; the lease has slack
                log.exception("Could not renew the lease of %r", name)
                continue
            if not held:
                lost.set()
                work.cancel()
                return

    async def _finish(self, outcome: Outcome) -> None:
        try:
            await leases.finish(
                outcome.name,
                self.holder,
                now=self.clock(),
                seconds=outcome.seconds,
                outcome=outcome.outcome,
                message=outcome.message,
                error=outcome.error,
            )
        except Exception:  # noqa: BLE001 - the lease lapses by itself
            log.exception("Could not record the run of %r; its lease will lapse", outcome.name)


async def run_forever(
    settings: Settings,
    *,
    local: bool = True,
    leased: bool = True,
    stop: asyncio.Event | None = None,
    runner: Runner | None = None,
) -> None:
    """A process's loop: its per-process jobs (``local``, in web workers) and, with ``leased``,
    every leased job whose lease it can take, each at its interval, until ``stop`` is set
    (it is checked between turns, so a running job finishes first)."""
    stop = stop or asyncio.Event()
    last_run: dict[str, float] = {}
    runner = runner or Runner(settings)
    pause = settings.mail_poll_seconds if settings.mail_poll_seconds > 0 else 10
    while not stop.is_set():
        if local:
            await run_due(settings, last_run, time.monotonic())
        if leased:
            try:
                await runner.run_due()
            except Exception:  # noqa: BLE001 - the database may be busy; try at the next turn
                log.exception("The background jobs' turn failed; trying again in %s s", pause)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=pause)
