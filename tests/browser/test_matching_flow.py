"""Matching in a real Chromium, from a need to a PA at work: a recipient adds the person they
support and posts a need; it ranks two nearby PAs (each with the reasons they are suggested);
the recipient shortlists both and invites one; the PA accepts; an interview is booked (a
missing start time is named and nothing typed is lost), and both sides are emailed the
calendar file and can download it; an offer is made and the PA accepts it; the safe
recruitment checklist is completed and the PA starts; the need shows it is filled. axe checks
every page on the way."""

from __future__ import annotations

import asyncio
import re
import subprocess
import sys
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from playwright.async_api import Locator, Page, expect

from market.dates import long_date
from tests.browser.conftest import _run_cli
from tests.browser.helpers import (
    check_a11y,
    expect_banner,
    expect_error,
    link_from_outbox,
    sign_in,
    visit_checked,
)

if TYPE_CHECKING:
    from tests.browser.conftest import Server

pytestmark = pytest.mark.browser

PASSWORD = "green kettle 58 meadow"
INDEX_SECONDS = 2  # the candidate index follows the register's change log within this

# Set-up only: staff record each PA's basic DBS certificate and decide it suitable, through the
# same services the staff DBS pages use (test_dbs_flow drives those pages themselves).
RECORD_CERTIFICATES = """
import asyncio, sys
from datetime import timedelta

from market.cli import _settings, _with_db


async def work():
    from market.accounts.schemas import CurrentUser
    from market.accounts.tables import User
    from market.dbs import checks, forms
    from market.clock import london_today
    from market.dbs.tables import DBSPermission
    from market.register.tables import PAProfile

    staff_email, *pa_emails = sys.argv[1:]
    row = await User.select(User.id, User.email, User.role, User.display_name).where(
        User.email == staff_email
    ).first()
    staff = CurrentUser(**row)
    if not await DBSPermission.exists().where(DBSPermission.user == staff.id):
        await DBSPermission.insert(DBSPermission(user=staff.id))
    issued = (london_today() - timedelta(days=30)).isoformat()
    for number, email in enumerate(pa_emails):
        profile = await PAProfile.select(PAProfile.id).where(PAProfile.user.email == email).first()
        form = {
            "certificate_number": f"{number + 1:012d}",
            "issued_on": issued,
            "level": "basic",
            "barred_lists": "none",
            "workforce": "adult",
            "certificate_result": "clear",
        }
        check_id = await checks.record_check(profile["id"], forms.certificate_input(form), actor=staff)
        await checks.record_decision(
            profile["id"], check_id, forms.decision_input({"decision": "suitable", "rationale": "Seen in person"}), actor=staff
        )


asyncio.run(_with_db(_settings(), work))
"""


def import_pas(server: Server, tmp_path, people: list[tuple[str, str]]) -> None:
    """Approved PAs living at PE1 1AB, free on Monday daytimes, added from a spreadsheet."""
    csv = tmp_path / "pas.csv"
    lines = [
        "email,full_name,display_name,home_postcode,travel_miles,skills,min_hourly_rate,employment,"
        "right_to_work,availability,headline,status"
    ]
    for email, name in people:
        lines.append(
            f"{email},{name} Example,{name},PE1 1AB,10,personal_care:3,12.50,either,yes,"
            "Mon 09:00-17:00,Calm and reliable PA,approved"
        )
    csv.write_text("\n".join(lines) + "\n")
    _run_cli(["register", "import", str(csv), "--by", server.staff_email], server.env, server.root)


def record_certificates(server: Server, staff_email: str, pa_emails: list[str]) -> None:
    result = subprocess.run(
        [sys.executable, "-c", RECORD_CERTIFICATES, staff_email, *pa_emails],
        env=server.env,
        cwd=server.root,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, f"recording the certificates failed:\n{result.stdout}\n{result.stderr}"


async def fill_date(scope: Page | Locator, legend: str, day: date) -> None:
    group = scope.get_by_role("group", name=legend)
    await group.get_by_label("Day").fill(str(day.day))
    await group.get_by_label("Month").fill(str(day.month))
    await group.get_by_label("Year").fill(str(day.year))


async def pa_signs_in(page: Page, staff: Page, server: Server, email: str) -> None:
    link = await link_from_outbox(staff, server, email, "You have been added", "/password/reset/")
    await visit_checked(page, link)
    await page.get_by_label("New password").fill(PASSWORD)
    await page.get_by_role("button", name="Save new password").click()
    await expect(page).to_have_url(server.url("/login?done=password-reset"))
    await check_a11y(page)
    await sign_in(page, server, email, PASSWORD)
    await expect(page).to_have_url(server.url("/home"))
    await check_a11y(page)


async def see_matches(page: Page, server: Server, need_id: int, names: list[str]) -> None:
    """The matches page lists every name; the index may take up to INDEX_SECONDS to catch up."""
    await page.goto(server.url(f"/needs/{need_id}/matches"))
    deadline = time.monotonic() + INDEX_SECONDS
    while True:
        found = [await page.get_by_role("heading", name=name, level=2).count() for name in names]
        if all(found) or time.monotonic() > deadline:
            break
        await page.wait_for_timeout(250)
        await page.reload()
    for name in names:
        await expect(page.get_by_role("heading", name=name, level=2)).to_be_visible()
    await check_a11y(page)


async def calendar_download(page: Page, link: Locator) -> tuple[str, str]:
    """Click a calendar link; the file's suggested name and its text."""
    async with page.expect_download() as info:
        await link.click()
    download = await info.value
    path = await download.path()
    content = await asyncio.to_thread(Path(path).read_bytes)  # bytes: the CRLF line ends kept
    return download.suggested_filename, content.decode("utf-8")


def assert_interview_calendar(text: str, title: str, starts: str) -> None:
    assert text.startswith("BEGIN:VCALENDAR\r\n"), text[:80]
    assert f"\r\nSUMMARY:PA interview: {title}\r\n" in text, text
    assert f"\r\nDTSTART:{starts}\r\n" in text, text
    assert "\r\nLOCATION:Peterborough Central Library\r\n" in text, text
    assert text.rstrip().endswith("END:VCALENDAR")


async def interview_email(staff: Page, server: Server, to: str, title: str) -> None:
    """As staff: the interview email to ``to`` is in the outbox, with the calendar file attached."""
    subject = f"An interview has been booked: {title}"
    await visit_checked(staff, server.url("/staff/outbox"))
    row = staff.locator("tbody tr").filter(has_text=to).filter(has_text=subject).first
    await row.get_by_role("link").click()
    await expect(staff.get_by_role("heading", level=1)).to_have_text(subject)
    attached = staff.locator(".govuk-summary-list__row").filter(has=staff.locator("dt", has_text="Attached"))
    await expect(attached.locator("dd")).to_have_text("interview.ics")
    await expect(staff.locator(".app-email-body")).to_contain_text("The calendar file is attached.")
    await check_a11y(staff)


async def test_a_need_is_matched_and_filled_from_shortlist_to_first_day(
    server: Server, new_context, tmp_path
) -> None:
    run = uuid.uuid4().hex[:6]
    ann, ben = f"Annmatch{run}", f"Benmatch{run}"
    ann_email, ben_email = f"ann.match.{run}@example.org", f"ben.match.{run}@example.org"
    recipient_email = f"recipient.match.{run}@example.org"
    dbs_staff_email = f"dbs.staff.match.{run}@example.org"
    person = f"Pat Person {run}"
    title = f"Monday mornings {run}"
    import_pas(server, tmp_path, [(ann_email, ann), (ben_email, ben)])
    server.create_user("staff", dbs_staff_email, "Dee Staff", PASSWORD)
    record_certificates(server, dbs_staff_email, [ann_email, ben_email])
    server.create_user("recipient", recipient_email, "Rita Recipient", PASSWORD)

    # The recipient tells us who the support is for: an adult at PE1 1AB.
    recipient = await (await new_context()).new_page()
    await sign_in(recipient, server, recipient_email, PASSWORD)
    await expect(recipient).to_have_url(server.url("/home"))
    await check_a11y(recipient)
    await recipient.get_by_role("link", name="Your needs").first.click()
    await expect(recipient).to_have_url(server.url("/needs/people/new"))
    await check_a11y(recipient)
    await recipient.get_by_label("Their name").fill(person)
    await recipient.get_by_label("Adult (18 to 64)").check()
    await recipient.get_by_label("Postcode where they live").fill("PE1 1AB")
    await recipient.get_by_role("button", name="Continue").click()

    # The need: regular weekday support, no personal care (so a basic DBS check will do).
    await expect(recipient).to_have_url(re.compile(re.escape(server.url("/needs/new?recipient=")) + r"\d+$"))
    await expect(recipient.get_by_role("heading", level=1)).to_have_text("About the support")
    await check_a11y(recipient)
    await recipient.get_by_label("Title").fill(title)
    await recipient.get_by_label("What the support involves").fill(
        "Help with shopping, cooking and getting out and about."
    )
    await recipient.get_by_role("button", name="Save and continue").click()
    await expect(recipient).to_have_url(re.compile(r"/needs/\d+/section/where\?flow=continue&done=created$"))
    need_id = int(re.search(r"/needs/(\d+)/section", recipient.url).group(1))
    await expect(recipient.locator(".govuk-notification-banner--success")).to_contain_text("saved as a draft")
    # Each short page in turn, saved as it goes; the answers already there are kept.
    for heading in ("Where support is needed", "Hours and shifts", "About the person", "Skills a PA must have",
                    "Skills that would be good to have", "Languages", "Driving", "Preferences and the home",
                    "Pay"):  # fmt: skip
        await expect(recipient.get_by_role("heading", level=1)).to_have_text(heading)
        await check_a11y(recipient)
        if heading == "Hours and shifts":
            await recipient.get_by_label("Hours a week (optional)").fill("3")
        await recipient.get_by_role("button", name="Save and continue").click()
    await expect(recipient).to_have_url(server.url(f"/needs/{need_id}/times?done=saved"))
    await check_a11y(recipient)

    # When: Monday, 10:00 to 13:00.
    await recipient.get_by_label("Day it starts").select_option(label="Monday")
    await recipient.get_by_label("Start time").fill("10:00")
    await recipient.get_by_label("End time").fill("13:00")
    await recipient.get_by_role("button", name="Add time").click()
    await expect_banner(
        recipient, server, f"/needs/{need_id}/times?done=slot-added", "The time has been added"
    )
    await expect(recipient.get_by_role("cell", name="Monday 10:00 to 13:00", exact=True)).to_be_visible()

    # Checked, opened, it matches; its DBS requirement follows from the person.
    await recipient.get_by_role("button", name="Continue to check your answers").click()
    await expect(recipient).to_have_url(server.url(f"/needs/{need_id}"))
    await check_a11y(recipient)
    await expect(
        recipient.get_by_role("heading", name="Check your answers before opening the need")
    ).to_be_visible()
    await expect(recipient.locator("#need-status")).to_contain_text("Draft")
    await recipient.get_by_role("button", name="Open", exact=True).click()
    await expect_banner(recipient, server, f"/needs/{need_id}?done=open", "The need is open")
    await expect(recipient.locator("#need-status")).to_contain_text("Open")
    dbs_row = recipient.locator(".govuk-summary-list__row").filter(
        has=recipient.locator("dt", has_text="DBS check needed")
    )
    await expect(dbs_row.locator("dd")).to_contain_text("Basic")

    # Ranked matches, each with the reasons it is suggested.
    await recipient.get_by_role("link", name="See the PAs who match this need").click()
    await expect(recipient).to_have_url(server.url(f"/needs/{need_id}/matches"))
    await see_matches(recipient, server, need_id, [ann, ben])
    cards = recipient.locator("ol.app-matches > li")
    scores = [
        int(re.search(r"Match (\d+) out of 100", text).group(1)) for text in await cards.all_inner_texts()
    ]
    assert scores == sorted(scores, reverse=True), f"matches not ranked best first: {scores}"
    for name in (ann, ben):
        card = cards.filter(has=recipient.get_by_role("heading", name=name, level=2))
        await expect(card).to_contain_text(re.compile(r"Match \d+ out of 100"))
        await expect(card.get_by_role("heading", name=f"Why {name} is suggested")).to_be_visible()
        assert await card.locator("ul li").count() >= 1
        await expect(card).to_contain_text("Basic DBS")

    # Both go on the shortlist.
    await recipient.get_by_role("button", name=f"Shortlist {ann}").click()
    await expect_banner(recipient, server, f"/needs/{need_id}/shortlist?done=shortlisted", "on the shortlist")
    await recipient.get_by_role("link", name="Back to the matches").click()
    await check_a11y(recipient)
    await recipient.get_by_role("button", name=f"Shortlist {ben}").click()
    await expect_banner(recipient, server, f"/needs/{need_id}/shortlist?done=shortlisted", "on the shortlist")
    ann_card = recipient.locator(".app-card").filter(has=recipient.get_by_role("link", name=ann, exact=True))
    ben_card = recipient.locator(".app-card").filter(has=recipient.get_by_role("link", name=ben, exact=True))
    await expect(ann_card.locator(".govuk-tag")).to_have_text("Shortlisted")
    await expect(ben_card.locator(".govuk-tag")).to_have_text("Shortlisted")

    # Ann is invited, and emailed.
    await recipient.get_by_role("button", name=f"Invite {ann}").click()
    await expect_banner(recipient, server, f"/needs/{need_id}/shortlist?done=invited", "has been invited")
    await expect(ann_card.locator(".govuk-tag")).to_have_text("Invited")
    await expect(ben_card.locator(".govuk-tag")).to_have_text("Shortlisted")

    staff = await (await new_context()).new_page()
    await sign_in(staff, server, server.staff_email, server.staff_password)
    await expect(staff).to_have_url(server.url("/home"))
    await check_a11y(staff)
    pa = await (await new_context()).new_page()
    await pa_signs_in(pa, staff, server, ann_email)
    invitation_link = await link_from_outbox(
        staff, server, ann_email, f"Invitation: {title}", "/invitations/"
    )
    application_id = int(invitation_link.rstrip("/").split("/")[-1])

    # Ann reads the invitation (the area, not the address) and accepts.
    await visit_checked(pa, invitation_link)
    await expect(pa.get_by_role("heading", level=1)).to_have_text(title)
    await expect(pa.locator("#answer")).to_have_text("Invited")
    assert "PE1 1AB" not in await pa.content()
    await pa.get_by_role("button", name="Accept", exact=True).click()
    await expect_banner(pa, server, "/invitations?done=accepted", "You have accepted the invitation")

    # The recipient books the interview: a missing start time is named, the rest is kept.
    page_of_application = f"/needs/{need_id}/applications/{application_id}"
    application = server.url(page_of_application)
    await visit_checked(recipient, server.url(f"/needs/{need_id}/shortlist"))
    await expect(ann_card.locator(".govuk-tag")).to_have_text("Accepted")
    await ann_card.get_by_role("link", name=f"Book an interview with {ann}").click()
    await expect(recipient).to_have_url(application)
    await expect(recipient.get_by_role("heading", level=1)).to_have_text(ann)
    await expect(recipient.get_by_role("link", name=ann_email)).to_be_visible()  # contact, now they accepted
    await check_a11y(recipient)
    tomorrow = date.today() + timedelta(days=1)
    book = recipient.locator("form#book")
    await fill_date(book, "Date", tomorrow)
    await book.get_by_label("In person").check()
    await book.get_by_label("Where, or the video call link").fill("Peterborough Central Library")
    await book.get_by_role("button", name="Book the interview").click()
    await expect_error(recipient, "Enter the start time, for example 09:30")
    summary_link = recipient.locator(".govuk-error-summary").get_by_role("link")
    await expect(summary_link).to_have_attribute("href", "#book-time")
    book = recipient.locator("form#book")
    await expect(book.locator("#book-time")).to_be_visible()
    await expect(book.get_by_role("group", name="Date").get_by_label("Day")).to_have_value(str(tomorrow.day))
    await expect(book.get_by_label("Where, or the video call link")).to_have_value(
        "Peterborough Central Library"
    )
    await expect(book.get_by_label("1 hour")).to_be_checked()
    await book.get_by_label("Start time").fill("14:30")
    await book.get_by_role("button", name="Book the interview").click()
    await expect_banner(
        recipient, server, f"{page_of_application}?done=interview#book", "The interview is booked"
    )
    await expect(recipient.locator("#stage")).to_have_text("Interview booked")

    # The calendar file: the need's side downloads it from the application page...
    name, text = await calendar_download(
        recipient, recipient.get_by_role("link", name="Add this interview to your calendar (.ics file)")
    )
    assert name == "interview.ics"
    starts = re.search(r"\r\nDTSTART:(\d{8}T\d{6}Z)\r\n", text).group(1)
    assert starts.startswith(tomorrow.strftime("%Y%m%d"))
    assert_interview_calendar(text, title, starts)

    # ...and Ann from her interviews page, and both were emailed it.
    await pa.get_by_role("link", name="Interviews", exact=True).click()
    await expect(pa).to_have_url(server.url("/interviews"))
    await check_a11y(pa)
    interview_card = pa.locator(".app-card").filter(has_text=title)
    await expect(interview_card).to_contain_text("Peterborough Central Library")
    name, text = await calendar_download(
        pa, interview_card.get_by_role("link", name=re.compile(r"^Add to your calendar"))
    )
    assert name == "interview.ics"
    assert_interview_calendar(text, title, starts)
    await interview_email(staff, server, ann_email, title)
    await interview_email(staff, server, recipient_email, title)

    # The offer, which Ann accepts: she is appointed and the need is filled.
    await visit_checked(recipient, application)
    offer = recipient.locator("form#offer")
    start_day = date.today() + timedelta(days=14)
    await fill_date(offer, "Start date", start_day)
    await expect(offer.get_by_label("Hours a week")).to_have_value("3")
    await offer.get_by_label("Hourly rate, in pounds").fill("13.50")
    await offer.get_by_role("button", name="Make the offer").click()
    await expect_banner(
        recipient, server, f"{page_of_application}?done=offered#offer", "The offer has been made"
    )
    await expect(recipient.locator("#stage")).to_have_text("Offered")

    await visit_checked(pa, invitation_link)
    await expect(pa.locator("#answer")).to_have_text("Offered")
    await expect(pa.get_by_text("£13.50")).to_be_visible()
    await pa.get_by_role("button", name="Accept the offer").click()
    await expect_banner(
        pa, server, f"/invitations/{application_id}?done=appointed", "You have accepted the offer"
    )
    await expect(pa.locator("#answer")).to_have_text("Appointed")

    # Ben, shortlisted but never invited, is withdrawn now someone is appointed.
    await visit_checked(recipient, server.url(f"/needs/{need_id}/shortlist"))
    await expect(ann_card.locator(".govuk-tag")).to_have_text("Appointed")
    await expect(ben_card.locator(".govuk-tag")).to_have_text("Withdrawn")

    # The safe recruitment checklist, one check at a time; then Ann starts.
    await visit_checked(recipient, application)
    await expect(recipient.locator("#stage")).to_have_text("Appointed")
    to_do = recipient.locator(".app-card").filter(
        has=recipient.get_by_role("button", name=re.compile(r"^Record this check"))
    )
    checks = await to_do.count()
    assert checks == 7, f"expected 7 checks for a basic certificate off the Update Service, found {checks}"
    for _ in range(checks):
        card = to_do.first
        check_name = (await card.locator("h3").inner_text()).replace("To do", "").strip()
        item = (await card.get_attribute("id")).removeprefix("check-")
        await fill_date(card, "Date checked", date.today())
        # Chromium names it "Record this check : <check>": the hidden text is its own box.
        record = re.compile(rf"^Record this check\s*:\s*{re.escape(check_name)}$")
        await card.get_by_role("button", name=record).click()
        await expect_banner(
            recipient, server, f"{page_of_application}?done=checked#check-{item}", "The check is recorded"
        )
        done = recipient.locator(".app-card").filter(has=recipient.locator("h3", has_text=check_name))
        await expect(done.locator(".govuk-tag")).to_have_text("Done")
    await expect(to_do).to_have_count(0)
    # Not yet: the start date, and the interview, are still to come.
    await recipient.get_by_role("button", name=f"{ann} has started work").click()
    await expect_error(recipient, f"The PA's start date is {long_date(start_day)}")
    await check_a11y(recipient)
    # Time passes: the interview happened yesterday, and today is the start date.
    server.execute(
        "UPDATE matching_interview SET starts_at = ? WHERE application = ?",
        ((datetime.now(UTC) - timedelta(days=1)).strftime("%Y-%m-%d %H:%M:%S+00:00"), application_id),
    )
    server.execute(
        "UPDATE matching_appointment SET start_date = ? WHERE application = ?",
        (date.today().isoformat(), application_id),
    )
    await visit_checked(recipient, application)
    await recipient.get_by_role("button", name=f"{ann} has started work").click()
    await expect_banner(
        recipient, server, f"{page_of_application}?done=started#checklist", "The PA has started work"
    )
    await expect(recipient.locator("#stage")).to_have_text("Started")

    # The need shows it is filled, on its page and in the list of needs.
    await visit_checked(recipient, server.url(f"/needs/{need_id}"))
    await expect(recipient.locator("#need-status .govuk-tag")).to_have_text("Filled")
    await visit_checked(recipient, server.url("/needs"))
    await expect(recipient.get_by_role("row", name=re.compile(re.escape(title)))).to_contain_text("Filled")
