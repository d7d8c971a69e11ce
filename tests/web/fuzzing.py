"""What the API and form fuzz tests share: the demo data to fuzz against, sign-ins, and the
server's own account of each 500 (the exception it logged), so a failure names its cause."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

import httpx

from market import demo
from market.settings import Settings

DEMO_PASSWORD = demo.DEMO_PASSWORD


class ServerErrors(logging.Handler):
    """Keeps the last unhandled exception the app logged (web/errors.py logs each 500), with
    where in market/ it was raised."""

    def __init__(self) -> None:
        super().__init__(level=logging.ERROR)
        self.last = ""
        self.where = ""

    def emit(self, record: logging.LogRecord) -> None:
        if record.exc_info and record.exc_info[1] is not None:
            error = record.exc_info[1]
            frames = []
            trace = record.exc_info[2]
            while trace is not None:
                frames.append(f"{trace.tb_frame.f_code.co_filename}:{trace.tb_lineno}")
                trace = trace.tb_next
            ours = [frame.split("/market/")[-1] for frame in frames if "/market/" in frame]
            self.where = ours[-1] if ours else ""
            self.last = f"{type(error).__name__}: {str(error)[:160]} at {self.where}"
        else:
            self.last, self.where = record.getMessage()[:200], ""

    def take(self) -> str:
        """The last error, forgotten once read."""
        last, self.last, self.where = self.last, "", ""
        return last


@contextmanager
def server_errors() -> Iterator[ServerErrors]:
    handler = ServerErrors()
    logger = logging.getLogger("market")
    logger.addHandler(handler)
    # httpx logs every request at INFO: thousands of lines that hide the one that matters.
    quiet = logging.getLogger("httpx")
    level = quiet.level
    quiet.setLevel(logging.WARNING)
    try:
        yield handler
    finally:
        logger.removeHandler(handler)
        quiet.setLevel(level)


async def seed_demo(settings: Settings) -> None:
    """The demo register, needs, pipeline, DBS and training rows: real records for small
    ids to hit, and every page with something on it."""
    await demo.seed(settings)


def demo_email(role: str) -> str:
    return f"{role}@demo.example"


async def api_token(app, email: str, password: str = DEMO_PASSWORD) -> str:
    """Sign in the way an API client does (POST /api/v1/auth/login for a bearer token), from
    an address of its own so the fuzzer's wrong passwords never throttle it."""
    transport = httpx.ASGITransport(app=app, client=("192.0.2.200", 4000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        response = await http.post("/api/v1/auth/login", json={"email": email, "password": password})
    assert response.status_code == 200, response.text
    return response.json()["token"]


# Rows an error answer may add by design: the audit trail (refusals and views are recorded),
# failed sign-ins (the rate limit counts them) and a session's last-seen time.
MAY_CHANGE_ON_ERROR = {"audit_event", "account_login_attempt", "account_session"}


def _tables() -> list[str]:
    from market.piccolo_conf import APP_REGISTRY

    return sorted(
        table._meta.tablename
        for config in APP_REGISTRY.app_configs.values()
        for table in config.table_classes
        if table._meta.tablename not in MAY_CHANGE_ON_ERROR
    )


class Snapshot:
    """A fingerprint of every table's rows (but MAY_CHANGE_ON_ERROR), to tell whether a
    request changed anything. On SQLite ``PRAGMA data_version`` says at once whether anyone
    committed since the last look, so most looks cost one query."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.tables = _tables()
        self._sqlite = None
        self._version = None
        self._last: dict[str, tuple] = {}

    async def __aenter__(self) -> Snapshot:
        if self.settings.is_postgres:
            import asyncpg

            self._pg = await asyncpg.connect(self.settings.database_url)
        else:
            import sqlite3

            self._sqlite = sqlite3.connect(self.settings.sqlite_path, isolation_level=None)
        return self

    async def __aexit__(self, *exc) -> None:
        if self._sqlite is not None:
            self._sqlite.close()
        else:
            await self._pg.close()

    async def take(self) -> dict[str, tuple]:
        if self._sqlite is not None:
            version = self._sqlite.execute("PRAGMA data_version").fetchone()[0]
            if version != self._version:
                self._version = version
                self._last = {
                    table: (lambda rows: (len(rows), hash(tuple(rows))))(
                        self._sqlite.execute(f'SELECT * FROM "{table}" ORDER BY rowid').fetchall()
                    )
                    for table in self.tables
                }
            return self._last
        query = " UNION ALL ".join(
            f"SELECT '{table}' AS name, count(*) AS n, "
            f"md5(coalesce(string_agg(x::text, '|' ORDER BY x::text), '')) AS digest FROM \"{table}\" x"
            for table in self.tables
        )
        return {row["name"]: (row["n"], row["digest"]) for row in await self._pg.fetch(query)}


def changed(before: dict[str, tuple], after: dict[str, tuple]) -> list[str]:
    """The tables whose rows differ, with their row counts before and after."""
    return [f"{t} ({before[t][0]} -> {after[t][0]} rows)" for t in before if before[t] != after.get(t)]
