"""/admin/export: admins read what the export holds and download it as a zip (manifest, JSON
Lines and CSV of every table), and each download is in the audit log. Nobody else gets in."""

from __future__ import annotations

import io
import json
import zipfile

from market.audit.tables import AuditEvent
from market.export.common import EXCLUDED, exported_tables
from tests.support import csrf_token


async def test_an_admin_downloads_the_export_as_a_zip(client, login_as):
    admin = await login_as("admin")
    page = await client.get("/admin/export")
    assert page.status_code == 200, page.text
    assert 'href="/admin/export"' in page.text  # in the admin's navigation
    assert "<h1" in page.text and "Full data export" in page.text
    assert "account_user" in page.text and "geo_postcode" in page.text  # held, and left out with why
    assert "password hashes" in page.text

    response = await client.post("/admin/export", data={"_csrf_token": csrf_token(page.text)})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/zip"
    assert "attachment" in response.headers["content-disposition"]
    assert ".zip" in response.headers["content-disposition"]
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    names = archive.namelist()
    assert names[0] == "manifest.json"
    tables = [spec.name for spec in exported_tables()]
    assert sorted(names[1:]) == sorted([f"{t}.jsonl" for t in tables] + [f"{t}.csv" for t in tables])
    assert not any(name.split(".")[0] in EXCLUDED for name in names)
    manifest = json.loads(archive.read("manifest.json"))
    users = {t["name"]: t for t in manifest["tables"]}["account_user"]
    assert users["rows"] == 1
    (row,) = [json.loads(line) for line in archive.read("account_user.jsonl").decode().splitlines()]
    assert row["email"] == admin.email and row["password_hash"]

    events = await AuditEvent.select().where(AuditEvent.action == "export.full")
    assert len(events) == 1
    assert events[0]["actor_id"] == admin.id and events[0]["actor_role"] == "admin"
    assert json.loads(events[0]["detail"])["rows"] == sum(t["rows"] for t in manifest["tables"])


async def test_only_admins(client, make_client, login_as):
    anonymous = make_client()
    assert (await anonymous.get("/admin/export")).status_code in (302, 303, 401)
    for role in ("staff", "pa", "recipient", "trainer"):
        browser = make_client()
        await login_as(role, browser)
        assert (await browser.get("/admin/export")).status_code in (403, 404), role
        account = await browser.get("/account")
        assert 'href="/admin/export"' not in account.text
        token = csrf_token(account.text)
        refused = await browser.post("/admin/export", data={"_csrf_token": token})
        assert refused.status_code in (403, 404), role
    assert await AuditEvent.count().where(AuditEvent.action == "export.full") == 0
