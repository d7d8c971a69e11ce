"""The account journeys in a real Chromium against ``market serve``: sign up, confirm the email
address, sign in and out, reset a forgotten password; and signing in with JavaScript off.

Every page the user lands on is checked with axe for WCAG 2.x A and AA violations."""

from __future__ import annotations

import asyncio
import re
import uuid
import weakref
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import TYPE_CHECKING

import pytest
from axe_playwright_python.async_playwright import Axe
from playwright.async_api import Browser, BrowserContext, Page, expect

from tests.support import link_in

if TYPE_CHECKING:
    from tests.browser.conftest import Server

pytestmark = pytest.mark.browser

# WCAG 2.0, 2.1 and 2.2 at levels A and AA; axe's "best-practice" rules are left out.
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]},
    "resultTypes": ["violations"],
}
AXE_SECONDS = 30
_axe = Axe()
# Contexts opened with JavaScript off, whose pages axe checks through check_a11y_without_js.
_SCRIPTLESS: weakref.WeakSet[BrowserContext] = weakref.WeakSet()

PA_NAME = "Priya Assistant"
PA_PASSWORD = "purple tractor 42 lighthouse"
PA_NEW_PASSWORD = "quiet harbour 77 lantern"

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
    """As staff: open the newest email to ``to`` whose subject has ``subject``; return its link."""
    await visit_checked(staff, server.url("/staff/outbox"))
    newest = staff.locator("tbody tr").filter(has_text=to).filter(has_text=subject).first
    await newest.get_by_role("link").click()
    await expect(staff).to_have_url(re.compile(re.escape(server.url("/staff/outbox/")) + r"\d+$"))
    await expect(staff.get_by_role("heading", level=1)).to_contain_text(subject)
    await check_a11y(staff)
    body = await staff.locator(".app-email-body").inner_text()
    return server.url(link_in(body, path_prefix))


async def test_sign_up_confirm_sign_in_and_reset_password(server: Server, new_context) -> None:
    email = f"pa-{uuid.uuid4().hex[:10]}@example.org"
    pa = await (await new_context()).new_page()
    staff = await (await new_context()).new_page()

    # The start page leads to the sign-up form.
    await visit_checked(pa, server.url("/"))
    await pa.get_by_role("button", name="Create an account").click()
    await expect(pa).to_have_url(server.url("/signup"))
    await expect(pa.get_by_role("heading", level=1)).to_have_text("Create an account")
    await check_a11y(pa)

    # Sending the empty form explains every missing answer in the error summary.
    await pa.get_by_role("button", name="Create account", exact=True).click()
    await expect_error(
        pa,
        "Select whether you are a personal assistant or looking for one",
        "Enter your name",
        "Enter your email address",
        "Enter a password",
    )

    # A personal assistant signs up and is asked to check their email.
    await pa.get_by_label("Work as a personal assistant").check()
    await pa.get_by_label("Your full name").fill(PA_NAME)
    await pa.get_by_label("Email address").fill(email)
    await pa.get_by_label("Create a password").fill(PA_PASSWORD)
    await pa.get_by_role("button", name="Create account", exact=True).click()
    await expect(pa.get_by_role("heading", level=1)).to_have_text("Check your email")
    await expect(pa.get_by_role("main")).to_contain_text(email)
    await check_a11y(pa)

    # In another browser, staff sign in and read the confirmation link from the outbox.
    await sign_in(staff, server, server.staff_email, server.staff_password)
    await expect_home(staff, server, "Recruitment support")
    verify_link = await link_from_outbox(staff, server, email, "Confirm your email address", "/verify-email/")

    # Signing in before confirming the address is refused with a reason.
    await sign_in(pa, server, email, PA_PASSWORD)
    await expect_error(pa, "Confirm your email address first: we have sent you a new link.")

    # The emailed link confirms the address and leads to the sign-in page.
    await visit_checked(pa, verify_link)
    await expect(pa.get_by_role("heading", level=1)).to_have_text("Confirm your email address")
    await pa.get_by_role("button", name="Confirm email address").click()
    await expect_banner(pa, server, "/login?done=verified", "Your email address is confirmed")

    # Now the PA can sign in, and lands on their home page.
    await sign_in(pa, server, email, PA_PASSWORD)
    await expect_home(pa, server, "Your personal assistant home")

    # Signing out from the header.
    await pa.get_by_role("banner").get_by_role("button", name="Sign out").click()
    await expect_banner(pa, server, "/login?done=signed-out", "You have signed out")

    # The PA has forgotten their password and asks for a reset link.
    await pa.get_by_role("link", name="Forgotten your password?").click()
    await expect(pa).to_have_url(server.url("/password/forgot"))
    await check_a11y(pa)
    await pa.get_by_label("Email address").fill(email)
    await pa.get_by_role("button", name="Send reset link").click()
    await expect(pa.get_by_role("heading", level=1)).to_have_text("Check your email")
    await expect(pa.get_by_role("main")).to_contain_text(email)
    await check_a11y(pa)

    # Staff read the reset link from the outbox.
    reset_link = await link_from_outbox(staff, server, email, "Reset your", "/password/reset/")

    # The link lets the PA choose a new password.
    await visit_checked(pa, reset_link)
    await expect(pa.get_by_role("heading", level=1)).to_have_text("Choose a new password")
    await pa.get_by_label("New password", exact=True).fill(PA_NEW_PASSWORD)
    await pa.get_by_role("button", name="Save new password").click()
    await expect_banner(pa, server, "/login?done=password-reset", "Your password has been reset")

    # The reset link works once.
    await visit_checked(pa, reset_link)
    await expect(pa.get_by_role("heading", level=1)).to_have_text("This link cannot be used")

    # The old password no longer works; the new one does.
    await sign_in(pa, server, email, PA_PASSWORD)
    await expect_error(pa, "Enter a correct email address and password")
    await sign_in(pa, server, email, PA_NEW_PASSWORD)
    await expect_home(pa, server, "Your personal assistant home")


async def test_sign_in_works_without_javascript(server: Server, new_context) -> None:
    page = await (await new_context(java_script_enabled=False)).new_page()
    await visit_checked(page, server.url("/login"))
    await sign_in(page, server, server.staff_email, server.staff_password)
    await expect_home(page, server, "Recruitment support")
