"""The register in a real Chromium: a PA signs up, completes a profile (with an overnight
slot) and sends it; staff vet and approve it; a recipient finds the PA by postcode, with a
district and a distance band and never the postcode; once suspended, the PA is gone from the
search. axe checks every page on the way."""

from __future__ import annotations

import re
import uuid
from typing import TYPE_CHECKING

import pytest
from playwright.async_api import Page, expect

from tests.browser.helpers import (
    add_person,
    check_a11y,
    expect_banner,
    link_from_outbox,
    sign_in,
    visit_checked,
)

if TYPE_CHECKING:
    from tests.browser.conftest import Server

pytestmark = pytest.mark.browser

PASSWORD = "green kettle 19 meadow"


async def save(page: Page) -> None:
    await page.get_by_role("button", name="Save", exact=True).click()


async def fill_profile(pa: Page, server: Server) -> None:
    # The home page lists what is missing, each a link to its page.
    await expect(pa.get_by_text("Fill in these 5 sections")).to_be_visible()
    await pa.get_by_role("link", name="Your one-page profile", exact=True).click()
    await check_a11y(pa)
    await pa.get_by_label("A short headline").fill("Calm, kind PA with five years' experience")
    await pa.get_by_label("What people like and admire about me").fill("I am patient.\nI listen.")
    await pa.get_by_label("What matters to me in my work").fill("Dignity and choice.")
    await pa.get_by_label("How best to work with me").fill("Tell me what you like.")
    await save(pa)
    await expect_banner(pa, server, "/profile?done=about", "Your one-page profile has been saved")

    await pa.get_by_role("link", name="Where you live and how far you will travel", exact=True).click()
    await check_a11y(pa)
    await pa.get_by_label("Your home postcode").fill("pe1 1bf")
    await pa.get_by_label("How many miles will you travel to work?").fill("12")
    await pa.get_by_role("group", name="Do you hold a full UK driving licence?").get_by_label("Yes").check()
    await pa.get_by_role("group", name="Do you have a car you can use for work?").get_by_label("No").check()
    await save(pa)
    await expect_banner(pa, server, "/profile?done=where", "Where you work has been saved")
    await expect(pa.get_by_text("others see PE1")).to_be_visible()

    await pa.get_by_role("link", name="Pay and right to work", exact=True).click()
    await check_a11y(pa)
    await pa.get_by_label("The lowest hourly rate you will accept").fill("12.50")
    await pa.get_by_label("Either").check()
    await pa.get_by_label("I have the right to work in the UK").check()
    await save(pa)
    await expect_banner(pa, server, "/profile?done=terms", "pay and right to work have been saved")

    await pa.get_by_role("link", name="Your skills and experience", exact=True).click()
    await check_a11y(pa)
    await pa.get_by_role("checkbox", name="Moving and handling with a hoist").check()
    await pa.get_by_label("Years of experience in moving and handling with a hoist").fill("4")
    await pa.get_by_role("checkbox", name="Personal care", exact=True).check()
    await check_a11y(pa)  # with the revealed questions open
    await save(pa)
    await expect_banner(pa, server, "/profile?done=skills", "Your skills have been saved")

    await pa.get_by_role("link", name="When you are available", exact=True).click()
    await check_a11y(pa)
    # A bad time first: the error is named next to its field and the input is kept.
    await pa.get_by_label("Day it starts").select_option("Saturday")
    await pa.get_by_label("Start time").fill("22:10")
    await pa.get_by_label("End time").fill("07:00")
    await pa.get_by_role("button", name="Add slot").click()
    await expect(pa.locator(".govuk-error-summary")).to_be_visible()
    await expect(pa.get_by_label("Start time")).to_have_value("22:10")
    await check_a11y(pa)
    await pa.get_by_label("Start time").fill("22:00")
    await pa.get_by_role("button", name="Add slot").click()
    # An end before the start: asked, not assumed, that the shift runs overnight.
    await expect(pa.locator(".govuk-error-summary")).to_contain_text(
        "Is this an overnight shift from Saturday 22:00 to Sunday 07:00 (9 hours)?"
    )
    await expect(pa.get_by_label("End time")).to_have_value("07:00")
    await check_a11y(pa)
    await pa.get_by_label("Yes, this shift runs overnight into the next day").check()
    await pa.get_by_role("button", name="Add slot").click()
    await expect_banner(pa, server, "/profile/availability?done=slot-added", "The slot has been added")
    await expect(
        pa.get_by_role("cell", name="Saturday 22:00 to Sunday 07:00 (overnight)", exact=True)
    ).to_be_visible()


async def sign_up_as_pa(pa: Page, staff: Page, server: Server, email: str) -> None:
    """Sign up on the web and confirm the address with the link from the outbox."""
    await visit_checked(pa, server.url("/signup"))
    await pa.get_by_label("Work as a personal assistant").check()
    await pa.get_by_label("Your full name").fill("Jo Register")
    await pa.get_by_label("Email address").fill(email)
    await pa.get_by_label("Create a password").fill(PASSWORD)
    await pa.get_by_role("button", name="Create account", exact=True).click()
    await expect(pa.get_by_role("heading", level=1)).to_have_text("Check your email")
    await check_a11y(pa)
    await sign_in(staff, server, server.staff_email, server.staff_password)
    link = await link_from_outbox(staff, server, email, "Confirm your email address", "/verify-email/")
    await visit_checked(pa, link)
    await pa.get_by_role("button", name="Confirm email address").click()
    await expect_banner(pa, server, "/login?done=verified", "Your email address is confirmed")


async def test_a_pa_completes_and_sends_a_profile_and_staff_approve_it(server: Server, new_context) -> None:
    email = f"pa.{uuid.uuid4().hex[:8]}@example.org"
    pa = await (await new_context()).new_page()
    staff = await (await new_context()).new_page()
    await sign_up_as_pa(pa, staff, server, email)
    await sign_in(pa, server, email, PASSWORD)
    await expect(pa).to_have_url(server.url("/home"))
    await check_a11y(pa)
    await fill_profile(pa, server)

    await visit_checked(pa, server.url("/profile"))
    await expect(pa.get_by_role("heading", name="Your profile is complete")).to_be_visible()
    await pa.get_by_role("button", name="Send my profile to the team").click()
    await expect_banner(pa, server, "/profile?done=submitted", "sent to our team")
    await expect(pa.get_by_text("Waiting for checks")).to_be_visible()
    await visit_checked(pa, server.url("/profile/print"))
    # Printed (with the print stylesheet), the one-page profile is one sheet of A4.
    pdf = await pa.pdf(format="A4", print_background=False)
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 1

    # Staff vet: three checks, two references, then approve.
    await visit_checked(staff, server.url("/staff/vetting"))
    await staff.get_by_role("link", name="Jo Register").click()
    await check_a11y(staff)
    for check in ("Identity documents seen", "Right to work in the UK confirmed", "Interview held"):
        await staff.get_by_label("Check", exact=True).select_option(label=check)
        await staff.get_by_label("Satisfactory", exact=True).first.check()
        await staff.get_by_role("button", name="Record check").click()
        await expect(staff.locator(".govuk-notification-banner--success")).to_contain_text("recorded")
    await check_a11y(staff)
    for referee in ("Ann Referee", "Bob Referee"):
        await staff.get_by_label("Referee's name").fill(referee)
        await staff.get_by_label("How they know the PA").fill("Former employer")
        await staff.get_by_label("Email address or phone number").fill("ref@example.org")
        await staff.get_by_role("button", name="Add reference").click()
        group = staff.get_by_role("group", name=f"Outcome of {referee}'s reference")
        await group.get_by_label("Satisfactory", exact=True).check()
        await group.locator("xpath=ancestor::form").get_by_role("button", name="Save outcome").click()
        await expect(staff.locator(".govuk-notification-banner--success")).to_contain_text("outcome")
    await check_a11y(staff)
    await expect(staff.get_by_text("Every check is satisfactory.")).to_be_visible()
    await staff.get_by_label("Approve: list the PA on the register").check()
    await staff.get_by_role("button", name="Save decision").click()
    await expect(staff.locator(".govuk-notification-banner--success")).to_contain_text("now on the register")
    await check_a11y(staff)

    await visit_checked(pa, server.url("/profile"))
    await expect(pa.get_by_text("On the register")).to_be_visible()
    await expect(pa.get_by_text(re.compile(r"Vetted by .+ on "))).to_be_visible()

    # Dates typed into GOV.UK date inputs reach the server (day, month and year boxes).
    await visit_checked(pa, server.url("/profile/pattern"))
    for legend, (day, month) in (("First day away", ("3", "8")), ("Last day away", ("14", "8"))):
        group = pa.get_by_role("group", name=legend)
        await group.get_by_label("Day").fill(day)
        await group.get_by_label("Month").fill(month)
        await group.get_by_label("Year").fill("2030")
    await pa.get_by_role("button", name="Add dates away").click()
    await expect(pa.get_by_text("3 August 2030 to 14 August 2030")).to_be_visible()
    await check_a11y(pa)

    # A recipient finds Jo near PE1 1AB: a district and a distance band, never the postcode.
    recipient_email = f"recipient.{uuid.uuid4().hex[:8]}@example.org"
    server.create_user("recipient", recipient_email, "Rita Recipient", PASSWORD)
    recipient = await (await new_context()).new_page()
    await sign_in(recipient, server, recipient_email, PASSWORD)
    await add_person(recipient, server)  # searches start from their own place
    await recipient.get_by_role("link", name="Find a PA").first.click()
    await check_a11y(recipient)
    await recipient.get_by_label("Postcode", exact=False).first.fill("PE1 1AB")
    await recipient.get_by_label("Words in their profile").fill("calm")
    await recipient.get_by_role("button", name="Search", exact=True).click()
    result = recipient.locator(".app-card").filter(has_text="Calm, kind PA with five years' experience")
    await expect(result).to_be_visible()
    await expect(result).to_contain_text("PE1")
    await expect(result).to_contain_text("as the crow flies")
    await check_a11y(recipient)
    # The PA's own postcode (PE1 1BF) is nowhere on the page, not even in its markup.
    assert "1BF" not in await recipient.content()
    await result.get_by_role("link").first.click()
    await expect(recipient.get_by_role("heading", level=1)).to_contain_text("Jo")
    assert "1BF" not in await recipient.content()
    await check_a11y(recipient)

    # Staff suspend Jo: Jo disappears from the recipient's search.
    await visit_checked(staff, staff.url)
    await staff.get_by_label("Why are you suspending this PA?").fill(
        "A safeguarding concern is being looked into."
    )
    await staff.get_by_role("button", name="Suspend").click()
    await expect(staff.locator(".govuk-notification-banner--success")).to_contain_text("suspended")
    await check_a11y(staff)
    await recipient.go_back()
    await recipient.reload()
    await expect(
        recipient.locator(".app-card").filter(has_text="Calm, kind PA with five years' experience")
    ).to_have_count(0)
    await check_a11y(recipient)
