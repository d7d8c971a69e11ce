"""`market jobs run`, `market jobs list`, `market worker` and the old daily commands, run as
cron and systemd would run them, against a real database file; and MARKET_WEB_JOBS."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest

from market.settings import ConfigError, load_settings
from tests.conftest import SECRET


@pytest.fixture
def env(tmp_path) -> dict[str, str]:
    return {
        "PATH": "/usr/bin:/bin",
        "MARKET_ENV": "development",
        "MARKET_VAR_DIR": str(tmp_path),
        "MARKET_SECRET_KEY": SECRET,
        "MARKET_DATABASE_URL": f"sqlite:///{tmp_path / 'market.db'}",
        "MARKET_MAIL_POLL_SECONDS": "1",
    }


@pytest.fixture
def run(env):
    def market(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "market.cli", *args], env=env, capture_output=True, text=True, timeout=120
        )

    assert market("migrate").returncode == 0
    return market


def test_jobs_run_records_the_run_and_list_shows_it(run, tmp_path):
    done = run("jobs", "run", "dbs-sweep")
    assert done.returncode == 0, done.stderr
    assert "DBS sweep: Deleted 0 rationale(s)" in done.stdout
    assert run("training", "remind").returncode == 0  # the old command: the same job, leased
    assert "Training: emailed 0 PA(s)" in run("training", "remind").stdout
    assert run("dbs", "sweep").returncode == 0
    listed = run("jobs", "list")
    assert listed.returncode == 0, listed.stderr
    lines = listed.stdout.splitlines()
    assert "matching-index: every turn, in each web worker (not leased)" in lines
    sweep = next(line for line in lines if line.startswith("dbs-sweep:"))
    assert "every 24 h; last run" in sweep and ", ok in" in sweep and "RUNNING" not in sweep
    assert any(line.startswith("email-delivery: every turn; last run never") for line in lines)
    with sqlite3.connect(tmp_path / "market.db") as connection:
        assert connection.execute(
            "SELECT last_outcome FROM worker_job WHERE name = 'training reminders'"
        ).fetchone() == ("ok",)


def test_jobs_run_refuses_while_another_process_holds_the_lease(run, tmp_path):
    until = datetime.now(UTC) + timedelta(minutes=5)
    with sqlite3.connect(tmp_path / "market.db") as connection:
        connection.execute(
            "INSERT INTO worker_job (name, holder, lease_until) VALUES ('DBS sweep', 'web-1:42:abc', ?)",
            (str(until),),
        )
    busy = run("jobs", "run", "DBS sweep")
    assert busy.returncode == 75
    assert "DBS sweep is running in another process (web-1:42:abc until" in busy.stderr
    assert "RUNNING in web-1:42:abc" in run("jobs", "list").stdout
    unknown = run("jobs", "run", "nothing")
    assert unknown.returncode == 2 and "dbs-sweep" in unknown.stderr
    assert run("jobs", "run", "matching index").returncode == 2


def test_the_worker_runs_every_job_and_stops_on_sigterm(env, run, tmp_path):
    worker = subprocess.Popen(
        [sys.executable, "-m", "market.cli", "worker"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert "market worker: running" in worker.stdout.readline()
        with sqlite3.connect(tmp_path / "market.db", timeout=30) as connection:
            for _ in range(600):
                done = connection.execute(
                    "SELECT count(*) FROM worker_job WHERE last_outcome = 'ok'"
                ).fetchone()[0]
                if done == 5:
                    break
                subprocess.run(["sleep", "0.1"], check=True)
            assert done == 5
        worker.send_signal(signal.SIGTERM)
        out, _ = worker.communicate(timeout=60)
    finally:
        worker.kill()
    assert worker.returncode == 0
    assert "market worker: stopped" in out


def test_web_jobs_setting_reads_the_environment():
    base = {"MARKET_ENV": "development", "MARKET_SECRET_KEY": SECRET}
    assert load_settings(base).web_jobs is True
    assert load_settings({**base, "MARKET_WEB_JOBS": "off"}).web_jobs is False
    with pytest.raises(ConfigError, match="MARKET_WEB_JOBS"):
        load_settings({**base, "MARKET_WEB_JOBS": "sometimes"})
