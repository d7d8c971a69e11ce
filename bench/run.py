"""Benchmarks: requests per second through the whole app, in process, on SQLite.

Each figure is printed beside a baseline measured in the same run (GET /healthz, the
cheapest request that touches the database), so a slower machine slows both.
Run with `make bench`; nothing here is asserted by the test suite.
"""

from __future__ import annotations

import asyncio
import logging
import re
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from market import db  # noqa: E402
from market.accounts import services  # noqa: E402
from market.accounts.schemas import NewUserInput  # noqa: E402
from market.app import create_app  # noqa: E402
from market.settings import Settings  # noqa: E402

PASSWORD = "benchmark password 1"


async def rate(client: httpx.AsyncClient, count: int, request) -> float:
    start = time.perf_counter()
    for _ in range(count):
        response = await request(client)
        assert response.status_code < 400, response.status_code
    return count / (time.perf_counter() - start)


async def main() -> None:
    logging.getLogger("httpx").setLevel(logging.WARNING)
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(
            database_url=f"sqlite:///{folder}/bench.db",
            secret_key="b" * 40,
            env="test",
            var_dir=folder,
            mail_poll_seconds=0,
            login_attempts_per_window=10**6,
        )
        app = create_app(settings)
        await db.migrate()
        await services.create_user(
            NewUserInput(email="bench@example.org", display_name="Bench", role="staff", password=PASSWORD)
        )
        async with (
            app.lifespan(),
            httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench") as client,
        ):
            page = await client.get("/login")
            token = re.search(r'name="_csrf_token" value="([^"]+)"', page.text).group(1)
            form = {"email": "bench@example.org", "password": PASSWORD, "_csrf_token": token}
            await client.post("/login", data=form)

            async def healthz(c):
                return await c.get("/healthz")

            async def home(c):
                return await c.get("/home")

            async def audit(c):
                return await c.get("/staff/audit")

            async def login(c):
                return await c.post("/login", data=form)

            baseline = await rate(client, 500, healthz)
            figures = {
                "GET /home, signed in (session lookup + page)": await rate(client, 500, home),
                "GET /staff/audit (query + table page)": await rate(client, 200, audit),
                "POST /login (argon2 verify + new session)": await rate(client, 30, login),
            }
    print(f"\n{'baseline: GET /healthz':<48} {baseline:8.0f} req/s")
    for name, value in figures.items():
        print(f"{name:<48} {value:8.0f} req/s   {value / baseline:5.2f} x baseline")


if __name__ == "__main__":
    asyncio.run(main())
