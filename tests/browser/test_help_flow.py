"""Help and contact in a real Chromium: from any page's footer to the contact page and the
feedback form, a mistake explained, the feedback sent; then staff read it and mark it dealt
with. axe checks every page on the way."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

import pytest
from playwright.async_api import expect

from tests.browser.helpers import check_a11y, expect_error, sign_in, visit_checked

if TYPE_CHECKING:
    from tests.browser.conftest import Server

pytestmark = pytest.mark.browser


async def test_footer_to_contact_and_feedback_then_staff_deal_with_it(server: Server, new_context) -> None:
    words = f"The search button did nothing ({uuid.uuid4().hex[:8]})"
    visitor = await (await new_context()).new_page()
    await visit_checked(visitor, server.url("/login"))
    footer = visitor.locator("footer")
    await expect(footer).to_contain_text("01632 960 123")
    await expect(footer).to_contain_text("help@pa-register.example")

    # The footer's contact link: phone, email, hours and address.
    await footer.get_by_role("link", name="Contact us").click()
    await expect(visitor.get_by_role("heading", level=1)).to_have_text("Contact us")
    await expect(visitor.locator("main").get_by_role("link", name="01632 960 123")).to_have_attribute(
        "href", "tel:01632960123"
    )
    await check_a11y(visitor)

    # The footer's "Tell us about any problem" opens the feedback form.
    await footer.get_by_role("link", name="Tell us about any problem").click()
    await expect(visitor.get_by_role("heading", level=1)).to_have_text(
        "Tell us about a problem or give feedback"
    )
    await check_a11y(visitor)

    # A mistake is explained beside its field, and what was typed stays.
    await visitor.get_by_label("What were you doing? (optional)").fill("Looking for a PA")
    await visitor.get_by_label("Email address (optional)").fill("not an address")
    await visitor.get_by_role("button", name="Send", exact=True).click()
    await expect_error(
        visitor,
        "Enter what went wrong, or your feedback",
        "Enter an email address in the correct format, like name@example.com",
    )
    await expect(visitor.get_by_label("What were you doing? (optional)")).to_have_value("Looking for a PA")

    await visitor.get_by_label("What went wrong, or what is your feedback?").fill(words)
    await visitor.get_by_label("Email address (optional)").fill("jo.visitor@example.org")
    await visitor.get_by_role("button", name="Send", exact=True).click()
    await expect(visitor.get_by_role("heading", level=1)).to_have_text("Thank you for your feedback")
    await check_a11y(visitor)

    # Staff find it at the top of their list and mark it dealt with.
    staff = await (await new_context()).new_page()
    await sign_in(staff, server, server.staff_email, server.staff_password)
    await visit_checked(staff, server.url("/staff/feedback"))
    card = staff.locator(".govuk-summary-card").first
    await expect(card).to_contain_text(words)
    await expect(card).to_contain_text("jo.visitor@example.org")
    await expect(card).to_contain_text("Looking for a PA")
    await card.get_by_role("button", name="Mark as dealt with").click()
    await expect(staff.locator(".govuk-notification-banner")).to_contain_text("Marked as dealt with.")
    await expect(staff.locator(".govuk-summary-card").first).to_contain_text("Dealt with")
    await check_a11y(staff)
