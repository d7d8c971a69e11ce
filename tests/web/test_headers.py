"""Security headers on every response (errors and static files included), no-store caching for
everything but static assets, and Allow on 405s."""

from __future__ import annotations

import re

import httpx
import pytest
from litestar import Controller, get

from market.web.guards import PUBLIC

SECURITY_HEADERS = {
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
    "x-frame-options": "DENY",
    "permissions-policy": "camera=(), microphone=(), geolocation=()",
}


def assert_security_headers(response: httpx.Response) -> None:
    where = f"{response.request.method} {response.request.url.path} ({response.status_code})"
    csp = response.headers.get("content-security-policy", "")
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp, where
    assert "'unsafe-inline'" not in csp and "http" not in csp, where
    for name, value in SECURITY_HEADERS.items():
        assert response.headers.get(name) == value, f"{where}: {name}"


class Exploding(Controller):
    opt = PUBLIC

    @get("/boom")
    async def page(self) -> str:
        raise RuntimeError("boom")

    @get("/api/v1/boom")
    async def api(self) -> str:
        raise RuntimeError("boom")


@pytest.fixture
async def exploding_client(app):
    app.register(Exploding)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://testserver"
    ) as http:
        yield http


# Each kind of response: routed pages, litestar's own 404 and 405 (answered before any route
# or middleware runs), 500s, static files and their 404, health, and the API viewer.
RESPONSES = [
    ("GET", "/login", 200),
    ("GET", "/no/such/page", 404),
    ("GET", "/api/v1/no/such/thing", 404),
    ("TRACE", "/login", 405),
    ("DELETE", "/api/v1/me", 405),
    ("GET", "/boom", 500),
    ("GET", "/api/v1/boom", 500),
    ("GET", "/assets/app.css", 200),
    ("GET", "/assets/no-such-file.css", 404),
    ("GET", "/healthz", 200),
    ("GET", "/schema", 200),
]


async def test_security_headers_on_every_response(exploding_client):
    for method, path, status in RESPONSES:
        response = await exploding_client.request(method, path)
        assert response.status_code == status, (method, path)
        assert_security_headers(response)


async def test_an_error_page_for_an_unknown_address_carries_its_scripts_nonce(client):
    response = await client.get("/no/such/page")
    nonce = response.headers["content-security-policy"].split("'nonce-")[1].split("'")[0]
    assert f'<script nonce="{nonce}">' in response.text


async def test_405_says_which_methods_are_allowed(client):
    page = await client.request("TRACE", "/login")
    assert page.status_code == 405
    allowed = {m.strip() for m in page.headers["allow"].split(",")}
    assert {"GET", "POST"} <= allowed and "TRACE" not in allowed
    api = await client.put("/api/v1/me", json={})
    assert api.status_code == 405 and api.headers["content-type"] == "application/problem+json"
    assert "GET" in api.headers["allow"] and "PUT" not in api.headers["allow"]


async def test_signed_in_pages_and_api_answers_are_never_stored(client, login_as):
    redirect = await client.get("/home")  # not signed in yet: sent to the sign-in page
    assert redirect.status_code in (302, 303) and redirect.headers["cache-control"] == "no-store"
    await login_as("pa")
    for path in (
        "/home",
        "/profile/dbs",
        "/dbs",
        "/api/v1/me",
        "/api/v1/dbs/me",
        "/healthz",
        "/no/such/page",
    ):
        response = await client.get(path)
        assert response.status_code < 500, path
        assert response.headers.get("cache-control") == "no-store", path


async def test_static_assets_keep_their_caching(client, login_as):
    await login_as("pa")
    response = await client.get("/assets/app.css")
    assert response.status_code == 200
    assert "no-store" not in response.headers.get("cache-control", "")
    assert response.headers.get("etag") and response.headers.get("last-modified")


async def test_the_api_viewer_is_our_own_files_under_the_policy(client):
    page = await client.get("/schema")
    assert page.status_code == 200
    scripts = re.findall(r"<script\b([^>]*)>(.*?)</script>", page.text, flags=re.DOTALL)
    assert scripts and all(body.strip() == "" for _, body in scripts)  # no inline script
    sources = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert sources and all(source.startswith("/assets/") for source in sources), sources
    for source in sources:
        assert (await client.get(source)).status_code == 200, source
    assert (await client.get("/schema/openapi.json")).status_code == 200
