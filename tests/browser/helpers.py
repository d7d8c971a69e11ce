"""What the browser tests share: axe on every page, signing in, reading the outbox, and a
fixture for separate browser contexts (one per person)."""

from __future__ import annotations

import asyncio
import re
import weakref
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import TYPE_CHECKING

import pytest
from axe_playwright_python.async_playwright import Axe
from playwright.async_api import Browser, BrowserContext, Page, expect

from tests.support import link_in

if TYPE_CHECKING:
    from tests.browser.conftest import Server

# WCAG 2.0, 2.1 and 2.2 at levels A and AA; axe's "best-practice" rules are left out.
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]},
    "resultTypes": ["violations"],
}
AXE_SECONDS = 30
_axe = Axe()
# Contexts opened with JavaScript off, whose pages axe checks through check_a11y_without_js.
_SCRIPTLESS: weakref.WeakSet[BrowserContext] = weakref.WeakSet()


ContextFactory = Callable[..., Awaitable[BrowserContext]]


async def check_a11y(page: Page) -> None:
    """Assert that the page in front of the user has no WCAG 2.x A/AA violations."""
    await page.wait_for_load_state("load")
    if page.context in _SCRIPTLESS:
        await check_a11y_without_js(page)
        return
    # axe runs on timers: a page whose JavaScript is off would never answer (see check_a11y_without_js).
    results = await asyncio.wait_for(_axe.run(page, options=AXE_OPTIONS), AXE_SECONDS)
    assert results.violations_count == 0, f"axe on {page.url}:\n{results.generate_report()}"


async def check_a11y_without_js(page: Page) -> None:
    """axe needs timers, which never fire where JavaScript is off. So check a copy of the page as
    it stands, its scripts removed, served at the same address (the same styles load) to a page of
    a JavaScript-enabled context: what axe sees is what the no-JavaScript user gets."""
    html = re.sub(r"<script\b[^>]*>.*?</script>", "", await page.content(), flags=re.DOTALL | re.IGNORECASE)
    target = page.url
    mirror = await page.context.browser.new_page()  # its own context, closed with the page
    try:
        await mirror.route(
            lambda url: url == target,
            lambda route: route.fulfill(status=200, content_type="text/html; charset=utf-8", body=html),
        )
        await mirror.goto(target)
        await check_a11y(mirror)
    finally:
        await mirror.close()


async def visit_checked(page: Page, url: str | None = None) -> None:
    """Go to ``url`` (or stay where a click or a form submission left the page), then run axe."""
    if url is not None:
        response = await page.goto(url)
        assert response is not None and response.status < 500, (
            f"{url} answered {response and response.status}"
        )
    await check_a11y(page)


@pytest.fixture
async def new_context(browser: Browser) -> AsyncIterator[ContextFactory]:
    """Open browser contexts (each its own cookie jar, like another person's browser)."""
    opened: list[BrowserContext] = []

    async def factory(**options) -> BrowserContext:
        context = await browser.new_context(**options)
        if options.get("java_script_enabled") is False:
            _SCRIPTLESS.add(context)
        context.set_default_timeout(10_000)
        opened.append(context)
        return context

    yield factory
    for context in opened:
        await context.close()


async def sign_in(page: Page, server: Server, email: str, password: str) -> None:
    """Fill in and send the sign-in form, opening /login first unless it is already showing."""
    if not page.url.startswith(server.url("/login")):
        await visit_checked(page, server.url("/login"))
    await page.get_by_label("Email address").fill(email)
    await page.get_by_label("Password", exact=True).fill(password)
    await page.get_by_role("button", name="Sign in", exact=True).click()


async def add_person(page: Page, server: Server, name: str = "Pat Person", postcode: str = "PE1 1AB") -> None:
    """A recipient says who they are finding support for: the place they may search from."""
    await visit_checked(page, server.url("/needs/people/new"))
    await page.get_by_label("Their name").fill(name)
    await page.get_by_label("Adult (18 to 64)").check()
    await page.get_by_label("Postcode where they live").fill(postcode)
    await page.get_by_role("button", name="Continue").click()
    await page.wait_for_url(lambda url: "/needs/new?recipient=" in url)


async def expect_home(page: Page, server: Server, heading: str) -> None:
    await expect(page).to_have_url(server.url("/home"))
    await expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    await check_a11y(page)


async def expect_error(page: Page, *messages: str) -> None:
    """The GOV.UK error summary is shown with ``messages``, and the title says there is an error."""
    summary = page.locator(".govuk-error-summary")
    await expect(summary).to_be_visible()
    await expect(summary.get_by_role("heading")).to_have_text("There is a problem")
    for message in messages:
        await expect(summary.get_by_role("link", name=message).first).to_be_visible()
    await expect(page).to_have_title(re.compile(r"^Error: "))
    await check_a11y(page)


async def expect_banner(page: Page, server: Server, path: str, text: str) -> None:
    await expect(page).to_have_url(server.url(path))
    await expect(page.locator(".govuk-notification-banner--success")).to_contain_text(text)
    await check_a11y(page)


async def link_from_outbox(staff: Page, server: Server, to: str, subject: str, path_prefix: str) -> str:
    """As staff: open the newest email to ``to`` whose subject has ``subject``; return its link.

    The outbox withholds the text of an email that holds a link into someone else's account
    (market.mail.outbox), so staff see that it was sent and why its text is hidden; the link
    itself is read from the server's database, as the addressee's own inbox would have it.
    """
    await visit_checked(staff, server.url("/staff/outbox"))
    newest = staff.locator("tbody tr").filter(has_text=to).filter(has_text=subject).first
    await newest.get_by_role("link").click()
    await expect(staff).to_have_url(re.compile(re.escape(server.url("/staff/outbox/")) + r"\d+$"))
    await expect(staff.get_by_role("heading", level=1)).to_contain_text(subject)
    await check_a11y(staff)
    if await staff.locator(".app-email-withheld").count():
        body = server.email_text(int(staff.url.rsplit("/", 1)[1]))
    else:
        body = await staff.locator(".app-email-body").inner_text()
    return server.url(link_in(body, path_prefix))
