"""Fixtures: a real database per test (SQLite, and PostgreSQL when configured) built by
running the migrations, the app, and an httpx client on the test's own event loop."""

from __future__ import annotations

import asyncio
import os
import shutil
import sqlite3
import uuid
from collections.abc import AsyncIterator, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import httpx
import pytest

from market import db
from market.accounts import services as accounts
from market.accounts.schemas import NewUserInput
from market.app import create_app
from market.piccolo_conf import APP_REGISTRY
from market.settings import Settings
from tests.support import PASSWORD, POSTGRES_URL, skip_or_fail, submit

SECRET = "test-secret-key-that-is-long-enough-0123456789"

# Without MARKET_ENV the service is production; the suite is a developer's run (make test sets
# it too). Anything that reads the environment under test, and every `market` subprocess that
# inherits it, is development unless a test says otherwise.
os.environ.setdefault("MARKET_ENV", "development")


def make_settings(database_url: str, var_dir: Path, **overrides) -> Settings:
    values = dict(
        database_url=database_url,
        secret_key=SECRET,
        env="development",
        base_url="http://testserver",
        var_dir=str(var_dir),
        mail_poll_seconds=0,
    )
    values.update(overrides)
    return Settings(**values)


def _table_names() -> list[str]:
    return [
        table._meta.tablename
        for config in APP_REGISTRY.app_configs.values()
        for table in config.table_classes
    ]


def _run_apart(work):
    """Run async set-up on its own loop in a thread: these session fixtures are reached
    through getfixturevalue from inside the test's running loop."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, work()).result()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> Path:
    """One SQLite file migrated once; each test gets a copy of it."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    settings = make_settings(f"sqlite:///{path}", path.parent)

    async def build() -> None:
        engine = db.activate(db.create_engine(settings))
        try:
            await db.migrate()
        finally:
            await db.close_pool(engine)

    _run_apart(build)
    with sqlite3.connect(path) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


# Rows the migrations seed (skills, client groups ...), put back after each test's clean-up.
_SEEDED: dict[str, list] = {}


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


@pytest.fixture(scope="session")
def postgres_url(tmp_path_factory) -> Iterator[str]:
    """A PostgreSQL database made for this run, migrated once, dropped at the end."""
    if not POSTGRES_URL:
        skip_or_fail(
            "PostgreSQL tests need MARKET_TEST_POSTGRES_URL (e.g. postgresql://postgres@127.0.0.1:5432/postgres)"
        )
    name = f"market_test_{uuid.uuid4().hex[:10]}"
    url = _with_database(POSTGRES_URL, name)

    async def create() -> None:
        admin = await asyncpg.connect(POSTGRES_URL)
        try:
            await admin.execute(f'CREATE DATABASE "{name}"')
        finally:
            await admin.close()
        engine = db.activate(db.create_engine(make_settings(url, tmp_path_factory.mktemp("pg"))))
        await db.migrate()
        await db.close_pool(engine)
        connection = await asyncpg.connect(url)
        try:
            for table in _table_names():
                if rows := await connection.fetch(f'SELECT * FROM "{table}"'):
                    _SEEDED[table] = rows
        finally:
            await connection.close()

    async def drop() -> None:
        admin = await asyncpg.connect(POSTGRES_URL)
        try:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await admin.close()

    try:
        _run_apart(create)
    except (OSError, asyncpg.PostgresError) as error:
        skip_or_fail(f"PostgreSQL at MARKET_TEST_POSTGRES_URL is unreachable ({error})")
    yield url
    _run_apart(drop)


@pytest.fixture(autouse=True)
def fresh_register_index(monkeypatch) -> None:
    """Each worker's in-memory register (the candidate index the matches and the search read)
    looks at the change log on every request here, not once a second, so a test sees its own
    edits at once, as a person does a second later."""
    from market.matching.matches import CACHE

    monkeypatch.setattr(CACHE, "poll", 0)
    from market.matching.need_index import CACHE as NEEDS

    monkeypatch.setattr(NEEDS, "poll", 0)


@pytest.fixture(params=["sqlite", "postgres"])
def engine_name(request) -> str:
    return request.param


@pytest.fixture
async def settings(engine_name, request, tmp_path) -> AsyncIterator[Settings]:
    """Settings pointing at a fresh, migrated database of the parametrised engine."""
    if engine_name == "sqlite":
        template = request.getfixturevalue("sqlite_template")
        path = tmp_path / "market.db"
        shutil.copyfile(template, path)
        yield make_settings(f"sqlite:///{path}", tmp_path)
        return
    url = request.getfixturevalue("postgres_url")
    yield make_settings(url, tmp_path)
    # Leave the shared database empty for the next test.
    connection = await asyncpg.connect(url)
    try:
        tables = ", ".join(f'"{name}"' for name in _table_names())
        async with connection.transaction():
            await connection.execute(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")
            for table, rows in _SEEDED.items():
                await connection.copy_records_to_table(table, records=rows, columns=list(rows[0].keys()))
                await connection.execute(
                    f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), (SELECT max(id) FROM \"{table}\"))"
                )
    finally:
        await connection.close()


@pytest.fixture
async def database(settings) -> AsyncIterator[Settings]:
    """The tables bound to this test's database, for service-level tests."""
    engine = db.activate(db.create_engine(settings))
    await db.open_pool(engine, max_size=5)
    try:
        yield settings
    finally:
        await db.close_pool(engine)


@pytest.fixture
async def app(settings):
    """The app with its lifespan running. The lifespan is entered and left in one task
    of its own: its anyio task group must not cross pytest's set-up/tear-down tasks."""
    application = create_app(settings)
    started, stop = asyncio.Event(), asyncio.Event()

    async def run_lifespan() -> None:
        async with application.lifespan():
            started.set()
            await stop.wait()

    task = asyncio.create_task(run_lifespan())
    await asyncio.wait([task, asyncio.create_task(started.wait())], return_when=asyncio.FIRST_COMPLETED)
    if task.done():
        task.result()  # start-up failed: raise its error
    yield application
    stop.set()
    await task


@pytest.fixture
async def client(app) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield http


@pytest.fixture
async def make_client(app):
    """More clients of the same app, each with its own cookies (another browser)."""
    opened: list[httpx.AsyncClient] = []

    def factory() -> httpx.AsyncClient:
        http = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver")
        opened.append(http)
        return http

    yield factory
    for http in opened:
        await http.aclose()


@pytest.fixture
def create_user(app):
    counter = iter(range(1, 10_000))

    async def factory(role: str = "pa", email: str | None = None, password: str = PASSWORD):
        number = next(counter)
        return await accounts.create_user(
            NewUserInput(
                email=email or f"{role}{number}@example.org",
                display_name=f"Test {role.title()} {number}",
                role=role,
                password=password,
            )
        )

    return factory


@pytest.fixture
def login_as(client, create_user):
    """Create a verified account of ``role`` and sign the client in as it."""

    async def sign_in(role: str = "pa", http: httpx.AsyncClient | None = None):
        user = await create_user(role)
        response = await submit(http or client, "/login", {"email": user.email, "password": PASSWORD})
        assert response.status_code in (302, 303), response.text
        return user

    return sign_in
