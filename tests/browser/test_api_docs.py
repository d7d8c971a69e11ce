"""The API viewer at /schema in a real Chromium: our own copy of Swagger UI draws every
operation under the site's Content-Security-Policy, with not one violation and nothing
fetched from another site."""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import pytest
from playwright.async_api import expect

from tests.browser.helpers import ContextFactory

if TYPE_CHECKING:
    from tests.browser.conftest import Server

pytestmark = pytest.mark.browser

LISTEN_FOR_VIOLATIONS = (
    "window.cspViolations = [];"
    "document.addEventListener('securitypolicyviolation',"
    " e => window.cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));"
)


async def test_the_api_viewer_works_under_the_policy(server: Server, new_context: ContextFactory) -> None:
    context = await new_context()
    page = await context.new_page()
    await page.add_init_script(LISTEN_FOR_VIOLATIONS)
    hosts: set[str] = set()
    page.on("request", lambda request: hosts.add(urlsplit(request.url).netloc))
    response = await page.goto(server.url("/schema"))
    assert response is not None and response.status == 200
    assert "script-src 'self'" in (await response.all_headers())["content-security-policy"]
    await expect(page.get_by_role("heading", name="PA register API")).to_be_visible()
    operation = page.locator(".opblock", has_text="/api/v1/auth/login").first
    await operation.locator(".opblock-summary").click()
    # Its documented errors, each answered as problem details.
    await expect(operation.locator("tr.response[data-code='422']")).to_be_visible()
    await expect(operation.locator("option[value='application/problem+json']").first).to_be_attached()
    await operation.get_by_role("button", name="Try it out").click()
    assert await page.evaluate("window.cspViolations") == []
    assert hosts == {urlsplit(server.base_url).netloc}
