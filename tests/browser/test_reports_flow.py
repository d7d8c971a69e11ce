"""Reports in a real Chromium: staff open the reports page, choose a quarter (a mistake first:
"other dates" with no dates, named next to the fields), read the figures and download the
monitoring return as XLSX. axe checks every page on the way."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

import pytest
from openpyxl import load_workbook
from playwright.async_api import expect

from tests.browser.helpers import check_a11y, sign_in, visit_checked

if TYPE_CHECKING:
    from tests.browser.conftest import Server

pytestmark = pytest.mark.browser


async def test_staff_change_the_period_and_download_the_return(server: Server, new_context) -> None:
    page = await (await new_context(accept_downloads=True)).new_page()
    await sign_in(page, server, server.staff_email, server.staff_password)
    await page.get_by_role("link", name="Reports").first.click()
    await expect(page.get_by_role("heading", level=1)).to_contain_text("-")  # e.g. "2026-27"
    await check_a11y(page)

    await page.get_by_text("Choose another period").click()
    await page.get_by_label("Other dates").check()
    await page.get_by_role("button", name="Show the figures").click()
    await expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the start date")
    await check_a11y(page)

    await page.get_by_label("A quarter of a financial year").check()
    await page.get_by_label("Financial year (for a year or a quarter)").select_option(label="2025-26")
    await page.get_by_label("Quarter (for a quarter)").select_option("3")
    await page.get_by_role("button", name="Show the figures").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Q3 2025-26")
    await expect(page.get_by_text("1 October 2025 to 31 December 2025")).to_be_visible()
    await expect(page.get_by_role("heading", name="The register", exact=False).first).to_be_visible()
    await check_a11y(page)

    async with page.expect_download() as info:
        await page.get_by_role(
            "link",
            name="The monitoring return for Q3 2025-26, for the commissioner (XLSX spreadsheet; counts of people supported under 5 shown as <5, and the counts that would give them away hidden)",
        ).click()
    download = await info.value
    assert download.suggested_filename == "monitoring-return-2025-10-01-2025-12-31.xlsx"
    book = load_workbook(io.BytesIO((await download.path()).read_bytes()))
    assert book.sheetnames[0] == "About" and len(book.sheetnames) == 7
    async with page.expect_download() as info:
        await page.get_by_role(
            "link", name="The staff-only copy of the return for Q3 2025-26", exact=False
        ).click()
    # The two copies never share a file name: the staff copy's says so.
    assert (await info.value).suggested_filename == "monitoring-return-2025-10-01-2025-12-31-staff-only.xlsx"
    await visit_checked(page)
