"""One web worker's throughput over real HTTP: a uvicorn worker (one process, as
``market serve --workers 1`` runs it, without the access log) serving a benchmark's database,
and several concurrent clients, each signed in, asking for one page as fast as it answers.
Used by ``bench/pages.py``; each page's rate is printed against a signed-in trivial page
(/home) measured the same way in the same run.

Beside each rate, the worker's own CPU time per request (user and system, all its threads,
from /proc): on a machine of two cores the clients share the CPUs with the worker, so a fast
page's rate is partly the clients' speed, while the worker's CPU per request is what one
worker can serve at most (its capacity) and moves little with the machine's load.

The worker runs as production runs it (``MARKET_ENV=production``: templates are not checked
for changes on every render, the security headers are production's), with a benchmark's
secret key and contact details. Its cookies are then Secure, which a client sends only over
HTTPS; the clients here reach it over plain HTTP on the loopback, so the worker's cookies reach their
jars without the Secure flag (``_Loopback``)."""

from __future__ import annotations

import asyncio
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import NamedTuple

import httpx

from bench.harness import sign_in

ROOT = Path(__file__).resolve().parents[1]
TICKS = os.sysconf("SC_CLK_TCK")


class Worker(NamedTuple):
    base: str  # its URL
    pid: int


class Rate(NamedTuple):
    per_second: float  # requests answered per second
    cpu_ms: float  # the worker's CPU time per request


async def settled(pid: int, window: float = 0.5, idle: float = 0.05, most: float = 180.0) -> None:
    """Wait until the worker is idle (under ``idle`` of a CPU over two windows running): a
    worker builds its matching index, needs index and search extras in the background after it
    starts or a first request asks, and their seconds of CPU would otherwise fall inside the
    timing of whatever page comes next."""
    quiet, deadline = 0, time.perf_counter() + most
    while quiet < 2 and time.perf_counter() < deadline:
        before = cpu_seconds(pid)
        await asyncio.sleep(window)
        quiet = quiet + 1 if cpu_seconds(pid) - before < idle * window else 0


def cpu_seconds(pid: int) -> float:
    """A process's CPU time so far, user and system, all its threads (/proc/<pid>/stat)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@asynccontextmanager
async def served(database_url: str, folder: str) -> AsyncIterator[Worker]:
    """A single uvicorn worker serving ``database_url``, once /healthz answers."""
    port = _free_port()
    env = {
        **os.environ,
        "MARKET_DATABASE_URL": database_url,
        "MARKET_ENV": "production",
        "MARKET_SECRET_KEY": "b" * 40,
        "MARKET_CONTACT_EMAIL": "team@bench.example",
        "MARKET_CONTACT_PHONE": "01632 960000",
        "MARKET_DATA_CONTROLLER": "Bench Council",
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
        yield Worker(base, worker.pid)
    finally:
        worker.terminate()
        try:
            worker.wait(10)
        except subprocess.TimeoutExpired:
            worker.kill()


class _Loopback(httpx.AsyncHTTPTransport):
    """The worker's cookies as if not Secure, so that the client sends them back over plain
    HTTP: only ever to the worker on the loopback."""

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await super().handle_async_request(request)
        response.headers = httpx.Headers(
            [
                (name, _SECURE.sub(b"", value) if name.lower() == b"set-cookie" else value)
                for name, value in response.headers.raw
            ]
        )
        return response


_SECURE = re.compile(rb";\s*secure(?=;|$)", re.IGNORECASE)


@asynccontextmanager
async def signed_in(base: str, email: str) -> AsyncIterator[httpx.AsyncClient]:
    limits = httpx.Limits(max_connections=32, max_keepalive_connections=32)
    transport = _Loopback(limits=limits)
    async with httpx.AsyncClient(base_url=base, transport=transport, timeout=120) as client:
        await sign_in(client, email)
        yield client


async def rate(
    client: httpx.AsyncClient, worker: Worker, paths: list[str], seconds: float, clients: int
) -> Rate:
    """Requests per second answered for ``paths`` (taken in turn) by ``clients`` concurrent
    clients over ``seconds``, after one warming request per path (which may build an index) and
    once the worker has settled; and the worker's CPU time per request over the same span."""
    for path in paths:
        response = await client.get(path)
        assert response.status_code == 200, (path, response.status_code)
    await settled(worker.pid)
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

    start, cpu = time.perf_counter(), cpu_seconds(worker.pid)
    await asyncio.gather(*(one(k) for k in range(clients)))
    elapsed, cpu = time.perf_counter() - start, cpu_seconds(worker.pid) - cpu
    return Rate(done / elapsed, cpu / done * 1000)
