"""Training in a real Chromium: a trainer creates a session; two PAs near the venue book
it; on the day the trainer marks one completed and one absent in one screen; the completed
PA's profile shows the course, verified, with the month it expires; the absent PA's does
not. axe checks every page."""

from __future__ import annotations

import sqlite3
import uuid
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING

import pytest
from playwright.async_api import Page, expect

from tests.browser.conftest import _run_cli
from tests.browser.helpers import add_person, check_a11y, link_from_outbox, sign_in, visit_checked

if TYPE_CHECKING:
    from tests.browser.conftest import Server

pytestmark = pytest.mark.browser

PASSWORD = "quiet river 77 lantern"


def import_pas(server: Server, tmp_path, people: list[tuple[str, str]]) -> None:
    """Approved PAs near PE1, added as staff would from a spreadsheet (each is emailed a link)."""
    csv = tmp_path / "pas.csv"
    lines = [
        "email,full_name,display_name,home_postcode,travel_miles,skills,min_hourly_rate,employment,"
        "right_to_work,availability,headline,status"
    ]
    for email, name in people:
        lines.append(
            f"{email},{name} Example,{name},PE1 1AB,10,hoist:3,12.50,either,yes,Mon 09:00-17:00,Steady PA,approved"
        )
    csv.write_text("\n".join(lines) + "\n")
    _run_cli(["register", "import", str(csv), "--by", server.staff_email], server.env, server.root)


def the_day_arrives(server: Server, session_id: int) -> None:
    """Time passes: the session (created for tomorrow, as sessions must start in the future)
    has begun, so attendance can be recorded. The only change made behind the app's back."""
    database = server.env["MARKET_DATABASE_URL"].removeprefix("sqlite:///")
    started = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=1)
    with sqlite3.connect(database) as connection:
        connection.execute(
            "UPDATE training_session SET starts_at = ?, ends_at = ? WHERE id = ?",
            (started.isoformat(sep=" "), (started + timedelta(minutes=50)).isoformat(sep=" "), session_id),
        )


async def pa_signs_in(page: Page, staff: Page, server: Server, email: str) -> None:
    link = await link_from_outbox(staff, server, email, "You have been added", "/password/reset/")
    await visit_checked(page, link)
    await page.get_by_label("New password").fill(PASSWORD)
    await page.get_by_role("button", name="Save new password").click()
    await sign_in(page, server, email, PASSWORD)
    await expect(page).to_have_url(server.url("/home"))


async def test_a_trainer_runs_a_session_and_the_completion_reaches_the_profile(
    server: Server, new_context, tmp_path
) -> None:
    run = uuid.uuid4().hex[:6]
    trainer_email = f"trainer.{run}@example.org"
    recipient_email = f"recipient.{run}@example.org"
    ann, ben = f"Ann{run}", f"Ben{run}"
    ann_email, ben_email = f"ann.{run}@example.org", f"ben.{run}@example.org"
    server.create_user("trainer", trainer_email, "Tina Trainer", PASSWORD)
    server.create_user("recipient", recipient_email, "Rita Recipient", PASSWORD)
    pas: dict[str, Page] = {}
    import_pas(server, tmp_path, [(ann_email, ann), (ben_email, ben)])

    # The trainer creates a moving and handling session at a Peterborough venue.
    trainer = await (await new_context()).new_page()
    await sign_in(trainer, server, trainer_email, PASSWORD)
    await trainer.get_by_role("link", name="Sessions").first.click()
    await check_a11y(trainer)
    await visit_checked(trainer, server.url("/training/sessions/new"))
    await trainer.get_by_label("Course").select_option(label="Moving and handling")
    tomorrow = date.today() + timedelta(days=1)
    group = trainer.get_by_role("group", name="Date")
    await group.get_by_label("Day").fill(str(tomorrow.day))
    await group.get_by_label("Month").fill(str(tomorrow.month))
    await group.get_by_label("Year").fill(str(tomorrow.year))
    await trainer.get_by_label("Start time").fill("09:30")
    await trainer.get_by_label("End time").fill("12:30")
    await trainer.get_by_label("At a venue").check()
    await trainer.get_by_label("Venue", exact=True).fill("Peterborough Town Hall, Bridge Street")
    await trainer.get_by_label("Venue postcode").fill("PE1 1HF")
    await trainer.get_by_label("Number of places").fill("2")
    await trainer.get_by_role("button", name="Create session").click()
    await expect(trainer.get_by_role("heading", level=1)).to_contain_text("Moving and handling")
    await check_a11y(trainer)
    session_id = int(trainer.url.rstrip("/").split("/")[-1].split("?")[0])

    # Two PAs near the venue book its two places.
    staff = await (await new_context()).new_page()
    await sign_in(staff, server, server.staff_email, server.staff_password)
    for name, email in ((ann, ann_email), (ben, ben_email)):
        page = await (await new_context()).new_page()
        await pa_signs_in(page, staff, server, email)
        await page.get_by_role("link", name="Training").first.click()
        await expect(page).to_have_url(server.url("/training"))
        await check_a11y(page)
        await page.get_by_role("button", name="Book a place").first.click()
        await expect(page.locator(".govuk-notification-banner--success")).to_be_visible()
        await check_a11y(page)
        pas[name] = page

    # On the day, the trainer records the whole session in one screen.
    the_day_arrives(server, session_id)
    await visit_checked(trainer, server.url(f"/training/sessions/{session_id}"))
    await trainer.get_by_role("group", name=ann).get_by_label("Completed").check()
    await trainer.get_by_role("group", name=ben).get_by_label("Absent").check()
    await trainer.get_by_role("button", name="Record attendance").click()
    await expect(trainer.locator(".govuk-notification-banner--success")).to_be_visible()
    await check_a11y(trainer)

    # A recipient sees the course on Ann's profile: verified, with the month it expires.
    recipient = await (await new_context()).new_page()
    await sign_in(recipient, server, recipient_email, PASSWORD)
    await add_person(recipient, server)  # searches start from their own place
    await visit_checked(recipient, server.url("/search?postcode=PE1+1AB"))
    await recipient.get_by_role("link", name=ann).first.click()
    expiry = date.today().replace(year=date.today().year + 1)
    training = recipient.locator(".app-training")
    await expect(training).to_contain_text(
        f"Moving and handling (verified), valid until {expiry.strftime('%B %Y')}"
    )
    await check_a11y(recipient)

    await visit_checked(recipient, server.url("/search?postcode=PE1+1AB"))
    await recipient.get_by_role("link", name=ben).first.click()
    await expect(recipient.locator(".app-training")).to_have_count(0)

    # Ann's own record shows it with our certificate number; Ben's has no certificate.
    await visit_checked(pas[ann], server.url("/profile/training"))
    await expect(pas[ann].get_by_text("Moving and handling").first).to_be_visible()
    await expect(pas[ann].get_by_text("PAR-").first).to_be_visible()
    await visit_checked(pas[ben], server.url("/profile/training"))
    await expect(pas[ben].get_by_text("PAR-")).to_have_count(0)
