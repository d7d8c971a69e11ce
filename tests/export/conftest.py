"""A second, empty, migrated database of the same engine (the instance an export goes into),
and helpers to point the tables at one database or the other."""

from __future__ import annotations

import contextlib
import shutil
import uuid
from collections.abc import AsyncIterator

import asyncpg
import pytest

from market import db
from market.settings import Settings
from tests.conftest import _with_database, make_settings
from tests.support import POSTGRES_URL


@contextlib.asynccontextmanager
async def using(settings: Settings) -> AsyncIterator[None]:
    """Bind every table to ``settings``' database for a while, then back to the one before."""
    before = db._engine
    engine = db.activate(db.create_engine(settings))
    await db.open_pool(engine, max_size=3)
    try:
        yield
    finally:
        await db.close_pool(engine)
        if before is not None:
            db.activate(before)


@pytest.fixture
async def second_database(database, engine_name, request, tmp_path) -> AsyncIterator[Settings]:
    """A new, empty, migrated database beside the test's own (which stays the active one)."""
    if engine_name == "sqlite":
        template = request.getfixturevalue("sqlite_template")
        path = tmp_path / "second.db"
        shutil.copyfile(template, path)
        yield make_settings(f"sqlite:///{path}", tmp_path)
        return
    async with new_postgres_database(tmp_path) as settings:
        yield settings


@contextlib.asynccontextmanager
async def new_postgres_database(tmp_path) -> AsyncIterator[Settings]:
    """A PostgreSQL database made and migrated for one test, dropped after it."""
    name = f"market_export_{uuid.uuid4().hex[:10]}"
    admin = await asyncpg.connect(POSTGRES_URL)
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    settings = make_settings(_with_database(POSTGRES_URL, name), tmp_path)
    try:
        async with using(settings):
            await db.migrate()
        yield settings
    finally:
        admin = await asyncpg.connect(POSTGRES_URL)
        try:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await admin.close()
