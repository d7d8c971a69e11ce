"""Helpers the tests share: environment switches, forms with CSRF, reading the outbox."""

from __future__ import annotations

import os
import re
import socket

import httpx
import pytest

# The test harness is the one place besides market.settings that reads the environment.
REQUIRE_ALL = os.environ.get("MARKET_REQUIRE_ALL_TESTS") == "1"
POSTGRES_URL = os.environ.get("MARKET_TEST_POSTGRES_URL", "").strip()
CHROMIUM = os.environ.get("MARKET_TEST_CHROMIUM", "/usr/bin/chromium")
# Cases per API operation in tests/web/test_fuzz_api.py; raise it for a deeper search.
FUZZ_EXAMPLES = int(os.environ.get("MARKET_FUZZ_EXAMPLES", "4"))

PASSWORD = "correct horse battery"


def skip_or_fail(reason: str) -> None:
    """Skip on a laptop without the service; fail in CI, where everything must run."""
    if REQUIRE_ALL:
        pytest.fail(f"{reason}, and MARKET_REQUIRE_ALL_TESTS=1 forbids skipping", pytrace=False)
    pytest.skip(reason)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


_CSRF = re.compile(r'name="_csrf_token" value="([^"]+)"')


def csrf_token(html: str) -> str:
    match = _CSRF.search(html)
    assert match, "the page has no CSRF token field"
    return match.group(1)


async def submit(
    client: httpx.AsyncClient, form_path: str, data: dict[str, str], action: str | None = None
) -> httpx.Response:
    """GET the page holding the form, then POST it with its CSRF token, like a browser."""
    page = await client.get(form_path)
    assert page.status_code == 200, f"{form_path} answered {page.status_code}"
    return await client.post(action or form_path, data={**data, "_csrf_token": csrf_token(page.text)})


def link_in(body: str, path_prefix: str) -> str:
    match = re.search(rf"https?://[^\s/]+({re.escape(path_prefix)}[^\s]+)", body)
    assert match, f"no {path_prefix} link in the email"
    return match.group(1)


# What a `market` command run as production (no MARKET_ENV) must be told besides its secret key
# (market.settings.CONTACT_REQUIRED).
PRODUCTION_CONTACT = {
    "MARKET_CONTACT_EMAIL": "pa-help@shire.example",
    "MARKET_CONTACT_PHONE": "01632 960 456",
    "MARKET_DATA_CONTROLLER": "Shire County Council",
}
