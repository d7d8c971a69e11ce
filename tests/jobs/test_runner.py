"""The leased jobs' runner: last runs persist across processes (two runner instances), each
job runs in one process at a time, failures are recorded, and the per-process job table still
runs in every worker."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from market import jobs
from market.jobs import Job, Runner
from market.worker import leases

NOW = datetime(2026, 12, 2, 19, 0, tzinfo=UTC)


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> datetime:
        return self.now


def table(ran: list[str]) -> tuple[Job, ...]:
    def job(name: str, fail: bool = False):
        async def run(settings) -> str:
            ran.append(name)
            if fail:
                raise RuntimeError("boom")
            return f"{name} done"

        return run

    return (
        Job("often", 0, job("often")),
        Job("daily", jobs.DAY, job("daily")),
        Job("broken", jobs.HOUR, job("broken", fail=True)),
    )


async def test_a_restarted_or_second_process_keeps_each_jobs_interval(database) -> None:
    ran: list[str] = []
    clock = Clock()
    first = Runner(database, table(ran), holder="first", clock=clock)
    outcomes = await first.run_due()
    assert ran == ["often", "daily", "broken"]
    assert [o.outcome for o in outcomes] == ["ok", "ok", "failed"]

    ran.clear()
    clock.now += timedelta(minutes=1)
    # Another process (or this one after a restart): only the every-turn job is due.
    second = Runner(database, table(ran), holder="second", clock=clock)
    await second.run_due()
    assert ran == ["often"]

    ran.clear()
    clock.now += timedelta(hours=1)
    await first.run_due()
    assert ran == ["often", "broken"]

    records = await leases.records()
    assert records["daily"].last_outcome == "ok" and records["daily"].last_holder == "first"
    assert records["daily"].last_message == "daily done" and records["daily"].holder == ""
    assert records["broken"].last_outcome == "failed" and "RuntimeError: boom" in records["broken"].last_error
    assert records["often"].last_holder == "first" and records["often"].last_seconds is not None


async def test_two_processes_at_once_run_each_job_once(database) -> None:
    ran: list[str] = []
    gate, started = asyncio.Event(), asyncio.Event()

    async def slow(settings) -> str:
        ran.append("slow")
        started.set()
        await gate.wait()
        return ""

    slow_table = (Job("slow", jobs.DAY, slow),)
    a, b = Runner(database, slow_table, holder="a"), Runner(database, slow_table, holder="b")
    running = asyncio.create_task(a.run_due())
    await started.wait()
    assert await b.run_due() == []  # a holds the lease
    assert await b.run_one(slow_table[0], force=True) is None  # even when forced (cron)
    gate.set()
    assert [o.outcome for o in await running] == ["ok"]
    assert ran == ["slow"]


async def test_a_lost_lease_stops_the_job(database) -> None:
    started = asyncio.Event()

    async def forever(settings) -> str:
        started.set()
        await asyncio.sleep(3600)
        return ""

    job = Job("long", jobs.DAY, forever)
    runner = Runner(database, (job,), holder="a", lease_seconds=0.3)
    running = asyncio.create_task(runner.run_one(job))
    await started.wait()
    # Another process takes the lease over (as if a's had lapsed).
    await leases.acquire(
        "long", "b", now=datetime.now(UTC) + timedelta(hours=1), lease_for=timedelta(hours=1)
    )
    outcome = await asyncio.wait_for(running, timeout=30)
    assert outcome is not None and outcome.outcome == "stopped"
    assert (await leases.records())["long"].holder == "b"


async def test_the_loop_stops_when_asked_and_runs_leased_jobs_only_when_told(database) -> None:
    ran: list[str] = []
    stop = asyncio.Event()
    runner = Runner(database, table(ran), holder="web")
    stop.set()  # one turn, then stop
    await jobs.run_forever(database, local=False, leased=False, stop=stop, runner=runner)
    assert ran == []
    stop = asyncio.Event()

    async def stopping(settings) -> str:
        ran.append("last")
        stop.set()  # as SIGTERM does: the loop ends after this turn
        return ""

    runner.jobs = (*runner.jobs, Job("last", 0, stopping))
    await jobs.run_forever(database, local=False, stop=stop, runner=runner)
    assert ran == ["often", "daily", "broken", "last"]


def test_the_matching_index_is_per_process_and_every_other_job_is_leased() -> None:
    assert [job.name for job in jobs.LOCAL_JOBS] == ["matching index"]
    assert {j.name for j in jobs.LEASED_JOBS} == {
        "DBS sweep",
        "training reminders",
        "change-log pruning",
        "email delivery",
        "expired sessions",
    }
    assert jobs.find("dbs-sweep").name == "DBS sweep"
    assert jobs.find("Training Reminders").name == "training reminders"
    assert jobs.find("nothing") is None
