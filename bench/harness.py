"""What the HTTP benchmarks share around the register they build: the settings they run
under, a scratch PostgreSQL database (made beside a server's URL and dropped), a SQLite file
removed with its WAL, signing in, a timed GET, and percentiles."""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import httpx
import numpy as np

from market.accounts.passwords import hash_password
from market.accounts.tables import User
from market.settings import Settings

PASSWORD = "benchmark password 1"


def settings_for(url: str, folder: str) -> Settings:
    return Settings(
        database_url=url,
        secret_key="b" * 40,
        env="test",
        var_dir=folder,
        mail_poll_seconds=0,
        login_attempts_per_window=10**6,
    )


def remove_sqlite(path: str) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(path + suffix).unlink(missing_ok=True)


@asynccontextmanager
async def scratch_postgres(server_url: str, prefix: str) -> AsyncIterator[str]:
    """A new, empty database on the server of ``server_url``: its URL; dropped afterwards."""
    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    url = urlunsplit(urlsplit(server_url)._replace(path=f"/{name}"))
    admin = await asyncpg.connect(server_url)
    await admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield url
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


async def give_password(user_id: int) -> str:
    """Let a bulk-written user (whose hash is "!") sign in with PASSWORD; their email."""
    await User.update({User.password_hash: hash_password(PASSWORD)}).where(User.id == user_id)
    row = await User.select(User.email).where(User.id == user_id).first()
    assert row is not None, user_id
    return row["email"]


async def sign_in(client: httpx.AsyncClient, email: str) -> None:
    page = await client.get("/login")
    found = re.search(r'name="_csrf_token" value="([^"]+)"', page.text)
    assert found, page.text[-2000:]
    response = await client.post(
        "/login", data={"email": email, "password": PASSWORD, "_csrf_token": found[1]}
    )
    assert response.status_code in (302, 303), response.status_code


async def timed_get(client: httpx.AsyncClient, path: str) -> float:
    """One GET's milliseconds; anything but 200 stops the run, showing the page's end."""
    start = time.perf_counter()
    response = await client.get(path)
    elapsed = (time.perf_counter() - start) * 1000
    assert response.status_code == 200, (path, response.status_code, response.text[-3000:])
    return elapsed


def percentile(samples: list[float], q: float) -> float:
    return round(float(np.percentile(samples, q)), 1)
