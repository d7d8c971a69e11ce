"""DBS in a real Chromium: an admin gives a staff member the DBS permission; staff take an
application for a PA through every step to a decision (a mistyped certificate number is
named on its field and nothing is lost), record the PA's consent, then an Update Service
status check; a recipient sees the PA's badge and nothing more, and a search for a check
the PA lacks leaves them out. axe checks every page on the way."""

from __future__ import annotations

import re
import uuid
from datetime import date
from typing import TYPE_CHECKING

import pytest
from playwright.async_api import Locator, Page, expect

from tests.browser.conftest import _run_cli
from tests.browser.helpers import add_person, check_a11y, expect_banner, expect_error, sign_in, visit_checked

if TYPE_CHECKING:
    from tests.browser.conftest import Server

pytestmark = pytest.mark.browser

PASSWORD = "blue teapot 42 orchard"
NUMBER = "001122334455"


def long(day: date) -> str:
    return f"{day.day} {day.strftime('%B %Y')}"


async def fill_date(scope: Page | Locator, legend: str, day: date) -> None:
    group = scope.get_by_role("group", name=legend)
    await group.get_by_label("Day").fill(str(day.day))
    await group.get_by_label("Month").fill(str(day.month))
    await group.get_by_label("Year").fill(str(day.year))


def import_pa(server: Server, tmp_path, email: str, name: str) -> None:
    """An approved PA on the register, added as staff would from a spreadsheet."""
    csv = tmp_path / "pa.csv"
    csv.write_text(
        "email,full_name,display_name,home_postcode,travel_miles,skills,min_hourly_rate,employment,"
        "right_to_work,availability,headline,status\n"
        f"{email},{name} Example,{name},PE1 1AB,10,personal_care:3,12.50,either,yes,"
        "Mon 09:00-17:00,Kind and steady PA,approved\n"
    )
    _run_cli(["register", "import", str(csv), "--by", server.staff_email], server.env, server.root)


async def test_staff_take_an_application_to_a_decision_then_a_status_check(
    server: Server, new_context, tmp_path
) -> None:
    run = uuid.uuid4().hex[:6]
    name = f"Dbsina{run}"
    pa_email = f"dbs.pa.{run}@example.org"
    admin_email = f"dbs.admin.{run}@example.org"
    recipient_email = f"dbs.recipient.{run}@example.org"
    import_pa(server, tmp_path, pa_email, name)
    server.create_user("admin", admin_email, "Ada Admin", PASSWORD)
    server.create_user("recipient", recipient_email, "Rita Recipient", PASSWORD)

    # The admin gives the staff member the DBS permission.
    admin = await (await new_context()).new_page()
    await sign_in(admin, server, admin_email, PASSWORD)
    await visit_checked(admin, server.url("/admin/dbs"))
    await admin.get_by_label("Give the permission to").fill(server.staff_email)
    await admin.get_by_role("button", name="Give permission").click()
    await expect_banner(admin, server, "/admin/dbs?done=granted", "The DBS permission has been given")

    # Staff find the PA and open the DBS record from the vetting page.
    staff = await (await new_context()).new_page()
    await sign_in(staff, server, server.staff_email, server.staff_password)
    await visit_checked(staff, server.url("/search?postcode=PE1+1AB&radius=10"))
    href = await staff.get_by_role("link", name=name).first.get_attribute("href")
    profile_id = int(re.search(r"/pas/(\d+)", href or "").group(1))
    await visit_checked(staff, server.url(f"/staff/vetting/{profile_id}"))
    await staff.get_by_role("link", name="open the DBS record").click()
    await expect(staff).to_have_url(server.url(f"/staff/dbs/pa/{profile_id}"))
    await expect(staff.get_by_text("No current DBS check")).to_be_visible()
    await check_a11y(staff)

    # Start an application through the service (the defaults: enhanced, adults' list).
    await staff.get_by_text("Start an application for a new check").click()
    await staff.get_by_role("button", name="Start application").click()
    # A check can cost money: one more page asks whether staff are sure.
    await expect(
        staff.get_by_role("heading", name="Are you sure you want to start a new DBS application?")
    ).to_be_visible()
    await check_a11y(staff)
    await staff.get_by_role("button", name="Yes, start the application").click()
    await expect_banner(staff, server, f"/staff/dbs/pa/{profile_id}?done=application", "started")

    today = date.today()
    card = staff.locator("[id^=application-]").first
    await fill_date(card, "Date the identity documents were verified", today)
    await card.get_by_label("Documents verified").fill("Passport, council tax bill")
    await card.get_by_role("button", name="Record: identity documents verified").click()
    await expect_banner(staff, server, f"/staff/dbs/pa/{profile_id}?done=step", "step has been recorded")

    await fill_date(card, "Date the application was submitted", today)
    await card.get_by_label("Umbrella body's reference").fill("UB-778812")
    await card.get_by_role("button", name="Record: submitted to dbs").click()
    await expect_banner(staff, server, f"/staff/dbs/pa/{profile_id}?done=step", "step has been recorded")

    # The certificate arrives: a mistyped number is named on its field, the rest is kept.
    await fill_date(card, "Date of issue", today)
    await card.get_by_label("Certificate number").fill("00112233445")
    await card.get_by_label("Clear").check()
    await card.get_by_label("The PA has joined the Update Service").check()
    await fill_date(card, "Date the PA joined the Update Service", today)
    await card.get_by_label("The PA's current surname (optional)").fill("Example")
    await fill_date(card, "The PA's date of birth (optional)", date(1988, 4, 12))
    await card.get_by_role("button", name="Record: certificate issued").click()
    await expect_error(staff, "The certificate number must be 12 digits; you entered 11")
    card = staff.locator("[id^=application-]").first
    await expect(card.get_by_label("The PA's current surname (optional)")).to_have_value("Example")
    await card.get_by_label("Certificate number").fill(NUMBER)
    await card.get_by_role("button", name="Record: certificate issued").click()
    await expect_banner(staff, server, f"/staff/dbs/pa/{profile_id}?done=step", "step has been recorded")
    await expect(staff.get_by_text(NUMBER)).to_be_visible()  # staff see the whole number

    await fill_date(card, "Date you saw the certificate in person", today)
    await card.get_by_role("button", name="Record: certificate seen by staff").click()
    await expect_banner(staff, server, f"/staff/dbs/pa/{profile_id}?done=step", "step has been recorded")

    await fill_date(card, "Date of the decision", today)
    await card.get_by_label("Suitable", exact=True).check()
    await card.get_by_role("button", name="Record: decision made").click()
    await expect_banner(staff, server, f"/staff/dbs/pa/{profile_id}?done=step", "step has been recorded")
    await expect(
        staff.get_by_text("Enhanced DBS with the adults' barred list, current until")
    ).to_be_visible()

    # A status check needs the PA's consent first: the error points at the consent field.
    certificate = staff.locator("[id^=check-]").first
    await certificate.get_by_text("Record an Update Service status check").click()
    await fill_date(certificate, "Date of the status check", today)
    await certificate.get_by_label("No information on the certificate, still current").check()
    await certificate.get_by_role("button", name="Record status check").click()
    await expect_error(staff, "Record the PA's consent to status checks before you check")
    certificate = staff.locator("[id^=check-]").first
    await fill_date(certificate, "Date the PA consented to status checks", today)
    await certificate.get_by_role("button", name="Record consent").click()
    await expect_banner(
        staff, server, f"/staff/dbs/pa/{profile_id}?done=consent", "consent has been recorded"
    )
    certificate = staff.locator("[id^=check-]").first
    await certificate.get_by_text("Record an Update Service status check").click()
    await fill_date(certificate, "Date of the status check", today)
    await certificate.get_by_label("No information on the certificate, still current").check()
    await certificate.get_by_role("button", name="Record status check").click()
    await expect_banner(
        staff, server, f"/staff/dbs/pa/{profile_id}?done=status", "status check has been recorded"
    )
    await expect(
        staff.get_by_role("cell", name="No information on the certificate, still current")
    ).to_be_visible()

    # Every look is recorded, and staff can list them.
    await staff.get_by_role("link", name="Who has looked at this DBS record").click()
    await expect(staff.get_by_role("cell", name="Recorded an Update Service status check")).to_be_visible()
    await check_a11y(staff)

    # A recipient sees the badge on the PA's page, and nothing of the certificate.
    recipient = await (await new_context()).new_page()
    await sign_in(recipient, server, recipient_email, PASSWORD)
    await visit_checked(recipient, server.url(f"/pas/{profile_id}"))
    await expect(
        recipient.get_by_text(f"Enhanced DBS with the adults' barred list, checked by staff on {long(today)}")
    ).to_be_visible()
    assert NUMBER[-4:] not in await recipient.content()
    await add_person(recipient, server)  # searches start from their own place
    await visit_checked(recipient, server.url("/search?postcode=PE1+1AB&dbs=enhanced_children"))
    await expect(recipient.get_by_role("link", name=name)).to_have_count(0)
    await visit_checked(recipient, server.url("/search?postcode=PE1+1AB&dbs=enhanced_adults"))
    await expect(recipient.get_by_role("link", name=name)).to_have_count(1)
    await visit_checked(recipient, server.url("/dbs"))

    # The dashboard and the applications queue.
    await visit_checked(staff, server.url("/staff/dbs"))
    await visit_checked(staff, server.url("/staff/dbs/applications"))
