"""Creates under races: each "only one of these" rule holds when the same create arrives
eight times at once, on SQLite and PostgreSQL. The loser of a race gets the existing record
(idempotent creates) or a clear 409, never a 500.

Every case fires its requests together through the ASGI client (asyncio.gather), the way
several browser tabs, an impatient double-click or a retrying API client would. To rerun:
``pytest tests/test_races.py`` (with MARKET_TEST_POSTGRES_URL set for PostgreSQL).
"""

from __future__ import annotations

import asyncio
import importlib
from datetime import date

import httpx
import pytest
from piccolo.engine.finder import engine_finder

from market.audit.tables import AuditEvent
from market.db import is_unique_violation
from market.dbs.tables import DBSApplication
from market.matching.tables import Application
from market.register.tables import PAProfile, ShortlistEntry
from tests.matching.factories import make_need, make_recipient
from tests.register.factories import make_pa
from tests.support import PASSWORD, csrf_token, submit

AT_ONCE = 8


async def bearer(client: httpx.AsyncClient, email: str) -> dict[str, str]:
    response = await client.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['token']}"}


def statuses(responses: list[httpx.Response]) -> list[int]:
    return sorted(r.status_code for r in responses)


async def at_once(make_request) -> list[httpx.Response]:
    return list(await asyncio.gather(*(make_request() for _ in range(AT_ONCE))))


async def test_a_pas_eight_dbs_requests_at_once_open_one_application(client):
    pa = await make_pa(status="submitted")
    headers = await bearer(client, pa["email"])
    responses = await at_once(
        lambda: client.post("/api/v1/dbs/me/applications", json={"route": "service"}, headers=headers)
    )
    assert statuses(responses) == [201] + [409] * (AT_ONCE - 1), [r.text for r in responses]
    lost = next(r for r in responses if r.status_code == 409)
    assert lost.headers["content-type"].startswith("application/problem+json")
    assert "already have an application in progress" in lost.json()["detail"]
    assert await DBSApplication.count().where(DBSApplication.profile == pa["id"]) == 1


async def test_a_pas_eight_dbs_requests_at_once_through_the_page(client):
    pa = await make_pa(status="submitted")
    await submit(client, "/login", {"email": pa["email"], "password": PASSWORD})
    token = csrf_token((await client.get("/profile/dbs")).text)
    responses = await at_once(
        lambda: client.post(
            "/profile/dbs/request", data={"route": "own", "confirm": "yes", "_csrf_token": token}
        )
    )
    assert statuses(responses) == [302] + [409] * (AT_ONCE - 1), [r.status_code for r in responses]
    lost = next(r for r in responses if r.status_code == 409)
    assert "You already have an application in progress" in lost.text
    assert await DBSApplication.count().where(DBSApplication.profile == pa["id"]) == 1


async def test_a_new_pas_first_eight_requests_at_once_make_one_profile(client, create_user):
    user = await create_user("pa")
    headers = await bearer(client, user.email)
    responses = await at_once(lambda: client.get("/api/v1/profile", headers=headers))
    assert statuses(responses) == [200] * AT_ONCE, [r.text for r in responses if r.status_code != 200]
    assert len({r.json()["id"] for r in responses}) == 1
    assert await PAProfile.count().where(PAProfile.user == user.id) == 1


async def test_the_same_shortlist_entry_eight_times_at_once_is_saved_once(client, create_user):
    pa = await make_pa()
    owner = await create_user("recipient")
    headers = await bearer(client, owner.email)
    responses = await at_once(
        lambda: client.post("/api/v1/register/shortlist", json={"profile_id": pa["id"]}, headers=headers)
    )
    assert statuses(responses) == [200] * (AT_ONCE - 1) + [201], [r.text for r in responses]
    assert {r.json()["profile_id"] for r in responses} == {pa["id"]}
    assert await ShortlistEntry.count().where(ShortlistEntry.owner == owner.id) == 1


async def test_the_same_pa_shortlisted_for_a_need_eight_times_at_once_is_one_application(client, create_user):
    owner = await create_user("recipient")
    recipient = await make_recipient(user=owner)
    need = await make_need(recipient)
    pa = await make_pa()
    headers = await bearer(client, owner.email)
    responses = await at_once(
        lambda: client.post(
            f"/api/v1/needs/{need['id']}/applications", json={"profile_id": pa["id"]}, headers=headers
        )
    )
    assert statuses(responses) == [201] * AT_ONCE, [r.text for r in responses if r.status_code != 201]
    assert len({r.json()["application"]["id"] for r in responses}) == 1
    assert await Application.count().where(Application.need == need["id"]) == 1


# -- the migrations that made these rules constraints cope with duplicates made before ------


async def run_migration(module: str) -> None:
    """Run one migration's raw steps again, on a database whose index was dropped first."""
    migration = importlib.import_module(module)
    manager = await migration.forwards()
    for step in manager.raw:
        await step()


async def test_the_dbs_migration_withdraws_duplicate_open_applications(database):
    await engine_finder().run_ddl("DROP INDEX dbs_application_one_open")
    pa, other = await make_pa(status="submitted"), await make_pa(status="submitted")
    today = date.today()

    async def application(profile_id: int, step: str) -> int:
        rows = await DBSApplication.insert(
            DBSApplication(profile=profile_id, route="service", step=step, requested_on=today)
        ).returning(DBSApplication.id)
        return rows[0]["id"]

    older = await application(pa["id"], "requested")
    furthest = await application(pa["id"], "submitted")
    newer = await application(pa["id"], "requested")
    done = await application(pa["id"], "decided")
    alone = await application(other["id"], "requested")
    await run_migration("market.dbs.piccolo_migrations.dbs_2026_12_02t09_00_00_000000")

    steps = {r["id"]: r for r in await DBSApplication.select()}
    assert {i: steps[i]["step"] for i in (older, furthest, newer, done, alone)} == {
        older: "withdrawn",
        furthest: "submitted",
        newer: "withdrawn",
        done: "decided",
        alone: "requested",
    }
    assert f"a duplicate of application {furthest}" in steps[older]["withdrawn_reason"]
    assert steps[newer]["withdrawn_on"] is not None
    assert (
        await AuditEvent.count().where(
            (AuditEvent.action == "dbs.application_withdrawn") & (AuditEvent.subject_id == str(pa["id"]))
        )
        == 2
    )
    # The index is back: the database itself refuses a second open application.
    with pytest.raises(Exception) as refused:
        await application(pa["id"], "requested")
    assert is_unique_violation(refused.value)


async def test_the_register_migration_merges_duplicate_shortlist_entries(database, create_user):
    await engine_finder().run_ddl("DROP INDEX register_shortlist_entry_owner_profile")
    pa = await make_pa()
    owner = await create_user("recipient")
    ids = []
    for note in ("", "call after 5", "prefers mornings"):
        rows = await ShortlistEntry.insert(
            ShortlistEntry(owner=owner.id, profile=pa["id"], note=note)
        ).returning(ShortlistEntry.id)
        ids.append(rows[0]["id"])
    await run_migration("market.register.piccolo_migrations.register_2026_12_02t09_00_00_000000")

    kept = await ShortlistEntry.select(ShortlistEntry.id, ShortlistEntry.note)
    assert kept == [{"id": ids[0], "note": "prefers mornings"}]
    with pytest.raises(Exception) as refused:
        await ShortlistEntry.insert(ShortlistEntry(owner=owner.id, profile=pa["id"]))
    assert is_unique_violation(refused.value)
