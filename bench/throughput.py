"""One web worker's throughput over real HTTP: a uvicorn worker (one process, as
``market serve --workers 1`` runs it, without the access log) serving a benchmark's database,
and several concurrent clients, each signed in, asking for one page as fast as it answers.
Used by ``bench/pages.py``; each page's rate is printed against a signed-in trivial page
(/home) measured the same way in the same run."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx

from bench.harness import sign_in

ROOT = Path(__file__).resolve().parents[1]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@asynccontextmanager
async def served(database_url: str, folder: str) -> AsyncIterator[str]:
    """A single uvicorn worker serving ``database_url``: its base URL, once /healthz answers."""
    port = _free_port()
    env = {
        **os.environ,
        "MARKET_DATABASE_URL": database_url,
        "MARKET_ENV": "development",
        "MARKET_SECRET_KEY": "b" * 40,
        "MARKET_VAR_DIR": folder,
        "MARKET_MAIL_POLL_SECONDS": "0",
        "MARKET_BASE_URL": f"http://127.0.0.1:{port}",
    }
    command = [sys.executable, "-m", "uvicorn", "market.asgi:app", "--host", "127.0.0.1", "--port", str(port)]
    command += ["--workers", "1", "--no-access-log", "--log-level", "warning"]
    # A plain Popen: the worker runs beside this event loop, which only polls and stops it.
    worker = subprocess.Popen(command, env=env, cwd=ROOT)  # noqa: ASYNC220
    base = f"http://127.0.0.1:{port}"
    try:
        async with httpx.AsyncClient(base_url=base) as probe:
            for _ in range(600):
                try:
                    if (await probe.get("/healthz")).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                if worker.poll() is not None:
                    raise SystemExit(f"the worker stopped (exit {worker.returncode})")
                await asyncio.sleep(0.1)
        yield base
    finally:
        worker.terminate()
        try:
            worker.wait(10)
        except subprocess.TimeoutExpired:
            worker.kill()


@asynccontextmanager
async def signed_in(base: str, email: str) -> AsyncIterator[httpx.AsyncClient]:
    limits = httpx.Limits(max_connections=32, max_keepalive_connections=32)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=120) as client:
        await sign_in(client, email)
        yield client


async def rate(client: httpx.AsyncClient, paths: list[str], seconds: float, clients: int) -> float:
    """Requests per second answered for ``paths`` (taken in turn) by ``clients`` concurrent
    clients over ``seconds``, after one warming request per path (which may build an index)."""
    for path in paths:
        response = await client.get(path)
        assert response.status_code == 200, (path, response.status_code)
    done = 0
    stop = time.perf_counter() + seconds

    async def one(k: int) -> None:
        nonlocal done
        i = k
        while time.perf_counter() < stop:
            response = await client.get(paths[i % len(paths)])
            assert response.status_code == 200, (paths[i % len(paths)], response.status_code)
            done += 1
            i += 1

    start = time.perf_counter()
    await asyncio.gather(*(one(k) for k in range(clients)))
    return done / (time.perf_counter() - start)
