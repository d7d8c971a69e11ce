"""The background jobs: one table of (name, interval, job), run by each web worker's loop.

Every job is safe to run twice, in several workers at once and from cron (the daily ones
have commands of their own: ``market dbs sweep``, ``market training remind``). A job that
fails is logged and tried again at its next turn; it never stops the others.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import NamedTuple

from market.accounts import sessions
from market.clock import london_today, utcnow
from market.dbs import sweep as dbs_sweep
from market.dbs.standing import Policy
from market.mail import services as mail
from market.matching import matches as match_cache
from market.matching.needs import changes as need_changes
from market.register import changes as profile_changes
from market.settings import Settings
from market.training import reminders as training_reminders

log = logging.getLogger(__name__)

HOUR = 3600
DAY = 24 * HOUR


class Job(NamedTuple):
    name: str
    # Seconds between runs; 0 runs it on every turn of the loop (every MARKET_MAIL_POLL_SECONDS).
    every_seconds: int
    run: Callable[[Settings], Awaitable[str]]


async def refresh_matching_index(settings: Settings) -> str:
    """Build this worker's candidate index at start-up, then patch it from the change log."""
    await match_cache.CACHE.get(Policy.of(settings))
    return ""


async def sweep_dbs(settings: Settings) -> str:
    return "DBS sweep: " + (await dbs_sweep.run(settings)).summary()


async def remind_training(settings: Settings) -> str:
    reminded = await training_reminders.send_due(settings, london_today())
    return f"Training: {reminded} expiry reminder(s) sent"


async def prune_change_log(settings: Settings) -> str:
    pruned = await profile_changes.prune(utcnow() - timedelta(days=1))
    pruned += await need_changes.prune(utcnow() - timedelta(days=1))  # the needs' log too
    return f"Matching: {pruned} old change-log entries pruned"


async def send_mail(settings: Settings) -> str:
    await mail.deliver_due(settings)
    return ""


async def purge_sessions(settings: Settings) -> str:
    await sessions.purge_expired()
    return ""


JOBS: tuple[Job, ...] = (
    Job("matching index", 0, refresh_matching_index),
    Job("DBS sweep", DAY, sweep_dbs),
    Job("training reminders", DAY, remind_training),
    Job("change-log pruning", DAY, prune_change_log),
    Job("email delivery", 0, send_mail),
    Job("expired sessions", HOUR, purge_sessions),
)


async def run_due(
    settings: Settings, last_run: dict[str, float], now: float, jobs: tuple[Job, ...] = JOBS
) -> None:
    """One turn of the loop: every job whose interval has passed (all of them at start-up)."""
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


async def run_forever(settings: Settings) -> None:
    """Each worker's loop: start-up runs every job, then each at its interval."""
    last_run: dict[str, float] = {}
    while True:
        await run_due(settings, last_run, time.monotonic())
        await asyncio.sleep(settings.mail_poll_seconds)
