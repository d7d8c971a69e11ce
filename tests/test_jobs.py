"""The background jobs table: every job runs at start-up, then at its own interval, and one
failing job never stops the others."""

from __future__ import annotations

from market import jobs
from market.jobs import Job


def test_every_job_is_named_once_with_an_interval() -> None:
    names = [job.name for job in jobs.JOBS]
    assert len(names) == len(set(names))
    assert all(job.every_seconds >= 0 for job in jobs.JOBS)
    assert {"DBS sweep", "training reminders", "email delivery", "matching index"} <= set(names)


async def test_jobs_run_at_start_up_then_at_their_interval_and_a_failure_stops_none(caplog) -> None:
    ran: list[str] = []

    def job(name: str, fail: bool = False):
        async def run(settings) -> str:
            ran.append(name)
            if fail:
                raise RuntimeError("boom")
            return f"{name} done"

        return run

    table = (
        Job("often", 0, job("often")),
        Job("broken", 60, job("broken", fail=True)),
        Job("hourly", 3600, job("hourly")),
    )
    last_run: dict[str, float] = {}
    await jobs.run_due(None, last_run, 1000.0, table)
    assert ran == ["often", "broken", "hourly"]
    assert "Background job 'broken' failed" in caplog.text

    ran.clear()
    await jobs.run_due(None, last_run, 1030.0, table)
    assert ran == ["often"]  # the broken job waits for its interval like any other

    ran.clear()
    await jobs.run_due(None, last_run, 1060.0, table)
    assert ran == ["often", "broken"]

    ran.clear()
    await jobs.run_due(None, last_run, 4600.0, table)
    assert ran == ["often", "broken", "hourly"]
