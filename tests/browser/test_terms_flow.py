"""School terms in a real Chromium, on a wide screen and a phone: an admin adds a school year,
is told what is wrong beside each field, adds its autumn term and is refused a holiday inside
it, then sees the year's dates. axe checks every page on the way."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from playwright.async_api import Page, expect

from tests.browser.helpers import check_a11y, expect_error, sign_in, visit_checked
from tests.support import PASSWORD

if TYPE_CHECKING:
    from tests.browser.conftest import Server

pytestmark = pytest.mark.browser


async def fill_date(page: Page, legend: str, day: int, month: int, year: int) -> None:
    group = page.get_by_role("group", name=legend)
    await group.get_by_label("Day").fill(str(day))
    await group.get_by_label("Month").fill(str(month))
    await group.get_by_label("Year").fill(str(year))


async def no_sideways_scroll(page: Page, width: int) -> None:
    assert await page.evaluate("document.documentElement.scrollWidth") <= width


@pytest.mark.parametrize(("width", "start"), [(1280, 2030), (320, 2032)])
async def test_an_admin_adds_a_school_year_and_its_dates(
    server: Server, new_context, width: int, start: int
) -> None:
    email = f"terms.admin.{width}@example.org"
    server.create_user("admin", email, "Ada Admin", PASSWORD)
    page = await (await new_context(viewport={"width": width, "height": 800})).new_page()
    await sign_in(page, server, email, PASSWORD)
    name = f"{start} to {start + 1}"

    await visit_checked(page, server.url("/admin/terms"))
    await expect(page.get_by_role("heading", level=1)).to_have_text("School terms")
    await page.get_by_role("button", name="Add a school year").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Add a school year")
    await check_a11y(page)

    # A year that ends before it starts, with no source: each problem beside its field.
    await page.get_by_label("Name").fill(name)
    await fill_date(page, "First day", 1, 9, start)
    await fill_date(page, "Last day", 31, 8, start)
    await page.get_by_role("button", name="Add school year").click()
    await expect_error(
        page,
        "The last day must be the same as or after the first day",
        "Enter where the dates come from, like the council's term dates page",
    )
    await expect(page.get_by_label("Name")).to_have_value(name)
    await no_sideways_scroll(page, width)

    await fill_date(page, "Last day", 31, 8, start + 1)
    await page.get_by_label("Where the dates come from").fill("Peterborough City Council, school term dates")
    await page.get_by_role("button", name="Add school year").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text(name)
    await expect(page.locator(".govuk-notification-banner")).to_contain_text("The school year has been added")
    await check_a11y(page)

    # Its autumn term, then a holiday inside it: refused, beside the first day.
    for kind, period, first, last in (
        ("Term", "Autumn term", (1, 9, start), (18, 12, start)),
        ("Holiday", "Bonfire week", (2, 11, start), (6, 11, start)),
    ):
        await page.get_by_role("button", name="Add a term, holiday or INSET day").click()
        await check_a11y(page)
        await page.get_by_label(kind, exact=True).check()
        await page.get_by_label("Name (optional)").fill(period)
        await fill_date(page, "First day", *first)
        await fill_date(page, "Last day", *last)
        await page.get_by_role("button", name="Add", exact=True).click()
        if kind == "Term":
            await expect(page.locator(".govuk-notification-banner")).to_contain_text(
                "The dates have been added"
            )
            await check_a11y(page)
    await expect_error(
        page,
        f"This holiday overlaps Autumn term (1 September {start} to 18 December {start}): a holiday cannot be in a term",
    )
    await no_sideways_scroll(page, width)
    await page.get_by_role("link", name=f"Back to {name}").click()
    table = page.locator("main table")
    await expect(table).to_contain_text("Autumn term")
    await expect(table).not_to_contain_text("Bonfire week")
    await check_a11y(page)
    await no_sideways_scroll(page, width)
