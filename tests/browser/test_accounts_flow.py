"""The account journeys in a real Chromium against ``market serve``: sign up, confirm the email
address, sign in and out, reset a forgotten password; and signing in with JavaScript off.

Every page the user lands on is checked with axe for WCAG 2.x A and AA violations."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

import pytest
from playwright.async_api import expect

from tests.browser.helpers import (
    check_a11y,
    expect_banner,
    expect_error,
    expect_home,
    link_from_outbox,
    sign_in,
    visit_checked,
)

if TYPE_CHECKING:
    from tests.browser.conftest import Server

pytestmark = pytest.mark.browser

PA_NAME = "Priya Assistant"
PA_PASSWORD = "purple tractor 42 lighthouse"
PA_NEW_PASSWORD = "quiet harbour 77 lantern"


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

    # In another browser, staff sign in and find the confirmation email in the outbox.
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

    # Staff see the reset email in the outbox (its text withheld); the link is as the PA got it.
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


async def test_a_throttled_person_signs_in_with_an_emailed_link(server: Server, new_context) -> None:
    email = f"pa-{uuid.uuid4().hex[:10]}@example.org"
    server.create_user("pa", email, PA_NAME, PA_PASSWORD)
    pa = await (await new_context()).new_page()
    staff = await (await new_context()).new_page()

    # Five wrong passwords use up this account's attempts from this address ...
    for _ in range(5):
        await sign_in(pa, server, email, "not the password at all 1")
        await expect_error(pa, "Enter a correct email address and password")
    # ... so even the right one is refused, and the page says how to get in now.
    await sign_in(pa, server, email, PA_PASSWORD)
    await expect_error(
        pa,
        "Too many failed attempts to sign in. Wait 15 minutes and try again, or ask us to email you a sign-in link.",
    )
    await pa.get_by_role("main").get_by_role("link", name="email me a sign-in link", exact=True).click()
    await expect(pa).to_have_url(server.url("/login/link"))
    await check_a11y(pa)
    await pa.get_by_label("Email address").fill(email)
    await pa.get_by_role("button", name="Send sign-in link").click()
    await expect(pa.get_by_role("heading", level=1)).to_have_text("Check your email")
    await check_a11y(pa)

    await sign_in(staff, server, server.staff_email, server.staff_password)
    link = await link_from_outbox(staff, server, email, "Your link to sign in", "/login/link/")

    # Opening the link signs nobody in (a mail scanner may follow it); the button does.
    await visit_checked(pa, link)
    await expect(pa.get_by_role("heading", level=1)).to_have_text("Sign in with your link")
    await pa.get_by_role("main").get_by_role("button", name="Sign in").click()
    await expect_home(pa, server, "Your personal assistant home")

    # The link works once: opened again, it says so before anything is pressed.
    await visit_checked(pa, link)
    await expect(pa.get_by_role("heading", level=1)).to_have_text("This link cannot be used")
