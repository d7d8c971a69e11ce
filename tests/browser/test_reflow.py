"""Reflow (WCAG 1.4.10, issue 16): at 320 CSS pixels every page people use on a phone fits the
screen, with no scrolling sideways, and passes axe.

The server here holds the demo data (``market demo``: a county's PAs, people and needs, a
login for each role), so pages show what real ones do: long skill lists, weeks of
availability, tables of figures. Conversations are a later issue (messaging); until they
exist, the pages where a recipient and a PA deal with each other are the application (the
recipient's side) and the invitation (the PA's), and those are checked instead.
"""

from __future__ import annotations

import re
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest
from playwright.async_api import Page, expect

from tests.browser import conftest as browser_conftest
from tests.browser import helpers
from tests.browser.conftest import _run_cli, _wait_until_healthy
from tests.browser.helpers import sign_in, visit_checked
from tests.support import free_port

pytestmark = pytest.mark.browser

PHONE = {"width": 320, "height": 640}
DEMO_PASSWORD = "demo-password-2026"


@pytest.fixture(scope="module")
def demo_server(sqlite_template: Path, tmp_path_factory) -> Iterator[str]:
    """``market serve`` on a copy of the migrated database with the demo data in it."""
    root = Path(__file__).resolve().parents[2]
    var_dir = tmp_path_factory.mktemp("reflow-server")
    database = var_dir / "market.db"
    shutil.copyfile(sqlite_template, database)
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    env = browser_conftest.server_env(database, base_url, var_dir)
    _run_cli(["demo"], env, root)
    listed_pa_can_sign_in(database)
    log_path = var_dir / "server.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "market.cli", "serve", "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            cwd=root,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    # The demo's hundreds of PAs make the first start (the matching index) slower.
    started, browser_conftest.STARTUP_SECONDS = browser_conftest.STARTUP_SECONDS, 120
    try:
        _wait_until_healthy(process, base_url, log_path)
        browser_conftest.STARTUP_SECONDS = started
        yield base_url
    finally:
        browser_conftest.STARTUP_SECONDS = started
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


LISTED_PA = "listed.pa@demo.example"


def listed_pa_can_sign_in(database: Path) -> None:
    """The demo's own PA login (pa@) has a draft profile, and its listed PAs cannot sign in:
    one listed PA gets pa@'s password and the address ``LISTED_PA``, to see an invitation."""
    with closing(sqlite3.connect(database)) as connection, connection:
        (known,) = connection.execute(
            "SELECT password_hash FROM account_user WHERE email = 'pa@demo.example'"
        ).fetchone()
        (user_id,) = connection.execute(
            "SELECT u.id FROM account_user u JOIN register_pa_profile p ON p.user = u.id"
            " WHERE p.status = 'approved' AND p.district = 'PE1' ORDER BY p.id LIMIT 1"
        ).fetchone()
        connection.execute(
            "UPDATE account_user SET password_hash = ?, email = ? WHERE id = ?", (known, LISTED_PA, user_id)
        )


@pytest.fixture(autouse=True, scope="module")
def _patient_axe() -> Iterator[None]:
    """A results page of 20 cards takes axe longer than the usual page, on a busy machine."""
    usual, helpers.AXE_SECONDS = helpers.AXE_SECONDS, 120
    yield
    helpers.AXE_SECONDS = usual


class _Demo:
    """Sign-in for the demo's logins; ``server.url`` is what the shared helpers call."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url

    def url(self, path: str) -> str:
        return f"{self.base_url}{path}"


async def fits(page: Page, path: str) -> None:
    """Open ``path`` and check it: nothing wider than the screen, and axe finds nothing."""
    origin = re.match(r"https?://[^/]+", page.url)
    assert origin, page.url
    await visit_checked(page, origin.group(0) + path)
    width = await page.evaluate("document.documentElement.scrollWidth")
    if width > PHONE["width"]:
        wide = await page.evaluate(
            """() => [...document.querySelectorAll('main *')]
                 .filter(e => e.getBoundingClientRect().right > innerWidth + 1)
                 .slice(0, 3).map(e => `${e.tagName}.${e.className}`)"""
        )
        pytest.fail(f"{path} is {width} px wide at {PHONE['width']} px: {wide}")


async def signed_in(new_context, demo: _Demo, who: str) -> Page:
    page = await (await new_context(viewport=PHONE)).new_page()
    email = who if "@" in who else f"{who}@demo.example"
    await sign_in(page, demo, email, DEMO_PASSWORD)  # type: ignore[arg-type]
    await expect(page).to_have_url(demo.url("/home"))
    return page


async def test_the_pages_people_use_on_a_phone_fit_320_pixels(demo_server: str, new_context) -> None:
    demo = _Demo(demo_server)
    pa = await signed_in(new_context, demo, LISTED_PA)
    profile = await (await pa.request.get(demo.url("/api/v1/profile/"))).json()
    profile_id, pa_name = profile["id"], profile["display_name"]

    recipient = await signed_in(new_context, demo, "recipient")
    for path in ("/home", "/needs", "/needs/new?recipient=1", "/needs/1", "/needs/1/matches"):
        await fits(recipient, path)
    # Search: the results come first, the form folded above them, each week in one line (the
    # week as a list of days is on the profile, below).
    await fits(recipient, "/search?postcode=PE1+1AB&radius=5")
    await expect(recipient.locator(".app-card").first).to_be_visible()
    await expect(recipient.get_by_label("Postcode")).to_be_hidden()
    await expect(recipient.locator(".app-card").first.get_by_text("Usually available")).to_be_visible()
    assert await recipient.locator(".app-week-list, .app-week-grid").count() == 0
    assert await recipient.locator(".app-card").first.evaluate("e => e.getBoundingClientRect().top") < 640
    await recipient.get_by_text("Change the search").click()
    await expect(recipient.get_by_label("Postcode")).to_be_visible()
    await fits(recipient, f"/pas/{profile_id}?from=PE1%201AB")
    await expect(recipient.locator(".app-week-list").get_by_text("Sunday")).to_be_visible()

    # The recipient shortlists the demo PA for a need and invites them.
    token = await recipient.locator("input[name=_csrf_token]").first.input_value()
    added = await recipient.request.post(
        demo.url("/needs/1/shortlist"), form={"_csrf_token": token, "profile_id": str(profile_id)}
    )
    assert added.ok, await added.text()
    await fits(recipient, "/needs/1/shortlist")
    # (The demo's own pipeline has shortlisted others for this need: invite this PA by name.)
    await recipient.get_by_role("button", name=f"Invite {pa_name}", exact=True).click()
    await expect(recipient.locator(".govuk-notification-banner--success")).to_be_visible()
    card = recipient.locator(".app-card").filter(has=recipient.get_by_role("link", name=pa_name, exact=True))
    href = await card.locator("a[href*='/applications/']").first.get_attribute("href")
    await fits(recipient, href or "")

    # The PA's side: their home, profile and invitation (and the demo's draft PA's home).
    await fits(await signed_in(new_context, demo, "pa"), "/home")
    for path in ("/home", "/profile", "/profile/availability", "/work", "/invitations"):
        await fits(pa, path)
    invitation = await pa.locator("main a[href^='/invitations/']").first.get_attribute("href")
    await fits(pa, invitation or "")

    staff = await signed_in(new_context, demo, "staff")
    for path in ("/home", "/staff/reports", "/staff/needs", "/search?postcode=PE1+1AB", "/staff/vetting"):
        await fits(staff, path)
    for who in ("trainer", "admin"):
        await fits(await signed_in(new_context, demo, who), "/home")
