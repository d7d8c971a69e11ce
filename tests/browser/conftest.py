"""Browser fixtures: the real app served by ``market serve`` on a free port, a staff account in
its database, and one headless Debian Chromium driven by Playwright's async API."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from playwright.async_api import Browser, async_playwright

from tests.support import CHROMIUM, free_port, skip_or_fail

SERVER_SECRET = "browser-test-secret-key-that-is-long-enough-0123456789"
# A loaded machine (CI's neighbours, parallel work) has taken over 20 s to start a server;
# a server that truly fails to start still fails the test, just later.
STARTUP_SECONDS = 90

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@dataclass(frozen=True)
class Server:
    base_url: str
    staff_email: str
    staff_password: str
    env: dict[str, str] = field(default_factory=dict, compare=False, repr=False)
    root: Path = Path(".")

    def url(self, path: str) -> str:
        return f"{self.base_url}{path}"

    def email_text(self, email_id: int) -> str:
        """An outbox email's text, read from the server's SQLite database."""
        path = self.env["MARKET_DATABASE_URL"].removeprefix("sqlite:///")
        with closing(sqlite3.connect(path)) as connection:
            row = connection.execute("SELECT body_text FROM mail_outbox WHERE id = ?", (email_id,)).fetchone()
        assert row, f"no email {email_id} in the outbox"
        return str(row[0])

    def execute(self, sql: str, parameters: tuple = ()) -> None:
        """Change the server's SQLite database directly: for what only time would do (an
        interview that has happened, a start date that has come)."""
        path = self.env["MARKET_DATABASE_URL"].removeprefix("sqlite:///")
        with closing(sqlite3.connect(path)) as connection:
            connection.execute(sql, parameters)
            connection.commit()

    def create_user(self, role: str, email: str, name: str, password: str) -> None:
        """A verified account made with ``market users create``, as an admin would."""
        _run_cli(
            ["users", "create", "--email", email, "--name", name, "--role", role, "--password", password],
            self.env,
            self.root,
        )


@pytest.fixture(scope="session", autouse=True)
def _require_chromium() -> None:
    """Runs before any other fixture here, so a missing browser skips before a server starts."""
    if not Path(CHROMIUM).exists():
        skip_or_fail(
            f"browser tests need Chromium at {CHROMIUM} (apt-get install chromium, "
            "or point MARKET_TEST_CHROMIUM at another build)"
        )


def _run_cli(args: list[str], env: dict[str, str], cwd: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "market.cli", *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, f"market {' '.join(args[:2])} failed:\n{result.stdout}\n{result.stderr}"


def server_env(database: Path, base_url: str, var_dir: Path) -> dict[str, str]:
    """The environment of a test's ``market serve``: development, on its own SQLite file."""
    return {
        **os.environ,
        "MARKET_DATABASE_URL": f"sqlite:///{database}",
        "MARKET_SECRET_KEY": SERVER_SECRET,
        "MARKET_ENV": "development",
        "MARKET_BASE_URL": base_url,
        "MARKET_VAR_DIR": str(var_dir),
        "MARKET_MAIL_POLL_SECONDS": "0",
    }


@pytest.fixture(scope="session")
def server(sqlite_template: Path, tmp_path_factory) -> Iterator[Server]:
    """``market serve`` on a copy of the migrated template database, with a staff account."""
    root = Path(__file__).resolve().parents[2]
    var_dir = tmp_path_factory.mktemp("browser-server")
    database = var_dir / "market.db"
    shutil.copyfile(sqlite_template, database)
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    env = server_env(database, base_url, var_dir)

    staff = Server(
        base_url, "staff.browser@example.org", "staff password for the browser tests", env=env, root=root
    )
    _run_cli(
        [
            "users",
            "create",
            "--email",
            staff.staff_email,
            "--name",
            "Sam Staff",
            "--role",
            "staff",
            "--password",
            staff.staff_password,
        ],
        env,
        root,
    )

    log_path = var_dir / "server.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "market.cli", "serve", "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            cwd=root,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_until_healthy(process, base_url, log_path)
        yield staff
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_until_healthy(process: subprocess.Popen, base_url: str, log_path: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    last_error = ""
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(
                f"market serve exited with {process.returncode}:\n{log_path.read_text(errors='replace')}",
                pytrace=False,
            )
        try:
            if httpx.get(f"{base_url}/healthz", timeout=1).status_code == 200:
                return
            last_error = "healthz did not answer 200"
        except httpx.HTTPError as error:
            last_error = repr(error)
        time.sleep(0.1)  # polling a process that is starting: nothing to await instead
    pytest.fail(
        f"market serve did not answer {base_url}/healthz within {STARTUP_SECONDS} s ({last_error}):\n"
        f"{log_path.read_text(errors='replace')}",
        pytrace=False,
    )


@pytest.fixture(scope="session")
async def browser() -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        chromium = await playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield chromium
        finally:
            await chromium.close()


# Shared with every browser test module: one browser context per person.
from tests.browser.helpers import new_context  # noqa: E402, F401
